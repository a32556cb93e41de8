"""ConText's historical, hypothetical and resolved modifiers (bot/safety/context.py)."""

from __future__ import annotations

import pytest

from bot.safety.context import unsettled
from bot.safety.triage import SafetyTriage


@pytest.mark.parametrize(
    ("clause", "kept"),
    [
        # A modifier governs its clause until the story comes back to now...
        ("i crashed my bike years ago and now my arms are weak", "now my arms are weak"),
        ("my mri was clear", ""),
        ("what are the warning signs of a slipped disc pressing on nerves", ""),
        # ...and a past or resolved event is told within a few words of its modifier.
        (
            "i had a high fever and my back hurt so my wife drove me to a clinic where bloods were"
            " clear",
            "i had a high fever and my back hurt so my wife",
        ),
        ("my chest is tight", "my chest is tight"),
    ],
)
def test_a_modifier_governs_its_scope_only(clause: str, kept: str) -> None:
    assert unsettled(clause) == kept


@pytest.mark.parametrize(
    ("message", "kinds"),
    [
        # Past, hypothetical or resolved: no current red flag (our own wording)...
        ("my legs went numb after a disc bulge years ago, my back is stiff", set()),
        ("what are the red flags of a spinal cord problem? asking for a first aid course", set()),
        ("just wondering, how do you tell sciatica from a heart attack in the back?", set()),
        ("which signs after a fall mean my back needs an x-ray?", set()),
        ("the tingling in my groin after a long drive went away, my back aches", set()),
        ("i read that losing bladder control with back pain means a&e. good to know!", set()),
        # ...while the same findings, current, still count.
        ("years ago i slipped a disc and since this morning my groin is numb", {"emergency"}),
        ("the pins and needles went away but now i cannot control my bladder", {"emergency"}),
        ("what are the warning signs? my groin went numb at lunch", {"emergency"}),
        ("i know the red flags and i have them: my groin is numb, back agony", {"emergency"}),
        # A risk factor from the writer's history stays one.
        ("i had breast cancer ten years ago and my back aches at night", {"urgent"}),
    ],
)
def test_the_rules_read_context_of_past_questions_and_resolution(
    message: str, kinds: set[str]
) -> None:
    assert SafetyTriage.rule_kinds(message) == kinds
