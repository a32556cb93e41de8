"""The HTTP contract, through FastAPI's test client over the real model and index."""

from collections.abc import Iterator

import pytest
from conftest import reuse
from engines import ENGINES
from fastapi.testclient import TestClient

from bot.services import Services
from bot.web.app import create_app

REPLY_KEYS = {"type", "answer", "sources", "disclaimer", "booking", "session_id"}


@pytest.fixture(scope="module", params=ENGINES)
def indexed(request: pytest.FixtureRequest) -> Services:
    """The chat contract holds with the index on local disk and on a Chroma server."""
    name = "indexed_on_server" if request.param == "chroma-server" else "indexed_on_disk"
    return request.getfixturevalue(name)


@pytest.fixture(scope="module")
def client(indexed: Services) -> Iterator[TestClient]:
    with TestClient(create_app(indexed.settings, build=reuse(indexed))) as test_client:
        yield test_client


def ask(client: TestClient, message: str, **extra: object) -> dict:
    response = client.post("/api/chat", json={"message": message, **extra})
    assert response.status_code == 200, response.text
    body = response.json()
    assert set(body) == REPLY_KEYS
    assert body["disclaimer"] and "not medical advice" in body["disclaimer"]
    assert body["booking"]["url"].startswith("https://")
    return body


def test_health_reports_articles_and_chunks(client: TestClient, indexed: Services) -> None:
    body = client.get("/health").json()
    assert body["status"] == "ok"
    assert body["articles"] == len(indexed.store.manifest()) >= 8
    assert body["chunks"] > body["articles"]
    assert body["model"] == "all-MiniLM-L6-v2"


def test_answer_is_grounded_and_cited(client: TestClient, indexed: Services) -> None:
    body = ask(client, "How does acupuncture help back pain?", session_id="abc")
    assert body["type"] == "answer"
    assert body["session_id"] == "abc"
    assert body["sources"][0] == {
        "title": "How Acupuncture Helps Back Pain",
        "url": "https://www.clinic.example/blog/acupuncture-for-back-pain",
        "source": "acupuncture-for-back-pain.md",
    }
    # The model may add its safety-net paragraph (a canned line, not article text) to an
    # ordinary question; the answer before it is what must be short and grounded.
    answer = body["answer"].removesuffix(f" {indexed.chat.replies.safety_net()}")
    assert len(answer) <= 500
    # Every sentence of the answer is a sentence of the cited articles, word for word.
    article_text = " ".join(
        s.text
        for hit in indexed.store.query(indexed.embedder.embed(["x"])[0], 500)
        for s in indexed.store.sentences([hit.id])
    )
    from bot.sources.chunking import split_sentences

    for sentence in split_sentences(answer):
        assert sentence in article_text


def test_follow_up_uses_history(client: TestClient) -> None:
    history = [
        {"role": "user", "content": "What is sciatica?"},
        {"role": "assistant", "content": "Sciatica is pain along the sciatic nerve."},
    ]
    body = ask(client, "How many sessions does that take?", history=history)
    assert body["type"] == "answer"
    assert body["sources"][0]["source"] == "sciatica.md"
    assert "six to ten" in body["answer"]


def test_unanswerable_question_gets_an_honest_no_answer(client: TestClient) -> None:
    body = ask(client, "Does insurance cover acupuncture?")
    assert body["type"] == "no_answer"
    assert body["sources"] == []
    assert "I don't have an article about that" in body["answer"]
    assert "(310) 555-0142" in body["answer"]


@pytest.mark.parametrize(
    "message",
    ["How do I book?", "What's your phone number?", "Can I schedule an appointment for Tuesday?"],
)
def test_booking_questions(client: TestClient, message: str) -> None:
    body = ask(client, message)
    assert body["type"] == "booking"
    assert body["booking"]["url"] in body["answer"]


@pytest.mark.parametrize("message", ["hi", "Hello!", "good morning"])
def test_greetings(client: TestClient, message: str) -> None:
    body = ask(client, message)
    assert body["type"] == "greeting"
    assert "back pain" in body["answer"]


@pytest.mark.parametrize(
    ("payload", "status", "fragment"),
    [
        ({"message": ""}, 422, "message: the message is empty"),
        ({"message": "   \n "}, 422, "the message is empty"),
        ({"message": "x" * 2001}, 422, "limit is 2000"),
        ({"message": 42}, 422, "message: Input should be a valid string"),
        ({}, 422, "message: Field required"),
        ({"message": "hi", "history": [{"role": "system", "content": "x"}]}, 422, "history.0.role"),
        (
            {"message": "hi", "history": [{"role": "user", "content": "x"}] * 21},
            422,
            "history: List should have at most 20 items",
        ),
        ({"message": "hi", "history": "nope"}, 422, "history"),
    ],
)
def test_invalid_requests_get_readable_4xx(
    client: TestClient, payload: dict, status: int, fragment: str
) -> None:
    response = client.post("/api/chat", json=payload)
    assert response.status_code == status
    assert fragment in response.json()["error"]


def test_malformed_json_is_a_400(client: TestClient) -> None:
    response = client.post(
        "/api/chat", content=b'{"message": "hi"', headers={"content-type": "application/json"}
    )
    assert response.status_code == 400
    assert response.json() == {"error": "the request body is not valid JSON"}
    # and the server keeps serving
    assert client.get("/health").status_code == 200


def test_openapi_documents_the_chat_route(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    assert "Answer a visitor's message" in spec["paths"]["/api/chat"]["post"]["description"]
