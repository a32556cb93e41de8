"""Versioned indexes: each refresh builds its own collections, then one record switches.

Chroma has no collection aliases, so the "active version" lives in the metadata of a tiny
registry collection. Changing it is a single metadata update: readers see the old version
or the new one, never a half-built index. A refresh killed at any moment leaves the record
untouched; its collections are orphans that the next run deletes.
"""

from __future__ import annotations

import contextlib
import re
import threading
import time
from dataclasses import dataclass
from typing import Any

from bot.errors import NothingToRollBack
from bot.index.store import ChromaStore

_RECHECK_SECONDS = 1.0


@dataclass(frozen=True)
class ActiveRecord:
    """Which version serves, and which one a rollback would return to."""

    version: str | None
    previous: str | None


class VersionRegistry:
    """Names, opens, switches and cleans up the versions of one index."""

    def __init__(self, client: Any, prefix: str, model: str, dimension: int) -> None:
        self._client = client
        self._prefix = prefix
        self._model = model
        self._dimension = dimension
        self._pattern = re.compile(rf"^{re.escape(prefix)}-(v\d{{4,}})-(chunks|sentences)$")
        self._record = client.get_or_create_collection(
            name=f"{prefix}-active", embedding_function=None, metadata={"version": ""}
        )

    def read(self) -> ActiveRecord:
        """The current record, read fresh from Chroma."""
        meta = self._client.get_collection(self._record.name).metadata or {}
        return ActiveRecord(
            version=meta.get("version") or None, previous=meta.get("previous") or None
        )

    def activate(self, version: str, previous: str | None) -> None:
        """Make ``version`` the one that serves: one atomic metadata update."""
        self._record.modify(metadata={"version": version, "previous": previous or ""})

    def open(self, version: str) -> ChromaStore:
        """The store of one version (created empty if it does not exist yet)."""
        return ChromaStore(self._client, f"{self._prefix}-{version}", self._model, self._dimension)

    def versions(self) -> list[str]:
        """Every version that has collections, oldest first."""
        found = set()
        for coll in self._client.list_collections():
            name = coll if isinstance(coll, str) else coll.name
            match = self._pattern.match(name)
            if match:
                found.add(match.group(1))
        return sorted(found, key=lambda v: int(v[1:]))

    def next_version(self) -> str:
        """A version name never used before."""
        record = self.read()
        numbers = [int(v[1:]) for v in [*self.versions(), record.version, record.previous] if v]
        return f"v{max(numbers, default=0) + 1:04d}"

    def drop(self, version: str) -> None:
        """Delete a version's collections."""
        for kind in ("chunks", "sentences"):
            name = f"{self._prefix}-{version}-{kind}"
            # Already gone is fine: Chroma raises NotFoundError or ValueError for that.
            with contextlib.suppress(Exception):
                self._client.delete_collection(name)

    def cleanup(self) -> list[str]:
        """Delete every version but the active and the previous one (e.g. a killed build)."""
        record = self.read()
        keep = {record.version, record.previous}
        dropped = [v for v in self.versions() if v not in keep]
        for version in dropped:
            self.drop(version)
        return dropped

    def rollback(self) -> ActiveRecord:
        """Serve the previous version again; the newer one becomes the previous."""
        record = self.read()
        if not record.previous or record.previous not in self.versions():
            raise NothingToRollBack("there is no previous index version to roll back to")
        self.activate(record.previous, record.version)
        return self.read()


class ActiveIndex:
    """What the server reads from: the active version, re-checked at most once a second."""

    def __init__(self, registry: VersionRegistry) -> None:
        self._registry = registry
        self._lock = threading.Lock()
        self._version: str | None = None
        self._store: ChromaStore | None = None
        self._checked = -_RECHECK_SECONDS

    def current(self) -> ChromaStore | None:
        """The store of the active version, or None before the first ingest."""
        with self._lock:
            now = time.monotonic()
            if now - self._checked >= _RECHECK_SECONDS:
                self._checked = now
                version = self._registry.read().version
                if version != self._version:
                    # In-flight requests keep the store they already hold.
                    self._store = self._registry.open(version) if version else None
                    self._version = version
            return self._store

    def invalidate(self) -> None:
        """Look at the record again on the next call (after a switch in this process)."""
        with self._lock:
            self._checked = -_RECHECK_SECONDS
