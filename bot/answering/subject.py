"""What a question asks about, and whether the clinic's articles cover that subject.

"Does acupuncture help migraines?", "Do you do gua sha?", "Is tai chi better than yoga?":
each names its subject in a slot of a common question form (help with X, do you do X, is X
better than...). The forms are English question grammar, not a list of subjects, so any
condition, treatment, drug or service fills them. The subject is not covered when a word of
it that carries meaning is one no article uses ("migraines", "gua sha", "tai chi"); then
the bot says so, naming the subject, instead of answering from a nearby passage.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot import tuning
from bot.patterns import capped, linear
from bot.words import zipf

if TYPE_CHECKING:
    from bot.patterns import Pattern

_TOKEN = linear(r"[A-Za-z0-9][A-Za-z0-9_'/-]*|[?.!,;:()]")
# Words that end a subject: conjunctions, prepositions, relative words. "help with hay fever
# in spring" names "hay fever".
_BOUNDARY = frozenset(
    [
        "or",
        "and",
        "but",
        "so",
        "because",
        "from",
        "in",
        "like",
        "at",
        "while",
        "if",
        "before",
        "after",
        "than",
        "on",
        "for",
        "with",
        "there",
        "to",
        "that",
        "which",
        "who",
        "when",
        "where",
        "during",
        "since",
        "until",
        "into",
        "instead",
        "vs",
        "versus",
    ]
)
# Words that open a subject without being part of it.
_DETERMINER = frozenset(
    [
        "my",
        "your",
        "the",
        "a",
        "an",
        "that",
        "this",
        "these",
        "those",
        "some",
        "any",
        "her",
        "his",
        "their",
        "our",
        "its",
        "me",
        "him",
        "them",
        "us",
        "all",
    ]
)
# Vague words that stand for a subject without naming one ("that kind of arthritis", "fertility
# stuff"): they never make a subject unknown by themselves.
_VAGUE = frozenset(
    ["kind", "kinds", "sort", "sorts", "type", "types", "stuff", "thing", "things", "way", "ways"]
)
# Pronouns that stand for a subject named earlier in the message.
_POINTING = frozenset(["that", "this", "these", "those", "it", "them"])
_SAME_OR_BETTER = frozenset(
    [
        "same",
        "different",
        "better",
        "worse",
        "safer",
        "similar",
        "ok",
        "okay",
        "safe",
        "fine",
        "allowed",
        "bad",
    ]
)


@dataclass(frozen=True)
class _Form:
    """A question form: its opening, then the subject, ended by ``cue`` if it has one."""

    opening: Pattern
    cue: frozenset[str] | None = None
    whole: bool = False  # the subject runs to the end of the question ("What is gua sha?")


_FORMS = (
    _Form(
        linear(
            r"\b(help|helps|helpful|work|works|good|effective|useful|do anything|treat|treats|"
            r"used|done)\s+(with|for|on|against)\s+",
            ignore_case=True,
        )
    ),
    _Form(linear(r"\b(help|treat|fix|relieve|ease)\s+", ignore_case=True)),
    _Form(
        linear(
            r"\b(do|does|will|would|can|could) (you|u|you guys|y'?all|dr\.? ?\w+|she|he|the "
            r"clinic|your clinic)\s+(also\s+|even\s+|ever\s+)?(do|offer|treat|take|have|see|"
            r"provide|use|accept|speak|sell|practi[cs]e|perform)\s+",
            ignore_case=True,
        )
    ),
    # Using a thing: "should I be wearing a back brace", "can I try ear seeds".
    _Form(
        linear(
            r"\b(should|can|could|do|must) (i|we)\s+(be\s+)?(use|using|wear|wearing|try|trying|"
            r"buy|buying)\s+",
            ignore_case=True,
        )
    ),
    _Form(linear(r"\b(is|are)\s+", ignore_case=True), cue=_SAME_OR_BETTER),
    _Form(linear(r"\bdifference between\s+", ignore_case=True), cue=frozenset({"and"})),
    _Form(linear(r"^\s*(what is|what's|whats|what are)\s+", ignore_case=True), whole=True),
    _Form(
        linear(r"\b(can|should|may) i\s+(still\s+)?", ignore_case=True),
        cue=frozenset({"after", "before", "during", "while"}),
    ),
    _Form(
        linear(r"\b(does|do|will|would|can)\s+", ignore_case=True),
        cue=frozenset({"work", "works", "help", "helps"}),
    ),
)


def asked_subjects(question: str) -> list[str]:
    """The subjects ``question`` asks about, as written ("hay fever", "dry needling").

    A slot that holds only a pronoun ("someone told me about laser acupuncture. Do you do
    that?") points back: its subject is what the sentences before it name, so the whole
    question stands in for it.
    """
    text = capped(question)
    found: list[str] = []
    for form in _FORMS:
        for match in form.opening.finditer(text):
            rest = text[match.end() :]
            subject = _slot(rest, form)
            if subject is None and form.cue is None and not form.whole and _points_back(rest):
                subject = text[: match.start()].strip()
            if subject and subject not in found:
                found.append(subject)
    return found


def _points_back(rest: str) -> bool:
    """Whether a slot holds a pronoun and nothing else ("that?", "those")."""
    tokens = [m.group(0).lower() for m in _TOKEN.finditer(rest)][:2]
    return (
        bool(tokens) and tokens[0] in _POINTING and (len(tokens) == 1 or not tokens[1][0].isalnum())
    )


def uncovered_subject(question: str, unknown: Callable[[str], list[str]]) -> str | None:
    """The first subject of ``question`` that the articles do not cover, if any.

    ``unknown`` gives the words of a text that no article uses and that are rare enough to
    carry a subject (``Retriever.subject_words``).
    """
    for subject in asked_subjects(question):
        words = [w for w in unknown(subject) if not _filler(w)]
        if words:
            return (
                subject
                if len(subject.split()) <= tuning.SUBJECT_MAX_WORDS
                else _run(subject, words)
            )
    return None


def _run(text: str, words: list[str]) -> str:
    """The run of ``words`` in ``text`` holding the rarest of them: what a pointing-back
    question is about ("reiki" in "My aunt keeps raving about reiki. Do you do that?")."""
    strange = {w.lower() for w in words}
    runs: list[list[str]] = [[]]
    for token in _TOKEN.finditer(text):
        if token.group(0).lower() in strange:
            runs[-1].append(token.group(0))
        elif runs[-1]:
            runs.append([])
    return " ".join(min((r for r in runs if r), key=lambda run: min(zipf(w.lower()) for w in run)))


def _filler(word: str) -> bool:
    """Hedges and adverbs ("kind", "stuff", "actually") qualify a subject, never name one."""
    lowered = word.lower()
    return lowered in _VAGUE or (lowered.endswith("ly") and len(lowered) > 4)


def _slot(rest: str, form: _Form) -> str | None:
    """The subject words at the start of ``rest``, or None when the form does not fit.

    In a form with a cue, a phrase may stand between the subject and the cue: "does electric
    stimulation on the needles work" names "electric stimulation".
    """
    words: list[str] = []
    closed = False  # a boundary word ended the subject; a cue form still looks for its cue
    for seen, match in enumerate(_TOKEN.finditer(rest)):
        token = match.group(0)
        lowered = token.lower()
        if form.cue is not None and lowered in form.cue:
            return _join(words)
        if not token[0].isalnum() or seen > 2 * tuning.SUBJECT_MAX_WORDS:
            break
        if closed or (not words and lowered in _DETERMINER):
            continue
        if len(words) > tuning.SUBJECT_MAX_WORDS:
            if form.cue is not None or form.whole:
                return None
            break
        if lowered in _BOUNDARY:
            if form.whole:
                return None
            if form.cue is None:
                break
            closed = True
            continue
        words.append(token)
    if form.cue is not None:
        return None
    if form.whole and len(words) > tuning.SUBJECT_MAX_WORDS:
        return None
    return _join(words[: tuning.SUBJECT_MAX_WORDS])


def _join(words: list[str]) -> str | None:
    while words and words[-1].lower() in _DETERMINER:
        words = words[:-1]
    return " ".join(words).strip("'/-") or None
