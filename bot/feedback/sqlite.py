"""A small SQLite table shared by threads: the storage under ratings and content gaps."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


class SqliteTable:
    """One SQLite file, opened on first use and used under a lock (routes run in threads).

    Opening lazily keeps processes that never record anything (the ingest CLI) from
    creating the file.
    """

    def __init__(self, path: Path, schema: str) -> None:
        self._path = path
        self._schema = schema
        self._lock = threading.Lock()
        self._db: sqlite3.Connection | None = None

    def _connect(self) -> sqlite3.Connection:
        if self._db is None:
            self._path.parent.mkdir(parents=True, exist_ok=True)
            db = sqlite3.connect(str(self._path), check_same_thread=False)
            with db:
                db.execute(self._schema)
            self._db = db
        return self._db

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """The connection inside one locked transaction."""
        with self._lock:
            db = self._connect()
            with db:
                yield db
