"""The bundled model on ONNX Runtime: no torch in the serving process.

The ONNX graph is exported once from the bundled sentence-transformers model (at install
with ``python -m bot.onnx_embedding``, or on first start) and cached under
``BOT_DATA_DIR/models``. Serving needs only onnxruntime, the model's ``tokenizer.json``
(Hugging Face ``tokenizers``) and numpy: tokenise, run the transformer, mean-pool over the
attention mask, L2-normalise, exactly as the model's sentence-transformers pipeline does.

``onnx-int8`` is the same graph with its weights dynamically quantized to int8, per
channel (what sentence-transformers' ``export_dynamic_quantized_onnx_model`` does through
optimum, whose current release pins an older transformers than ours).
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Literal

import numpy as np

from bot.embedding import Vectors, model_dimension

OnnxVariant = Literal["onnx", "onnx-int8"]
_FILES: dict[OnnxVariant, str] = {"onnx": "model.onnx", "onnx-int8": "model-int8.onnx"}
_INPUTS = ("input_ids", "attention_mask", "token_type_ids")


def max_seq_length(model_path: str) -> int:
    """How many tokens the model reads of a text (its sentence-transformers setting, else 256)."""
    config = Path(model_path) / "sentence_bert_config.json"
    if config.exists():
        return int(json.loads(config.read_text()).get("max_seq_length", 256))
    return 256


def ensure_onnx_model(model_path: str, cache: Path, variant: OnnxVariant) -> Path:
    """The cached ONNX file of ``variant``, exported from ``model_path`` if missing.

    Export writes to a temporary name and renames, under a file lock, so a server and an
    ingest starting together never read a half-written file.
    """
    from filelock import FileLock

    cache.mkdir(parents=True, exist_ok=True)
    target = cache / _FILES[variant]
    if target.exists():
        return target
    with FileLock(str(cache / "export.lock")):
        fp32 = cache / _FILES["onnx"]
        if not fp32.exists():
            _export(model_path, fp32)
        if variant == "onnx-int8" and not target.exists():
            _quantize(fp32, target)
        for name in ("tokenizer.json", "config.json"):
            shutil.copyfile(Path(model_path) / name, cache / name)
    return target


def _export(model_path: str, target: Path) -> None:
    """Trace the transformer (not the pooling) to ONNX with dynamic batch and length."""
    import torch
    from transformers import AutoModel

    model = AutoModel.from_pretrained(model_path, local_files_only=True).eval()

    class _Hidden(torch.nn.Module):
        def __init__(self, inner: Any) -> None:
            super().__init__()
            self.inner = inner

        def forward(self, input_ids: Any, attention_mask: Any, token_type_ids: Any) -> Any:
            out = self.inner(
                input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids
            )
            return out.last_hidden_state

    dummy = torch.ones(2, 8, dtype=torch.long)
    axes = {name: {0: "batch", 1: "tokens"} for name in (*_INPUTS, "last_hidden_state")}
    partial = target.with_suffix(".partial")
    with torch.no_grad():
        torch.onnx.export(
            _Hidden(model),
            (dummy, dummy, torch.zeros_like(dummy)),
            str(partial),
            input_names=list(_INPUTS),
            output_names=["last_hidden_state"],
            dynamic_axes=axes,
            opset_version=17,
            dynamo=False,
        )
    partial.replace(target)


def _quantize(source: Path, target: Path) -> None:
    """Dynamic int8 quantization of the weights, per channel (keeps cosine >= 0.98)."""
    from onnxruntime.quantization import QuantType, quantize_dynamic

    partial = target.with_suffix(".partial")
    quantize_dynamic(str(source), str(partial), per_channel=True, weight_type=QuantType.QInt8)
    partial.replace(target)


def session_options(threads: int = 0) -> Any:
    """ONNX Runtime settings for the two shared cores (``threads`` 0: one per core)."""
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.intra_op_num_threads = threads or (os.cpu_count() or 1)
    options.inter_op_num_threads = 1
    # No busy-waiting between runs: the two cores are shared with the web server.
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    # EXTENDED fuses attention and layer norms like ALL does; ALL only adds layout
    # rewrites for convolutions, which this model has none of, yet holds ~26 MB more.
    # Vectors are bit-identical (checked on 2,022 texts of the eval sets and articles).
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_EXTENDED
    return options


class OnnxEmbedder:
    """Mean-pooled, normalised sentence vectors from an ONNX Runtime session."""

    def __init__(
        self,
        model_path: str,
        cache: Path,
        variant: OnnxVariant = "onnx",
        name: str | None = None,
        threads: int = 0,
        batch_size: int = 32,
    ) -> None:
        import onnxruntime as ort
        from tokenizers import Tokenizer

        onnx_file = ensure_onnx_model(model_path, cache, variant)
        self._session = ort.InferenceSession(
            str(onnx_file), session_options(threads), providers=["CPUExecutionProvider"]
        )
        self._tokenizer = Tokenizer.from_file(str(cache / "tokenizer.json"))
        self._tokenizer.enable_truncation(max_seq_length(model_path))
        self._tokenizer.no_padding()
        self._batch_size = batch_size
        self._name = name or Path(model_path).name
        self._dimension = model_dimension(model_path)

    @property
    def name(self) -> str:
        """The model's name, e.g. ``all-MiniLM-L6-v2``."""
        return self._name

    @property
    def dimension(self) -> int:
        """384 for all-MiniLM-L6-v2."""
        return self._dimension

    def embed(self, texts: Sequence[str]) -> Vectors:
        """Encode texts, batched by similar length so little time goes into padding.

        Texts that tokenise alike run once: the model is uncased, so a question and its
        lower-cased form (which triage reads) are the same input.
        """
        if not texts:
            return np.zeros((0, self._dimension), dtype=np.float32)
        distinct: dict[tuple[int, ...], int] = {}
        rows_of = [
            distinct.setdefault(tuple(e.ids), len(distinct))
            for e in self._tokenizer.encode_batch(list(texts))
        ]
        inputs = list(distinct)
        out = np.zeros((len(inputs), self._dimension), dtype=np.float32)
        order = sorted(range(len(inputs)), key=lambda i: len(inputs[i]))
        for start in range(0, len(order), self._batch_size):
            rows = order[start : start + self._batch_size]
            out[rows] = self._run([inputs[i] for i in rows])
        return out[rows_of]

    def _run(self, batch: list[tuple[int, ...]]) -> Vectors:
        width = max(len(ids) for ids in batch)
        input_ids = np.zeros((len(batch), width), dtype=np.int64)
        mask = np.zeros((len(batch), width), dtype=np.int64)
        for row, ids in enumerate(batch):
            input_ids[row, : len(ids)] = ids
            mask[row, : len(ids)] = 1
        feeds = {"input_ids": input_ids, "attention_mask": mask}
        feeds["token_type_ids"] = np.zeros_like(input_ids)
        hidden = self._session.run(None, feeds)[0]
        weights = mask[..., None].astype(np.float32)
        pooled = (hidden * weights).sum(axis=1) / np.clip(weights.sum(axis=1), 1e-9, None)
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        return np.asarray(pooled / np.clip(norms, 1e-12, None), dtype=np.float32)


def main() -> int:
    """Export both ONNX variants ahead of time (``make install`` runs this)."""
    from bot.config import Settings

    settings = Settings()
    for variant in ("onnx", "onnx-int8"):
        path = ensure_onnx_model(settings.resolve_model_path(), settings.onnx_cache_dir, variant)
        print(f"{variant}: {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
