"""Finding the sections and sentences of the clinic's articles that fit a question."""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol, cast

import numpy as np

from bot import tuning
from bot.answering.focus import asking_part, points_back
from bot.embedding import Embedder, Vectors
from bot.index.lexical import LexicalIndex, terms
from bot.index.snapshot import IndexSnapshot
from bot.index.store import ChromaStore, ChunkHit

# Sections found by keywords alone are still considered: MiniLM misses rare exact terms.


@dataclass(frozen=True)
class ScoredSentence:
    """A candidate answer sentence with where it came from."""

    text: str
    similarity: float
    # The question's content words the sentence shares, each weighted by its rarity.
    overlap: float
    chunk: ChunkHit
    position: int


@dataclass(frozen=True)
class Retrieval:
    """Everything retrieved for one question."""

    query: str
    vector: Vectors
    passages: list[ChunkHit]
    sentences: list[ScoredSentence]
    lexical: dict[str, float] = field(default_factory=dict)
    # Similarity of the question to each article's title, by source: a title states what the
    # whole article is for ("Preventing Back Injuries" for "how do I avoid hurting my back").
    titles: dict[str, float] = field(default_factory=dict)
    unknown_words: list[str] = field(default_factory=list)
    # Similarity between the question and the question without its unknown words: low means
    # the words no article uses carry the question ("Does insurance cover acupuncture?").
    known_part_similarity: float = 1.0

    @property
    def top_score(self) -> float:
        """Semantic relevance of the best match: its passage's or its best sentence's."""
        best_passage = max((p.score for p in self.passages), default=0.0)
        best_sentence = max((s.similarity for s in self.sentences), default=0.0)
        return max(best_passage, best_sentence)


def without_words(query: str, words: list[str]) -> str | None:
    """``query`` with ``words`` taken out, or None when there is nothing to take out."""
    if not words:
        return None
    pattern = r"\b(" + "|".join(map(re.escape, words)) + r")\b"
    return " ".join(re.sub(pattern, " ", query, flags=re.I).split())


class IndexSource(Protocol):
    """Where retrieval reads from: the active version, or one fixed version under test."""

    def current(self) -> ChromaStore | None:
        """The store to read, or None when there is no index yet."""
        ...


class FixedIndex:
    """One given store, e.g. a new version being checked before it is switched on."""

    def __init__(self, store: ChromaStore) -> None:
        self._store = store

    def current(self) -> ChromaStore | None:
        """Always the same store."""
        return self._store


