"""Keyword side of retrieval: BM25 over the indexed sections, and the corpus vocabulary."""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

import bm25s
import numpy as np
import Stemmer

from bot import tuning
from bot.index.vocabulary import Vocabulary
from bot.words import zipf

_WORD = re.compile(r"(?u)\b\w\w+\b")


@lru_cache(maxsize=1)
def _stemmer() -> Stemmer.Stemmer:
    return Stemmer.Stemmer("english")


@lru_cache(maxsize=1)
def _stopwords() -> frozenset[str]:
    from bm25s.stopwords import STOPWORDS_EN_PLUS

    # Chat questions are conversational; these carry no topic either.
    return frozenset(STOPWORDS_EN_PLUS) | {"would", "could", "really", "please", "also", "get"}


@lru_cache(maxsize=1)
def _function_words() -> frozenset[str]:
    """English function words (scikit-learn's list): pronouns, quantifiers, connectives.

    Some are rarer in everyday text than the Zipf threshold ("anyone", "else", "whatever",
    "somebody") yet never name what a question is about ("used on someone else?").
    """
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    return frozenset(ENGLISH_STOP_WORDS) | {"somebody", "anybody", "everybody"}


# Chat spelling of contractions, which word-frequency lists count as rare words.
_CHAT_CONTRACTIONS = frozenset(
    [
        "whats",
        "im",
        "ive",
        "dont",
        "cant",
        "wont",
        "youre",
        "id",
        "ill",
        "thats",
        "theres",
        "isnt",
        "doesnt",
        "didnt",
        "hasnt",
        "havent",
        "wasnt",
        "shouldnt",
        "wouldnt",
        "couldnt",
        "arent",
        "lol",
        "btw",
        "pls",
        "plz",
        "thx",
    ]
)


@lru_cache(maxsize=8192)
def _common(word: str) -> bool:
    """Whether ``word`` is an everyday English word ("friend", "question", "need")."""
    return word in _CHAT_CONTRACTIONS or zipf(word) >= tuning.COMMON_WORD_ZIPF


def terms(text: str) -> list[str]:
    """Stemmed content words of ``text``."""
    stem = _stemmer().stemWord
    return [stem(w) for w in _WORD.findall(text.lower()) if w not in _stopwords()]


class LexicalIndex:
    """BM25 over section texts; also knows which words the articles ever use."""

    def __init__(self, ids: Sequence[str], texts: Sequence[str]) -> None:
        self._ids = list(ids)
        self._vocab: set[str] = set()
        self._long_vocab: list[str] = []
        self._words = Vocabulary([])
        self._bm25: bm25s.BM25 | None = None
        self._rarity: dict[str, float] = {}
        if self._ids:
            tokens = [terms(t) for t in texts]
            for toks in tokens:
                self._vocab.update(toks)
            self._rarity = _rarity(tokens)
            # Stems long enough that a longer word starting with one is derived from it.
            self._long_vocab = sorted(t for t in self._vocab if len(t) >= 6)
            self._words = Vocabulary(w for t in texts for w in _WORD.findall(t.lower()))
            self._bm25 = bm25s.BM25(b=tuning.BM25_LENGTH_NORMALISATION)
            self._bm25.index(tokens, show_progress=False)

    def scores(self, query: str) -> dict[str, float]:
        """BM25 score of every section for ``query``, scaled so the best is 1 (0 if no match)."""
        if self._bm25 is None:
            return {}
        query_terms = [t for t in terms(query) if t in self._vocab]
        if not query_terms:
            return dict.fromkeys(self._ids, 0.0)
        raw = np.asarray(self._bm25.get_scores(query_terms), dtype=np.float64)
        top = float(raw.max())
        scaled = raw / top if top > 0 else raw
        return {cid: float(s) for cid, s in zip(self._ids, scaled, strict=True)}

    def rarity(self, term: str) -> float:
        """How much a shared stemmed ``term`` says about a section: 1 for a term one section
        uses, near 0 for one every section uses ("back", "pain" in a back-pain corpus)."""
        return self._rarity.get(term, 0.0)

    def unknown_words(self, query: str) -> list[str]:
        """Content words of ``query`` that no article uses (e.g. "insurance", "migraines")."""
        stem = _stemmer().stemWord
        return [
            w
            for w in _WORD.findall(query)
            if w.lower() not in _stopwords()
            and not w.isdigit()
            and stem(w.lower()) not in self._vocab
        ]

    def known_words(self, text: str, besides: str = "") -> list[str]:
        """Content words of ``text`` that the articles use and ``besides`` does not, once each.

        The words of a story that can point retrieval at an article ("ivf", "arthritis").
        """
        stem = _stemmer().stemWord
        seen = set(terms(besides))
        found: list[str] = []
        for word in _WORD.findall(text.lower()):
            stemmed = stem(word)
            if word in _stopwords() or word.isdigit() or stemmed not in self._vocab:
                continue
            if stemmed not in seen:
                seen.add(stemmed)
                found.append(word)
        return found

    def subject_words(self, query: str) -> list[str]:
        """Unknown words that can carry a question's subject: not everyday English nor a
        function word, and not a derived form, variant or part of a corpus word
        ("acupuncturist" of "acupuncture", "disc" of "disk", "arthritis" of "osteoarthritis")."""
        stem = _stemmer().stemWord
        return [
            w
            for w in self.unknown_words(query)
            if not _common(w.lower())
            and w.lower() not in _function_words()
            and not self._derived(stem(w.lower()))
            and not self._words.near(w)
        ]

    def _derived(self, stemmed: str) -> bool:
        return any(stemmed.startswith(t) for t in self._long_vocab if len(t) < len(stemmed))


def _rarity(tokens: Sequence[Sequence[str]]) -> dict[str, float]:
    """Each term's inverse document frequency over the sections, scaled to at most 1."""
    n = len(tokens)
    if n < 2:
        return {t: 1.0 for toks in tokens for t in toks}
    frequency: dict[str, int] = {}
    for toks in tokens:
        for t in set(toks):
            frequency[t] = frequency.get(t, 0) + 1
    top = float(np.log(n))
    return {t: float(np.log(n / df)) / top for t, df in frequency.items()}
