"""The fused graph: the retrieval and triage models in one session, same vectors as apart."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest
from conftest import KNOWLEDGE

from bot.config import Settings
from bot.embedding import prefetch_pair
from bot.onnx_embedding import OnnxEmbedder
from bot.onnx_fused import FusedBranch, FusedEmbedder, ensure_fused, shared_layers
from bot.safety import classifier, dataset, finetune
from bot.schemas import ChatRequest
from bot.services import build_services, load_embedder

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def fused() -> FusedEmbedder:
    """The server's embedder: the first branch of the fused graph (exported if missing)."""
    embedder = load_embedder(Settings(embed_backend="onnx", triage_model="tuned"))
    assert isinstance(embedder, FusedBranch)
    return embedder.fused


def test_both_outputs_equal_the_separate_models(fused: FusedEmbedder) -> None:
    settings = Settings()
    folder = finetune.ensure_tuned(settings)
    base = OnnxEmbedder(settings.resolve_model_path(), settings.onnx_cache_dir)
    tuned = OnnxEmbedder(str(folder), folder / "onnx")
    messages = dataset.load("dev") + dataset.load("heldout")
    texts = [m.text for m in messages[::3]]  # ~300, in three languages, long and short
    texts += [" ".join(m.text for m in messages[:40])]  # past the 256 tokens both read
    units = [u for text in texts[:100] for u in classifier.units(text)]
    first, second = fused.embed_pair(texts, units)
    assert first.shape == (len(texts), 384) and second.shape == (len(units), 384)
    assert np.abs(first - base.embed(texts)).max() < 1e-4
    assert np.abs(second - tuned.embed(units)).max() < 1e-4
    # Either branch alone (the other given no rows) is the same too.
    assert np.abs(fused.first.embed(texts[:5]) - first[:5]).max() < 1e-5
    assert np.abs(fused.second.embed(units[:5]) - second[:5]).max() < 1e-5


def test_a_request_makes_one_model_call(fused: FusedEmbedder, tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "data", knowledge_dir=KNOWLEDGE)
    services = build_services(settings, embedder=fused.first)
    assert services.chat.triage.tuned is not None
    assert services.chat.triage.tuned.embedder is fused.second  # no second session
    services.indexer.run(KNOWLEDGE, progress=False)
    services.chat.reply(ChatRequest(message="Hello"))  # the index's word views, once per version
    runs: list[int] = []
    run = fused._run

    def counted(batch: list[tuple[int, ...]], picks: list[list[int]]) -> list[np.ndarray]:
        runs.append(len(batch))
        return run(batch, picks)

    fused._run = counted  # type: ignore[method-assign]
    try:
        # Two sentences: the triage units and the question still make one batch. ("I hurt my
        # back lifting. Can acupuncture help?" was the example until the model of dataset
        # round 6 read it as an emergency: a known false alarm, see the README.)
        for message in (
            "Does acupuncture hurt?",
            "My lower back aches after work. Can acupuncture help?",
        ):
            runs.clear()
            reply = services.chat.reply(ChatRequest(message=message))
            assert reply.type == "answer" and len(runs) == 1, (message, runs)
    finally:
        del fused._run


def test_the_pair_shares_what_is_identical_and_nothing_else(tmp_path: Path) -> None:
    from safetensors.numpy import load_file, save_file

    settings = Settings()
    base = settings.resolve_model_path()
    folder = finetune.ensure_tuned(settings)
    assert (
        shared_layers(base, str(folder))
        == json.loads((folder / "fused" / "fused.json").read_text())["shared_layers"]
    )
    other = tmp_path / "other"
    shutil.copytree(base, other)
    weights = load_file(str(other / "model.safetensors"))
    weights["encoder.layer.0.output.dense.bias"] = weights["encoder.layer.0.output.dense.bias"] + 1
    save_file(weights, str(other / "model.safetensors"))
    assert shared_layers(base, str(other)) == 0  # the embeddings alone
    weights["embeddings.word_embeddings.weight"][5] += 1
    save_file(weights, str(other / "model.safetensors"))
    assert shared_layers(base, str(other)) is None
    assert ensure_fused(base, str(other), tmp_path / "fused") is None  # served apart


def test_retrieval_and_triage_batches_fall_back_to_two_calls_without_a_shared_graph() -> None:
    settings = Settings()
    base = OnnxEmbedder(settings.resolve_model_path(), settings.onnx_cache_dir)
    ours, theirs = prefetch_pair(base, ["back pain", ""], base, ["back pain"])
    assert theirs is not None
    assert np.array_equal(ours.embed(["back pain"]), theirs.embed(["back pain"]))
