"""Shared fixtures: the real bundled model, a real Chroma index in a temp folder, the app."""

from __future__ import annotations

import dataclasses
import hashlib
import os
import re
import shutil
import subprocess
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import uvicorn
from engines import ENGINES, chroma_server, engine_overrides, free_port, redis_url
from fastapi import FastAPI
from fastapi.testclient import TestClient

from bot.config import Settings
from bot.embedding import SentenceTransformerEmbedder, Vectors
from bot.ratelimit import RateLimiter
from bot.services import Services, build_services
from bot.web.app import create_app

__all__ = ["chroma_server", "redis_url"]  # session fixtures from engines.py

ROOT = Path(__file__).resolve().parent.parent
MOXA_ARTICLE = """---
title: Moxibustion
url: /blog/moxibustion
updated: 2026-11-20
---
# Moxibustion

## What is moxibustion?

Moxibustion warms acupuncture points by burning dried mugwort, called moxa, just above the
skin. The gentle heat relaxes tight muscles and is often paired with acupuncture for
chronic back pain.
"""
KNOWLEDGE = ROOT / "knowledge"
# One ONNX export for the whole run (and its subprocesses), not one per temporary data dir.
os.environ.setdefault("BOT_MODEL_CACHE_DIR", str(ROOT / "data" / "models"))


class FakeEmbedder:
    """Hashed bag of words: deterministic and instant, for tests of pure logic only."""

    def __init__(self, name: str = "fake-bow", dimension: int = 64) -> None:
        self._name = name
        self._dimension = dimension
        self.calls: list[int] = []

    @property
    def name(self) -> str:
        return self._name

    @property
    def dimension(self) -> int:
        return self._dimension

    def embed(self, texts: Sequence[str]) -> Vectors:
        self.calls.append(len(texts))
        out = np.zeros((len(texts), self._dimension), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in re.findall(r"\w+", text.lower()):
                digest = hashlib.md5(word.encode()).digest()
                out[row, digest[0] % self._dimension] += 1.0
            out[row] /= max(float(np.linalg.norm(out[row])), 1e-9)
        return out

    @property
    def embedded(self) -> int:
        return sum(self.calls)


@pytest.fixture(scope="session")
def model() -> SentenceTransformerEmbedder:
    """The bundled all-MiniLM-L6-v2, loaded once for the whole run."""
    settings = Settings()
    return SentenceTransformerEmbedder(settings.resolve_model_path(), settings.model_name())


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path / "data", knowledge_dir=KNOWLEDGE)


@pytest.fixture(params=ENGINES)
def engine(request: pytest.FixtureRequest) -> dict[str, Any]:
    """Run the test twice: index on local disk, and on the session's Chroma server."""
    return engine_overrides(request.param, request)


@pytest.fixture
def knowledge_copy(tmp_path: Path) -> Path:
    """A writable copy of the clinic's articles."""
    target = tmp_path / "knowledge"
    shutil.copytree(KNOWLEDGE, target)
    return target


def index_knowledge(model: SentenceTransformerEmbedder, data: Path, **overrides: Any) -> Services:
    """The real services over a real Chroma index of ``knowledge/``."""
    settings = Settings(data_dir=data, knowledge_dir=KNOWLEDGE, **overrides)
    services = build_services(settings, embedder=model)
    report = services.indexer.run(KNOWLEDGE, progress=False)
    assert not report.failures
    return services


@pytest.fixture(scope="session")
def indexed_on_disk(
    model: SentenceTransformerEmbedder, tmp_path_factory: pytest.TempPathFactory
) -> Services:
    """The real services over a real Chroma index of ``knowledge/`` on disk, built once."""
    return index_knowledge(model, tmp_path_factory.mktemp("indexed"))


@pytest.fixture(scope="session")
def indexed(indexed_on_disk: Services) -> Services:
    """The index most tests read (on disk); chat and refresh tests also use the server."""
    return indexed_on_disk


@pytest.fixture(scope="session")
def indexed_on_server(
    model: SentenceTransformerEmbedder,
    tmp_path_factory: pytest.TempPathFactory,
    request: pytest.FixtureRequest,
) -> Services:
    """The same index, built once in the session's Chroma server (``BOT_CHROMA_HOST``)."""
    overrides = engine_overrides("chroma-server", request)
    return index_knowledge(model, tmp_path_factory.mktemp("indexed-server"), **overrides)


@pytest.fixture(scope="session")
def client(indexed: Services) -> Iterator[TestClient]:
    """HTTP through FastAPI's test client, the app's lifespan handing over ``indexed``."""
    app = create_app(indexed.settings, build=reuse(indexed))
    with TestClient(app) as test_client:
        yield test_client


@dataclass
class LiveServer:
    url: str
    app: FastAPI


def reuse(services: Services) -> Callable[[Settings], Services]:
    """An app's ``build`` seam that hands over already built services.

    The app's own settings (a test's overrides: rate limit, origins...) replace the
    services' settings, and the rate limiter is rebuilt from them.
    """
    return lambda s: dataclasses.replace(
        services,
        settings=s,
        limiter=RateLimiter(s.rate_limit, s.redis_url),
        admin_failures=RateLimiter(s.admin_failure_limit),
    )


@contextmanager
def live_server(services: Services, **overrides: Any) -> Iterator[LiveServer]:
    """A real uvicorn server over ``services`` on a free loopback port."""
    port = free_port()
    settings = services.settings.model_copy(update=overrides)
    app = create_app(settings, build=reuse(services))
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.time() + 30
    while not server.started and time.time() < deadline:
        time.sleep(0.05)
    assert server.started, "server did not start"
    try:
        yield LiveServer(url=f"http://127.0.0.1:{port}", app=app)
    finally:
        server.should_exit = True
        thread.join(timeout=10)


CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Debian's chromium, headless, driven by playwright (never a downloaded browser)."""
    if not CHROMIUM.exists():
        pytest.fail("Debian's chromium is not installed; .ci/run installs it with apt")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        launched = pw.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield launched
        launched.close()


def namespaces_work() -> bool:
    """Whether this machine lets us mount a tmpfs in a user namespace of our own."""
    if shutil.which("unshare") is None:
        return False
    probe = subprocess.run(
        ["unshare", "-rm", "sh", "-c", "mount -t tmpfs none /mnt"], capture_output=True
    )
    return probe.returncode == 0
