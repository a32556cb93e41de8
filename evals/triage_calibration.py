"""How the triage thresholds in ``bot/tuning.py`` were picked: grouped CV on the dev part.

Run ``python -m evals.triage_calibration``. Each fold holds out whole sources (as the
held-out part does), trains on the rest of the development part, and scores the held-out
messages; the table shows recall and over-triage at candidate thresholds. The held-out part
of the dataset is never read here.
"""

from __future__ import annotations

import os

import numpy as np

from bot.config import Settings
from bot.embedding import Prefetched, SentenceTransformerEmbedder
from bot.safety import classifier, dataset
from bot.safety.dataset import LABELS


def out_of_fold_scores(folds: int = 5) -> tuple[list[dataset.Message], np.ndarray]:
    """Per dev message, its score for each label from a model that never saw its source."""
    from sklearn.model_selection import GroupKFold

    settings = Settings()
    model = SentenceTransformerEmbedder(settings.resolve_model_path(), settings.model_name())
    messages = dataset.load("dev")
    extra = classifier._exemplar_messages()
    # Every unit embedded once, in one batch; the folds reuse the vectors.
    texts = [u for m in messages + extra for u in classifier.units(m.text)]
    embedder = Prefetched(model, texts)
    sources = sorted({m.source for m in messages})
    scores = np.zeros((len(messages), len(LABELS)))
    unit_vectors = [embedder.embed(classifier.units(m.text)) for m in messages]
    extra_x, extra_y, _ = classifier.training_examples(extra, embedder)
    splitter = GroupKFold(n_splits=folds)
    groups = [sources.index(m.source) for m in messages]
    for train_idx, test_idx in splitter.split(messages, groups=groups):
        train = [messages[i] for i in train_idx]
        x, y, _ = classifier.training_examples(train, embedder)
        fitted = classifier.fit(np.vstack([x, extra_x]), np.concatenate([y, extra_y]))
        for i in test_idx:
            s = fitted.scores(unit_vectors[i])
            scores[i] = [s[label] for label in LABELS]
    return messages, scores


def main() -> None:
    """Print recall per label and over-triage of harmless messages at each threshold."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    messages, scores = out_of_fold_scores()
    labels = np.array([LABELS.index(m.label) for m in messages])
    none = labels == 0
    for t in (0.3, 0.4, 0.5, 0.6, 0.7, 0.8):
        flagged = scores[:, 1:].max(axis=1) >= t
        line = [f"t={t:.1f}"]
        for k, name in enumerate(LABELS[1:], start=1):
            mask = labels == k
            line.append(f"{name} {flagged[mask].mean():.3f}")
        line.append(f"over-triage {flagged[none].mean():.3f}")
        print("  ".join(line))


if __name__ == "__main__":
    main()
