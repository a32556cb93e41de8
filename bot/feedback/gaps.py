"""Content gaps: questions the articles could not answer, kept without personal data.

Staff read them grouped by meaning to decide which article to write next. Each question is
embedded once, when it is recorded, and its vector stored with it: loading the staff page
groups stored vectors and embeds nothing (rows from before the vector column are embedded
once, on first load, and written back).
"""

from __future__ import annotations

import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from bot import tuning
from bot.embedding import Embedder
from bot.feedback.redact import redact
from bot.feedback.sqlite import SqliteTable

Vector = npt.NDArray[np.float32]


@dataclass(frozen=True)
class GapGroup:
    """Questions of like meaning, most frequent first."""

    example: str
    count: int
    kinds: dict[str, int]
    questions: list[str]


@dataclass(frozen=True)
class Gap:
    """One recorded question and its stored vector."""

    question: str
    kind: str
    vector: Vector


class GapLog:
    """SQLite log of unanswered, off-topic and thumbs-down questions (no IP, no session)."""

    def __init__(
        self,
        path: Path,
        retention_days: int,
        embedder: Embedder,
        max_rows: int = tuning.GAP_MAX_ROWS,
    ) -> None:
        self._retention = retention_days * 86400
        self._embedder = embedder
        self._max_rows = max_rows
        self._table = SqliteTable(
            path,
            "CREATE TABLE IF NOT EXISTS gaps (question TEXT NOT NULL, kind TEXT NOT NULL, "
            "created REAL NOT NULL, vector BLOB)",
        )
        self._migrated = False

    @property
    def problem(self) -> str | None:
        """Why the last recording failed, if it did (reported by ``/health``)."""
        return self._table.problem

    def record(self, question: str, kind: str) -> None:
        """Store one question, redacted, with its vector; forget anything past retention.

        Best effort: a storage failure is logged and reported by ``/health``, not raised.
        """
        text = redact(question)
        vector = self._embedder.embed([text])[0].astype(np.float32).tobytes()
        now = time.time()

        def insert(db: sqlite3.Connection) -> None:
            self._migrate(db)
            db.execute(
                "INSERT INTO gaps (question, kind, created, vector) VALUES (?, ?, ?, ?)",
                (text, kind, now, vector),
            )
            db.execute("DELETE FROM gaps WHERE created < ?", (now - self._retention,))

        self._table.write(insert, "a content gap")

    def rows(self) -> list[Gap]:
        """The newest ``max_rows`` questions within the retention period, oldest first."""
        with self._table.transaction() as db:
            self._migrate(db)
            found = db.execute(
                "SELECT rowid, question, kind, vector FROM gaps WHERE created >= ? "
                "ORDER BY created DESC LIMIT ?",
                (time.time() - self._retention, self._max_rows),
            ).fetchall()
        found.reverse()
        missing = [(rowid, str(q)) for rowid, q, _, v in found if v is None]
        vectors = self._embed_missing(missing)
        return [
            Gap(
                str(q),
                str(k),
                vectors[rowid] if v is None else np.frombuffer(v, dtype=np.float32),
            )
            for rowid, q, k, v in found
        ]

    def groups(self, limit: int | None = None, offset: int = 0) -> list[GapGroup]:
        """Questions grouped by meaning (cosine similarity to a group's first question),
        most frequent first; ``limit`` and ``offset`` page through the groups."""
        rows = self.rows()
        heads: list[int] = []
        head_vectors = np.zeros((len(rows), self._embedder.dimension), dtype=np.float32)
        members: dict[int, list[int]] = {}
        for i, row in enumerate(rows):
            sims = head_vectors[: len(heads)] @ row.vector
            best = int(np.argmax(sims)) if len(heads) else -1
            if best >= 0 and float(sims[best]) >= tuning.GAP_GROUP_SIMILARITY:
                members[heads[best]].append(i)
            else:
                head_vectors[len(heads)] = row.vector
                heads.append(i)
                members[i] = [i]
        groups = [_group(rows, idx) for idx in members.values()]
        groups.sort(key=lambda g: g.count, reverse=True)
        return groups[offset : None if limit is None else offset + limit]

    def _embed_missing(self, missing: list[tuple[int, str]]) -> dict[int, Vector]:
        """Embed rows stored without a vector, once: the vectors are written back."""
        if not missing:
            return {}
        vectors = self._embedder.embed([q for _, q in missing]).astype(np.float32)
        by_row = {rowid: vectors[i] for i, (rowid, _) in enumerate(missing)}
        self._table.write(
            lambda db: db.executemany(
                "UPDATE gaps SET vector = ? WHERE rowid = ?",
                [(v.tobytes(), rowid) for rowid, v in by_row.items()],
            ),
            "content-gap vectors",
        )
        return by_row

    def _migrate(self, db: sqlite3.Connection) -> None:
        """Add the vector column to a gaps table made before it existed."""
        if self._migrated:
            return
        columns = {str(c[1]) for c in db.execute("PRAGMA table_info(gaps)")}
        if "vector" not in columns:
            db.execute("ALTER TABLE gaps ADD COLUMN vector BLOB")
        self._migrated = True


def _group(rows: list[Gap], idx: list[int]) -> GapGroup:
    kinds: dict[str, int] = {}
    for i in idx:
        kinds[rows[i].kind] = kinds.get(rows[i].kind, 0) + 1
    return GapGroup(
        example=rows[idx[0]].question,
        count=len(idx),
        kinds=kinds,
        questions=[rows[i].question for i in idx][:10],
    )
