"""Recognising the small talk a clinic bot must handle without an article: hello, booking.

The patterns read visitor text, so they are RE2 patterns (linear time, ``bot/patterns.py``):
under Python's backtracking ``re`` the thanks pattern took 20 s on ``"ok   " * 12 + "x"``.
"""

from __future__ import annotations

import re
from enum import StrEnum

from bot.patterns import capped, linear


class Intent(StrEnum):
    """What a message asks for, before any article is looked up."""

    GREETING = "greeting"
    THANKS = "thanks"
    BOOKING = "booking"
    QUESTION = "question"


_GREETING = linear(
    r"^\s*(hi+|hello+|hey+|hiya|howdy|greetings|good (morning|afternoon|evening|day)|yo)"
    r"(\s+(there|all|everyone|bot|dr\.? lin))?\s*[!.,?]*\s*$",
    ignore_case=True,
)
_THANKS = linear(
    r"^\s*((thanks|thank you|thx|ty|cheers|great|ok(ay)?|perfect|got it|bye|goodbye)"
    r"[\s,!.]*(so much|a lot|very much|you)?[\s!.]*)+$",
    ignore_case=True,
)
_BOOKING = [
    linear(p, ignore_case=True)
    for p in (
        r"\b(book|schedule|reschedule|make|set up|arrange|get|request)\b.{0,25}"
        r"\b(appointment|appt|visit|consult\w*)\b",
        # "Make a treatment plan", "get a session's worth of relief" ask about care, not a slot:
        # a session or treatment is booked only with a booking verb.
        r"\b(book|schedule|reschedule|arrange)\b.{0,25}\b(session|treatment)\b",
        r"\bhow (do|can|could|would) (i|we)\s+(book|schedule|sign up|come in)\b",
        r"\b(phone|telephone)\s*(number|#|no\.?)?\b",
        r"\b(call|contact|reach)\s+(you|the clinic|the office|dr\.? lin)\b",
        r"^\s*(book(ing)?|appointments?|schedule)( now| online| please)?\s*[?.!]*\s*$",
        r"\b(are you|is the clinic) (open|available|taking new patients)\b",
        r"\bavailab(le|ility)\b.{0,20}\b(appointment|this week|today|tomorrow)\b",
    )
]


_PRACTICAL = linear(
    r"\b(insurance|insured|covered|cover|copay|co-pay|hsa|fsa|cost|costs|price|prices|pricing|"
    r"fee|fees|charge|pay|payment|credit|cash|discount|refund|cancel\w*|parking|park|address|"
    r"directions|located|location|hours|open|opening|closed|weekends?|sundays?|saturdays?|"
    r"gift|medicare|medicaid|deductible|superbill|reimburs\w*)\b",
    ignore_case=True,
)
# A price asked with "how much" and a form of "be", ending soon after ("how much is a
# session?", "how much are your visits"); "how much does it hurt" asks something else.
_PRICE = linear(
    r"\bhow much (is|are|would it be|will it be|would that be)( [\w'-]+){0,3}\s*[?.!]*\s*$"
    r"|\bper (session|visit|treatment|appointment)\b",
    ignore_case=True,
)

_SENTENCE_END = re.compile(r"(?<=[?.!])\s+|\n+")


def practical_words(message: str) -> list[str]:
    """Words about prices, insurance, hours, parking and the like ("front desk" questions).

    A "how much is..." price question counts as the word "cost".
    """
    text = capped(message)
    words = [m.group(0) for m in _PRACTICAL.finditer(text)]
    if any(_PRICE.search(part) for part in _SENTENCE_END.split(text)):
        words.append("cost")
    return words


def classify(message: str) -> Intent:
    """Greeting, thanks, booking, or an ordinary question for the articles."""
    message = capped(message)
    if _GREETING.match(message):
        return Intent.GREETING
    if _THANKS.match(message):
        return Intent.THANKS
    if any(p.search(message) for p in _BOOKING):
        return Intent.BOOKING
    return Intent.QUESTION
