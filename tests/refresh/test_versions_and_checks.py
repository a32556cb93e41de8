"""Staff refresh the knowledge base while visitors chat: versioned, checked, atomic."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest
from conftest import MOXA_ARTICLE as MOXA
from conftest import ROOT, live_server

from bot.config import Settings
from bot.embedding import SentenceTransformerEmbedder
from bot.errors import CheckFailed
from bot.schemas import ChatRequest
from bot.services import Services, build_services


def fresh(
    tmp_path: Path, model: SentenceTransformerEmbedder, engine: dict | None = None
) -> Services:
    """Services over an index on disk, or on the Chroma server when ``engine`` says so."""
    settings = Settings(data_dir=tmp_path / "data", **(engine or {}))
    return build_services(settings, embedder=model)


def ask(services: Services, message: str):
    return services.chat.reply(ChatRequest(message=message))


def test_unchanged_refresh_builds_no_new_version(tmp_path, knowledge_copy, model, engine) -> None:
    services = fresh(tmp_path, model, engine)
    first = services.indexer.run(knowledge_copy, progress=False)
    again = services.indexer.run(knowledge_copy, progress=False)
    assert first.version == again.version == services.registry.read().version
    assert again.embedded == 0


def test_refresh_under_traffic_switches_without_a_failed_request(
    tmp_path, knowledge_copy, model
) -> None:
    services = fresh(tmp_path, model)
    services.indexer.run(knowledge_copy, progress=False)
    results: list[tuple[float, int, str, list[str]]] = []
    stop = threading.Event()

    with live_server(services, rate_limit="100000/minute") as server:

        def visitor() -> None:
            with httpx.Client(base_url=server.url, timeout=30) as client:
                while not stop.is_set():
                    for question in ("What is moxibustion?", "What is cupping?"):
                        r = client.post("/api/chat", json={"message": question})
                        body = r.json()
                        results.append(
                            (
                                time.monotonic(),
                                r.status_code,
                                question,
                                [s["source"] for s in body.get("sources", [])],
                            )
                        )

        threads = [threading.Thread(target=visitor) for _ in range(3)]
        for t in threads:
            t.start()
        time.sleep(1.0)
        (knowledge_copy / "moxibustion.md").write_text(MOXA)
        report = services.indexer.run(knowledge_copy, progress=False)
        switched = time.monotonic()
        time.sleep(2.5)
        stop.set()
        for t in threads:
            t.join()

    assert report.articles_new == 1 and report.embedded > 0
    assert results and all(status == 200 for _, status, _, _ in results)
    moxa = [(t, sources) for t, _, q, sources in results if q == "What is moxibustion?"]
    before = [s for t, s in moxa if t < switched - 0.5]
    after = [s for t, s in moxa if t > switched + 1.5]
    assert before and all("moxibustion.md" not in s for s in before)
    assert after and all(s[:1] == ["moxibustion.md"] for s in after)
    cupping = [s for _, _, q, s in results if q == "What is cupping?"]
    assert all(s[:1] == ["integrative-treatments.md"] for s in cupping)


def test_failed_check_keeps_the_old_version(tmp_path, knowledge_copy, model, engine) -> None:
    services = fresh(tmp_path, model, engine)
    services.indexer.run(knowledge_copy, progress=False)
    old = services.registry.read().version
    (knowledge_copy / "sciatica.md").unlink()  # golden.yaml still expects it
    with pytest.raises(CheckFailed, match=r"should find sciatica\.md"):
        services.indexer.run(knowledge_copy, progress=False)
    assert services.registry.read().version == old
    assert services.registry.versions() == [old]
    reply = ask(services, "How many sessions does sciatica usually take?")
    assert reply.sources[0].source == "sciatica.md"


def test_rollback_returns_to_the_previous_version(tmp_path, knowledge_copy, model, engine) -> None:
    services = fresh(tmp_path, model, engine)
    services.indexer.run(knowledge_copy, progress=False)
    (knowledge_copy / "moxibustion.md").write_text(MOXA)
    services.indexer.run(knowledge_copy, progress=False)
    assert ask(services, "What is moxibustion?").sources[0].source == "moxibustion.md"
    record = services.indexer.rollback()
    rolled_back = ask(services, "What is moxibustion?")
    assert "moxibustion.md" not in [s.source for s in rolled_back.sources]
    assert services.indexer.rollback().version == record.previous  # and forward again
    assert ask(services, "What is moxibustion?").sources[0].source == "moxibustion.md"


def run_cli(data: Path, *args: str, **kwargs) -> subprocess.Popen:
    env = {**os.environ, "BOT_DATA_DIR": str(data), "HF_HUB_OFFLINE": "1"}
    return subprocess.Popen(
        [sys.executable, str(ROOT / "ingest.py"), *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        **kwargs,
    )


@pytest.mark.slow
def test_kill_9_mid_refresh_keeps_serving_and_the_next_run_recovers(
    tmp_path, knowledge_copy, model
) -> None:
    services = fresh(tmp_path, model)
    services.indexer.run(knowledge_copy, progress=False)
    old = services.registry.read().version
    # Enough new text that the refresh is still embedding when it is killed.
    for n in range(25):
        (knowledge_copy / f"extra-{n:02d}.md").write_text(
            MOXA.replace("Moxibustion", f"Moxibustion note {n}") + f"\nNote {n}.\n" * 5
        )
    proc = run_cli(tmp_path / "data", "--source", str(knowledge_copy))
    deadline = time.time() + 120
    while time.time() < deadline and len(services.registry.versions()) < 2:
        time.sleep(0.2)
    assert len(services.registry.versions()) == 2, "the refresh never started writing"
    time.sleep(1.0)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)

    assert services.registry.read().version == old
    assert ask(services, "What is cupping?").sources[0].source == "integrative-treatments.md"

    again = run_cli(tmp_path / "data", "--source", str(knowledge_copy), "--quiet")
    _, err = again.communicate(timeout=600)
    assert again.returncode == 0, err
    new = services.registry.read().version
    assert new != old and services.registry.versions() == sorted([old, new])
    services.index.invalidate()
    assert ask(services, "What is moxibustion?").type == "answer"


@pytest.mark.slow
def test_cli_rollback(tmp_path, knowledge_copy) -> None:
    first = run_cli(tmp_path / "data", "--source", str(knowledge_copy), "--quiet")
    assert first.wait(timeout=300) == 0
    none = run_cli(tmp_path / "data", "--rollback")
    _, err = none.communicate(timeout=300)
    assert none.returncode == 6 and "no previous index version" in err
    (knowledge_copy / "moxibustion.md").write_text(MOXA)
    assert run_cli(tmp_path / "data", "--source", str(knowledge_copy), "--quiet").wait(300) == 0
    back = run_cli(tmp_path / "data", "--rollback")
    out, err = back.communicate(timeout=300)
    assert back.returncode == 0, err
    assert "rolled back: version v0001 serves again (v0002 kept" in out
