"""A small SQLite table shared by threads: the storage under ratings and content gaps."""

from __future__ import annotations

import logging
import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

_log = logging.getLogger(__name__)


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
        self._problem: str | None = None

    @property
    def problem(self) -> str | None:
        """Why the last best-effort write failed, until one succeeds again."""
        return self._problem

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

    def write(self, action: Callable[[sqlite3.Connection], object], what: str) -> None:
        """Run ``action`` in a transaction, best effort: a full disk or a locked, unwritable
        or broken file is logged and remembered (``/health`` reports it), never raised, so
        that keeping statistics can never fail a visitor's reply."""
        try:
            with self.transaction() as db:
                action(db)
        except (sqlite3.Error, OSError) as exc:
            self._problem = f"{what} could not be stored in {self._path.name}: {exc}"
            _log.warning("%s", self._problem)
        else:
            self._problem = None
