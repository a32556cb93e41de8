"""The staff refresh runs in a child process: a hang in it cannot freeze the server.

Issue 9, item 2: after a refresh failed on a full disk, the next one blocked inside
Chroma's native code while holding the GIL, in the server's own process: /health timed
out and SIGTERM was ignored. These tests hang a real refresh child the same way (native
code that keeps the GIL), fill and free a real tmpfs under a real ``server.py``, and stop
that server with SIGTERM in the middle of a refresh.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
from conftest import KNOWLEDGE, MOXA_ARTICLE, ROOT, live_server, namespaces_work
from engines import free_port, stop, wait_until

from bot.config import Settings
from bot.refresh.child import CHILD_COMMAND
from bot.services import Services, build_services
from tools.benchmark import synthetic_corpus

TOKEN = "child-refresh-admin-token-0123456789abcdef"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
# A liveness bound, not a speed target: before the fix these requests never came back.
ALIVE_SECONDS = 5.0

# The real child (``python -m bot.cli --staff-refresh``), except that writing an article
# to Chroma first leaves a mark, then runs a regular expression that backtracks for ages:
# C code that never lets go of the GIL, like the native hang of the issue.
HANGING_CHILD = """
import re, sys
from pathlib import Path
from bot.index import store

def hang(*args, **kwargs):
    Path(sys.argv[1]).write_text("writing")
    re.match(r"(a+)+$", "a" * 64 + "b")

store.ChromaStore.put_article = hang
from bot.cli import main
sys.exit(main(["--staff-refresh"]))
"""


def wait_for(check: Callable[[], bool], what: str, limit: float = 300) -> None:
    deadline = time.monotonic() + limit
    while not check():
        assert time.monotonic() < deadline, f"gave up waiting: {what}"
        time.sleep(0.2)


@pytest.fixture
def staff(tmp_path: Path, model) -> Services:
    knowledge = tmp_path / "knowledge"
    shutil.copytree(KNOWLEDGE, knowledge)
    settings = Settings(
        data_dir=tmp_path / "data",
        knowledge_dir=knowledge,
        admin_token=TOKEN,
        admin_failure_limit="1000/minute",
        stream_delay_ms=0,
    )
    services = build_services(settings, embedder=model)
    services.indexer.run(knowledge, progress=False)
    return services


def test_a_hung_refresh_is_killed_while_visitors_are_served(
    staff: Services, tmp_path: Path
) -> None:
    (staff.settings.knowledge_dir / "moxibustion.md").write_text(MOXA_ARTICLE)
    before = staff.registry.read().version
    mark = tmp_path / "child-was-writing"
    staff.refresh.command = [sys.executable, "-c", HANGING_CHILD, str(mark)]
    staff.refresh.silence = 10.0  # five missed heartbeats
    with live_server(staff, rate_limit="1000/minute") as server:
        url = server.url
        assert httpx.post(f"{url}/admin/api/refresh", headers=AUTH).status_code == 202
        wait_for(mark.exists, "the child to start writing")
        served = 0
        while (status := httpx.get(f"{url}/admin/api/refresh", headers=AUTH).json())[
            "state"
        ] == "running":
            assert httpx.get(f"{url}/health", timeout=ALIVE_SECONDS).json()["status"] == "ok"
            reply = httpx.post(
                f"{url}/api/chat", json={"message": "Does acupuncture hurt?"}, timeout=ALIVE_SECONDS
            )
            assert reply.json()["type"] == "answer"
            served += 1
        assert served > 0  # visitors were answered while the child hung
        assert status["state"] == "failed"
        assert "stopped responding for 10 s" in status["message"]
        assert staff.registry.read().version == before  # the old version kept serving

        staff.refresh.command = CHILD_COMMAND  # the real child again
        assert httpx.post(f"{url}/admin/api/refresh", headers=AUTH).status_code == 202
        wait_for(
            lambda: (
                httpx.get(f"{url}/admin/api/refresh", headers=AUTH).json()["state"] != "running"
            ),
            "the second refresh",
        )
        status = httpx.get(f"{url}/admin/api/refresh", headers=AUTH).json()
        assert status["state"] == "done", status
        reply = httpx.post(f"{url}/api/chat", json={"message": "What is moxibustion?"}).json()
        assert reply["sources"][0]["source"] == "moxibustion.md"


def test_a_refresh_past_its_timeout_is_stopped(staff: Services, tmp_path: Path) -> None:
    mark = tmp_path / "child-was-writing"
    staff.refresh.settings = staff.settings.model_copy(update={"refresh_timeout": 1.0})
    # Alive (its heartbeat thread runs) but never done: only the deadline ends it.
    staff.refresh.command = [
        sys.executable,
        "-c",
        "import sys, time; from pathlib import Path; Path(sys.argv[1]).write_text(''); "
        "from bot.refresh.child import ChildChannel; ChildChannel(sys.stdout).attach("
        "__import__('os').getppid()); time.sleep(600)",
        str(mark),
    ]
    staff.refresh.start()
    staff.refresh.wait(timeout=60)
    status = staff.refresh.status
    assert mark.exists()
    assert status.state == "failed"
    assert status.message == "the refresh took over 1 s and was stopped"


def _children(pid: int) -> list[int]:
    """Processes whose parent is ``pid``."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # it ended while we looked
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


