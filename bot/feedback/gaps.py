"""Content gaps: questions the articles could not answer, kept without personal data.

Staff read them grouped by meaning to decide which article to write next.
"""

from __future__ import annotations

import re
import sqlite3
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from bot.embedding import Embedder
from bot.feedback.ratings import redact as redact_contacts

# The introduction is matched in any case; the name itself must be capitalised.
_NAME = re.compile(
    r"\b((?i:my name is|my name's|i am called|this is|call me|name:))\s+[A-Z][a-z]+"
    r"(\s+[A-Z][a-z]+)?"
)
_DATE = re.compile(
    r"\b(\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}|\d{4}-\d{2}-\d{2}|(jan|feb|mar|apr|may|jun|jul|aug|"
    r"sep|oct|nov|dec)[a-z]*\.? \d{1,2}(st|nd|rd|th)?,? \d{4}|\d{1,2}(st|nd|rd|th)? (of )?(jan|"
    r"feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*,? \d{4})\b",
    re.IGNORECASE,
)
_SIMILAR = 0.72


def redact(text: str) -> str:
    """Remove e-mails, phone numbers, self-introduced names and dates (of birth) from text."""
    text = _DATE.sub("[date]", text)  # before phones: "1980-02-01" looks like a number
    text = redact_contacts(text)
    return _NAME.sub(lambda m: f"{m.group(1)} [name]", text)


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
        path.parent.mkdir(parents=True, exist_ok=True)
        self._retention = retention_days * 86400
        self._lock = threading.Lock()
        self._db = sqlite3.connect(str(path), check_same_thread=False)
        with self._db:
            self._db.execute(
                "CREATE TABLE IF NOT EXISTS gaps (question TEXT NOT NULL, kind TEXT NOT NULL, "
                "created REAL NOT NULL)"
            )

    def record(self, question: str, kind: str) -> None:
        """Store one question, redacted, and forget anything past the retention period."""
        now = time.time()
        with self._lock, self._db:
            self._db.execute("INSERT INTO gaps VALUES (?, ?, ?)", (redact(question), kind, now))
            self._db.execute("DELETE FROM gaps WHERE created < ?", (now - self._retention,))

    def rows(self) -> list[tuple[str, str]]:
        """(question, kind) within the retention period, oldest first."""
        with self._lock:
            found = self._db.execute(
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
            if best >= 0 and sims[best] >= _SIMILAR:
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