class Retriever:
    """Hybrid retrieval: Chroma for meaning (sections and sentences), BM25 for exact words."""

    def __init__(self, index: IndexSource, embedder: Embedder, top_k: int = tuning.TOP_K) -> None:
        self._index = index
        self._embedder = embedder
        self._top_k = top_k
        self._lock = threading.Lock()
        self._lexical = LexicalIndex([], [])
        self._titles: dict[str, Vectors] = {}
        self._snapshot: IndexSnapshot | None = None

    @property
    def embedder(self) -> Embedder:
        """The model retrieval embeds questions with."""
        return self._embedder

    def unknown_words(self, query: str) -> list[str]:
        """Content words of ``query`` that no article of the active version uses."""
        store = self._index.current()
        return [] if store is None else self._corpus_views(store)[0].unknown_words(query)

    def with_context(self, question: str, message: str) -> str:
        """``question`` (the part of ``message`` that asks), with the words of the rest of the
        message that the articles use.

        "We're on our second round of IVF... can it help with the stress side of all this?"
        asks about IVF: the question alone does not say so. Only words some article uses are
        added, so the story's names, places and chat never become the query's subject.
        """
        store = self._index.current()
        # A question that stands alone ("what happens at the first visit?") is searched as it
        # is: the story's words would pull it toward the story's subject.
        if question == message or store is None or not points_back(question):
            return question
        context = self._corpus_views(store)[0].known_words(message.replace(question, " "), question)
        return " ".join([question, *context])

    def subject_words(self, query: str) -> list[str]:
        """Unknown words rare enough to be the question's subject ("migraines")."""
        store = self._index.current()
        return [] if store is None else self._corpus_views(store)[0].subject_words(query)

    def coverage_texts(self, query: str) -> list[str]:
        """What the coverage check embeds for ``query``, for the request's one batch."""
        asking, _, known = _asking_split(query, self.subject_words)
        return [asking, known or ""]

    def _corpus_views(
        self, store: ChromaStore
    ) -> tuple[LexicalIndex, dict[str, Vectors], IndexSnapshot]:
        """Vectors, keyword index and title vectors of ``store``, built once per version.

        A version is never written to after it is switched on, so the views stay valid.
        """
        with self._lock:
            if self._snapshot is None or store.name != self._snapshot.name:
                snapshot = IndexSnapshot(store)
                self._lexical = LexicalIndex(*snapshot.section_texts())
                titles = snapshot.titles()
                vectors = self._embedder.embed(list(titles.values()))
                self._titles = dict(zip(titles, vectors, strict=True))
                self._snapshot = snapshot
            return self._lexical, self._titles, self._snapshot

    def _candidates(
        self, snapshot: IndexSnapshot, vector: Vectors, keyword_scores: dict[str, float]
    ) -> list[ChunkHit]:
        """Nearest sections, sections of the nearest sentences, and the best keyword matches."""
        passages = snapshot.nearest_sections(vector, self._top_k)
        seen = {p.id for p in passages}
        extra = [
            c for c in snapshot.nearest_sentence_sections(vector, self._top_k) if c not in seen
        ]
        best_keyword = sorted(keyword_scores, key=keyword_scores.__getitem__, reverse=True)
        extra += [
            c
            for c in best_keyword[: tuning.LEXICAL_CANDIDATES]
            if keyword_scores[c] > 0 and c not in seen
        ]
        return passages + snapshot.sections(dict.fromkeys(extra), vector)

    def search(self, query: str, embedder: Embedder | None = None) -> Retrieval:
        """Retrieve candidate sections for ``query`` and score every sentence inside them.

        ``embedder`` may serve vectors already computed in one batch for this request.
        """
        embedder = embedder or self._embedder
        vector = cast(Vectors, embedder.embed([query])[0])
        store = self._index.current()
        if store is None:
            return Retrieval(query=query, vector=vector, passages=[], sentences=[])
        lexical, title_vectors, snapshot = self._corpus_views(store)
        keyword_scores = lexical.scores(query)

        passages = self._candidates(snapshot, vector, keyword_scores)
        passages.sort(key=lambda p: p.score, reverse=True)

        by_id = {p.id: p for p in passages}
        query_terms = set(terms(query))
        rows = snapshot.sentences(by_id)
        scored: list[ScoredSentence] = []
        if rows:
            sims = np.stack([r.vector for r in rows]) @ vector
            for row, sim in zip(rows, sims, strict=True):
                scored.append(
                    ScoredSentence(
                        text=row.text,
                        similarity=float(sim),
                        overlap=sum(map(lexical.rarity, query_terms & set(terms(row.text)))),
                        chunk=by_id[row.chunk_id],
                        position=row.position,
                    )
                )
        scored.sort(key=lambda s: s.similarity, reverse=True)

        unknown, known_part_similarity = _coverage(lexical, embedder, query, vector)
        return Retrieval(
            query=query,
            vector=vector,
            passages=passages,
            sentences=scored,
            lexical={cid: keyword_scores.get(cid, 0.0) for cid in by_id},
            titles={src: float(vec @ vector) for src, vec in title_vectors.items()},
            unknown_words=unknown,
            known_part_similarity=known_part_similarity,
        )


def _coverage(
    lexical: LexicalIndex, embedder: Embedder, query: str, vector: Vectors
) -> tuple[list[str], float]:
    """The asking part's words no article uses, and how similar that part stays without them.

    Only the sentences that ask are read: a story's names and chat ("my mother in law wants
    a time") do not make an answerable question look foreign.
    """
    asking, unknown, known = _asking_split(query, lexical.subject_words)
    if known is None:
        return unknown, 1.0
    if not terms(known):
        return unknown, 0.0
    asked = vector if asking == query else embedder.embed([asking])[0]
    return unknown, float(embedder.embed([known])[0] @ asked)


def _asking_split(
    query: str, subject_words: Callable[[str], list[str]]
) -> tuple[str, list[str], str | None]:
    """The asking part of ``query``, its words no article uses, and the part without them."""
    asking = asking_part(query)
    unknown = subject_words(asking)
    return asking, unknown, without_words(asking, unknown)
