"""The articles' words, matched the way people vary and misspell them.

A question's word is covered when an article uses a variant of it: another ending of the
same stem ("tingly" / "tingling", "warm" / "warmth": all but the last few letters of the
shorter word shared, and one Snowball stem the start of the other), a spelling one letter
apart ("disc" / "disk", "sciatia"), or a compound that contains it ("arthritis" in
"osteoarthritis"). One rule over the corpus vocabulary replaces lists of variants. A
corpus word inside the question's word does not count: "acupressure" is not "pressure".
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from functools import lru_cache

import Stemmer
from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from bot import tuning

_OPENING = 3  # variants keep their first letters: words are bucketed by them


class Vocabulary:
    """Lower-case surface words of the articles, searchable by variant."""

    def __init__(self, words: Iterable[str]) -> None:
        self._by_opening: dict[str, list[str]] = defaultdict(list)
        self._long: list[str] = []
        for word in sorted({w.lower() for w in words}):
            if len(word) >= tuning.VARIANT_MIN_CHARS:
                self._by_opening[word[:_OPENING]].append(word)
            if len(word) > tuning.COMPOUND_MIN_CHARS:
                self._long.append(word)
        self.near = lru_cache(maxsize=4096)(self._near)

    def _near(self, word: str) -> bool:
        """Whether an article uses ``word`` in another ending, spelling or compound."""
        word = word.lower()
        if len(word) < tuning.VARIANT_MIN_CHARS:
            return False
        bucket = self._by_opening.get(word[:_OPENING], [])
        if any(_same_stem(word, other) for other in bucket):
            return True
        if process.extractOne(word, bucket, scorer=Levenshtein.distance, score_cutoff=1):
            return True
        return len(word) >= tuning.COMPOUND_MIN_CHARS and any(word in w for w in self._long)


@lru_cache(maxsize=1)
def _stemmer() -> Stemmer.Stemmer:
    return Stemmer.Stemmer("english")


def _same_stem(word: str, other: str) -> bool:
    """Two endings of one stem: they share all but the last letters of the shorter word,
    and one's Snowball stem begins the other's ("shower" and "shown" do not)."""
    shorter = min(len(word), len(other))
    shared = next((i for i, (a, b) in enumerate(zip(word, other, strict=False)) if a != b), shorter)
    if shared < max(tuning.VARIANT_MIN_CHARS, shorter - tuning.VARIANT_ENDING_CHARS):
        return False
    a: str = _stemmer().stemWord(word)
    b: str = _stemmer().stemWord(other)
    return a.startswith(b) or b.startswith(a)
