"""The question inside a long message: a story first, the question last.

Visitors often tell what happened before they ask ("I sit all day, tried stretching, my
GP said... anyway, how many sessions would I need?"). Retrieval on the whole story finds
articles about the story; retrieval on the question finds the answer. Triage always reads
the whole message: only retrieval uses the focus.
"""

from __future__ import annotations

import re

# Sentence ends, then a question's opening words; all patterns are flat (linear time).
_SENTENCE = re.compile(r"(?<=[.!?])\s+|\n+")
_QUESTION_START = re.compile(
    r"^(?:so |and |but |anyway,? |also,? |ok,? |well,? |basically,? )?"
    r"(?:how|what|whats|what's|when|where|why|which|who|can|could|should|would|will|is|are|"
    r"does|do|did|any|anything|tips|advice|have you|has anyone|i wonder|i was wondering|"
    r"wondering|is there|are there)\b",
    re.IGNORECASE,
)
_LONG_WORDS = 30  # shorter messages are already one question
_SHORT_QUESTION_WORDS = 6  # "would it help?" leans on the sentence before it


def question_part(message: str) -> str:
    """The sentences of ``message`` that ask something, or the message when none does.

    "How long do cupping marks last? I have a wedding Saturday" asks about cupping marks;
    "Saturday" is context, not a question for the front desk.
    """
    sentences = [s.strip() for s in _SENTENCE.split(message) if s.strip()]
    asking = [s for s in sentences if _asks(s)]
    return " ".join(asking) if asking else message


def _asks(sentence: str) -> bool:
    return sentence.endswith("?") or bool(_QUESTION_START.match(sentence))


def focus(message: str) -> str:
    """The part of ``message`` to retrieve on: its last question, or the message itself."""
    words = message.split()
    if len(words) <= _LONG_WORDS:
        return message
    sentences = [s.strip() for s in _SENTENCE.split(message) if s.strip()]
    questions = [i for i, s in enumerate(sentences) if _asks(s)]
    if not questions:
        return " ".join(sentences[-2:])
    last = questions[-1]
    picked = sentences[last]
    if len(picked.split()) <= _SHORT_QUESTION_WORDS and last > 0:
        picked = f"{sentences[last - 1]} {picked}"
    return picked
