"""Content gaps: questions the articles could not answer, kept without personal data.

Staff read them grouped by meaning to decide which article to write next.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from bot import tuning
from bot.embedding import Embedder
from bot.feedback.redact import redact
from bot.feedback.sqlite import SqliteTable


@dataclass(frozen=True)
class GapGroup:
    """Questions of like meaning, most frequent first."""

    example: str
    count: int
    kinds: dict[str, int]
    questions: list[str]


class GapLog:
    """SQLite log of unanswered, off-topic and thumbs-down questions (no IP, no session)."""

    def __init__(self, path: Path, retention_days: int) -> None:
        self._retention = retention_days * 86400
        self._table = SqliteTable(
            path,
            "CREATE TABLE IF NOT EXISTS gaps (question TEXT NOT NULL, kind TEXT NOT NULL, "
            "created REAL NOT NULL)",
        )

    def record(self, question: str, kind: str) -> None:
        """Store one question, redacted, and forget anything past the retention period."""
        now = time.time()
        with self._table.transaction() as db:
            db.execute("INSERT INTO gaps VALUES (?, ?, ?)", (redact(question), kind, now))
            db.execute("DELETE FROM gaps WHERE created < ?", (now - self._retention,))

    def rows(self) -> list[tuple[str, str]]:
        """(question, kind) within the retention period, oldest first."""
        with self._table.transaction() as db:
            found = db.execute(
                "SELECT question, kind FROM gaps WHERE created >= ? ORDER BY created",
                (time.time() - self._retention,),
            ).fetchall()
        return [(str(q), str(k)) for q, k in found]

    def groups(self, embedder: Embedder) -> list[GapGroup]:
        """Questions grouped by meaning (cosine similarity to a group's first question)."""
        rows = self.rows()
        if not rows:
            return []
        vectors = embedder.embed([q for q, _ in rows])
        heads: list[int] = []
        members: dict[int, list[int]] = {}
        for i in range(len(rows)):
            sims = [float(vectors[i] @ vectors[h]) for h in heads]
            best = int(np.argmax(sims)) if sims else -1
            if best >= 0 and sims[best] >= tuning.GAP_GROUP_SIMILARITY:
                members[heads[best]].append(i)
            else:
                heads.append(i)
                members[i] = [i]
        groups = []
        for head, idx in members.items():
            kinds: dict[str, int] = {}
            for i in idx:
                kinds[rows[i][1]] = kinds.get(rows[i][1], 0) + 1
            groups.append(
                GapGroup(
                    example=rows[head][0],
                    count=len(idx),
                    kinds=kinds,
                    questions=[rows[i][0] for i in idx][:10],
                )
            )
        return sorted(groups, key=lambda g: g.count, reverse=True)
