"""What one ingest run did, for people (``summary``) and for tools (``to_json``)."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field


@dataclass
class IngestReport:
    """What one ingest run did, section by section and article by article."""

    articles: int = 0
    articles_new: int = 0
    articles_changed: int = 0
    articles_removed: int = 0
    articles_unchanged: int = 0
    chunks_added: int = 0
    chunks_replaced: int = 0
    chunks_removed: int = 0
    chunks_unchanged: int = 0
    embedded: int = 0
    seconds: float = 0.0
    version: str | None = None
    model_changed: bool = False
    model_loaded: bool = True
    failures: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def summary(self) -> str:
        """A short human-readable summary for the CLI."""
        lines = [
            f"articles: {self.articles} ({self.articles_new} new, {self.articles_changed} "
            f"changed, {self.articles_removed} removed, {self.articles_unchanged} unchanged)",
            f"chunks: {self.chunks_added} added, {self.chunks_replaced} replaced, "
            f"{self.chunks_removed} removed, {self.chunks_unchanged} unchanged "
            f"({self.embedded} texts embedded in {self.seconds:.2f}s)",
            f"index version: {self.version or 'none'}"
            + (" (model changed: full rebuild)" if self.model_changed else ""),
        ]
        if self.failures:
            lines.append(f"failed: {len(self.failures)} file(s)")
            lines += [f"  - {reason}" for reason in self.failures]
        if self.warnings:
            lines.append(f"warnings: {len(self.warnings)}")
            lines += [f"  - {warning}" for warning in self.warnings]
        return "\n".join(lines)

    def to_json(self) -> str:
        """Every field, for ``ingest.py --report-json`` (read by ``make bench``)."""
        return json.dumps(asdict(self), indent=2)
