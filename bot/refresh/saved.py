"""The active version's content hashes, saved beside the index as a small JSON file.

A refresh with nothing changed should take about a second as a whole process, so the
ingest command compares the folder against this file before it imports Chroma or loads
the model. The file is deleted before any switch and written after it, so a run killed in
between leaves no file (and the next run takes the ordinary path, which reads Chroma). It
is used only with the local-disk index: with a Chroma server another machine may switch.
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.refresh.report import IngestReport
from bot.sources.articles import Article


@dataclass(frozen=True)
class SavedHashes:
    """Reads and writes the saved hashes of the active version."""

    path: Path

    def forget(self) -> None:
        """Delete the file: the active version is about to change."""
        self.path.unlink(missing_ok=True)

    def save(
        self, version: str, model: str, dimension: int, articles: dict[str, tuple[str, int]]
    ) -> None:
        """Record ``version``'s articles as ``{source: (content hash, sections)}``."""
        data = {"version": version, "model": model, "dimension": dimension, "articles": articles}
        partial = self.path.with_suffix(".partial")
        partial.write_text(json.dumps(data), encoding="utf-8")
        os.replace(partial, self.path)

    def unchanged(
        self, model: str, dimension: int, articles: Sequence[Article], failed: set[str]
    ) -> IngestReport | None:
        """The report of a no-change refresh, or None if anything (or the model) changed."""
        try:
            data: dict[str, Any] = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        saved: dict[str, list[Any]] = data.get("articles", {})
        if data.get("model") != model or data.get("dimension") != dimension:
            return None
        if any(saved.get(a.source, [None])[0] != a.content_hash for a in articles):
            return None
        if set(saved) - {a.source for a in articles} - failed:
            return None  # an article was removed
        return IngestReport(
            articles=len(articles),
            articles_unchanged=len(articles),
            chunks_unchanged=sum(int(saved[a.source][1]) for a in articles),
            version=str(data["version"]),
            model_loaded=False,
        )
