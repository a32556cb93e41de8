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
# A question that points back ("are they bruises?", "can it help with the stress side of all
# this?") names its subject in the sentence before it.
_POINTS_BACK = re.compile(r"\b(it|that|this|they|them|these|those|he|she|her|him)\b", re.I)


def points_back(question: str) -> bool:
    """Whether a question leans on what came before it ("could it help with that?")."""
    return bool(_POINTS_BACK.search(question))


def question_part(message: str) -> str:
    """The sentences of ``message`` that ask something, or the message when none does.

    "How long do cupping marks last? I have a wedding Saturday" asks about cupping marks;
    "Saturday" is context, not a question for the front desk.
    """
    sentences = [s.strip() for s in _SENTENCE.split(message) if s.strip()]
    asking = [s for s in sentences if _asks(s)]
    return " ".join(asking) if asking else message


def asking_part(message: str) -> str:
    """The sentences of ``message`` that ask, each with the sentence before it when it is
    short or points back ("...sorted out her allergies. Would it help me?"); the message
    when no sentence asks.

    What a question asks about lives here: the story around it ("my mother in law wants a
    time") may use words no article uses without changing what is asked.
    """
    sentences = [s.strip() for s in _SENTENCE.split(message) if s.strip()]
    picked: list[int] = []
    for i, sentence in enumerate(sentences):
        if not _asks(sentence):
            continue
        leans = len(sentence.split()) <= _SHORT_QUESTION_WORDS or points_back(sentence)
        picked += [i - 1, i] if leans and i > 0 else [i]
    return " ".join(sentences[i] for i in sorted(set(picked))) if picked else message


def _asks(sentence: str) -> bool:
    return sentence.endswith("?") or bool(_QUESTION_START.match(sentence))


def focus(message: str) -> str:
    """The part of ``message`` to retrieve on: its last question (with the sentence before
    it when the question is short or points back to it), or the message itself."""
    sentences, last = _last_question(message)
    if last is None:
        return message if len(sentences) <= 1 else " ".join(sentences[-2:])
    picked = sentences[last]
    leans = len(picked.split()) <= _SHORT_QUESTION_WORDS or points_back(picked)
    if leans and last > 0:
        picked = f"{sentences[last - 1]} {picked}"
    return picked


def last_question(message: str) -> str:
    """What a long message finally asks, alone (for its intent); a short message whole."""
    sentences, last = _last_question(message)
    return message if last is None else sentences[last]


def _last_question(message: str) -> tuple[list[str], int | None]:
    """A long message's sentences and the index of its last question (None: read it all)."""
    if len(message.split()) <= _LONG_WORDS:
        return [message], None
    sentences = [s.strip() for s in _SENTENCE.split(message) if s.strip()]
    questions = [i for i, s in enumerate(sentences) if _asks(s)]
    return sentences, (questions[-1] if questions else None)
