"""The real-words safety dataset beside the rules: loading it by split.

``data/messages_*.yaml`` hold messages adapted from public sources (each item names its
source address), labelled emergency, urgent, crisis or none, and split by source into a
development part (used to train the classifier and pick thresholds) and a held-out part
(used only by ``make eval`` to measure generalisation).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import yaml

DATA = Path(__file__).resolve().parent / "data"
# Real visitors' questions of the answer evaluation, adapted from forums and clinic FAQs and
# split by source the same way: all harmless for triage ("why would the doctor look at my
# tongue?"), so they teach the classifier what ordinary questions look like. Read from the
# source tree; an installed copy without it trains on the messages alone.
QUESTIONS = Path(__file__).resolve().parents[2] / "evals" / "data" / "questions_real.yaml"
Label = Literal["emergency", "urgent", "crisis", "none"]
LABELS: tuple[Label, ...] = ("none", "urgent", "emergency", "crisis")
# What a classifier scores: each label, and "care" (urgent and emergency together).
Score = Literal["emergency", "urgent", "crisis", "none", "care"]


@dataclass(frozen=True)
class Message:
    """One labelled message."""

    text: str
    label: Label
    kind: str
    lang: str
    source: str
    split: Literal["dev", "heldout"]


def load(split: Literal["dev", "heldout"] | None = None) -> list[Message]:
    """Every message of the dataset, or only those of one split."""
    items: list[Message] = []
    for path in sorted(DATA.glob("messages_*.yaml")):
        for raw in yaml.safe_load(path.read_text(encoding="utf-8"))["items"]:
            message = Message(
                text=str(raw["text"]),
                label=raw["label"],
                kind=str(raw.get("kind", "")),
                lang=str(raw.get("lang", "en")),
                source=str(raw["source"]),
                split=raw["split"],
            )
            if split is None or message.split == split:
                items.append(message)
    return items


def questions(split: Literal["dev", "heldout"] | None = None) -> list[Message]:
    """The real visitors' questions (:data:`QUESTIONS`) as messages, harmless unless marked."""
    if not QUESTIONS.exists():
        return []
    items = yaml.safe_load(QUESTIONS.read_text(encoding="utf-8"))["items"]
    # A question that is itself a red flag says so ("triage: emergency"): it teaches that.
    found = [
        Message(
            str(raw["q"]),
            raw.get("triage", "none"),
            "question",
            "en",
            str(raw["source"]),
            raw["split"],
        )
        for raw in items
    ]
    return [m for m in found if split is None or m.split == split]


def training(split: Literal["dev", "heldout"] = "dev") -> list[Message]:
    """What the classifier learns from: the messages and the questions of one part.

    A question whose source the messages put in the other part is left out, so that no
    source is on both sides (two older message files were split by hand).
    """
    messages = load()
    other = {m.source for m in messages if m.split != split}
    mine = [m for m in messages if m.split == split]
    return mine + [q for q in questions(split) if q.source not in other]


def fingerprint() -> str:
    """A hash of the dataset files and the questions: a change retrains the classifier."""
    digest = hashlib.sha256()
    for path in [*sorted(DATA.glob("messages_*.yaml")), QUESTIONS]:
        if path.exists():
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]
