"""HTTP behaviour around the widget: streaming, feedback, CORS, rate limits, headers."""

import json
from collections.abc import Iterator

import pytest
from conftest import reuse
from fastapi.testclient import TestClient

from bot.services import Services
from bot.web.app import create_app

HOST_ORIGIN = "https://clinic-site.example"


@pytest.fixture(scope="module")
def web(indexed: Services) -> Iterator[TestClient]:
    settings = indexed.settings.model_copy(
        update={"allowed_origins": HOST_ORIGIN, "rate_limit": "3/minute", "stream_delay_ms": 0}
    )
    with TestClient(create_app(settings, build=reuse(indexed))) as client:
        yield client


def events(text: str) -> list[tuple[str, dict]]:
    out = []
    for block in text.replace("\r\n", "\n").strip().split("\n\n"):
        lines = dict(line.split(": ", 1) for line in block.splitlines() if ": " in line)
        if "event" in lines:
            out.append((lines["event"], json.loads(lines["data"])))
    return out


def test_stream_sends_meta_deltas_and_done(client: TestClient) -> None:
    plain = client.post("/api/chat", json={"message": "What is cupping?"}).json()
    response = client.post("/api/chat/stream", json={"message": "What is cupping?"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/event-stream")
    got = events(response.text)
    kinds = [k for k, _ in got]
    assert kinds[0] == "meta" and kinds[-1] == "done" and kinds.count("delta") > 3
    meta = got[0][1]
    assert meta["type"] == "answer" and meta["sources"] == plain["sources"]
    assert meta["disclaimer"] and meta["booking"]["url"]
    assert "".join(d["text"] for k, d in got if k == "delta") == plain["answer"]
    assert got[-1][1]["id"] == meta["id"]


def test_stream_rejects_bad_input_with_a_readable_4xx(client: TestClient) -> None:
    response = client.post("/api/chat/stream", json={"message": " "})
    assert response.status_code == 422
    assert "empty" in response.json()["error"]


def test_feedback_is_stored_without_personal_data(client: TestClient) -> None:
    stream = client.post("/api/chat/stream", json={"message": "What is cupping?"})
    answer_id = events(stream.text)[0][1]["id"]
    response = client.post(
        "/api/feedback",
        json={
            "answer_id": answer_id,
            "rating": "down",
            "comment": "wrong, mail me at jo@example.com or 310-555-0199",
        },
    )
    assert response.status_code == 204
    stored = client.app.state.services.feedback.all()
    assert (answer_id, "down", "wrong, mail me at [email] or [phone]") in stored
    bad = client.post("/api/feedback", json={"answer_id": "abc", "rating": "meh"})
    assert bad.status_code == 422 and "rating" in bad.json()["error"]


def test_widget_config(client: TestClient) -> None:
    body = client.get("/api/config").json()
    assert len(body["suggestions"]) == 3
    assert body["disclaimer"] and body["booking"]["url"] and body["emergency_number"] == "911"


def test_cors_allows_only_configured_origins(web: TestClient) -> None:
    ok = web.options(
        "/api/chat", headers={"Origin": HOST_ORIGIN, "Access-Control-Request-Method": "POST"}
    )
    assert ok.headers["access-control-allow-origin"] == HOST_ORIGIN
    assert "access-control-allow-credentials" not in ok.headers
    evil = web.options(
        "/api/chat",
        headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "POST"},
    )
    assert "access-control-allow-origin" not in evil.headers


def test_no_cors_unless_configured(client: TestClient) -> None:
    response = client.get("/health", headers={"Origin": "https://evil.example"})
    assert "access-control-allow-origin" not in response.headers


def test_rate_limit_answers_429_with_retry_after(web: TestClient) -> None:
    codes = [web.post("/api/chat", json={"message": "hi"}).status_code for _ in range(4)]
    assert codes[:3] == [200, 200, 200] and codes[3] == 429
    limited = web.post("/api/chat/stream", json={"message": "hi"})
    assert limited.status_code == 429
    assert 1 <= int(limited.headers["retry-after"]) <= 60
    assert "Please wait" in limited.json()["error"]
    assert web.get("/health").status_code == 200  # only the chat endpoints are limited


def test_security_headers_and_demo_page(client: TestClient) -> None:
    page = client.get("/")
    assert page.status_code == 200 and '<script src="/widget.js" defer>' in page.text
    assert "script-src 'self'" in page.headers["content-security-policy"]
    for response in (page, client.get("/health"), client.get("/widget.js")):
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["referrer-policy"] == "strict-origin-when-cross-origin"
    script = client.get("/widget.js")
    assert script.headers["content-type"].startswith("text/javascript")
    assert len(script.content) < 40_000
    assert "innerHTML" not in script.text.replace("launcher.innerHTML", "")
