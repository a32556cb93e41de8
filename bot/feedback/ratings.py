"""Thumbs up/down on answers, stored in SQLite without personal data."""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from pathlib import Path
from typing import Protocol

import redis

from bot.feedback.redact import redact
from bot.feedback.sqlite import SqliteTable


class FeedbackStore:
    """Ratings by answer id; no IP address, no session id, comments redacted."""

    def __init__(self, path: Path) -> None:
        self._table = SqliteTable(
            path,
            "CREATE TABLE IF NOT EXISTS feedback (answer_id TEXT NOT NULL, rating TEXT NOT "
            "NULL CHECK (rating IN ('up', 'down')), comment TEXT, created REAL NOT NULL)",
        )

    @property
    def problem(self) -> str | None:
        """Why the last rating could not be stored, if it could not (``/health``)."""
        return self._table.problem

    def add(self, answer_id: str, rating: str, comment: str | None) -> None:
        """Store one rating, best effort: a storage failure is logged, not raised."""
        row = (answer_id, rating, redact(comment) if comment else None, time.time())
        self._table.write(
            lambda db: db.execute("INSERT INTO feedback VALUES (?, ?, ?, ?)", row), "a rating"
        )

    def all(self) -> list[tuple[str, str, str | None]]:
        """Every rating as (answer id, rating, comment), oldest first."""
        with self._table.transaction() as db:
            rows = db.execute(
                "SELECT answer_id, rating, comment FROM feedback ORDER BY created"
            ).fetchall()
        return [(str(a), str(r), c) for a, r, c in rows]


class QuestionMemory(Protocol):
    """The question behind each recent answer id, so a thumbs-down can name its question."""

    def remember(self, answer_id: str, question: str | None) -> None:
        """Note an answer id, and the question it answered if it may name a content gap."""
        ...

    def known(self, answer_id: str) -> bool:
        """Whether ``answer_id`` is one of the recent answers."""
        ...

    def question(self, answer_id: str) -> str | None:
        """The question for ``answer_id``, if it is recent."""
        ...


class RecentQuestions:
    """A :class:`QuestionMemory` in this process: only the last ``size`` answers."""

    def __init__(self, size: int = 5000) -> None:
        self._size = size
        self._items: OrderedDict[str, str | None] = OrderedDict()
        self._lock = threading.Lock()

    def remember(self, answer_id: str, question: str | None) -> None:
        """Note an answer id, and the question it answered if it may name a content gap."""
        with self._lock:
            self._items[answer_id] = question
            while len(self._items) > self._size:
                self._items.popitem(last=False)

    def known(self, answer_id: str) -> bool:
        """Whether ``answer_id`` is one of the recent answers."""
        with self._lock:
            return answer_id in self._items

    def question(self, answer_id: str) -> str | None:
        """The question for ``answer_id``, if it is recent."""
        with self._lock:
            return self._items.get(answer_id)


class RedisRecentQuestions:
    """A :class:`QuestionMemory` in Redis, shared by every process, each entry with a TTL.

    Feedback may reach another process (or machine) than the one that gave the answer.
    """

    def __init__(self, client: redis.Redis, prefix: str, ttl_seconds: int) -> None:
        self._client = client
        self._prefix = prefix
        self._ttl = ttl_seconds

    def remember(self, answer_id: str, question: str | None) -> None:
        """Note an answer id (and its question, if any) for ``ttl_seconds``."""
        self._client.set(f"{self._prefix}{answer_id}", (question or "").encode(), ex=self._ttl)

    def known(self, answer_id: str) -> bool:
        """Whether ``answer_id`` was handed out within ``ttl_seconds``."""
        return bool(self._client.exists(f"{self._prefix}{answer_id}"))

    def question(self, answer_id: str) -> str | None:
        """The question for ``answer_id``, if it has not expired."""
        raw = self._client.get(f"{self._prefix}{answer_id}")
        return raw.decode() or None if isinstance(raw, bytes) else None
