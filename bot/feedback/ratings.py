"""Thumbs up/down on answers, stored in SQLite without personal data."""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from pathlib import Path
from typing import Protocol

import redis

from bot.feedback.redact import redact_contacts
from bot.feedback.sqlite import SqliteTable


class FeedbackStore:
    """Ratings by answer id; no IP address, no session id, comments redacted."""

    def __init__(self, path: Path) -> None:
        self._table = SqliteTable(
            path,
            "CREATE TABLE IF NOT EXISTS feedback (answer_id TEXT NOT NULL, rating TEXT NOT "
            "NULL CHECK (rating IN ('up', 'down')), comment TEXT, created REAL NOT NULL)",
        )

    def add(self, answer_id: str, rating: str, comment: str | None) -> None:
        """Store one rating."""
        with self._table.transaction() as db:
            db.execute(
                "INSERT INTO feedback VALUES (?, ?, ?, ?)",
                (answer_id, rating, redact_contacts(comment) if comment else None, time.time()),
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

    def remember(self, answer_id: str, question: str) -> None:
        """Note which question an answer id answered."""
        ...

    def question(self, answer_id: str) -> str | None:
        """The question for ``answer_id``, if it is recent."""
        ...


class RecentQuestions:
    """A :class:`QuestionMemory` in this process: only the last ``size`` answers."""

    def __init__(self, size: int = 5000) -> None:
        self._size = size
        self._items: OrderedDict[str, str] = OrderedDict()
        self._lock = threading.Lock()

    def remember(self, answer_id: str, question: str) -> None:
        """Note which question an answer id answered."""
        with self._lock:
            self._items[answer_id] = question
            while len(self._items) > self._size:
                self._items.popitem(last=False)

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

    def remember(self, answer_id: str, question: str) -> None:
        """Note which question an answer id answered, for ``ttl_seconds``."""
        self._client.set(f"{self._prefix}{answer_id}", question.encode(), ex=self._ttl)

    def question(self, answer_id: str) -> str | None:
        """The question for ``answer_id``, if it has not expired."""
        raw = self._client.get(f"{self._prefix}{answer_id}")
        return raw.decode() if isinstance(raw, bytes) else None
