"""Statistics are best effort: storage that fails never fails a reply, and /health says so."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from conftest import reuse
from fastapi.testclient import TestClient

from bot.feedback.gaps import GapLog
from bot.feedback.ratings import FeedbackStore
from bot.services import Services
from bot.web.app import create_app


def test_chat_and_feedback_go_on_when_storage_fails(indexed: Services, tmp_path: Path) -> None:
    # A file where the data folder should be: every sqlite open fails, as on a full disk.
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    broken = dataclasses.replace(
        indexed,
        gaps=GapLog(blocker / "gaps.sqlite3", 90, indexed.embedder),
        feedback=FeedbackStore(blocker / "feedback.sqlite3"),
    )
    settings = indexed.settings.model_copy(update={"stream_delay_ms": 0})
    with TestClient(create_app(settings, build=reuse(broken))) as client:
        assert client.get("/health").json()["storage"] == "ok"
        reply = client.post("/api/chat", json={"message": "Does insurance cover acupuncture?"})
        assert reply.status_code == 200 and reply.json()["type"] == "no_answer"
        health = client.get("/health")
        assert health.status_code == 200
        assert health.json()["storage"] == "degraded"
        assert "content gap could not be stored" in health.json()["storage_problem"]

        stream = client.post("/api/chat/stream", json={"message": "What is cupping?"})
        answer_id = stream.text.split('"id": "')[1].split('"')[0]
        rated = client.post("/api/feedback", json={"answer_id": answer_id, "rating": "down"})
        assert rated.status_code == 204
