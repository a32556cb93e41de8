"""Two models that share their lower layers, served as one ONNX graph.

The triage model is the retrieval model with its upper layers fine-tuned
(:mod:`bot.safety.finetune`): the word embeddings (~47 MB of the ~90 MB) and the frozen
lower layers are bit-identical in both. Served as two ONNX sessions they are held twice and
every text both need goes through the shared layers twice. The fused graph holds the
shared part once and runs it once over every distinct text of a call; each model's own
upper layers (a "branch") then run only on the rows that model was asked for:

    input_ids, attention_mask, first_rows, second_rows
      -> embeddings, shared layers (every row)
      -> first branch on first_rows, second branch on second_rows (each mean-pooled,
         L2-normalised)  ->  first, second

The graph is exported once per pair of model folders (beside the tuned model, in
``fused/``) with how many layers it shares; a pair that shares nothing gets no graph and
is served as two sessions. ``tests/test_onnx_fused.py`` checks both outputs against the
separate models.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from bot.embedding import Embedder, Vectors, model_dimension
from bot.onnx_embedding import max_seq_length, session_options

log = logging.getLogger(__name__)

_GRAPH = "model.onnx"
_WEIGHTS = "model.safetensors"
_META = "fused.json"
# The parts of tokenizer.json that decide the ids (truncation and padding are set per use).
_TOKENIZER_KEYS = ("model", "normalizer", "pre_tokenizer", "post_processor", "added_tokens")


def _weights(folder: str) -> dict[str, Any]:
    from safetensors.numpy import load_file

    return load_file(str(Path(folder) / _WEIGHTS))


def shared_layers(first: str, second: str) -> int | None:
    """How many lower transformer layers two model folders share bit for bit, or None when
    even their embeddings (or tokenizers) differ and there is nothing to share."""
    files = [Path(f) / name for f in (first, second) for name in ("tokenizer.json", _WEIGHTS)]
    if not all(f.exists() for f in files):
        return None  # not a model folder we can read (another format): served apart
    tokenizers = [json.loads((Path(f) / "tokenizer.json").read_text()) for f in (first, second)]
    if any(tokenizers[0].get(k) != tokenizers[1].get(k) for k in _TOKENIZER_KEYS):
        return None
    a, b = _weights(first), _weights(second)
    # position_ids is a buffer some versions save and others do not: weights only.
    names = {n for n in set(a) | set(b) if not n.endswith("position_ids")}

    def same(prefix: str) -> bool:
        part = [n for n in names if n.startswith(prefix)]
        return bool(part) and all(n in a and n in b and np.array_equal(a[n], b[n]) for n in part)

    if not same("embeddings."):
        return None
    depth = 0
    while same(f"encoder.layer.{depth}."):
        depth += 1
    return depth


def ensure_fused(first: str, second: str, cache: Path) -> Path | None:
    """The fused graph of ``first`` and ``second`` (exported once into ``cache``), or None.

    None when the two share nothing (not even the embeddings), or everything (then they are
    one model). Sharing the embeddings alone still holds ~47 MB once instead of twice.
    The verdict is cached too, so a start never compares weights twice.
    """
    from filelock import FileLock

    meta = cache / _META
    if not meta.exists():
        cache.mkdir(parents=True, exist_ok=True)
        with FileLock(str(cache / "export.lock")):
            if not meta.exists():
                _export_pair(first, second, cache)
    found = json.loads(meta.read_text())
    if not found.get("graph"):
        return None
    return cache / _GRAPH


def _export_pair(first: str, second: str, cache: Path) -> None:
    depth = shared_layers(first, second)
    layers = int(json.loads((Path(first) / "config.json").read_text())["num_hidden_layers"])
    graph = depth is not None and depth < layers
    if depth is not None and depth < layers:
        log.warning("exporting the fused model once (%d shared layers): %s", depth, cache)
        from bot.onnx_fused_export import export

        export(first, second, depth, cache / _GRAPH)
    partial = cache / f"{_META}.partial"
    partial.write_text(json.dumps({"shared_layers": depth, "graph": graph}))
    partial.replace(cache / _META)  # written last: its presence means the graph is whole


class FusedEmbedder:
    """One session serving two models that share lower layers; :attr:`first` and
    :attr:`second` are each an :class:`~bot.embedding.Embedder`."""

    def __init__(
        self,
        graph: Path,
        first: str,
        second: str,
        names: tuple[str, str],
        threads: int = 0,
        batch_size: int = 32,
    ) -> None:
        import onnxruntime as ort
        from tokenizers import Tokenizer

        self._session = ort.InferenceSession(
            str(graph), session_options(threads), providers=["CPUExecutionProvider"]
        )
        self.paths = (first, second)
        # The ids are the same for both (checked at export); only the truncation may differ.
        self._limits = (max_seq_length(first), max_seq_length(second))
        self._tokenizer = Tokenizer.from_file(str(Path(first) / "tokenizer.json"))
        self._tokenizer.enable_truncation(max(self._limits))
        self._tokenizer.no_padding()
        self._batch_size = batch_size
        self._dimension = model_dimension(first)
        self.first = FusedBranch(self, 0, names[0], self._dimension)
        self.second = FusedBranch(self, 1, names[1], self._dimension)

    def embed_pair(self, first: Sequence[str], second: Sequence[str]) -> tuple[Vectors, Vectors]:
        """Vectors of ``first`` from the first model and of ``second`` from the second,
        in one pass: a text in both (same ids) goes through the shared layers once."""
        wanted = [self._ids(first, 0), self._ids(second, 1)]
        distinct: dict[tuple[int, ...], int] = {}
        rows_of = [[distinct.setdefault(ids, len(distinct)) for ids in w] for w in wanted]
        needs = [set(r) for r in rows_of]
        inputs = list(distinct)
        if not inputs:
            empty = np.zeros((0, self._dimension), dtype=np.float32)
            return empty, empty
        out = [np.zeros((len(inputs), self._dimension), dtype=np.float32) for _ in wanted]
        order = sorted(range(len(inputs)), key=lambda i: len(inputs[i]))
        for start in range(0, len(order), self._batch_size):
            batch = order[start : start + self._batch_size]
            picks = [[k for k, i in enumerate(batch) if i in need] for need in needs]
            results = self._run([inputs[i] for i in batch], picks)
            for branch, (pick, vectors) in enumerate(zip(picks, results, strict=True)):
                out[branch][[batch[k] for k in pick]] = vectors
        return out[0][rows_of[0]], out[1][rows_of[1]]

    def _ids(self, texts: Sequence[str], branch: int) -> list[tuple[int, ...]]:
        if not texts:
            return []
        limit = self._limits[branch]
        found = []
        for encoding in self._tokenizer.encode_batch(list(texts)):
            ids = encoding.ids
            if len(ids) > limit:  # "[CLS] text [SEP]" cut to the branch's own length
                ids = [*ids[: limit - 1], ids[-1]]
            found.append(tuple(ids))
        return found

    def _run(self, batch: list[tuple[int, ...]], picks: list[list[int]]) -> list[Vectors]:
        width = max(len(ids) for ids in batch)
        input_ids = np.zeros((len(batch), width), dtype=np.int64)
        mask = np.zeros((len(batch), width), dtype=np.int64)
        for row, ids in enumerate(batch):
            input_ids[row, : len(ids)] = ids
            mask[row, : len(ids)] = 1
        feeds = {
            "input_ids": input_ids,
            "attention_mask": mask,
            "first_rows": np.asarray(picks[0], dtype=np.int64),
            "second_rows": np.asarray(picks[1], dtype=np.int64),
        }
        return [np.asarray(v, dtype=np.float32) for v in self._session.run(None, feeds)]


class FusedBranch:
    """One of the two models of a :class:`FusedEmbedder`, as an ordinary embedder."""

    def __init__(self, fused: FusedEmbedder, branch: int, name: str, dimension: int) -> None:
        self.fused = fused
        self.branch = branch
        self._name = name
        self._dimension = dimension

    @property
    def name(self) -> str:
        """The model's name."""
        return self._name

    @property
    def dimension(self) -> int:
        """The model's vector length."""
        return self._dimension

    def embed(self, texts: Sequence[str]) -> Vectors:
        """Vectors of ``texts`` from this branch alone."""
        return self._pair(texts, [])[0]

    def embed_with(
        self, partner: Embedder, texts: Sequence[str], partner_texts: Sequence[str]
    ) -> tuple[Vectors, Vectors] | None:
        """This branch's vectors of ``texts`` and ``partner``'s of ``partner_texts`` in one
        pass, if ``partner`` is the other branch of the same graph (else None)."""
        if not isinstance(partner, FusedBranch) or partner.fused is not self.fused:
            return None
        if partner.branch == self.branch:
            return None
        return self._pair(texts, partner_texts)

    def _pair(self, mine: Sequence[str], other: Sequence[str]) -> tuple[Vectors, Vectors]:
        """(this branch's vectors of ``mine``, the other branch's of ``other``)."""
        if self.branch == 0:
            return self.fused.embed_pair(mine, other)
        first, second = self.fused.embed_pair(other, mine)
        return second, first
