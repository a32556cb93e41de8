"""Fine-tuning the bundled model for triage, on the development part of the dataset.

A logistic regression over the frozen model's sentence vectors cannot tell "my groin went
numb and I can't feel myself pee" from "my leg goes numb when I sit cross-legged" well
enough: both land near "numbness" in a space made for topical similarity. Fine-tuning the
upper transformer layers together with a four-way head (SetFit's idea, trained end to end
with a class-balanced cross-entropy) moves the vectors so that what separates the labels
counts. Grouped cross-validation on the development part (``evals/triage_calibration.py``)
roughly doubled emergency recall at the same over-triage.

Training reads only the development part and the reviewed exemplars, is seeded and
single-order (deterministic on one machine), takes a few minutes on two cores, and runs
once per model and dataset fingerprint: at ``make install``/``make test`` through
``python -m bot.safety.finetune``, or at the first start that finds no model. The result
is a sentence-transformers folder plus ``head.npz``, exported to ONNX beside it, so the
server runs it on onnxruntime like the retrieval model and never imports torch.
"""

from __future__ import annotations

import logging
import os
import shutil
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from filelock import FileLock

from bot import tuning
from bot.config import Settings
from bot.embedding import Embedder, model_dimension
from bot.onnx_embedding import OnnxEmbedder, ensure_onnx_model
from bot.onnx_fused import ensure_fused
from bot.safety import dataset
from bot.safety.classifier import TriageModel, exemplar_messages, pick_units
from bot.safety.dataset import LABELS

log = logging.getLogger(__name__)

VERSION = "3"  # bump when training changes, so a cached model is not reused
# The lower half stays as trained: less to fit, less to overfit. Training every layer for 5
# epochs was compared on fold 1 of 3 of the dev part (212 messages held out by source,
# `evals/triage_calibration.py --only-fold 1`): at about the same over-triage (0.13-0.16) it
# caught crisis 0.91 vs 0.87, emergencies 0.81 vs 0.86, urgent 0.82 vs 0.84: no better, its
# scores pushed to 0 and 1, for three times the training time. Not kept.
FROZEN_LAYERS = 3
EPOCHS = 3
LEARNING_RATE = 3e-5  # the transformer's; the head learns at 1e-3
BATCH = 16
_SCALE = 10.0  # logits from unit-length vectors need a temperature to reach 0 or 1


@dataclass(frozen=True)
class Recipe:
    """How the model is fine-tuned; the defaults are what the server uses.

    Other values are for ``evals/triage_calibration.py``, which compares recipes by
    grouped cross-validation on the development part.
    """

    frozen_layers: int = FROZEN_LAYERS
    epochs: int = EPOCHS
    learning_rate: float = LEARNING_RATE


def model_dir(settings: Settings) -> Path:
    """Where the fine-tuned model for this base model and dataset lives."""
    key = f"{VERSION}-{settings.model_name()}-{dataset.fingerprint()}"
    return settings.triage_cache_dir / f"triage-tuned-{key}"


def ensure_tuned(settings: Settings) -> Path:
    """The fine-tuned model's folder, trained first if it is missing (minutes, once)."""
    target = model_dir(settings)
    if (target / "head.npz").exists():
        fused_dir(settings, target)  # a model trained before the fused export gets it now
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    with FileLock(str(target.parent / "triage-tuning.lock")):
        if not (target / "head.npz").exists():
            log.warning(
                "training the triage model once (half an hour on two cores): %s", target.name
            )
            partial = target.with_name(f"{target.name}.{os.getpid()}.partial")
            shutil.rmtree(partial, ignore_errors=True)
            base = settings.resolve_model_path()
            picker = OnnxEmbedder(base, settings.onnx_cache_dir, threads=settings.embed_threads)
            messages = dataset.training("dev") + exemplar_messages()
            train(base, examples(messages, picker, base), partial)
            ensure_onnx_model(str(partial), partial / "onnx", "onnx")  # served without torch
            shutil.rmtree(target, ignore_errors=True)
            partial.rename(target)  # written aside, then renamed: never read half-written
    fused_dir(settings, target)
    return target


