"""The bars grid of evals/triage_bars.py reads messages through the real triage verdict."""

from __future__ import annotations

from bot import tuning
from bot.safety import dataset
from bot.safety.classifier import Reading
from evals.triage_bars import bars, line


def _reading(care: float, whole_none: float) -> Reading:
    scores = {"none": 1 - care, "urgent": care, "emergency": 0.0, "crisis": 0.0, "care": care}
    whole = {"none": whole_none, "urgent": 1 - whole_none, "emergency": 0.0, "crisis": 0.0}
    whole["care"] = 1 - whole_none
    return Reading(scores, dict(scores), 3, whole, True)  # type: ignore[arg-type]


def test_bars_are_set_for_a_while_and_restored() -> None:
    before = dict(tuning.TUNED_THRESHOLDS)
    with bars(english=0.8, crisis=0.7, foreign=0.75, clears=0.5):
        assert tuning.TUNED_THRESHOLDS["care"] == 0.8
        assert tuning.TUNED_THRESHOLDS_BY_LANGUAGE["zh"]["urgent"] == 0.75
        assert tuning.WHOLE_STORY_CLEARS["care"] == 0.5
    assert before == tuning.TUNED_THRESHOLDS


def test_a_line_counts_flags_under_the_bars_in_force() -> None:
    message = dataset.Message("my back aches after gardening", "none", "x", "en", "s", "dev")
    rows = [(message, _reading(care=0.85, whole_none=0.2), set[str]())]
    with bars(english=0.8, crisis=0.7, foreign=0.7, clears=1.01):
        assert line(rows) == "over-triage 1.000"
    with bars(english=0.9, crisis=0.7, foreign=0.7, clears=1.01):
        assert line(rows) == "over-triage 0.000"
    # The whole story read as harmless clears the flag the sentences raised.
    cleared = [(message, _reading(care=0.85, whole_none=0.6), set[str]())]
    with bars(english=0.8, crisis=0.7, foreign=0.7, clears=0.5):
        assert line(cleared) == "over-triage 0.000"
