"""ConText's historical, hypothetical and resolved modifiers, scoped within a clause.

A red-flag word is not a current red flag when its clause places it in the past ("I fell
off a ladder years ago"), makes it a question about warning signs ("what are the signs of
cauda equina?"), or says it has resolved or been checked ("the numbness went away", "ECG,
bloods and X-ray, all normal"). As in ConText (Harkema et al., 2009; medspaCy's
``ConTextComponent``), a modifier governs the words of its own clause in both directions
until a termination cue: "I had a disc operation two years ago | and now I cannot pee" keeps
"I cannot pee". The rules for a risk factor of the writer's history (a cancer, injecting
drugs) read the clause whole: there the history is the finding.

The lexicon is clinical content, reviewable here beside the rules (:mod:`bot.safety.rules`).
"""

from __future__ import annotations

import re

from bot.safety.rules import ASSESSED, LONG_AGO, PASSES

_HISTORICAL = (
    LONG_AGO,
    r"in the past|used to|previously|once had|history of|when i was (a |younger|little)\w*",
    r"(fully|completely) (recovered|healed)",
)
_HYPOTHETICAL = (
    r"what (are|is) (the |some )?(\w+ )?(signs?|symptoms?|red flags?)|"
    r"(warning signs?|red flags?) (of|that|to|for)|(signs?|symptoms?) to (watch|look) for",
    r"if (i|you|someone|they|he|she|it) (ever|ever get|ever have|do|does) ",
    r"watch (out )?for|look out for|keep an eye out",
    r"(i|we) (read|heard|saw) (that|about|online|somewhere)|just (curious|wondering)|"
    r"how (do|can|would) (you|i|one|we) (tell|know)|what (would|does) it mean|"
    r"(leaflet|article|poster|course|class|video|documentary) (about|on)",
)
_RESOLVED = (
    ASSESSED,
    PASSES,
    r"(totally|completely|all|long|now) gone|gone now|went away|cleared up|resolved|"
    r"back to normal|all (normal|clear|fine)|(was|were|came back|all) (clear|normal)|"
    r"ruled out|nothing (was )?(broken|wrong|serious|found)|(fine|better) now|"
    r"(works|lifts|moves) (fine|normally|ok|okay) now",
)
_TIMED = re.compile(r"\b(" + "|".join((*_HISTORICAL, *_RESOLVED)) + r")")
_HYPOTHETICAL_CUE = re.compile(r"\b(" + "|".join(_HYPOTHETICAL) + r")")
_SCOPE = 6  # words a modifier governs either way, as NegEx's window (bot/safety/reading.py)
# Words that end a modifier's scope: the story comes back to now, or turns.
_TERMINATION = re.compile(
    r"\b(now|today|tonight|this (morning|afternoon|evening|week)|yesterday|since then|"
    r"currently|suddenly|lately|recently|but|however|though|although|except|until|"
    r"this time|again|started|start|new|worse|getting)\b"
)


def unsettled(clause: str) -> str:
    """``clause`` without the words a historical, hypothetical or resolved modifier governs.

    >>> unsettled("i fell off a ladder years ago and now i cannot feel my legs")
    'now i cannot feel my legs'
    """
    # A past or resolved event is told close to its modifier ("fell off a ladder years
    # ago", "X-rays were clear"); a question about warning signs governs its whole clause.
    modifiers = [(*m.span(), _SCOPE) for m in _TIMED.finditer(clause)]
    modifiers += [(*m.span(), len(clause)) for m in _HYPOTHETICAL_CUE.finditer(clause)]
    if not modifiers:
        return clause
    stops = [m.span() for m in _TERMINATION.finditer(clause)]
    words = [m.span() for m in re.finditer(r"\S+", clause)]
    blanked = [False] * len(clause)
    for start, end, reach in modifiers:
        # Backward to the last stop before the modifier, forward to the first after it,
        # and never further than ``reach`` words either way.
        before = [s for s, _ in words if s < start][-reach:]
        after = [e for _, e in words if e > end][:reach]
        left = max([e for _, e in stops if e <= start] + [before[0] if before else start])
        right = min([s for s, _ in stops if s >= end] + [after[-1] if after else end])
        for i in range(left, right):
            blanked[i] = True
    kept = "".join(" " if gone else ch for ch, gone in zip(clause, blanked, strict=True))
    return " ".join(kept.split())
