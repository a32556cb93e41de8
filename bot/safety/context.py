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

# Message-wide contexts, for the rules whose finding is one event (bot/safety/rules.py): an
# injury or chest pain a doctor has already assessed, or long ago; numbness that passes
# within minutes or hours of a ride or a flight. Such a message names no current red flag
# from them (the clause-scoped modifiers below apply to every event rule besides).
ASSESSED = (
    r"((x.?rays?|scans?|ct|mri|ekg|ecg|tests?|blood ?work|bloods|stress test|everything) "
    r"(\w+ ){0,3}(were|was|came back|come back|looked|all) (\w+ ){0,1}(fine|clear|normal|ok|"
    r"okay|negative)|"
    r"nothing (was )?(broken|fractured)|checked me (out|over)|checked my (heart|back)|"
    r"(er|a and e|doctor|gp|urgent care|hospital) (\w+ ){0,2}(cleared me|said it (is|was) "
    r"(just|only)))"
)
LONG_AGO = (
    r"(((\d+|a few|a couple of|several|two|three|four|five|six|seven|eight|nine|ten|eleven|"
    r"twelve|many) )?(years|months) ago|long ago|a long time ago|ages ago|"
    r"last (year|spring|summer|fall|autumn|winter)|years back|back in (19|20)\d\d|"
    r"as a (kid|child|teenager))"
)
PASSES = (
    r"((goes|went|go|going|wears|wore) (away|off)|(came|comes|come) back (within|after|once)|"
    r"(feeling|sensation) (\w+ ){0,3}(came|comes|come) (right |fully |straight )?back|"
    r"(always )?comes (right|fully|straight) back|"
    r"(back to normal|fine again|totally fine|completely fine|gone) (by the time|within|once)|"
    r"(fine|normal|ok|okay) (again )?by (the time|dinner|the evening|evening|bedtime|morning|"
    r"the morning|the next day)|"
    r"for (a few|a couple of|\d+|ten|five|twenty) (min\w*|seconds)|shakes? out)"
)
# ConText's "resolved" for a fever: it has broken, or the person is recovering.
FEVER_GONE = (
    r"((fever|temperature)('s| is| has| was)? (\w+ ){0,1}(gone|broke|broken|down|resolved)|"
    r"on the mend|fever.free)"
)

_HISTORICAL = (
    LONG_AGO,
    r"in the past|used to|previously|once had|history of|when i was (a |younger|little)\w*|"
    r"(back )?in my (teens|twenties|thirties|forties|fifties|20s|30s|40s|50s)",
    r"(fully|completely) (recovered|healed)",
)
_HYPOTHETICAL = (
    r"(what|which) (are|is) (the |some )?(\w+ )?(signs?|symptoms?|red flags?)|"
    r"(what|which) (signs?|symptoms?) (\w+ ){0,6}(mean|need|should)|"
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
_RESOLVED_CUE = re.compile(r"\b(" + "|".join(_RESOLVED) + r")")
_PAST_CUE = re.compile(r"\b(" + "|".join(_HISTORICAL) + r")")
_HYPOTHETICAL_CUE = re.compile(r"\b(" + "|".join(_HYPOTHETICAL) + r")")
_SCOPE = 6  # words a resolved modifier governs either way, as NegEx's window (reading.py)
# Words that end a modifier's scope: the story comes back to now, or turns.
_TERMINATION = re.compile(
    r"\b(now|today|tonight|this (morning|afternoon|evening|week)|yesterday|since then|"
    r"currently|suddenly|lately|recently|but|however|though|although|except|until|"
    r"this time|again|started|start|new|worse|getting)\b"
)


def unsettled(clause: str, past: bool = True) -> str:
    """``clause`` without the words a hypothetical modifier governs, and with ``past`` those
    a historical or resolved one governs.

    >>> unsettled("i fell off a ladder years ago and now i cannot feel my legs")
    'now i cannot feel my legs'
    """
    # A question about warning signs governs its whole clause, and so does the past; what
    # has resolved or was checked is told close to its modifier ("X-rays were clear").
    modifiers = [(*m.span(), len(clause)) for m in _HYPOTHETICAL_CUE.finditer(clause)]
    if past:
        modifiers += [(*m.span(), len(clause)) for m in _PAST_CUE.finditer(clause)]
        modifiers += [(*m.span(), _SCOPE) for m in _RESOLVED_CUE.finditer(clause)]
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
