"""A triage classifier over sentence embeddings, trained on the development part of the data.

Logistic regression (scikit-learn) on the bundled model's embeddings of whole messages and of
their sentences. A message is labelled as a whole, but its red flag may sit in one sentence
of six; so positive messages teach the classifier twice, through the whole message and
through the one sentence most like the label's exemplars, and every sentence of a harmless
message is a harmless example. At run time a message scores the highest probability any of
its units (the whole message, each sentence) reaches for each label.

Training is deterministic (fixed solver, no sampling), takes seconds, and is cached per model
and dataset fingerprint: in memory for the process and on disk under ``BOT_DATA_DIR``.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from bot import tuning
from bot.embedding import Embedder, Vectors
from bot.safety import dataset
from bot.safety.dataset import LABELS, Score
from bot.safety.exemplars import BENIGN, EXEMPLARS
from bot.safety.text import fold, sentences

log = logging.getLogger(__name__)

_VERSION = "2"  # bump when training changes, so cached weights are not reused
_REGULARISATION = 4.0  # sklearn's C; picked by grouped cross-validation on the dev part
_MEMO: dict[str, TriageModel] = {}
# A message's units in, its scores per label (and for care) out.
Scorer = Callable[[Sequence[str]], "Reading"]
_CARE = [LABELS.index("urgent"), LABELS.index("emergency")]


@dataclass(frozen=True)
class TriageModel:
    """Multinomial logistic regression weights over unit-length sentence embeddings."""

    coef: npt.NDArray[np.float32]  # (labels, dimension)
    intercept: npt.NDArray[np.float32]  # (labels,)

    def probabilities(self, vectors: Vectors) -> npt.NDArray[np.float32]:
        """Per unit, the probability of each label in :data:`LABELS` order."""
        logits = vectors @ self.coef.T + self.intercept
        logits -= logits.max(axis=1, keepdims=True)
        exp = np.exp(logits)
        result: npt.NDArray[np.float32] = exp / exp.sum(axis=1, keepdims=True)
        return result

    def read(self, vectors: Vectors) -> Reading:
        """The message's scores per label (and care): the peak, and what two units agree on.

        "care" is the probability of urgent and emergency together in one unit: both send
        the person to a doctor, and a sentence the model cannot place between them ("the
        pain wakes me at night since the chemo") splits its probability across the two, so
        neither alone may pass its threshold although the sum is near 1.
        """
        names: tuple[Score, ...] = (*LABELS, "care")
        if len(vectors) == 0:
            nothing: dict[Score, float] = dict.fromkeys(names, 0.0)
            return Reading(nothing, dict(nothing), 0, dict(nothing))
        probabilities = self.probabilities(vectors)
        columns = np.column_stack([probabilities, probabilities[:, _CARE].sum(axis=1)])
        ranked = -np.sort(-columns, axis=0)
        agreed = ranked[:2].mean(axis=0)  # a one-unit message: its only reading
        return Reading(
            {name: float(ranked[0, i]) for i, name in enumerate(names)},
            {name: float(agreed[i]) for i, name in enumerate(names)},
            len(vectors),
            {name: float(columns[0, i]) for i, name in enumerate(names)},
        )


@dataclass(frozen=True)
class Reading:
    """A message's scores over its units (the whole text, sentences, two-sentence runs).

    ``peak`` is the most any one unit says; ``agreed`` the mean of the two highest units.
    A red flag is read at least twice (in its sentence, and in the run or the whole text
    that contains it), while a stray sentence that merely sounds alarming is usually read
    alarming once: out of fold on the dev part, flags from ``agreed`` caught more at the
    same over-triage (see ``TUNED_THRESHOLDS``), and the safety nets stay on ``peak``. A
    one-unit message has a single reading, which then must be surer on its own.

    ``whole`` is the reading of the whole text (the first unit); ``whole_read`` says whether
    the model read it to its end rather than cut at its 128 tokens.
    """

    peak: dict[Score, float]
    agreed: dict[Score, float]
    units: int
    whole: dict[Score, float]
    whole_read: bool = False


def units(message: str, folded: str | None = None, windows: bool = False) -> list[str]:
    """What the classifier reads of a message: the whole (folded) text, then its sentences.

    ``folded`` is the message already passed through :func:`fold`, when the caller has it.
    With ``windows`` (at triage, not in training), a story of more sentences than
    :data:`~bot.tuning.TRIAGE_WINDOW` is also read in runs of that many sentences: an urgent
    sign is often two sentences that mean nothing alone ("I had breast cancer in 2019." "My
    back has ached every night since March."), and a long message's whole text is cut at
    the model's 128 tokens.
    """
    folded = " ".join((fold(message) if folded is None else folded).split())
    parts = [s for s in sentences(folded) if s != folded]
    if len(parts) == 1:  # one sentence is the message itself, give or take its "?"
        parts = []
    size = tuning.TRIAGE_WINDOW
    # Runs come from every sentence, before the cap below thins them.
    runs = [" ".join(parts[i : i + size]) for i in range(len(parts) - size + 1)] if windows else []
    if len(parts) > tuning.TRIAGE_MAX_UNITS:
        # Keep both ends and the middle evenly: a red flag can be anywhere in a story.
        step = len(parts) / tuning.TRIAGE_MAX_UNITS
        parts = [parts[int(i * step)] for i in range(tuning.TRIAGE_MAX_UNITS)]
    if runs and len(parts) > size:
        step = max(1.0, len(runs) / tuning.TRIAGE_MAX_UNITS)
        parts += [runs[int(i * step)] for i in range(min(len(runs), tuning.TRIAGE_MAX_UNITS))]
    return [folded, *parts] if folded else []


def pick_units(
    messages: Sequence[dataset.Message],
    embedder: Embedder,
    windows: bool = False,
    fits: Callable[[str], bool] | None = None,
) -> tuple[list[str], list[int]]:
    """The texts a classifier learns from, with their label indices.

    Every message teaches through its whole text. A harmless message's sentences are all
    harmless examples; a flagged message's sentence most like its label's reviewed
    exemplars carries the label too (the other sentences of a story stay unlabelled: "we
    went to the beach" is not a red flag because the message has one).

    With ``windows`` the runs of sentences triage also reads (:func:`units`) are taught as
    well: every run of a harmless story, and the run of a flagged one most like its label.
    ``fits`` says whether the model reads a whole text, not a cut: a flagged story cut
    before its red flag would teach that its opening ("I hurt my back lifting a box") is
    the flag, so such a story teaches through its sentence and run only.
    """
    per_message = [units(m.text, windows=windows) for m in messages]
    flat = [u for unit_list in per_message for u in unit_list]
    vectors = dict(zip(flat, embedder.embed(flat), strict=True)) if flat else {}
    anchors = _label_anchors(embedder)
    texts: list[str] = []
    labels: list[int] = []
    for message, found in zip(messages, per_message, strict=True):
        if not found:
            continue
        label = LABELS.index(message.label)
        if message.label == "none":
            texts += found
            labels += [label] * len(found)
            continue
        if len(found) == 1 or fits is None or fits(found[0]):
            texts.append(found[0])
            labels.append(label)
        # Its likeliest sentence, then its likeliest run (two sentences or more).
        said = set(sentences(found[0]))
        for group in ([u for u in found[1:] if u in said], [u for u in found[1:] if u not in said]):
            if group:
                texts.append(max(group, key=lambda u: float((anchors[label] @ vectors[u]).max())))
                labels.append(label)
    return texts, labels


def training_examples(
    messages: Sequence[dataset.Message], embedder: Embedder
) -> tuple[Vectors, npt.NDArray[np.int64]]:
    """Vectors and label indices of every training unit."""
    texts, labels = pick_units(messages, embedder)
    return embedder.embed(texts), np.array(labels, dtype=np.int64)


def _label_anchors(embedder: Embedder) -> dict[int, Vectors]:
    anchors = {LABELS.index(k): embedder.embed([fold(t) for t in v]) for k, v in EXEMPLARS.items()}
    anchors[LABELS.index("none")] = embedder.embed([fold(t) for t in BENIGN])
    return anchors


def fit(vectors: Vectors, labels: npt.NDArray[np.int64], c: float = _REGULARISATION) -> TriageModel:
    """Fit the logistic regression (balanced classes: emergencies are rarer than chat)."""
    from sklearn.linear_model import LogisticRegression  # heavy import, training only

    model: Any = LogisticRegression(C=c, class_weight="balanced", max_iter=2000)
    model.fit(vectors, labels)
    coef = np.zeros((len(LABELS), vectors.shape[1]), dtype=np.float32)
    intercept = np.full(len(LABELS), -1e4, dtype=np.float32)
    for row, cls in enumerate(model.classes_):
        coef[cls], intercept[cls] = model.coef_[row], model.intercept_[row]
    return TriageModel(coef, intercept)


def exemplar_messages() -> list[dataset.Message]:
    """The reviewed exemplars and look-alikes in ``rules.py``, as training messages."""
    found = [
        dataset.Message(t, kind, "exemplar", "en", "rules.py", "dev")
        for kind, texts in EXEMPLARS.items()
        for t in texts
    ]
    return found + [dataset.Message(t, "none", "benign", "en", "rules.py", "dev") for t in BENIGN]


def train(embedder: Embedder) -> TriageModel:
    """Train on the development part of the dataset and the reviewed exemplars."""
    messages = dataset.training("dev") + exemplar_messages()
    vectors, labels = training_examples(messages, embedder)
    return fit(vectors, labels)


def load_or_train(embedder: Embedder, cache_dir: Path | None) -> TriageModel:
    """The trained model for this embedder and dataset: memory, then disk, then training."""
    key = f"{_VERSION}-{embedder.name}-{embedder.dimension}-{dataset.fingerprint()}"
    if key in _MEMO:
        return _MEMO[key]
    path = cache_dir / f"triage-{key}.npz" if cache_dir is not None else None
    model: TriageModel | None = None
    if path is not None and path.exists():
        try:
            with np.load(path) as saved:
                model = TriageModel(saved["coef"], saved["intercept"])
        except Exception:  # a damaged cache only costs a retrain
            log.warning("ignoring an unreadable triage cache %s", path)
    if model is None:
        model = train(embedder)
        if path is not None:
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
                # Written aside, then renamed: a process starting meanwhile never reads half.
                partial = path.with_name(f"{path.stem}.{os.getpid()}.partial.npz")
                np.savez(partial, coef=model.coef, intercept=model.intercept)
                os.replace(partial, path)
            except OSError as exc:  # a read-only data folder only costs a retrain next start
                log.warning("could not cache the triage model: %s", exc)
    _MEMO[key] = model
    return model


class TunedClassifier:
    """The fine-tuned triage model (:mod:`bot.safety.finetune`) on ONNX Runtime, with its head.

    It reads the same units as the logistic regression (the whole message and its
    sentences) through its own fine-tuned copy of the model; the retrieval model is untouched.
    ``embedder`` serves that copy when it is already loaded (the second branch of the fused
    graph, :mod:`bot.onnx_fused`); else the folder's own ONNX export is.
    """

    def __init__(self, folder: Path, threads: int = 0, embedder: Embedder | None = None) -> None:
        if embedder is None:
            from bot.onnx_embedding import OnnxEmbedder

            embedder = OnnxEmbedder(str(folder), folder / "onnx", name=folder.name, threads=threads)
        self.embedder = embedder
        with np.load(folder / "head.npz") as saved:
            self.head = TriageModel(saved["coef"], saved["intercept"])
        from tokenizers import Tokenizer

        self._tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        self._tokenizer.no_truncation()
        self._tokenizer.no_padding()

    def read(self, texts: Sequence[str], embedder: Embedder | None = None) -> Reading:
        """The message's scores per label over its units (:class:`Reading`).

        ``embedder`` may serve this model's vectors already computed for the request.
        """
        found = self.head.read((embedder or self.embedder).embed(texts))
        return replace(found, whole_read=bool(texts) and self.reads_whole(texts[0]))

    def reads_whole(self, text: str) -> bool:
        """Whether the model reads ``text`` to its end (it cuts at its 128 tokens)."""
        return len(self._tokenizer.encode(text).ids) <= tuning.TRIAGE_MAX_TOKENS
