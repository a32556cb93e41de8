"""The light part of a refresh: the one-writer lock and reading the article folder.

Nothing here imports Chroma or the model, so ``ingest.py`` can refuse a second run, or
find that nothing changed, in about a second.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from filelock import FileLock, Timeout

from bot.errors import IngestLocked, SourceError
from bot.limits import ParseLimits
from bot.sources.articles import Article, iter_articles


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


def read_articles(
    folder: Path, limits: ParseLimits | None = None
) -> tuple[list[Article], list[str], set[str]]:
    """The articles of ``folder``, the reasons files failed, and which files failed."""
    articles: list[Article] = []
    failures: list[str] = []
    failed: set[str] = set()
    for item in iter_articles(folder, limits or ParseLimits()):
        if isinstance(item, SourceError):
            failures.append(item.message)
            failed.add(item.source)
        else:
            articles.append(item)
    return articles, failures, failed
