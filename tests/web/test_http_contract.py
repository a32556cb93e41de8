"""The HTTP contract at its edges: bad text, big bodies, unknown paths, the published schema."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from conftest import reuse
from fastapi.testclient import TestClient

from bot.services import Services
from bot.web.app import create_app

ORIGIN = "https://clinic-site.example"
CORS = {"Origin": ORIGIN}
JSON = {"Content-Type": "application/json", **CORS}


@pytest.fixture(scope="module")
def edge(indexed: Services) -> Iterator[TestClient]:
    settings = indexed.settings.model_copy(
        update={"allowed_origins": ORIGIN, "rate_limit": "1000/minute", "stream_delay_ms": 0}
    )
    with TestClient(create_app(settings, build=reuse(indexed))) as client:
        yield client


def assert_error(response: object, status: int) -> dict:
    assert response.status_code == status, response.text  # type: ignore[attr-defined]
    body = response.json()  # type: ignore[attr-defined]
    assert isinstance(body["error"], str) and body["error"]
    assert "detail" not in body
    return body


@pytest.mark.parametrize(
    ("url", "body"),
    [
        ("/api/chat", r'{"message": "\ud800 back pain"}'),
        ("/api/chat/stream", r'{"message": "back pain \udfff"}'),
        ("/api/chat", r'{"message": "hi", "history": [{"role": "user", "content": "\ud800"}]}'),
        ("/api/chat", r'{"message": "hi", "session_id": "\ud800"}'),
        ("/api/feedback", r'{"answer_id": "abc", "rating": "up", "comment": "\ud800"}'),
    ],
)
def test_a_lone_surrogate_in_any_text_field_is_a_422_with_cors(
    edge: TestClient, url: str, body: str
) -> None:
    response = edge.post(url, content=body.encode(), headers=JSON)
    assert_error(response, 422)
    assert response.headers["access-control-allow-origin"] == ORIGIN


def test_a_body_over_the_limit_is_refused_before_parsing(edge: TestClient) -> None:
    big = b'{"message": "' + b"a" * 70_000 + b'"}'
    declared = edge.post("/api/chat", content=big, headers=JSON)
    assert "byte limit" in assert_error(declared, 413)["error"]
    assert declared.headers["access-control-allow-origin"] == ORIGIN
    # A chunked body declares no length: the bytes received are counted.
    chunked = edge.post("/api/feedback", content=iter([big[:40_000], big[40_000:]]), headers=JSON)
    assert "content-length" not in chunked.request.headers
    assert_error(chunked, 413)
    assert edge.post("/api/chat", json={"message": "hi"}).status_code == 200


def test_unknown_paths_and_methods_answer_in_the_error_shape(edge: TestClient) -> None:
    assert_error(edge.get("/no-such-page"), 404)
    assert_error(edge.get("/api/chat"), 405)


def test_feedback_needs_a_recent_answer_id(edge: TestClient) -> None:
    made_up = edge.post("/api/feedback", json={"answer_id": "made-up", "rating": "up"})
    assert "no recent answer" in assert_error(made_up, 404)["error"]


def test_api_docs_are_off_unless_enabled(edge: TestClient, indexed: Services) -> None:
    assert edge.get("/docs").status_code == 404 and edge.get("/redoc").status_code == 404
    settings = indexed.settings.model_copy(update={"api_docs": True})
    with TestClient(create_app(settings, build=reuse(indexed))) as client:
        assert client.get("/docs").status_code == 200 and client.get("/redoc").status_code == 200


def test_the_schema_documents_what_the_api_does(indexed: Services) -> None:
    settings = indexed.settings.model_copy(update={"admin_token": "t" * 40})
    with TestClient(create_app(settings, build=reuse(indexed))) as client:
        schema = client.get("/openapi.json").json()
    assert not [p for p in schema["paths"] if p.startswith("/admin")]
    message = schema["components"]["schemas"]["ChatRequest"]["properties"]["message"]
    assert message["minLength"] == 1 and message["maxLength"] == 2000
    error = {"$ref": "#/components/schemas/ErrorBody"}
    chat = schema["paths"]["/api/chat"]["post"]["responses"]
    for status in ("400", "413", "422", "429"):
        assert chat[status]["content"]["application/json"]["schema"] == error
    assert "404" in schema["paths"]["/api/feedback"]["post"]["responses"]
    stream = schema["paths"]["/api/chat/stream"]["post"]["responses"]["200"]["content"]
    assert list(stream) == ["text/event-stream"]
    assert "HTTPValidationError" not in schema["components"]["schemas"]
