"""How the triage thresholds in ``bot/tuning.py`` were picked: grouped CV on the dev part.

Run ``python -m evals.triage_calibration [--folds N] [--model tuned|logreg]``. Each fold
holds out whole sources (as the held-out part does), trains on the rest of the
development part (fine-tuning the model, or fitting the logistic regression), and scores
the held-out messages; the table shows, per threshold, recall and over-triage of the
classifier alone and of the classifier with the reviewed rules. The held-out part of the
dataset is never read here.
"""

from __future__ import annotations

import argparse
import os
import tempfile
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import numpy.typing as npt

from bot.config import Settings
from bot.onnx_embedding import OnnxEmbedder, ensure_onnx_model
from bot.safety import classifier, dataset, finetune
from bot.safety.dataset import LABELS, Score
from bot.safety.triage import SafetyTriage

Scores = npt.NDArray[np.float64]
COLUMNS: tuple[Score, ...] = (*LABELS, "care")  # the saved scores' columns, peak then agreed


def dev_folds(folds: int) -> tuple[list[dataset.Message], list[tuple[list[int], list[int]]]]:
    """The dev messages and questions, and the (train, test) indices of each fold: grouped
    by source, so no source is on both sides (as the held-out part is split)."""
    from sklearn.model_selection import GroupKFold

    messages = dataset.training("dev")
    number = {source: i for i, source in enumerate(sorted({m.source for m in messages}))}
    groups = [number[m.source] for m in messages]
    splits = GroupKFold(n_splits=folds).split(messages, groups=groups)
    return messages, [(list(train), list(test)) for train, test in splits]


def out_of_fold_scores(
    model: str, folds: int, recipe: finetune.Recipe | None = None, only: int = 0
) -> tuple[list[dataset.Message], Scores]:
    """Per dev message, its scores for each label from a model that never saw its source:
    the :data:`COLUMNS` of the peak, then those of the agreed reading
    (:class:`~bot.safety.classifier.Reading`).

    ``only`` runs just that fold (1-based), to compare recipes quickly: the other folds'
    messages are left out of the result.
    """
    settings = Settings()
    base = settings.resolve_model_path()
    picker = OnnxEmbedder(base, settings.onnx_cache_dir)
    messages, splits = dev_folds(folds)
    extra = classifier.exemplar_messages()
    scores = np.zeros((len(messages), 2 * len(COLUMNS)))
    kept: list[int] = []
    for number, (train_idx, test_idx) in enumerate(splits, start=1):
        if only and number != only:
            continue
        kept += list(test_idx)
        taught = [messages[i] for i in train_idx] + extra
        examples = (
            finetune.examples(taught, picker, base)
            if model == "tuned"
            else classifier.pick_units(taught, picker)
        )
        print(f"fold {number}/{folds}: {len(examples[0])} training units", flush=True)
        score = _scorer(model, base, examples, picker, recipe or finetune.Recipe())
        for i in test_idx:
            found = score(classifier.units(messages[i].text, windows=True))
            scores[i] = [r[column] for r in (found.peak, found.agreed) for column in COLUMNS]
    kept.sort()
    return [messages[i] for i in kept], scores[kept]


def _scorer(
    model: str,
    base: str,
    examples: tuple[list[str], list[int]],
    picker: OnnxEmbedder,
    recipe: finetune.Recipe,
) -> classifier.Scorer:
    if model == "logreg":
        fitted = classifier.fit(picker.embed(examples[0]), np.array(examples[1]))
        return lambda texts: fitted.read(picker.embed(texts))
    folder = Path(tempfile.mkdtemp(prefix="triage-fold-"))
    print(f"  its model: {folder} (for python -m evals.triage_bars)", flush=True)
    finetune.train(base, examples, folder, recipe)
    ensure_onnx_model(str(folder), folder / "onnx", "onnx")
    return classifier.TunedClassifier(folder).read


def rule_flags(messages: Sequence[dataset.Message]) -> list[set[str]]:
    """The kinds the reviewed rules (English, Spanish, Chinese) raise for each message."""
    return [SafetyTriage.rule_kinds(m.text) for m in messages]


def table(messages: Sequence[dataset.Message], scores: Scores, rules: list[set[str]]) -> None:
    """Recall per label and over-triage at each threshold, from the peak and from the agreed
    reading, alone and with the rules ("care" counts as a flag to care)."""
    labels = [m.label for m in messages]
    width = len(COLUMNS)
    for name, offset in (("peak", 0), ("agreed", width)):
        for threshold in (0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.95, 0.97):
            for with_rules in (False, True):
                kinds: list[set[str]] = []
                for row, found in zip(scores, rules, strict=True):
                    flagged = {
                        "urgent" if column == "care" else str(column)
                        for k, column in enumerate(COLUMNS)
                        if column != "none" and row[offset + k] >= threshold
                    }
                    kinds.append(flagged | found if with_rules else flagged)
                layers = "+rules" if with_rules else "alone "
                print(f"{name:6} t={threshold:.2f} {layers} {_line(labels, kinds)}")


def _line(labels: Sequence[str], kinds: Sequence[set[str]]) -> str:
    care = {"emergency", "urgent"}
    hits: dict[str, list[bool]] = {}
    for label, found in zip(labels, kinds, strict=True):
        if label in care:
            hits.setdefault(label, []).append(bool(found & care))
        elif label == "crisis":
            hits.setdefault(label, []).append("crisis" in found)
        else:
            hits.setdefault("over-triage", []).append(bool(found))
    return "  ".join(f"{k} {np.mean(v):.3f}" for k, v in sorted(hits.items()))


def main() -> None:
    """Print the calibration tables for the chosen classifier."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--model", choices=("tuned", "logreg"), default="tuned")
    parser.add_argument("--save", type=Path, help="also write the out-of-fold scores (.npz)")
    parser.add_argument("--frozen-layers", type=int, default=finetune.FROZEN_LAYERS)
    parser.add_argument("--epochs", type=int, default=finetune.EPOCHS)
    parser.add_argument("--learning-rate", type=float, default=finetune.LEARNING_RATE)
    parser.add_argument("--only-fold", type=int, default=0, help="run just this fold (1-based)")
    args = parser.parse_args()
    recipe = finetune.Recipe(args.frozen_layers, args.epochs, args.learning_rate)
    messages, scores = out_of_fold_scores(args.model, args.folds, recipe, args.only_fold)
    if args.save:
        np.savez(
            args.save,
            scores=scores,
            labels=[m.label for m in messages],
            texts=[m.text for m in messages],
        )
    table(messages, scores, rule_flags(messages))


if __name__ == "__main__":
    main()
