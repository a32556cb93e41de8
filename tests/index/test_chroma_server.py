"""Scale-out through the real path: a Chroma server, Redis, two ``server.py`` processes.

The two servers stand for two machines: each has its own ``BOT_DATA_DIR``; they share
only the Chroma server (the index) and Redis (rate limits, refresh status, answer
memory, writer lock). The ingest CLI runs as a subprocess against the same engines.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import chromadb
import httpx
import pytest
from conftest import MOXA_ARTICLE, ROOT
from engines import ChromaServer, free_port, stop, unique_prefix, wait_until
from limits.storage import storage_from_string

from bot.config import Settings
from bot.refresh.locks import writer_lock
from tools.benchmark import synthetic_corpus

pytestmark = pytest.mark.slow
TOKEN = "scale-out-admin-token-0123456789abcdef"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
RATE = 15


@dataclass
class Deployment:
    env: dict[str, str]
    knowledge: Path
    urls: list[str]
    settings: Settings

    def ingest(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, str(ROOT / "ingest.py"), "--quiet", *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=600,
        )

    def health(self, url: str) -> dict:
        return httpx.get(f"{url}/health", timeout=30).json()


def wait_for(check, what: str, limit: float = 600) -> None:
    deadline = time.monotonic() + limit
    while not check():
        assert time.monotonic() < deadline, f"gave up waiting: {what}"
        time.sleep(0.2)


@pytest.fixture(scope="module")
def deployment(
    tmp_path_factory: pytest.TempPathFactory, chroma_server: ChromaServer, redis_url: str
) -> Iterator[Deployment]:
    """Two servers started before any index exists, then an ingest by the CLI."""
    root = tmp_path_factory.mktemp("deployment")
    knowledge = root / "knowledge"
    shutil.copytree(ROOT / "knowledge", knowledge)
    env = {
        **os.environ,
        "HF_HUB_OFFLINE": "1",
        "ANONYMIZED_TELEMETRY": "False",
        "BOT_CHROMA_HOST": chroma_server.host,
        "BOT_CHROMA_PORT": str(chroma_server.port),
        "BOT_COLLECTION": unique_prefix(),
        "BOT_REDIS_URL": redis_url,
        "BOT_KNOWLEDGE_DIR": str(knowledge),
        "BOT_DATA_DIR": str(root / "cli-data"),
        "BOT_ADMIN_TOKEN": TOKEN,
        "BOT_RATE_LIMIT": f"{RATE}/minute",
        "BOT_WRITER_LEASE_SECONDS": "3",
        "BOT_STREAM_DELAY_MS": "0",
    }
    servers, urls = [], []
    for name in ("a", "b"):
        port = free_port()
        server_env = {**env, "BOT_PORT": str(port), "BOT_DATA_DIR": str(root / name)}
        servers.append(
            subprocess.Popen(
                [sys.executable, str(ROOT / "server.py")],
                cwd=ROOT,
                env=server_env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        )
        urls.append(f"http://127.0.0.1:{port}")
    settings = Settings(
        data_dir=root / "cli-data",
        redis_url=redis_url,
        collection=env["BOT_COLLECTION"],
        chroma_host=chroma_server.host,
        chroma_port=chroma_server.port,
    )
    try:
        for url, server in zip(urls, servers, strict=True):
            wait_until(
                lambda u=url: httpx.get(f"{u}/health").status_code == 503, url, server, limit=600
            )
        yield Deployment(env=env, knowledge=knowledge, urls=urls, settings=settings)
    finally:
        for server in servers:
            stop(server)


def chat(url: str, message: str) -> httpx.Response:
    return httpx.post(f"{url}/api/chat", json={"message": message}, timeout=60)


def test_first_ingest_by_the_cli_is_served_by_both_without_restart(
    deployment: Deployment,
) -> None:
    result = deployment.ingest()
    assert result.returncode == 0, result.stderr
    articles = len(list(deployment.knowledge.glob("*.md")))
    for url in deployment.urls:
        wait_for(lambda u=url: deployment.health(u).get("articles") == articles, "first index")
    body = chat(deployment.urls[1], "How does acupuncture help back pain?").json()
    assert body["sources"][0]["source"] == "acupuncture-for-back-pain.md"


def test_a_refresh_is_seen_by_both(deployment: Deployment) -> None:
    (deployment.knowledge / "moxibustion.md").write_text(MOXA_ARTICLE)
    result = deployment.ingest()
    assert result.returncode == 0, result.stderr
    assert "1 new" in result.stdout
    for url in deployment.urls:
        wait_for(
            lambda u=url: (
                chat(u, "What is moxibustion?").json()["sources"][:1]
                == [
                    {
                        "title": "Moxibustion",
                        "url": "https://www.clinic.example/blog/moxibustion",
                        "source": "moxibustion.md",
                    }
                ]
            ),
            f"moxibustion on {url}",
        )


def test_feedback_reaches_the_answer_given_by_the_other_server(deployment: Deployment) -> None:
    a, b = deployment.urls
    question = "How should I prepare for my first acupuncture visit?"
    stream = httpx.post(f"{a}/api/chat/stream", json={"message": question}, timeout=60)
    data = next(line for line in stream.text.splitlines() if line.startswith("data: "))
    answer_id = json.loads(data.removeprefix("data: "))["id"]
    sent = httpx.post(f"{b}/api/feedback", json={"answer_id": answer_id, "rating": "down"})
    assert sent.status_code == 204
    gaps = httpx.get(f"{b}/admin/api/gaps", headers=AUTH, timeout=60).json()
    assert any(question in g["questions"] and "thumbs_down" in g["kinds"] for g in gaps)


def test_staff_refresh_on_one_server_is_seen_and_locked_on_the_other(
    deployment: Deployment,
) -> None:
    a, b = deployment.urls
    with writer_lock(deployment.settings):  # e.g. the CLI on a third machine
        refused = httpx.post(f"{b}/admin/api/refresh", headers=AUTH)
    assert refused.status_code == 409
    assert "already running" in refused.json()["error"]
    assert httpx.post(f"{a}/admin/api/refresh", headers=AUTH).status_code == 202
    wait_for(
        lambda: httpx.get(f"{b}/admin/api/refresh", headers=AUTH).json()["state"] != "running",
        "refresh status on the other server",
    )
    seen = httpx.get(f"{b}/admin/api/refresh", headers=AUTH).json()
    assert seen["state"] == "done", seen
    assert seen["version"] == httpx.get(f"{b}/admin/api/articles", headers=AUTH).json()["version"]


def test_kill_9_during_a_refresh_loses_nothing(deployment: Deployment, tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    shutil.copytree(deployment.knowledge, corpus)
    synthetic_corpus(corpus, articles=8)
    before = [deployment.health(url) for url in deployment.urls]
    client = chromadb.HttpClient(
        host=deployment.settings.chroma_host, port=deployment.settings.chroma_port
    )
    prefix = deployment.settings.collection

    def building() -> list[str]:
        names = [c if isinstance(c, str) else c.name for c in client.list_collections()]
        return [n for n in names if n.startswith(prefix) and n.endswith("-chunks")]

    known = set(building())
    ingest = subprocess.Popen(
        [sys.executable, str(ROOT / "ingest.py"), "--quiet", "--source", str(corpus)],
        cwd=ROOT,
        env=deployment.env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        # Mid-way: the new version's collection exists and has sections in it.
        wait_for(
            lambda: any(client.get_collection(n).count() > 0 for n in set(building()) - known),
            "the refresh to be under way",
            limit=300,
        )
    finally:
        os.kill(ingest.pid, signal.SIGKILL)
        ingest.wait()
    for url, old in zip(deployment.urls, before, strict=True):
        assert deployment.health(url) == old  # the old version still serves
        assert chat(url, "Does acupuncture hurt?").status_code == 200

    attempts = 0
    while (result := deployment.ingest("--source", str(corpus))).returncode == 4:
        attempts += 1  # the killed writer's lease runs out after BOT_WRITER_LEASE_SECONDS
        assert attempts < 30, result.stderr
    assert result.returncode == 0, result.stderr
    total = len(list(corpus.glob("*.md")))
    for url in deployment.urls:
        wait_for(lambda u=url: deployment.health(u)["articles"] == total, "the new version")
    assert len(building()) == 2  # the killed build was cleaned up: active and previous only


def test_one_rate_limit_across_both_servers(deployment: Deployment) -> None:
    storage = storage_from_string(deployment.settings.redis_url or "")
    storage.reset()  # count from zero: earlier tests chatted too
    a, b = deployment.urls
    answered = 0
    while (response := chat((a, b)[answered % 2], "Does acupuncture hurt?")).status_code == 200:
        answered += 1
        assert answered <= RATE, "the two servers counted separately"
    assert response.status_code == 429
    assert answered == RATE  # one limit, shared: not RATE per server
    assert chat(a, "Hello").status_code == 429 and chat(b, "Hello").status_code == 429
    storage.reset()
