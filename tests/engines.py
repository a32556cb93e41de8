"""Real engines for the tests: a Chroma server (``chroma run``) and Debian's ``redis-server``.

Each is started once per test session on a free loopback port, in a temp folder, and
stopped at the end. Tests keep apart on them by a unique collection prefix (Chroma) and
the same prefix in Redis keys (``clinic-bot:<prefix>:...``).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
import redis

CHROMA_CLI = Path(sys.executable).parent / "chroma"
REDIS_SERVER = shutil.which("redis-server")
ENGINES = ["disk", "chroma-server"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def unique_prefix() -> str:
    """A collection prefix no other test uses on the shared Chroma server."""
    return f"t{uuid.uuid4().hex[:12]}"


@dataclass
class ChromaServer:
    host: str
    port: int
    path: Path


def wait_until(ready, what: str, process: subprocess.Popen[bytes], limit: float = 60) -> None:
    """Poll ``ready()`` until it is true; fail with the process's output if it died."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"{what} exited with status {process.returncode}")
        try:
            if ready():
                return
        except Exception:
            pass
        time.sleep(0.1)
    raise AssertionError(f"{what} did not start")


def stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@pytest.fixture(scope="session")
def chroma_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ChromaServer]:
    """One real Chroma server for the whole session (``chroma run`` from the chromadb wheel)."""
    if not CHROMA_CLI.exists():
        pytest.skip(f"the chroma CLI is missing ({CHROMA_CLI}); install chromadb")
    path = tmp_path_factory.mktemp("chroma-server")
    port = free_port()
    process = subprocess.Popen(
        [str(CHROMA_CLI), "run", "--path", str(path), "--port", str(port)],
        cwd=path,
        env={**os.environ, "ANONYMIZED_TELEMETRY": "False"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}/api/v2/heartbeat"
    wait_until(lambda: httpx.get(url, timeout=2).status_code == 200, "chroma run", process)
    yield ChromaServer(host="127.0.0.1", port=port, path=path)
    stop(process)


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Debian's redis-server on a free port, without persistence, for the whole session."""
    if REDIS_SERVER is None:
        pytest.skip("redis-server is not installed (apt-get install -y redis-server)")
    port = free_port()
    folder = tmp_path_factory.mktemp("redis")
    args = ["--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
    process = subprocess.Popen(
        [REDIS_SERVER, *args, "--dir", str(folder)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"redis://127.0.0.1:{port}/0"
    wait_until(lambda: redis.Redis.from_url(url).ping(), "redis-server", process)
    yield url
    stop(process)


def engine_overrides(engine: str, request: pytest.FixtureRequest) -> dict[str, object]:
    """Settings that put an index on local disk or on the session's Chroma server."""
    if engine == "disk":
        return {}
    server: ChromaServer = request.getfixturevalue("chroma_server")
    return {
        "chroma_host": server.host,
        "chroma_port": server.port,
        "collection": unique_prefix(),
    }
