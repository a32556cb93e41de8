"""Checks a freshly built index version must pass before it is switched on."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from bot.answering.compose import rank_sections
from bot.answering.retrieval import FixedIndex, Retriever
from bot.embedding import Embedder
from bot.errors import BotError, CheckFailed
from bot.index.store import ChromaStore
from bot.safety.triage import SafetyTriage

GOLDEN_FILE = "golden.yaml"
# Triage must still catch these whatever the articles say.
RED_FLAG_PROBES = {
    "I suddenly can't control my bladder and my back hurts": "emergency",
    "I have numbness in my groin": "emergency",
    "I don't want to live anymore": "crisis",
}


def load_golden(folder: Path) -> list[dict[str, Any]]:
    """The folder's golden questions (``golden.yaml``: a list of ``{q, source}``), if any."""
    path = folder / GOLDEN_FILE
    if not path.exists():
        return []
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    except yaml.YAMLError as exc:
        raise CheckFailed(f"{GOLDEN_FILE}: not valid YAML ({exc.__class__.__name__})") from exc
    if not isinstance(data, list) or not all(
        isinstance(i, dict) and "q" in i and "source" in i for i in data
    ):
        raise CheckFailed(f"{GOLDEN_FILE}: expected a list of {{q, source}} items")
    return data


class Verifier:
    """Completeness, model, golden questions and red-flag triage of one version."""

    def __init__(self, embedder: Embedder, triage: SafetyTriage | None = None) -> None:
        self._embedder = embedder
        self._triage = triage

    def problems(
        self, store: ChromaStore, expected: dict[str, int], golden: list[dict[str, Any]]
    ) -> list[str]:
        """Everything wrong with ``store``; empty when it may be switched on."""
        found: list[str] = []
        try:
            store.check_model()
        except BotError as exc:
            found.append(exc.message)
        manifest = store.manifest()
        for source, chunks in expected.items():
            have = manifest[source].chunks if source in manifest else 0
            if have != chunks:
                found.append(f"{source}: {have} of {chunks} chunks in the new index")
        for extra in sorted(set(manifest) - set(expected)):
            found.append(f"{extra}: in the new index but not in the source folder")
        retriever = Retriever(FixedIndex(store), self._embedder)
        for item in golden:
            ranked: list[str] = []
            for hit in rank_sections(retriever.search(str(item["q"]))):
                if hit.source not in ranked:
                    ranked.append(hit.source)
            if item["source"] not in ranked[:3]:
                found.append(
                    f"golden question {item['q']!r} should find {item['source']}, "
                    f"found {ranked[:3]}"
                )
        if self._triage is not None:
            for message, kind in RED_FLAG_PROBES.items():
                flag = self._triage.check(message)
                if flag is None or flag.kind != kind:
                    found.append(f"red-flag probe {message!r} was not triaged as {kind}")
        return found