@pytest.mark.slow
def test_full_disk_then_freed_then_sigterm_mid_refresh(tmp_path: Path) -> None:
    """The issue's sequence on a real 20 MB tmpfs under a real ``server.py``."""
    if not namespaces_work():
        pytest.skip("needs unshare with user and mount namespaces to mount a small tmpfs")
    knowledge = tmp_path / "knowledge"
    shutil.copytree(KNOWLEDGE, knowledge)
    mount = tmp_path / "disk"
    mount.mkdir()
    port = free_port()
    env = {
        **os.environ,
        "HF_HUB_OFFLINE": "1",
        "BOT_DATA_DIR": str(mount / "data"),
        "BOT_KNOWLEDGE_DIR": str(knowledge),
        "BOT_ADMIN_TOKEN": TOKEN,
        "BOT_PORT": str(port),
        "PYTHONPATH": str(ROOT),
    }
    script = f'mount -t tmpfs -o size=20m none "{mount}" && exec "$@"'
    server = subprocess.Popen(
        ["unshare", "-rm", "sh", "-c", script, "sh", sys.executable, str(ROOT / "server.py")],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    # The tmpfs is visible only inside the server's mount namespace: reach it through
    # /proc (``unshare`` and ``sh`` exec, so the server keeps the process id).
    inside = Path(f"/proc/{server.pid}/root") / str(mount).lstrip("/")
    try:
        wait_until(lambda: httpx.get(f"{url}/health").status_code == 503, url, server, 300)

        def refresh() -> dict:
            assert httpx.post(f"{url}/admin/api/refresh", headers=AUTH).status_code == 202
            wait_for(
                lambda: (
                    httpx.get(f"{url}/admin/api/refresh", headers=AUTH).json()["state"] != "running"
                ),
                "the refresh",
            )
            return httpx.get(f"{url}/admin/api/refresh", headers=AUTH).json()

        assert refresh()["state"] == "done"
        before = httpx.get(f"{url}/health").json()
        (knowledge / "moxibustion.md").write_text(MOXA_ARTICLE)
        filler = inside / "filler"
        with filler.open("wb", buffering=0) as handle, pytest.raises(OSError):
            while True:
                handle.write(b"\0" * 1_048_576)
                handle.flush()
        failed = refresh()
        assert failed["state"] == "failed" and "is full; free some space" in failed["message"]
        assert httpx.get(f"{url}/health", timeout=ALIVE_SECONDS).json() == before
        filler.unlink()
        assert refresh()["state"] == "done"  # it used to hang here, and the server with it
        reply = httpx.post(f"{url}/api/chat", json={"message": "What is moxibustion?"}).json()
        assert reply["sources"][0]["source"] == "moxibustion.md"

        synthetic_corpus(knowledge, articles=60)  # long enough to be stopped mid-way
        assert httpx.post(f"{url}/admin/api/refresh", headers=AUTH).status_code == 202
        wait_for(lambda: bool(_children(server.pid)), "the refresh child")
        child = _children(server.pid)
        server.send_signal(signal.SIGTERM)
        # uvicorn shuts down, then raises the signal it caught again: -SIGTERM is a clean exit.
        assert server.wait(timeout=60) == -signal.SIGTERM
        assert not [pid for pid in child if Path(f"/proc/{pid}").exists()]
    finally:
        stop(server)
