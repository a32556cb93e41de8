"""The classifier's scores over a message's units (pure arithmetic, no model)."""

import numpy as np
import pytest
from conftest import FakeEmbedder

from bot.safety.classifier import TriageModel, pick_units, units
from bot.safety.dataset import LABELS, Message


def _model() -> TriageModel:
    """A head whose softmax gives back the probabilities its input vectors are logs of."""
    size = len(LABELS)
    return TriageModel(np.eye(size, dtype=np.float32), np.zeros(size, dtype=np.float32))


def _units(*rows: dict[str, float]) -> np.ndarray:
    """Vectors for units with the given label probabilities (the rest spread evenly)."""
    vectors = []
    for row in rows:
        rest = (1.0 - sum(row.values())) / (len(LABELS) - len(row))
        vectors.append([np.log(row.get(label, rest)) for label in LABELS])
    return np.array(vectors, dtype=np.float32)


def test_each_label_scores_the_highest_unit_and_care_sums_within_one_unit() -> None:
    scores = (
        _model()
        .read(
            _units(
                {"urgent": 0.49, "emergency": 0.49, "none": 0.01},  # unsure which, sure of care
                {"emergency": 0.5, "none": 0.49, "urgent": 0.005},
            )
        )
        .peak
    )
    assert scores["urgent"] == pytest.approx(0.49, abs=1e-4)
    assert scores["emergency"] == pytest.approx(0.5, abs=1e-4)
    # Per unit, not the sum of the two maxima (0.99), which would add different sentences.
    assert scores["care"] == pytest.approx(0.98, abs=1e-4)


def test_no_units_score_nothing() -> None:
    scores = _model().read(np.zeros((0, len(LABELS)), dtype=np.float32)).peak
    assert set(scores) == {*LABELS, "care"} and not any(scores.values())


def test_a_story_is_also_read_two_sentences_at_a_time_at_triage() -> None:
    story = "I had breast cancer in 2019. My back aches every night now. Can you help?"
    read = units(story, windows=True)
    assert "i had breast cancer in 2019 my back aches every night now" in read
    assert "my back aches every night now can you help" in read
    # Training reads sentences alone; a short message has no runs to add.
    assert len(units(story)) == 4 and not set(units(story)) - set(read)
    assert units("I had cancer. Can you help?", windows=True) == units(
        "I had cancer. Can you help?"
    )


def test_the_agreed_reading_needs_two_units_to_say_so() -> None:
    reading = _model().read(
        _units(
            {"crisis": 0.96, "none": 0.02},  # one sentence that sounds alarming
            {"crisis": 0.2, "none": 0.7},  # the rest of the story does not
            {"crisis": 0.1, "none": 0.8},
        )
    )
    assert reading.peak["crisis"] == pytest.approx(0.96, abs=1e-4)
    assert reading.agreed["crisis"] == pytest.approx(0.58, abs=1e-4)
    # A one-unit message is its own second reading.
    alone = _model().read(_units({"emergency": 0.93, "none": 0.05}))
    assert alone.agreed["emergency"] == pytest.approx(0.93, abs=1e-4)
    assert alone.agreed["care"] == alone.peak["care"] and alone.units == 1


def test_training_teaches_the_units_triage_reads_and_no_story_cut_before_its_flag() -> None:
    story = (
        "I lifted a heavy box at work on monday. My back was sore that night. "
        "I have numbness in my groin and inner thighs now. What should I do?"
    )
    calm = "I sleep badly. My back is stiff in the morning. It eases by noon. Can you help?"
    messages = [
        Message(story, "emergency", "cauda_equina", "en", "a", "dev"),
        Message(calm, "none", "ordinary", "en", "b", "dev"),
    ]
    whole_story, whole_calm = units(story)[0], units(calm)[0]
    texts, labels = pick_units(messages, FakeEmbedder(), windows=True, fits=lambda t: len(t) < 90)
    taught = dict(zip(texts, (LABELS[i] for i in labels), strict=True))
    # The harmless story teaches everything triage reads of it, its runs included.
    assert set(units(calm, windows=True)) <= {t for t, label in taught.items() if label == "none"}
    assert whole_calm in taught  # whole texts of harmless stories are taught even when cut
    # The flagged story: not its whole text (cut by the model before the flag), but its
    # likeliest sentence and its likeliest run, both holding the red flag.
    assert whole_story not in taught
    flagged = [t for t, label in taught.items() if label == "emergency"]
    assert len(flagged) == 2 and all("groin" in t for t in flagged)
    runs = set(units(story, windows=True)) - set(units(story))
    assert len([t for t in flagged if t in runs]) == 1
    # Without windows and cuts (the lighter classifier): whole text and one sentence.
    texts, labels = pick_units(messages[:1], FakeEmbedder())
    assert texts[0] == whole_story and len(texts) == 2 and "groin" in texts[1]
