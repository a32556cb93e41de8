"""Shared fixtures: the real bundled model, a real Chroma index in a temp folder, the app."""

from __future__ import annotations

import hashlib
import re
import shutil
from collections.abc import Iterator, Sequence
from pathlib import Path

import numpy as np
import pytest
from fastapi.testclient import TestClient

from bot.api import create_app
from bot.config import Settings
from bot.embedding import SentenceTransformerEmbedder, Vectors
from bot.services import Services, build_services

ROOT = Path(__file__).resolve().parent.parent
KNOWLEDGE = ROOT / "knowledge"


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


@pytest.fixture
def knowledge_copy(tmp_path: Path) -> Path:
    """A writable copy of the clinic's articles."""
    target = tmp_path / "knowledge"
    shutil.copytree(KNOWLEDGE, target)
    return target


@pytest.fixture(scope="session")
def indexed(
    model: SentenceTransformerEmbedder, tmp_path_factory: pytest.TempPathFactory
) -> Services:
    """The real services over a real Chroma index of ``knowledge/``, built once."""
    data = tmp_path_factory.mktemp("indexed")
    services = build_services(Settings(data_dir=data, knowledge_dir=KNOWLEDGE), embedder=model)
    report = services.indexer.run(KNOWLEDGE, progress=False)
    assert not report.failures
    return services


@pytest.fixture(scope="session")
def client(indexed: Services) -> Iterator[TestClient]:
    """HTTP through FastAPI's test client, the app's lifespan handing over ``indexed``."""
    app = create_app(indexed.settings, build=lambda _settings: indexed)
    with TestClient(app) as test_client:
        yield test_client
