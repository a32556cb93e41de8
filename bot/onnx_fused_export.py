"""The export of :mod:`bot.onnx_fused`'s graph (torch, once per pair of model folders).

BERT's layer is written out here rather than called: transformers reshapes attention heads
with -1, which ONNX cannot resolve for a branch given no rows.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any


def export(first: str, second: str, depth: int, target: Path) -> None:
    """Trace embeddings, shared layers and both branches (with pooling) to one ONNX graph."""
    import torch
    from transformers import AutoModel

    models = [AutoModel.from_pretrained(p, local_files_only=True).eval() for p in (first, second)]

    class _Fused(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.embeddings = models[0].embeddings
            self.shared = torch.nn.ModuleList(models[0].encoder.layer[:depth])
            self.first = torch.nn.ModuleList(models[0].encoder.layer[depth:])
            self.second = torch.nn.ModuleList(models[1].encoder.layer[depth:])

        def forward(self, input_ids: Any, attention_mask: Any, rows1: Any, rows2: Any) -> Any:
            hidden = self.embeddings(
                input_ids=input_ids, token_type_ids=torch.zeros_like(input_ids)
            )
            mask = attention_mask.to(hidden.dtype)
            additive = (1.0 - mask[:, None, None, :]) * torch.finfo(hidden.dtype).min
            for layer in self.shared:
                hidden = _layer(layer, hidden, additive)
            return (
                _branch(self.first, hidden, mask, additive, rows1),
                _branch(self.second, hidden, mask, additive, rows2),
            )

    ids = torch.ones(3, 8, dtype=torch.long)
    rows = torch.tensor([0, 2])
    axes = {
        "input_ids": {0: "batch", 1: "tokens"},
        "attention_mask": {0: "batch", 1: "tokens"},
        "first_rows": {0: "first"},
        "second_rows": {0: "second"},
        "first": {0: "first"},
        "second": {0: "second"},
    }
    partial = target.with_suffix(".partial")
    with torch.no_grad():
        torch.onnx.export(
            _Fused(),
            (ids, ids, rows, rows),
            str(partial),
            input_names=["input_ids", "attention_mask", "first_rows", "second_rows"],
            output_names=["first", "second"],
            dynamic_axes=axes,
            opset_version=17,
            dynamo=False,
        )
    _weights_aside(partial, target)


def _weights_aside(source: Path, target: Path) -> None:
    """Save the graph with its weights in a file beside it, which ONNX Runtime maps.

    Mapped, the weights are clean file pages rather than a copy in the heap: the session
    peaks at 155 MB while loading instead of 234 MB, and holds about 10 MB less once
    serving (fewer of the word-embedding rows are ever read). Same weights, same vectors.
    """
    import onnx

    model = onnx.load(str(source))
    data = target.with_name(target.name + ".data")
    data.unlink(missing_ok=True)  # a stale one would be appended to
    onnx.save_model(model, str(source), save_as_external_data=True, location=data.name)
    source.replace(target)


def _layer(layer: Any, hidden: Any, additive: Any) -> Any:
    """One BERT layer (self-attention, then feed-forward) with the head count explicit."""
    att = layer.attention.self
    heads, size = att.num_attention_heads, att.attention_head_size
    batch, tokens = hidden.shape[0], hidden.shape[1]

    def split(x: Any) -> Any:
        return x.view(batch, tokens, heads, size).transpose(1, 2)

    query, key, value = (
        split(att.query(hidden)),
        split(att.key(hidden)),
        split(att.value(hidden)),
    )
    scores = query @ key.transpose(-1, -2) * size**-0.5 + additive
    context = (scores.softmax(-1) @ value).transpose(1, 2).reshape(batch, tokens, heads * size)
    attended = layer.attention.output(context, hidden)
    return layer.output(layer.intermediate(attended), attended)


def _branch(layers: Any, hidden: Any, mask: Any, additive: Any, rows: Any) -> Any:
    """A model's own upper layers on its rows, mean-pooled and L2-normalised."""
    hidden, mask, additive = (t.index_select(0, rows) for t in (hidden, mask, additive))
    for layer in layers:
        hidden = _layer(layer, hidden, additive)
    pooled = (hidden * mask[..., None]).sum(1) / mask.sum(1, keepdim=True).clamp(min=1e-9)
    return pooled / pooled.norm(dim=-1, keepdim=True).clamp(min=1e-12)
