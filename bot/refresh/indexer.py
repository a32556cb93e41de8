"""Incremental indexing of an article folder: embed only what changed."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from tqdm import tqdm

from bot.embedding import Embedder
from bot.errors import BotError, CheckFailed, SourceError
from bot.index.versions import ActiveRecord, VersionRegistry
from bot.refresh.checks import Verifier, load_golden
from bot.sources.articles import Article, iter_articles
from bot.sources.chunking import Chunker
from bot.sources.limits import ParseLimits

# Below this many chunks to embed a bar would only flicker.
_PROGRESS_MIN_CHUNKS = 100


@dataclass
class IngestReport:
    """What one ingest run did, chunk by chunk and article by article."""

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


class Indexer:
    """Builds a new index version from a folder of articles, checks it, then switches to it."""

    def __init__(
        self,
        registry: VersionRegistry,
        embedder: Embedder,
        verifier: Verifier | None = None,
        chunker: Chunker | None = None,
        on_switch: Callable[[], None] | None = None,
        limits: ParseLimits | None = None,
    ) -> None:
        self._registry = registry
        self._embedder = embedder
        self._verifier = verifier or Verifier(embedder)
        self._chunker = chunker or Chunker()
        self._on_switch = on_switch
        self._limits = limits or ParseLimits()

    def rollback(self) -> ActiveRecord:
        """Serve the previous version again."""
        record = self._registry.rollback()
        if self._on_switch:
            self._on_switch()
        return record

    def run(
        self,
        folder: Path,
        *,
        rebuild: bool = False,
        progress: bool = True,
        on_progress: Callable[[int, int], None] | None = None,
    ) -> IngestReport:
        """Index ``folder``; a file that fails is reported and skipped, the rest still land.

        The active version keeps serving until the new one is complete and checked. If a
        check fails, :class:`CheckFailed` is raised and nothing changes for visitors.
        Callers that may race another writer hold
        :func:`bot.refresh.locks.writer_lock` around this.
        """
        started = time.perf_counter()
        report = IngestReport()
        self._registry.cleanup()  # whatever a killed run left behind
        articles: list[Article] = []
        failed_sources: set[str] = set()
        for item in iter_articles(folder, self._limits):
            if isinstance(item, SourceError):
                report.failures.append(item.message)
                failed_sources.add(item.source)
            else:
                articles.append(item)
                report.warnings += item.warnings
        golden = load_golden(folder)

        record = self._registry.read()
        active = self._registry.open(record.version) if record.version else None
        if active is not None and not rebuild:
            try:
                active.check_model()
            except BotError:
                rebuild = True  # a different model's vectors cannot be mixed with ours
                report.model_changed = True
        known = active.manifest() if active is not None and not rebuild else {}
        report.articles = len(articles)

        todo: list[tuple[Article, bool]] = []
        keep: list[str] = []
        for article in articles:
            old = known.get(article.source)
            if old is None:
                todo.append((article, False))
            elif old.content_hash != article.content_hash:
                todo.append((article, True))
            else:
                keep.append(article.source)
                report.articles_unchanged += 1
                report.chunks_unchanged += old.chunks
        # A file that failed to parse keeps its last good version rather than vanishing.
        keep += [s for s in failed_sources if s in known]
        current = {a.source for a in articles} | failed_sources
        removed = [s for s in known if s not in current]
        report.articles_removed = len(removed)
        report.chunks_removed = sum(known[s].chunks for s in removed)

        if active is not None and not rebuild and not todo and not removed:
            report.version = record.version
            report.seconds = time.perf_counter() - started
            return report  # nothing changed: no new version, nothing embedded

        version = self._registry.next_version()
        target = self._registry.open(version)
        if active is not None and keep:
            target.copy_articles(active, keep)
        expected = {s: known[s].chunks for s in keep}
        planned = [(a, changed, self._chunker.split(a)) for a, changed in todo]
        total = sum(len(chunks) for _, _, chunks in planned)
        bar = tqdm(
            total=total,
            unit="chunk",
            desc="embedding",
            file=sys.stderr,
            disable=not progress or total < _PROGRESS_MIN_CHUNKS,
        )
        done = 0
        with bar:
            for article, changed, chunks in planned:
                chunk_vectors = self._embedder.embed([c.embed_text for c in chunks])
                sentence_texts = [t for c in chunks for t in c.sentence_embed_texts()]
                sentence_vectors = self._embedder.embed(sentence_texts)
                target.put_article(article, chunks, chunk_vectors, sentence_vectors)
                expected[article.source] = len(chunks)
                report.embedded += len(chunks) + len(sentence_texts)
                if changed:
                    report.articles_changed += 1
                    report.chunks_replaced += len(chunks)
                    report.chunks_removed += max(0, known[article.source].chunks - len(chunks))
                else:
                    report.articles_new += 1
                    report.chunks_added += len(chunks)
                bar.update(len(chunks))
                done += len(chunks)
                if on_progress:
                    on_progress(done, total)

        problems = self._verifier.problems(target, expected, golden)
        if problems:
            self._registry.drop(version)
            raise CheckFailed(
                "the new index failed its checks, so the current one keeps serving: "
                + "; ".join(problems)
            )
        self._registry.activate(version, record.version)
        self._registry.cleanup()
        if self._on_switch:
            self._on_switch()
        report.version = version
        report.seconds = time.perf_counter() - started
        return report
