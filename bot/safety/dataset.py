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
Label = Literal["emergency", "urgent", "crisis", "none"]
LABELS: tuple[Label, ...] = ("none", "urgent", "emergency", "crisis")


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


def fingerprint() -> str:
    """A hash of the dataset files: a change retrains the classifier."""
    digest = hashlib.sha256()
    for path in sorted(DATA.glob("messages_*.yaml")):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]
