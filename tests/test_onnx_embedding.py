"""The ONNX Runtime backend: the same vectors as torch, and no torch in its process."""

import os
import subprocess
import sys

import numpy as np
import pytest
from conftest import ROOT

from bot.config import Settings
from bot.embedding import Vectors
from bot.onnx_embedding import OnnxEmbedder

pytestmark = pytest.mark.slow

TEXTS = [
    "Is acupuncture safe during pregnancy?",
    "What should I wear to my first session?",
    "Sciatica is pain that travels along the sciatic nerve, from the lower back down the leg.",
]


def test_onnx_vectors_equal_the_torch_model(model) -> None:
    settings = Settings()
    onnx = OnnxEmbedder(
        settings.resolve_model_path(), settings.onnx_cache_dir, "onnx", settings.model_name()
    )
    cosine = np.sum(onnx.embed(TEXTS) * model.embed(TEXTS), axis=1)
    assert onnx.name == model.name and onnx.dimension == model.dimension
    assert cosine.min() > 0.9999


def test_the_onnx_backend_never_imports_torch(tmp_path) -> None:
    code = (
        "import sys\n"
        "from bot.config import Settings\n"
        "from bot.services import build_services\n"
        "services = build_services(Settings())\n"
        "services.embedder.embed(['back pain'])\n"
        "print('torch' in sys.modules, 'sentence_transformers' in sys.modules)\n"
    )
    env = {**os.environ, "BOT_DATA_DIR": str(tmp_path), "BOT_EMBED_BACKEND": "onnx"}
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "False"]


def test_texts_that_tokenise_alike_run_once_and_get_the_same_vector() -> None:
    settings = Settings()
    onnx = OnnxEmbedder(settings.resolve_model_path(), settings.onnx_cache_dir)
    rows: list[int] = []
    run = onnx._run

    def counted(batch: list[tuple[int, ...]]) -> Vectors:
        rows.append(len(batch))
        return run(batch)

    onnx._run = counted  # type: ignore[method-assign]
    texts = ["How does acupuncture help back pain?", "how does acupuncture help back pain?"]
    texts.append("how does acupuncture help back pain")
    vectors = onnx.embed(texts)
    assert rows == [2]  # the lower-cased question is the same input for an uncased model
    assert np.array_equal(vectors[0], vectors[1])
    alone = onnx.embed(texts[2:])
    assert float(vectors[2] @ alone[0]) > 0.99999
    assert float(vectors[0] @ vectors[2]) < 0.9999  # the question mark is a token
