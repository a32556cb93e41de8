"""One index version held in memory: section and sentence vectors as numpy matrices.

Chroma stays the store of record; a request reads this snapshot instead of making four
Chroma calls. A version is never written to after it is switched on, so a snapshot, loaded
once per version with two ``get`` calls, stays valid. At 200 articles it holds about 1,000
sections and 3,000 sentences: 6 MB of vectors, and an exact search over them (one matrix
product) takes well under a millisecond.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

import numpy as np

from bot.embedding import Vectors
from bot.index.store import ChromaStore, ChunkHit, SentenceRow, hit


def _matrix(embeddings: object, dimension: int) -> Vectors:
    vectors = np.asarray(embeddings, dtype=np.float32)
    return vectors if vectors.size else np.zeros((0, dimension), dtype=np.float32)


class IndexSnapshot:
    """The sections and sentences of one version, searched exactly in memory."""

    def __init__(self, store: ChromaStore) -> None:
        self.name = store.name
        got = store.section_rows()
        self._sections = [
            hit(cid, doc, meta, 0.0)
            for cid, doc, meta in zip(got["ids"], got["documents"], got["metadatas"], strict=True)
        ]
        self._section_vectors = _matrix(got["embeddings"], store.dimension)
        self._position = {s.id: i for i, s in enumerate(self._sections)}
        rows = store.sentence_rows()
        vectors = _matrix(rows["embeddings"], store.dimension)
        self._sentences = [
            SentenceRow(
                chunk_id=str(meta["chunk_id"]),
                source=str(meta["source"]),
                position=int(meta["position"]),
                text=doc,
                vector=vectors[i],
            )
            for i, (doc, meta) in enumerate(zip(rows["documents"], rows["metadatas"], strict=True))
        ]
        self._sentence_vectors = vectors
        self._by_chunk: dict[str, list[int]] = {}
        for i, row in enumerate(self._sentences):
            self._by_chunk.setdefault(row.chunk_id, []).append(i)

    def section_texts(self) -> tuple[list[str], list[str]]:
        """Ids and searchable texts (title, heading, body) of every section, for BM25."""
        return (
            [s.id for s in self._sections],
            [f"{s.title} {s.heading} {s.text}" for s in self._sections],
        )

    def titles(self) -> dict[str, str]:
        """Each article's title, by source."""
        return {s.source: s.title for s in self._sections}

    def nearest_sections(self, vector: Vectors, k: int) -> list[ChunkHit]:
        """The ``k`` sections most similar to ``vector``, best first."""
        sims = self._section_vectors @ vector
        return [self._hit(int(i), float(sims[i])) for i in _top(sims, k)]

    def nearest_sentence_sections(self, vector: Vectors, k: int) -> list[str]:
        """Section ids of the ``k`` sentences most similar to ``vector``, best first."""
        sims = self._sentence_vectors @ vector
        return [self._sentences[int(i)].chunk_id for i in _top(sims, k)]

    def sections(self, ids: Iterable[str], vector: Vectors) -> list[ChunkHit]:
        """The given sections, scored against ``vector``."""
        found = [self._position[i] for i in ids if i in self._position]
        return [self._hit(i, float(self._section_vectors[i] @ vector)) for i in found]

    def sentences(self, section_ids: Iterable[str]) -> list[SentenceRow]:
        """The sentences (with vectors) of the given sections."""
        rows = sorted(i for sid in dict.fromkeys(section_ids) for i in self._by_chunk.get(sid, []))
        return [self._sentences[i] for i in rows]

    def _hit(self, index: int, score: float) -> ChunkHit:
        return replace(self._sections[index], score=score)


def _top(sims: Vectors, k: int) -> list[int]:
    """Indices of the ``k`` largest values, largest first."""
    if k >= sims.shape[0]:
        return [int(i) for i in np.argsort(-sims, kind="stable")]
    part = np.argpartition(-sims, k)[:k]
    return [int(i) for i in part[np.argsort(-sims[part], kind="stable")]]
