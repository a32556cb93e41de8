"""The Chroma index: one collection of chunks, one of their sentences, with stable ids."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import chromadb
import numpy as np
from chromadb.config import Settings as ChromaSettings

from bot.config import Settings
from bot.embedding import Vectors
from bot.errors import IndexNotReady
from bot.sources.articles import Article
from bot.sources.chunking import Chunk

_BATCH = 256


@dataclass(frozen=True)
class ArticleRecord:
    """What the index knows about one article: enough to decide whether to re-embed it."""

    source: str
    title: str
    url: str | None
    updated: str | None
    content_hash: str
    chunks: int


@dataclass(frozen=True)
class ChunkHit:
    """A retrieved chunk and its cosine similarity to the query."""

    id: str
    source: str
    title: str
    url: str | None
    heading: str
    text: str
    score: float


@dataclass(frozen=True)
class SentenceRow:
    """A stored sentence with its precomputed embedding."""

    chunk_id: str
    source: str
    position: int
    text: str
    vector: Vectors


def make_client(settings: Settings) -> Any:
    """Chroma on local disk by default, or Chroma's own server when ``BOT_CHROMA_HOST`` is set."""
    chroma_settings = ChromaSettings(anonymized_telemetry=False, allow_reset=True)
    if settings.chroma_host:
        return chromadb.HttpClient(
            host=settings.chroma_host, port=settings.chroma_port, settings=chroma_settings
        )
    settings.chroma_dir.mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(path=str(settings.chroma_dir), settings=chroma_settings)


