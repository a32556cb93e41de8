"""Content gaps: each question embedded once, the newest rows only, grouped a page at a time."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

from conftest import FakeEmbedder

from bot.feedback.gaps import GapLog


def test_loading_gaps_embeds_nothing_already_recorded(tmp_path: Path) -> None:
    embedder = FakeEmbedder()
    log = GapLog(tmp_path / "gaps.sqlite3", retention_days=90, embedder=embedder)
    for question in ("insurance for acupuncture", "insurance acupuncture", "weather today"):
        log.record(question, "no_answer")
    recorded = embedder.embedded
    first = log.groups()
    assert log.groups() == first
    assert embedder.embedded == recorded
    assert [g.count for g in first] == [2, 1]


def test_rows_stored_before_vectors_are_embedded_once(tmp_path: Path) -> None:
    path = tmp_path / "gaps.sqlite3"
    with sqlite3.connect(path) as db:  # the table as it was before the vector column
        db.execute("CREATE TABLE gaps (question TEXT NOT NULL, kind TEXT NOT NULL, created REAL)")
        db.execute("INSERT INTO gaps VALUES ('old question', 'no_answer', ?)", (time.time(),))
    embedder = FakeEmbedder()
    log = GapLog(path, retention_days=90, embedder=embedder)
    assert log.groups()[0].example == "old question"
    log.groups()
    assert embedder.embedded == 1


def test_only_the_newest_rows_are_grouped_and_groups_are_paged(tmp_path: Path) -> None:
    log = GapLog(tmp_path / "gaps.sqlite3", 90, FakeEmbedder(), max_rows=3)
    for question in ("alpha", "bravo", "bravo", "charlie", "charlie", "charlie"):
        log.record(question, "no_answer")
    assert [r.question for r in log.rows()] == ["charlie"] * 3
    log = GapLog(tmp_path / "gaps.sqlite3", 90, FakeEmbedder(), max_rows=100)
    assert [g.example for g in log.groups()] == ["charlie", "bravo", "alpha"]
    assert [g.example for g in log.groups(limit=1, offset=1)] == ["bravo"]
    assert log.groups(limit=5, offset=3) == []
