"""Incremental indexing of an article folder: embed only what changed."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tqdm import tqdm

from bot.embedding import Embedder
from bot.errors import BotError, CheckFailed
from bot.index.store import ArticleRecord, ChromaStore
from bot.index.versions import ActiveRecord, VersionRegistry
from bot.limits import ParseLimits
from bot.refresh.checks import Verifier, load_golden
from bot.refresh.folder import ingest_lock, read_articles
from bot.refresh.report import IngestReport
from bot.refresh.saved import SavedHashes
from bot.sources.articles import Article
from bot.sources.chunking import Chunker

# Below this many chunks to embed a bar would only flicker.
_PROGRESS_MIN_CHUNKS = 100
# Texts embedded in one go, across articles: big batches of similar length keep the
# model busy; identical texts (a footer every article shares) are embedded once.
_EMBED_GROUP = 512

__all__ = ["Indexer", "IngestReport", "RefreshPlan", "ingest_lock", "read_articles"]


@dataclass
class RefreshPlan:
    """What a refresh must do, decided from content hashes before anything is embedded."""

    report: IngestReport
    started: float
    record: ActiveRecord
    active: ChromaStore | None
    rebuild: bool
    todo: list[tuple[Article, bool]]
    keep: list[str]
    known: dict[str, ArticleRecord]
    golden: list[dict[str, Any]]

    @property
    def nothing_to_do(self) -> bool:
        """No article new, changed or removed, and the model is the same."""
        return (
            self.active is not None
            and not self.rebuild
            and not self.todo
            and not self.report.articles_removed
        )


class Indexer:
    """Builds a new index version from a folder of articles, checks it, then switches to it."""

    def __init__(
        self,
        registry: VersionRegistry,
        embedder: Embedder,
        verifier: Verifier | None = None,
        chunker: Chunker | None = None,
        on_switch: Callable[[], None] | None = None,
        saved: SavedHashes | None = None,
        limits: ParseLimits | None = None,
    ) -> None:
        self._registry = registry
        self._embedder = embedder
        self._verifier = verifier or Verifier(embedder)
        self._chunker = chunker or Chunker()
        self._on_switch = on_switch
        self._saved = saved
        self._limits = limits or ParseLimits()

    def rollback(self) -> ActiveRecord:
        """Serve the previous version again."""
        if self._saved:
            self._saved.forget()
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
        Callers that may race another writer hold :func:`bot.refresh.locks.writer_lock`.
        """
        plan = self.plan(folder, rebuild=rebuild)
        if plan.nothing_to_do:
            if self._saved and plan.record.version and not self._saved.path.exists():
                self._saved.save(
                    plan.record.version,
                    self._embedder.name,
                    self._embedder.dimension,
                    {s: (r.content_hash, r.chunks) for s, r in plan.known.items()},
                )
            plan.report.version = plan.record.version
            plan.report.seconds = time.perf_counter() - plan.started
            return plan.report  # nothing changed: no new version, nothing embedded
        version = self._registry.next_version()
        target = self._registry.open(version)
        if plan.active is not None and plan.keep:
            target.copy_articles(plan.active, plan.keep)
        expected = {s: plan.known[s].chunks for s in plan.keep}
        expected |= self._embed_all(plan, target, progress, on_progress)
        problems = self._verifier.problems(target, expected, plan.golden)
        if problems:
            self._registry.drop(version)
            raise CheckFailed(
                "the new index failed its checks, so the current one keeps serving: "
                + "; ".join(problems)
            )
        self._switch(version, plan.record.version, target)
        plan.report.version = version
        plan.report.seconds = time.perf_counter() - plan.started
        return plan.report

    def plan(self, folder: Path, *, rebuild: bool = False) -> RefreshPlan:
        """Compare ``folder`` with the active version by content hash; nothing is embedded."""
        started = time.perf_counter()
        self._registry.cleanup()  # whatever a killed run left behind
        articles, failures, failed_sources = read_articles(folder, self._limits)
        report = IngestReport(articles=len(articles), failures=failures)
        report.warnings = [w for a in articles for w in a.warnings]
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
        return RefreshPlan(report, started, record, active, rebuild, todo, keep, known, golden)

    def _embed_all(
        self,
        plan: RefreshPlan,
        target: ChromaStore,
        progress: bool,
        on_progress: Callable[[int, int], None] | None,
    ) -> dict[str, int]:
        """Embed and write every new or changed article, in large batches across articles."""
        planned = [(a, changed, self._chunker.split(a)) for a, changed in plan.todo]
        total = sum(len(chunks) for _, _, chunks in planned)
        written: dict[str, int] = {}
        done = 0
        bar = tqdm(
            total=total,
            unit="chunk",
            desc="embedding",
            file=sys.stderr,
            disable=not progress or total < _PROGRESS_MIN_CHUNKS,
        )
        with bar:
            for group in _groups(planned):
                sections = [c.embed_text for _, _, chunks in group for c in chunks]
                sentences = [
                    t for _, _, chunks in group for c in chunks for t in c.sentence_embed_texts()
                ]
                section_vectors = _embed_unique(self._embedder, sections)
                sentence_vectors = _embed_unique(self._embedder, sentences)
                plan.report.embedded += len(sections) + len(sentences)
                for article, changed, chunks in group:
                    n_sentences = sum(len(c.sentence_embed_texts()) for c in chunks)
                    target.put_article(
                        article,
                        chunks,
                        section_vectors[: len(chunks)],
                        sentence_vectors[:n_sentences],
                    )
                    section_vectors = section_vectors[len(chunks) :]
                    sentence_vectors = sentence_vectors[n_sentences:]
                    written[article.source] = len(chunks)
                    self._count(plan, article, changed, len(chunks))
                    bar.update(len(chunks))
                    done += len(chunks)
                if on_progress:
                    on_progress(done, total)
        return written

    @staticmethod
    def _count(plan: RefreshPlan, article: Article, changed: bool, chunks: int) -> None:
        report = plan.report
        if changed:
            report.articles_changed += 1
            report.chunks_replaced += chunks
            report.chunks_removed += max(0, plan.known[article.source].chunks - chunks)
        else:
            report.articles_new += 1
            report.chunks_added += chunks

    def _switch(self, version: str, previous: str | None, target: ChromaStore) -> None:
        """Make ``version`` serve, and save its hashes for the next no-change check."""
        if self._saved:
            self._saved.forget()
        self._registry.activate(version, previous)
        self._registry.cleanup()
        if self._saved:
            articles = {s: (r.content_hash, r.chunks) for s, r in target.manifest().items()}
            self._saved.save(version, target.model, target.dimension, articles)
        if self._on_switch:
            self._on_switch()


def _groups(planned: list[Any]) -> Iterator[list[Any]]:
    """Consecutive articles holding about ``_EMBED_GROUP`` texts between them."""
    group: list[Any] = []
    size = 0
    for item in planned:
        group.append(item)
        size += sum(1 + len(c.sentence_embed_texts()) for c in item[2])
        if size >= _EMBED_GROUP:
            yield group
            group, size = [], 0
    if group:
        yield group


def _embed_unique(embedder: Embedder, texts: list[str]) -> Any:
    """Vectors for ``texts``, embedding each distinct text once."""
    unique = list(dict.fromkeys(texts))
    vectors = embedder.embed(unique)
    row = {text: i for i, text in enumerate(unique)}
    return vectors[[row[t] for t in texts]] if texts else vectors
