"""The staff refresh job: one refresh at a time, in a child process, with progress.

The status lives in memory, or in Redis when ``BOT_REDIS_URL`` is set, so that every
server process shows the same refresh. The writer lock is taken before the background
thread starts, so a second refresh anywhere (another process, another machine, the CLI)
is refused with a 409 at once. The refresh itself runs in a child process
(:mod:`bot.refresh.child`), so a hang or crash in native code cannot take the server with it.
"""

from __future__ import annotations

import dataclasses
import json
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Literal, Protocol

import redis

from bot.config import Settings
from bot.errors import IngestLocked
from bot.refresh.child import (
    CHILD_COMMAND,
    SILENCE_SECONDS,
    STOP_GRACE_SECONDS,
    ChildFailed,
    ChildRefresh,
)
from bot.refresh.locks import WriterLock, writer_lock

# A running refresh writes progress after every article (seconds apart); five minutes
# without a word means its process was killed.
STALE_RUNNING_SECONDS = 300


@dataclass
class RefreshStatus:
    """Where the background refresh is."""

    state: Literal["idle", "running", "done", "failed"] = "idle"
    done: int = 0
    total: int = 0
    message: str = ""
    version: str | None = None
    summary: str = ""


class StatusBoard(Protocol):
    """Where the refresh status is kept."""

    def read(self) -> RefreshStatus:
        """The latest status."""
        ...

    def write(self, status: RefreshStatus) -> None:
        """Replace the status."""
        ...


class MemoryStatusBoard:
    """The status in this process only."""

    def __init__(self) -> None:
        self._status = RefreshStatus()

    def read(self) -> RefreshStatus:
        """The latest status."""
        return dataclasses.replace(self._status)

    def write(self, status: RefreshStatus) -> None:
        """Replace the status."""
        self._status = dataclasses.replace(status)


class RedisStatusBoard:
    """The status in Redis, shared by every process.

    A running status expires if it is not updated for ``stale_seconds`` (its process was
    killed); the board then reads as idle again.
    """

    def __init__(
        self, client: redis.Redis, key: str, stale_seconds: int = STALE_RUNNING_SECONDS
    ) -> None:
        self._client = client
        self._key = key
        self._stale = stale_seconds

    def read(self) -> RefreshStatus:
        """The latest status."""
        raw = self._client.get(self._key)
        return RefreshStatus(**json.loads(raw)) if raw else RefreshStatus()

    def write(self, status: RefreshStatus) -> None:
        """Replace the status."""
        ttl = self._stale if status.state == "running" else None
        self._client.set(self._key, json.dumps(dataclasses.asdict(status)), ex=ttl)


@dataclass
class RefreshJob:
    """One refresh at a time, in a child process; the writer lock also keeps the CLI out.

    The lock is taken here, in the request, and held by this process until the child has
    ended: the child takes none (see :mod:`bot.refresh.child`).
    """

    settings: Settings
    board: StatusBoard = field(default_factory=MemoryStatusBoard)
    on_switch: Callable[[], None] | None = None
    command: Sequence[str] = CHILD_COMMAND
    silence: float = SILENCE_SECONDS
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _thread: threading.Thread | None = None
    _child: ChildRefresh | None = None

    @property
    def status(self) -> RefreshStatus:
        """The latest status (from whichever process runs the refresh)."""
        return self.board.read()

    def start(self) -> RefreshStatus:
        """Start a refresh of the knowledge folder; 409 if one is already running."""
        with self._lock:
            if self._thread is not None and self._thread.is_alive():
                raise IngestLocked("a refresh is already running")
            held = writer_lock(self.settings)
            held.acquire()
            status = RefreshStatus(state="running", message="starting")
            self.board.write(status)
            self._child = ChildRefresh(
                self.settings,
                self.command,
                on_progress=self._progress,
                timeout=self.settings.refresh_timeout,
                silence=self.silence,
            )
            self._thread = threading.Thread(target=self._run, args=(held,), daemon=True)
            self._thread.start()
            return status

    def wait(self, timeout: float | None = None) -> None:
        """Block until the current refresh ends (for tools and tests)."""
        if self._thread is not None:
            self._thread.join(timeout)

    def stop(self) -> None:
        """End a running refresh at once (server shutdown); the current index keeps serving."""
        child = self._child
        if child is not None:
            child.stop()
        self.wait(timeout=STOP_GRACE_SECONDS + 10)

    def _progress(self, done: int, total: int) -> None:
        message = f"embedded {done} of {total} sections"
        self.board.write(RefreshStatus("running", done, total, message))

    def _run(self, held: WriterLock) -> None:
        assert self._child is not None
        try:
            report = self._child.run()
        except ChildFailed as exc:
            self.board.write(RefreshStatus(state="failed", message=str(exc)))
            return
        except Exception as exc:  # a background thread must report, not vanish
            self.board.write(RefreshStatus(state="failed", message=f"unexpected error: {exc!r}"))
            return
        finally:
            held.release()  # only now: the child has ended, however it ended
        if self.on_switch:
            self.on_switch()  # serve the new version now, not within the second
        message = "refresh complete" + (
            f" with {len(report.failures)} file(s) skipped" if report.failures else ""
        )
        self.board.write(
            RefreshStatus(
                state="done",
                done=self.status.done,
                total=self.status.total,
                message=message,
                version=report.version,
                summary=report.summary(),
            )
        )
