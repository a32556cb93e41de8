"""Incremental indexing of an article folder: embed only what changed."""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from filelock import FileLock, Timeout
from tqdm import tqdm

from bot.chunking import Chunker
from bot.corpus import Article, iter_articles
from bot.embedding import Embedder
from bot.errors import IngestLocked, SourceError
from bot.store import ChromaStore

# Below this many chunks to embed a bar would only flicker.
_PROGRESS_MIN_CHUNKS = 100


@contextmanager
def ingest_lock(path: Path) -> Iterator[None]:
    """Hold the one-writer lock, or fail at once if another ingest holds it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    lock = FileLock(str(path))
    try:
        lock.acquire(timeout=0)
    except Timeout as exc:
        raise IngestLocked(
            f"another ingest is already running (lock: {path}); try again when it finishes"
        ) from exc
    try:
        yield
    finally:
        lock.release()


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
    failures: list[str] = field(default_factory=list)

    def summary(self) -> str:
        """A short human-readable summary for the CLI."""
        lines = [
            f"articles: {self.articles} ({self.articles_new} new, {self.articles_changed} "
            f"changed, {self.articles_removed} removed, {self.articles_unchanged} unchanged)",
            f"chunks: {self.chunks_added} added, {self.chunks_replaced} replaced, "
            f"{self.chunks_removed} removed, {self.chunks_unchanged} unchanged "
            f"({self.embedded} texts embedded in {self.seconds:.2f}s)",
        ]
        if self.failures:
            lines.append(f"failed: {len(self.failures)} file(s)")
            lines += [f"  - {reason}" for reason in self.failures]
        return "\n".join(lines)


class Indexer:
    """Brings the index in line with a folder of articles."""

    def __init__(
        self, store: ChromaStore, embedder: Embedder, chunker: Chunker | None = None
    ) -> None:
        self._store = store
        self._embedder = embedder
        self._chunker = chunker or Chunker()

    def run(self, folder: Path, *, rebuild: bool = False, progress: bool = True) -> IngestReport:
        """Index ``folder``; a file that fails is reported and skipped, the rest still land.

        Callers that may race another writer hold :func:`ingest_lock` around this.
        """
        started = time.perf_counter()
        report = IngestReport()
        articles: list[Article] = []
        failed_sources: set[str] = set()
        for item in iter_articles(folder):
            if isinstance(item, SourceError):
                report.failures.append(item.message)
                failed_sources.add(item.source)
            else:
                articles.append(item)

        try:
            self._store.check_model()
        except Exception:
            rebuild = True  # a different model's vectors cannot be mixed with ours
        if rebuild:
            self._store.reset()
        known = self._store.manifest()
        report.articles = len(articles)

        todo: list[tuple[Article, bool]] = []
        for article in articles:
            record = known.get(article.source)
            if record is None:
                todo.append((article, False))
            elif record.content_hash != article.content_hash:
                todo.append((article, True))
            else:
                report.articles_unchanged += 1
                report.chunks_unchanged += record.chunks

        current = {a.source for a in articles}
        for source in known:
            # A file that failed to parse keeps its last good version rather than vanishing.
            if source not in current and source not in failed_sources:
                report.chunks_removed += self._store.delete_article(source)
                report.articles_removed += 1

        planned = [(a, changed, self._chunker.split(a)) for a, changed in todo]
        total = sum(len(chunks) for _, _, chunks in planned)
        bar = tqdm(
            total=total,
            unit="chunk",
            desc="embedding",
            file=sys.stderr,
            disable=not progress or total < _PROGRESS_MIN_CHUNKS,
        )
        with bar:
            for article, changed, chunks in planned:
                chunk_vectors = self._embedder.embed([c.embed_text for c in chunks])
                sentence_texts = [t for c in chunks for t in c.sentence_embed_texts()]
                sentence_vectors = self._embedder.embed(sentence_texts)
                if changed:
                    report.chunks_removed += max(0, known[article.source].chunks - len(chunks))
                self._store.put_article(article, chunks, chunk_vectors, sentence_vectors)
                report.embedded += len(chunks) + len(sentence_texts)
                if changed:
                    report.articles_changed += 1
                    report.chunks_replaced += len(chunks)
                else:
                    report.articles_new += 1
                    report.chunks_added += len(chunks)
                bar.update(len(chunks))
        report.seconds = time.perf_counter() - started
        return report
