"""The staff refresh in a child process, so that nothing it does can freeze the server.

A refresh writes Chroma through native code (Rust, SQLite). After a write failed on a full
disk, a second refresh in the same process was seen to block inside Chroma while holding
the GIL: every visitor's request and SIGTERM waited with it. A fresh process does not
inherit that state, and a process can always be killed. So the server's Refresh button
runs the same code as ``python ingest.py`` (``python -m bot.cli --staff-refresh``) in a
child process:

- the server sends its settings as JSON on the child's stdin (tests and embedders build
  settings in code, so the environment alone would not describe them);
- the child writes JSON lines on stdout: ``{"alive": true}`` every few seconds from a
  thread of its own, ``{"progress": [done, total]}`` after each batch, and
  ``{"report": {...}}`` at the end; a failure is its exit status and one ``error:`` line
  on stderr, as with the CLI;
- the server holds the writer lock for the child's whole run (the child takes none), and
  kills the child when it runs past ``BOT_REFRESH_TIMEOUT`` or goes silent (a process
  stuck in native code with the GIL held cannot even run its heartbeat thread);
- the child asks Linux to kill it when the server thread that started it dies
  (``PR_SET_PDEATHSIG``), so a ``kill -9`` of the server leaves no writer behind.
"""

from __future__ import annotations

import contextlib
import ctypes
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, fields
from pathlib import Path
from typing import IO, Any

from pydantic import SecretStr

import bot
from bot.config import Settings
from bot.refresh.report import IngestReport

# ``python -m bot.cli`` is ``python ingest.py``; the option makes it the server's child.
CHILD_COMMAND = (sys.executable, "-m", "bot.cli", "--staff-refresh")
# The child says it is alive this often, from a thread that needs only the GIL.
HEARTBEAT_SECONDS = 2.0
# Silence for this long means the child is stuck: loading the model, the slowest step
# without a word, takes seconds; a minute is far past it even on a loaded machine.
SILENCE_SECONDS = 60.0
# How long a child asked to stop (server shutdown) has before it is killed.
STOP_GRACE_SECONDS = 3.0
_PR_SET_PDEATHSIG = 1


class ChildFailed(Exception):
    """The child refresh failed, was stopped or was killed; the message says why."""


def settings_to_json(settings: Settings) -> str:
    """Every field of ``settings`` as JSON that :func:`settings_from_json` reads back."""
    data: dict[str, Any] = {}
    for name in Settings.model_fields:
        value = getattr(settings, name)
        data[name] = value.get_secret_value() if isinstance(value, SecretStr) else value
    return json.dumps(data, default=str)


def settings_from_json(text: str) -> Settings:
    """The settings a server sent to its child (they win over the child's environment)."""
    data: dict[str, Any] = json.loads(text)
    return Settings(**data)


@dataclass
class ChildRefresh:
    """One refresh in a child process, watched by the thread that calls :meth:`run`."""

    settings: Settings
    command: Sequence[str] = CHILD_COMMAND
    on_progress: Callable[[int, int], None] | None = None
    timeout: float = 1800.0
    silence: float = SILENCE_SECONDS

    def __post_init__(self) -> None:
        self._stop = threading.Event()
        self._report: IngestReport | None = None
        self._heard = time.monotonic()

    def stop(self) -> None:
        """Ask :meth:`run` to end the child now (the server is shutting down)."""
        self._stop.set()

    def run(self) -> IngestReport:
        """Run the child to its end; :class:`ChildFailed` unless it reported success."""
        self._heard = time.monotonic()
        with tempfile.TemporaryFile() as errors:
            process = subprocess.Popen(
                list(self.command),
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=errors,
                env=_child_env(),
            )
            reader = threading.Thread(target=self._read, args=(process.stdout,), daemon=True)
            reader.start()
            try:
                self._send_settings(process)
                why = self._watch(process)
            finally:
                _end(process)
            reader.join(timeout=5)
            if why is not None:
                raise ChildFailed(why)
            if process.returncode in (0, 1) and self._report is not None:
                return self._report  # 1: a file was skipped, the rest went live
            raise ChildFailed(_last_error(errors, process.returncode))

    def _send_settings(self, process: subprocess.Popen[bytes]) -> None:
        payload = {"parent": os.getpid(), "settings": settings_to_json(self.settings)}
        assert process.stdin is not None
        with contextlib.suppress(BrokenPipeError):  # a child that died at once is reported
            process.stdin.write(json.dumps(payload).encode())
            process.stdin.close()

    def _watch(self, process: subprocess.Popen[bytes]) -> str | None:
        """Wait for the child; why it had to be ended, or None if it ended by itself."""
        deadline = time.monotonic() + self.timeout
        while True:
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(timeout=0.2)
                return None
            now = time.monotonic()
            if self._stop.is_set():
                return "the refresh was stopped because the server is shutting down"
            if now > deadline:
                return f"the refresh took over {self.timeout:g} s and was stopped"
            if now - self._heard > self.silence:
                return f"the refresh stopped responding for {self.silence:g} s and was stopped"

    def _read(self, stream: IO[bytes] | None) -> None:
        """Hand the child's progress and report over as they come."""
        assert stream is not None
        for raw in stream:
            self._heard = time.monotonic()
            try:
                message = json.loads(raw)
            except ValueError:
                continue  # a library's own print: not ours
            if not isinstance(message, dict):
                continue
            if "progress" in message and self.on_progress:
                self.on_progress(*message["progress"])
            if "report" in message:
                names = {f.name for f in fields(IngestReport)}
                self._report = IngestReport(
                    **{k: v for k, v in message["report"].items() if k in names}
                )


def _child_env() -> dict[str, str]:
    """The server's environment, with this ``bot`` package first on the import path."""
    root = str(Path(bot.__file__).resolve().parent.parent)
    path = os.environ.get("PYTHONPATH")
    return {**os.environ, "PYTHONPATH": root + (os.pathsep + path if path else "")}


def _end(process: subprocess.Popen[bytes]) -> None:
    """Terminate the child if it still runs; kill it if it does not go."""
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=STOP_GRACE_SECONDS)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def _last_error(errors: IO[bytes], status: int | None) -> str:
    """The child's ``error:`` line, or what its exit status says."""
    errors.seek(0)
    lines = errors.read().decode("utf-8", "replace").splitlines()
    said = [line.removeprefix("error: ") for line in lines if line.startswith("error: ")]
    if said:
        return said[-1]
    if status is not None and status < 0:
        return f"the refresh process was killed by signal {-status}"
    return f"the refresh process ended with status {status} without a report"


class ChildChannel:
    """The child's side: die with the server, say it is alive, send progress and report."""

    def __init__(self, out: IO[str]) -> None:
        self._out = out
        self._lock = threading.Lock()

    def attach(self, parent: int) -> None:
        """Be killed when the server dies, and start the heartbeat."""
        if sys.platform.startswith("linux"):
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
        if os.getppid() != parent:  # the server died before the line above ran
            os._exit(1)
        threading.Thread(target=self._beat, daemon=True).start()

    def send(self, message: dict[str, Any]) -> None:
        """One JSON line on stdout."""
        with self._lock:
            self._out.write(json.dumps(message) + "\n")
            self._out.flush()

    def progress(self, done: int, total: int) -> None:
        """After each batch of articles."""
        self.send({"progress": [done, total]})

    def _beat(self) -> None:
        while True:
            self.send({"alive": True})
            time.sleep(HEARTBEAT_SECONDS)
