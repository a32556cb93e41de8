"""The staff refresh job: one background refresh at a time, with progress for the staff page."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Literal

from bot.config import Settings
from bot.errors import BotError, IngestLocked
from bot.refresh.indexer import Indexer, ingest_lock


@dataclass
class RefreshStatus:
    """Where the background refresh is."""

    state: Literal["idle", "running", "done", "failed"] = "idle"
    done: int = 0
    total: int = 0
    message: str = ""
    version: str | None = None
    summary: str = ""


@dataclass
class RefreshJob:
    """One background refresh at a time; the ingest lock also keeps the CLI out."""

    settings: Settings
    indexer: Indexer
    status: RefreshStatus = field(default_factory=RefreshStatus)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _thread: threading.Thread | None = None

    def start(self) -> RefreshStatus:
        """Start a refresh of the knowledge folder; 409 if one is already running."""
        with self._lock:
            if self._thread is not None and self._thread.is_alive():
                raise IngestLocked("a refresh is already running")
            self.status = RefreshStatus(state="running", message="starting")
            self._thread = threading.Thread(target=self._run, daemon=True)
            self._thread.start()
            return self.status

    def wait(self, timeout: float | None = None) -> None:
        """Block until the current refresh ends (for tools and tests)."""
        if self._thread is not None:
            self._thread.join(timeout)

    def _progress(self, done: int, total: int) -> None:
        self.status.done, self.status.total = done, total
        self.status.message = f"embedded {done} of {total} sections"

    def _run(self) -> None:
        try:
            with ingest_lock(self.settings.ingest_lock_path):
                report = self.indexer.run(
                    self.settings.knowledge_dir, progress=False, on_progress=self._progress
                )
        except BotError as exc:
            self.status.state, self.status.message = "failed", exc.message
            return
        except Exception as exc:  # a background thread must report, not vanish
            self.status.state, self.status.message = "failed", f"unexpected error: {exc!r}"
            return
        self.status.state = "done"
        self.status.version = report.version
        self.status.summary = report.summary()
        self.status.message = "refresh complete" + (
            f" with {len(report.failures)} file(s) skipped" if report.failures else ""
        )
