"""The single-writer lock, kept where the index lives.

Only one refresh (CLI ingest, staff refresh, rollback) may write the index at a time. Which
lock that takes depends on where the index and the shared state are:

- ``BOT_REDIS_URL`` set: a Redis lock (redis-py's ``Lock``) that expires after
  ``BOT_WRITER_LEASE_SECONDS`` unless its holder renews it, which a background thread does
  every third of that time. It holds across machines.
- ``BOT_CHROMA_HOST`` set, no Redis: a lease record in the Chroma server itself. Chroma
  has no compare-and-set, but creating a collection is atomic (a second create of the same
  name fails), so each lease is a new collection ``<prefix>-writer-<n>``: whoever creates
  ``n + 1`` after lease ``n`` was released or expired holds the lock. Renewal moves the
  expiry forward in the lease's metadata.
- Otherwise: a file lock next to the local index (``BOT_DATA_DIR/ingest.lock``); the
  operating system frees it when its holder dies.

A holder killed with ``kill -9`` never releases a lease: the next writer gets in once the
lease has expired (after at most ``BOT_WRITER_LEASE_SECONDS``). Until then it is refused
with :class:`IngestLocked`, like any second writer.
"""

from __future__ import annotations

import contextlib
import os
import re
import socket
import sys
import threading
import time
from types import TracebackType
from typing import Any

import redis
from filelock import FileLock, Timeout

from bot.config import Settings
from bot.errors import IngestLocked

_BUSY = "another ingest is already running"


class WriterLock:
    """Acquire at once or raise :class:`IngestLocked`; usable as a context manager."""

    def acquire(self) -> None:
        """Take the lock, or raise :class:`IngestLocked` without waiting."""
        raise NotImplementedError

    def release(self) -> None:
        """Give the lock back."""
        raise NotImplementedError

    def __enter__(self) -> WriterLock:
        self.acquire()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.release()


def writer_lock(settings: Settings) -> WriterLock:
    """The writer lock that fits where the index lives (see the module docstring)."""
    if settings.redis_url:
        client = redis.Redis.from_url(settings.redis_url)
        return RedisWriterLock(client, f"clinic-bot:{settings.collection}:writer", settings)
    if settings.chroma_host:
        # Chroma is imported only here: a no-change ingest on one machine never needs it.
        from bot.index.store import make_client

        return ChromaLease(make_client(settings), settings.collection, settings)
    return FileWriterLock(settings.data_dir / "ingest.lock")


class FileWriterLock(WriterLock):
    """A file lock for an index on this machine's disk."""

    def __init__(self, path: os.PathLike[str]) -> None:
        self._path = os.fspath(path)
        self._lock = FileLock(self._path)

    def acquire(self) -> None:
        """Take the file lock or fail at once."""
        os.makedirs(os.path.dirname(self._path) or ".", exist_ok=True)
        try:
            self._lock.acquire(timeout=0)
        except Timeout as exc:
            raise IngestLocked(f"{_BUSY} (lock: {self._path}); try again when it finishes") from exc

    def release(self) -> None:
        """Release the file lock."""
        self._lock.release()


class _Renewing(WriterLock):
    """A lease that a daemon thread renews every third of its lifetime while held."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def _start_renewing(self) -> None:
        self._stop.clear()
        self._thread = threading.Thread(target=self._keep_alive, daemon=True)
        self._thread.start()

    def _stop_renewing(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=self.seconds)
            self._thread = None

    def _keep_alive(self) -> None:
        while not self._stop.wait(self.seconds / 3):
            try:
                self.renew()
            except Exception as exc:  # keep trying: a blip must not drop a held lease
                print(f"warning: could not renew the writer lock: {exc!r}", file=sys.stderr)

    def renew(self) -> None:
        """Push the lease's expiry ``seconds`` into the future."""
        raise NotImplementedError


class RedisWriterLock(_Renewing):
    """redis-py's ``Lock`` with a timeout, renewed while held."""

    def __init__(self, client: redis.Redis, key: str, settings: Settings) -> None:
        super().__init__(settings.writer_lease_seconds)
        self.key = key
        # thread_local=False: the staff refresh takes the lock in the request and releases
        # it in its background thread.
        self._lock = client.lock(key, timeout=self.seconds, thread_local=False)

    def acquire(self) -> None:
        """Take the Redis lock or fail at once."""
        if not self._lock.acquire(blocking=False):
            raise IngestLocked(f"{_BUSY} (Redis lock {self.key}); try again when it finishes")
        self._start_renewing()

    def renew(self) -> None:
        """Reset the lock's time to live."""
        self._lock.reacquire()

    def release(self) -> None:
        """Stop renewing and delete the lock if it is still ours."""
        self._stop_renewing()
        # If it expired, someone else may hold it now: not ours to delete.
        with contextlib.suppress(redis.exceptions.LockError):
            self._lock.release()


class ChromaLease(_Renewing):
    """A lease record in the Chroma server: one collection per lease, the newest counts."""

    def __init__(self, client: Any, prefix: str, settings: Settings) -> None:
        super().__init__(settings.writer_lease_seconds)
        self._client = client
        self._prefix = prefix
        self._pattern = re.compile(rf"^{re.escape(prefix)}-writer-(\d+)$")
        self._name: str | None = None
        self.holder = f"{socket.gethostname()}:{os.getpid()}"

    def _newest(self) -> tuple[int, dict[str, Any]]:
        numbers = []
        for coll in self._client.list_collections():
            match = self._pattern.match(coll if isinstance(coll, str) else coll.name)
            if match:
                numbers.append(int(match.group(1)))
        if not numbers:
            return 0, {}
        newest = max(numbers)
        meta = self._client.get_collection(self._lease_name(newest)).metadata or {}
        return newest, dict(meta)

    def _lease_name(self, number: int) -> str:
        return f"{self._prefix}-writer-{number:06d}"

    def acquire(self) -> None:
        """Create the next lease collection, if the newest one is released or expired."""
        newest, meta = self._newest()
        if newest and float(meta.get("expires", 0)) > time.time():
            raise IngestLocked(
                f"{_BUSY} (lease held by {meta.get('holder')}); try again when it finishes"
            )
        name = self._lease_name(newest + 1)
        try:
            self._client.create_collection(name, embedding_function=None, metadata=self._meta())
        except Exception as exc:
            if self._newest()[0] > newest:  # another writer created it first
                raise IngestLocked(f"{_BUSY}; try again when it finishes") from exc
            raise
        self._name = name
        for number in range(max(1, newest - 5), newest + 1):
            self._drop(self._lease_name(number))
        self._start_renewing()

    def _meta(self, expires: float | None = None) -> dict[str, Any]:
        return {
            "holder": self.holder,
            "expires": time.time() + self.seconds if expires is None else expires,
        }

    def _drop(self, name: str) -> None:
        try:
            self._client.delete_collection(name)
        except Exception:  # already gone
            return

    def renew(self) -> None:
        """Move the expiry forward, unless a newer lease has replaced ours."""
        if self._name is not None and self._lease_name(self._newest()[0]) == self._name:
            self._client.get_collection(self._name).modify(metadata=self._meta())

    def release(self) -> None:
        """Mark the lease released (it stays as the newest, so numbering never restarts)."""
        self._stop_renewing()
        if self._name is not None and self._lease_name(self._newest()[0]) == self._name:
            self._client.get_collection(self._name).modify(metadata=self._meta(expires=0.0))
        self._name = None
