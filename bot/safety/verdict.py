"""How the triage classifier's readings become flags: the calibrated bars, read per language,
two readings that agree, the whole story's clearance, and a crisis that gives way.

The bars themselves are in :mod:`bot.tuning`, beside how each was picked.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from bot import tuning
from bot.safety import classifier
from bot.safety.dataset import Score
from bot.safety.language import Language
from bot.safety.rules import TriageKind

RANK: dict[TriageKind, int] = {"crisis": 3, "emergency": 2, "urgent": 1}


@dataclass(frozen=True)
class Flag:
    """A safety finding: which reply the message needs and why (for logs and tests)."""

    kind: TriageKind
    reason: str
    layer: Literal["rule", "semantic", "classifier"]


def judged(
    reading: classifier.Reading, tuned: bool, language: Language = "en"
) -> tuple[dict[Score, float], dict[str, float]]:
    """The scores the classifier's flags are judged on, and their thresholds.

    The fine-tuned model's flags need two readings of the message to agree
    (:class:`~bot.safety.classifier.Reading`), or a surer single reading when the message
    is one sentence; the lighter classifier was calibrated on its peak. The model reads
    English best: a Spanish or Chinese message has its own, calibrated bars, and the
    reviewed patterns of its language beside them.
    """
    if not tuned:
        return reading.peak, tuning.TRIAGE_THRESHOLDS
    foreign = tuning.TUNED_THRESHOLDS_BY_LANGUAGE.get(language, {})
    if reading.units > 1:
        return reading.agreed, {**tuning.TUNED_THRESHOLDS, **foreign}
    one = {k: max(v, foreign.get(k, 0.0)) for k, v in tuning.TUNED_ONE_READING.items()}
    return reading.peak, one


def crisis_outweighed(flags: Sequence[Flag], reading: classifier.Reading, tuned: bool) -> bool:
    """Whether a crisis flag that only the classifier raised gives way to a care flag.

    A story of cauda equina or a fall has sentences the model reads as crisis ("the ER
    sent me home with tramadol and diazepam"): when the model is surer of urgent and
    emergency together than of crisis, the person gets the emergency or urgent reply, with
    the 988 line added (:data:`~bot.tuning.CRISIS_OUTWEIGHED_MARGIN`). A crisis the rules
    read always gets the crisis reply.
    """
    kinds = {f.kind for f in flags}
    # Calibrated for the fine-tuned model only (the lighter one has the exemplar layer).
    if not tuned or "crisis" not in kinds or not kinds - {"crisis"}:
        return False
    if any(f.kind == "crisis" and f.layer == "rule" for f in flags):
        return False
    scores, _ = judged(reading, tuned=True)
    return scores["crisis"] < scores["care"] - tuning.CRISIS_OUTWEIGHED_MARGIN


def classified(reading: classifier.Reading, tuned: bool, language: Language = "en") -> list[Flag]:
    """Flags from the classifier's scores past their calibrated thresholds.

    Urgent and emergency together ("care") past their own threshold send the person to
    care even when neither label alone is sure: the emergency reply when emergency is the
    likelier of the two (out of fold on the dev part, 0.715 of emergencies got the
    emergency reply against 0.635 with the urgent reply always, while urgent cases given
    the emergency reply went from 0.071 to 0.086), else the urgent reply.
    """
    scores, thresholds = judged(reading, tuned, language)
    found = []
    kinds: tuple[TriageKind, ...] = ("crisis", "emergency", "urgent")
    for kind in kinds:
        if scores[kind] >= thresholds[kind]:
            found.append(Flag(kind, f"classifier {scores[kind]:.2f}", "classifier"))
    if scores["care"] >= thresholds["care"] and not found:
        likelier: TriageKind = "emergency" if scores["emergency"] > scores["urgent"] else "urgent"
        found.append(Flag(likelier, f"classifier care {scores['care']:.2f}", "classifier"))
    if tuned and reading.units > 1 and reading.whole_read:
        # The whole story, read to its end, outweighs one sentence that sounds alarming alone
        # ("never had back trouble before this" in a question about lifting a toddler): the
        # model learnt whole messages with their labels, and a red flag is rarely one that
        # its own story reads as harmless. Such a message keeps the safety nets (the peak).
        clear = reading.whole["none"]
        found = [f for f in found if clear < tuning.WHOLE_STORY_CLEARS[_SCORE[f.kind]]]
    return found


def rules_cleared(
    flags: Sequence[Flag], reading: classifier.Reading, tuned: bool, language: Language = "en"
) -> list[Flag]:
    """The rules' emergency and urgent flags that the whole message outweighs
    (:data:`~bot.tuning.RULE_CLEARS`): the model reads it to its end as harmless and gives
    care a low score. The caller gives such a message the safety net instead."""
    care = [f for f in flags if f.layer == "rule" and f.kind in ("emergency", "urgent")]
    if not tuned or not care or not reading.whole_read:
        return []
    scores, _ = judged(reading, tuned, language)
    bars = tuning.RULE_CLEARS
    return care if reading.whole["none"] >= bars["whole"] and scores["care"] < bars["care"] else []


# Which of the whole story's clearances a flag of each kind needs.
_SCORE: dict[TriageKind, str] = {"crisis": "crisis", "emergency": "care", "urgent": "care"}
