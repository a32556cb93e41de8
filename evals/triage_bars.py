"""How the bars of ``bot/tuning.py`` were picked: the fold models of a cross-validation,
re-read through the real triage code with other bars.

``python -m evals.triage_calibration --folds 3`` fine-tunes one model per fold, each without
the dev sources it is then scored on, and prints where each model is kept. This module
reads every dev message with the model that never saw its source, through
:func:`bot.safety.verdict.classified` and the reviewed rules, once per setting of the
English bars, the Spanish and Chinese bars and the whole story's clearance, and prints
recall and over-triage per language. The held-out part is never read here.

Run ``python -m evals.triage_bars FOLD1_DIR FOLD2_DIR FOLD3_DIR``.
"""

from __future__ import annotations

import argparse
import itertools
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import cast

import numpy as np

from bot import tuning
from bot.safety import classifier, dataset, verdict
from bot.safety.language import detect
from bot.safety.rules import TriageKind
from bot.safety.text import fold
from bot.safety.triage import SafetyTriage
from evals.triage_calibration import dev_folds

Read = tuple[dataset.Message, classifier.Reading, set[str]]
_CARE = {"emergency", "urgent"}


def read_out_of_fold(folders: list[Path]) -> list[Read]:
    """Each dev message read by the fold model that never saw its source, with the kinds the
    reviewed rules raise (the folds are those of ``evals.triage_calibration``)."""
    messages, splits = dev_folds(len(folders))
    found: list[Read] = []
    for folder, (_, test_idx) in zip(folders, splits, strict=True):
        model = classifier.TunedClassifier(folder)
        for i in test_idx:
            message = messages[i]
            reading = model.read(classifier.units(message.text, windows=True))
            found.append((message, reading, SafetyTriage.rule_kinds(message.text)))
    return found


@contextmanager
def bars(english: float, crisis: float, foreign: float, clears: float) -> Iterator[None]:
    """The triage bars set for a while: English care and crisis, Spanish/Chinese care (their
    crisis bar stays), and the whole story's care clearance."""
    saved = {
        name: getattr(tuning, name)
        for name in ("TUNED_THRESHOLDS", "TUNED_THRESHOLDS_BY_LANGUAGE", "WHOLE_STORY_CLEARS")
    }
    care = ("emergency", "urgent", "care")
    other = tuning.TUNED_THRESHOLDS_BY_LANGUAGE["es"] | dict.fromkeys(care, foreign)
    values = {
        "TUNED_THRESHOLDS": dict.fromkeys(care, english) | {"crisis": crisis},
        "TUNED_THRESHOLDS_BY_LANGUAGE": {"es": other, "zh": other},
        "WHOLE_STORY_CLEARS": {**tuning.WHOLE_STORY_CLEARS, "care": clears},
    }
    for name, value in values.items():
        setattr(tuning, name, value)
    try:
        yield
    finally:
        for name, value in saved.items():
            setattr(tuning, name, value)


def line(rows: list[Read]) -> str:
    """Recall per label and over-triage, with the rules (less those the whole story
    outweighs), under the bars in force."""
    hits: dict[str, list[bool]] = {}
    for message, reading, rules in rows:
        language = detect(fold(message.text))
        said = [verdict.Flag(cast(TriageKind, kind), kind, "rule") for kind in rules]
        cleared = {f.kind for f in verdict.rules_cleared(said, reading, True, language)}
        kinds = {f.kind for f in verdict.classified(reading, True, language)} | rules - cleared
        if message.label in _CARE:
            hits.setdefault(message.label, []).append(bool(kinds & _CARE))
        elif message.label == "crisis":
            hits.setdefault("crisis", []).append("crisis" in kinds)
        else:
            hits.setdefault("over-triage", []).append(bool(kinds))
    return "  ".join(f"{k} {np.mean(v):.3f}" for k, v in sorted(hits.items()))


def main() -> None:
    """Print the grid, all languages and per language."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("folders", type=Path, nargs="+", help="the fold models, in fold order")
    args = parser.parse_args()
    rows = read_out_of_fold(args.folders)
    parts = {lang: [r for r in rows if r[0].lang == lang] for lang in ("en", "es", "zh")}
    grid = itertools.product((0.7, 0.8, 0.9, 0.95), (0.7, 0.85), (0.7, 0.8), (0.5, 1.01))
    for english, crisis, foreign, clears in grid:
        with bars(english, crisis, foreign, clears):
            name = f"en {english} crisis {crisis} es/zh {foreign} clears {clears}"
            print(f"{name:42} all: {line(rows)}")
            for lang, part in parts.items():
                print(f"{'':42} {lang}:  {line(part)}")


if __name__ == "__main__":
    main()
