"""The compact drug table gives what the drug-named-entity-recognition package gives."""

from __future__ import annotations

import random
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.safety import drugs

_WORD = re.compile(r"[A-Za-z][A-Za-z0-9-]{1,40}")

SENTENCES = [
    "is it ok to take my eliquis on the day of acupuncture",
    "Should I stop ELIQUIS before cupping?",
    "I'm on Coumadin and Tylenol, can I get needles?",
    "can i take advil or ibuprofen after a session",
    "my doctor put me on zoloft and lipitor last year",
    "I take vitamin D and fish oil every morning",
    "I take folic acid and vitamin c",
    "does acupuncture help back pain",
    "what happens at the first visit",
    "I was prescribed insulin glargine, is cupping safe",
    "Is metformin ok with herbal tea?",
    "",
    "!!! ???",
]


def reference(text: str) -> list[str]:
    """What the package itself reports for the same words (the previous implementation)."""
    from drug_named_entity_recognition import find_drugs

    words = _WORD.findall(text)
    if not words:
        return []
    found = find_drugs(words, is_ignore_case=True)
    return list(dict.fromkeys(n for n in (str(m[0].get("name", "")) for m in found) if n))


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A table built from scratch, by the child process, in an empty folder."""
    folder = tmp_path_factory.mktemp("drug-table")
    drugs.use_folder(folder)
    yield folder
    drugs.use_folder(None)


def test_the_table_is_built_once_per_package_version(built: Path) -> None:
    assert drugs.drug_names("my eliquis") == ["Apixaban"]
    assert drugs.table_path(built).exists()
    assert [p.name for p in built.glob("drug-names-*.json")] == [drugs.table_path(built).name]


@pytest.mark.parametrize("text", SENTENCES)
def test_sentences_match_the_package(built: Path, text: str) -> None:
    assert drugs.drug_names(text) == reference(text)


def test_brand_and_two_word_names(built: Path) -> None:
    assert drugs.drug_names("Should I stop ELIQUIS before cupping?") == ["Apixaban"]
    two_word = drugs.drug_names("I take folic acid daily")
    assert two_word == reference("I take folic acid daily") and two_word


def test_a_sample_of_the_whole_dictionary_matches_the_package(built: Path) -> None:
    from drug_named_entity_recognition import drugs_finder

    variants = sorted(drugs_finder.drug_variant_to_canonical)
    sample = random.Random(12).sample(variants, 400)
    for name in sample:
        text = f"can I keep taking {name.title()} with acupuncture"
        assert drugs.drug_names(text) == reference(text), name
    # Names next to each other: word pairs claim their words before single words do.
    for a, b in zip(sample[::2], sample[1::2], strict=True):
        text = f"{a} {b}"
        assert drugs.drug_names(text) == reference(text), text


def test_an_unwritable_cache_still_finds_drugs(tmp_path: Path) -> None:
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the cache folder should be")
    drugs.use_folder(blocked)
    try:
        assert drugs.drug_names("is it ok to take my eliquis") == ["Apixaban"]
    finally:
        drugs.use_folder(None)