class ChromaStore:
    """Reads and writes the chunk and sentence collections of one index."""

    def __init__(self, client: Any, name: str, model: str, dimension: int) -> None:
        self._client = client
        self._name = name
        self.model = model
        self.dimension = dimension
        self._chunks = self._collection(f"{name}-chunks")
        self._sentences = self._collection(f"{name}-sentences")

    def _collection(self, name: str) -> Any:
        # embedding_function=None: vectors always come from our embedder, so Chroma must
        # never fall back to its default model (which would try to download).
        return self._client.get_or_create_collection(
            name=name,
            embedding_function=None,
            configuration={"hnsw": {"space": "cosine"}},
            metadata={"model": self.model, "dimension": self.dimension},
        )

    @property
    def name(self) -> str:
        """The collection-name stem of this index version."""
        return self._name

    def check_model(self) -> None:
        """Raise :class:`IndexNotReady` if the index was built with another embedding model."""
        meta = self._chunks.metadata or {}
        if meta.get("model") != self.model or meta.get("dimension") != self.dimension:
            raise IndexNotReady(
                f"the index was built with {meta.get('model')} ({meta.get('dimension')} dims) "
                f"but the bot runs {self.model} ({self.dimension} dims); "
                "run `python ingest.py --rebuild`"
            )

    def copy_articles(self, source: ChromaStore, sources: Sequence[str]) -> int:
        """Copy articles with their stored vectors from another version; nothing is embedded."""
        copied = 0
        for mine, theirs in ((self._chunks, source._chunks), (self._sentences, source._sentences)):
            for start in range(0, len(sources), 50):
                batch = list(sources[start : start + 50])
                where = {"source": batch[0]} if len(batch) == 1 else {"source": {"$in": batch}}
                got = theirs.get(where=where, include=["metadatas", "documents", "embeddings"])
                rows = list(zip(got["ids"], got["documents"], got["metadatas"], strict=True))
                _add(mine, rows, np.asarray(got["embeddings"], dtype=np.float32))
                if mine is self._chunks:
                    copied += len(rows)
        return copied

    def manifest(self) -> dict[str, ArticleRecord]:
        """Every indexed article, keyed by its source path."""
        metas = self._chunks.get(include=["metadatas"])["metadatas"] or []
        counts: dict[str, int] = {}
        first: dict[str, dict[str, Any]] = {}
        for meta in metas:
            source = str(meta["source"])
            counts[source] = counts.get(source, 0) + 1
            first.setdefault(source, dict(meta))
        return {
            source: ArticleRecord(
                source=source,
                title=str(meta["title"]),
                url=_opt(meta.get("url")),
                updated=_opt(meta.get("updated")),
                content_hash=str(meta["content_hash"]),
                chunks=counts[source],
            )
            for source, meta in first.items()
        }

    def section_rows(self) -> dict[str, Any]:
        """Every section with its metadata and vector (Chroma's ``get`` result)."""
        got: dict[str, Any] = self._chunks.get(include=["metadatas", "documents", "embeddings"])
        return got

    def sentence_rows(self) -> dict[str, Any]:
        """Every sentence with its metadata and vector (Chroma's ``get`` result)."""
        got: dict[str, Any] = self._sentences.get(include=["metadatas", "documents", "embeddings"])
        return got

    def counts(self) -> tuple[int, int]:
        """(articles, chunks) in the index."""
        return len(self.manifest()), int(self._chunks.count())

    def delete_article(self, source: str) -> int:
        """Remove an article's chunks and sentences; return how many chunks went."""
        found = self._chunks.get(where={"source": source}, include=[])["ids"]
        if found:
            self._chunks.delete(where={"source": source})
            self._sentences.delete(where={"source": source})
        return len(found)

    def put_article(
        self,
        article: Article,
        chunks: Sequence[Chunk],
        chunk_vectors: Vectors,
        sentence_vectors: Vectors,
    ) -> None:
        """Write an article's chunks and sentences (replacing any previous version)."""
        self.delete_article(article.source)
        base = {
            "source": article.source,
            "title": article.title,
            "url": article.url or "",
            "updated": article.updated or "",
            "content_hash": article.content_hash,
        }
        chunk_rows = [
            (c.id, c.text, {**base, "heading": c.heading, "position": c.position}) for c in chunks
        ]
        sentence_rows = [
            (s.id, s.text, {"source": article.source, "chunk_id": c.id, "position": s.position})
            for c in chunks
            for s in c.sentences
        ]
        _add(self._chunks, chunk_rows, chunk_vectors)
        _add(self._sentences, sentence_rows, sentence_vectors)

    def query(self, vector: Vectors, k: int) -> list[ChunkHit]:
        """The ``k`` chunks nearest to ``vector``, best first."""
        # Chroma returns fewer than k results, not an error, when the collection is small.
        result = self._chunks.query(
            query_embeddings=[vector.tolist()],
            n_results=k,
            include=["metadatas", "documents", "distances"],
        )
        return [
            hit(cid, doc, meta, 1.0 - float(dist))
            for cid, doc, meta, dist in zip(
                result["ids"][0],
                result["documents"][0],
                result["metadatas"][0],
                result["distances"][0],
                strict=True,
            )
        ]

    def sentences(self, chunk_ids: Iterable[str]) -> list[SentenceRow]:
        """The stored sentences (with embeddings) of the given chunks."""
        ids = list(dict.fromkeys(chunk_ids))
        if not ids:
            return []
        where = {"chunk_id": ids[0]} if len(ids) == 1 else {"chunk_id": {"$in": ids}}
        got = self._sentences.get(where=where, include=["metadatas", "documents", "embeddings"])
        return [
            SentenceRow(
                chunk_id=str(meta["chunk_id"]),
                source=str(meta["source"]),
                position=int(meta["position"]),
                text=doc,
                vector=np.asarray(emb, dtype=np.float32),
            )
            for meta, doc, emb in zip(
                got["metadatas"], got["documents"], got["embeddings"], strict=True
            )
        ]


def _add(collection: Any, rows: list[tuple[str, str, dict[str, Any]]], vectors: Vectors) -> None:
    for start in range(0, len(rows), _BATCH):
        batch = rows[start : start + _BATCH]
        collection.add(
            ids=[r[0] for r in batch],
            documents=[r[1] for r in batch],
            metadatas=[r[2] for r in batch],
            embeddings=vectors[start : start + _BATCH].tolist(),
        )


def hit(cid: str, doc: str, meta: dict[str, Any], score: float) -> ChunkHit:
    return ChunkHit(
        id=cid,
        source=str(meta["source"]),
        title=str(meta["title"]),
        url=_opt(meta.get("url")),
        heading=str(meta.get("heading", "")),
        text=doc,
        score=score,
    )


def _opt(value: Any) -> str | None:
    return str(value) if value not in (None, "") else None