def examples(
    messages: Sequence[dataset.Message], picker: Embedder, base_path: str
) -> tuple[list[str], list[int]]:
    """What the model learns from ``messages``: every unit triage reads (the runs too), a
    whole story only when it fits in :data:`~bot.tuning.TRIAGE_MAX_TOKENS`
    (:func:`classifier.pick_units`)."""
    from tokenizers import Tokenizer

    tokenizer = Tokenizer.from_file(str(Path(base_path) / "tokenizer.json"))
    tokenizer.no_truncation()
    tokenizer.no_padding()

    def fits(text: str) -> bool:
        return len(tokenizer.encode(text).ids) <= tuning.TRIAGE_MAX_TOKENS

    return pick_units(messages, picker, windows=True, fits=fits)


def fused_dir(settings: Settings, target: Path) -> Path | None:
    """The graph serving the retrieval and triage models as one (:mod:`bot.onnx_fused`),
    exported beside the tuned model once; None when they share nothing.

    What they share is read from the weights, not from :data:`FROZEN_LAYERS`: a folder
    trained with another setting is served right (the embeddings are frozen whatever it is).
    """
    return ensure_fused(settings.resolve_model_path(), str(target), target / "fused")


def train(
    base_path: str,
    examples: tuple[list[str], list[int]],
    target: Path,
    recipe: Recipe = Recipe(),
) -> TriageModel:
    """Fine-tune ``base_path`` on (texts, label indices) and save model and head in ``target``.

    The examples come from :func:`~bot.safety.classifier.pick_units`.
    """
    import torch
    from sentence_transformers import SentenceTransformer

    torch.manual_seed(0)
    model: Any = SentenceTransformer(base_path, device="cpu")
    texts, labels = examples
    model.max_seq_length = tuning.TRIAGE_MAX_TOKENS
    for name, parameter in model.named_parameters():
        frozen = any(f"layer.{k}." in name for k in range(recipe.frozen_layers))
        parameter.requires_grad = not (frozen or "embeddings" in name)
    head = torch.nn.Linear(model_dimension(base_path), len(LABELS))
    counts = np.bincount(labels, minlength=len(LABELS))
    weight = torch.tensor(len(labels) / (len(LABELS) * np.maximum(counts, 1)), dtype=torch.float32)
    optimiser = torch.optim.AdamW(
        [
            {
                "params": [p for p in model.parameters() if p.requires_grad],
                "lr": recipe.learning_rate,
            },
            {"params": head.parameters(), "lr": 1e-3},
        ]
    )
    loss_of = torch.nn.CrossEntropyLoss(weight=weight)
    order = torch.Generator().manual_seed(0)
    target_labels = torch.tensor(labels)
    model.train()
    for epoch in range(recipe.epochs):
        total = 0.0
        permutation = torch.randperm(len(texts), generator=order).tolist()
        for start in range(0, len(permutation), BATCH):
            rows = permutation[start : start + BATCH]
            features = model.tokenize([texts[r] for r in rows])
            vectors = torch.nn.functional.normalize(model(features)["sentence_embedding"], dim=-1)
            loss = loss_of(head(vectors * _SCALE), target_labels[rows])
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
            total += float(loss.detach())
        log.info("triage tuning epoch %d: loss %.2f", epoch + 1, total)
    model.eval()
    target.mkdir(parents=True, exist_ok=True)
    model.save(str(target))
    tuned = TriageModel(
        (head.weight.detach().numpy() * _SCALE).astype(np.float32),
        head.bias.detach().numpy().astype(np.float32),
    )
    np.savez(target / "head.npz", coef=tuned.coef, intercept=tuned.intercept)
    return tuned


def main() -> int:
    """Train the triage model if this dataset has none yet (``make install`` runs this)."""
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    print(ensure_tuned(Settings()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
