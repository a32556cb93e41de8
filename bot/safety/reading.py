"""Reading a message as the triage rules need it: normalised, cut into clauses, negations.

Contractions are expanded and misspelt safety terms snapped to the term; phrases that
contain a negation word but describe a symptom ("I don't have control of my bladder") are
rewritten first; then NegEx-style scopes blank the words a negation cue governs.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

from rapidfuzz import process
from rapidfuzz.distance import DamerauLevenshtein

from bot import tuning
from bot.safety.context import unsettled
from bot.safety.crisis import MEDICINE
from bot.safety.drugs import mark_medicines
from bot.safety.rules import KEY_TERMS, RELATIVE
from bot.words import zipf

_CONTRACTIONS = [
    (r"\bcan'?t\b|\bcan not\b", "cannot"),
    (r"\bwon'?t\b", "will not"),
    (r"\b(\w+)n't\b", r"\1 not"),
    (r"\bi'?m\b", "i am"),
    (r"\b(\w+)'ve\b", r"\1 have"),
    (r"\b(\w+)'ll\b", r"\1 will"),
    (r"\b(\w+)'re\b", r"\1 are"),
    (r"\bim\b", "i am"),
    (r"\bmy self\b", "myself"),
    (r"\bcant\b", "cannot"),
    (r"\bdont\b", "do not"),
    (r"\bdidnt\b", "did not"),
    # Phones drop the apostrophe: "havent peed", "couldnt feel".
    (r"\b(have|has|had|was|were|is|are|does|could|would|should)nt\b", r"\1 not"),
]
# Phrases that contain a negation word but describe a symptom, rewritten before negation
# scopes are applied ("I don't have control of my bladder" is a loss of control).
_SYMPTOM_REWRITES = [
    (r"\b(do|does|did) not have (any )?(control|feeling|sensation)", r"lost \3"),
    (r"\b(do|does|did) not (really |quite |even )?feel\b", "cannot feel"),
    (
        r"\b(bladder|bowels?) (is |are |has |have )?(not|stopped) (working|right|normal)",
        r"lost \1 control",
    ),
    (r"\b(is|am|are|was|been) not able to\b|\bnot (been )?able to\b", "unable to"),
    (
        r"\bwithout (even )?(trying|dieting|meaning to)|\bfor no (apparent )?reason",
        "unintentionally",
    ),
    (r"\bno (feeling|sensation|control)\b", r"lost \1"),
    (r"\b(have|has|had) not (peed|urinated|passed urine)\b", "unable to pee"),
    (r"\bnot (peed|urinated)\b", "unable to pee"),
    (r"\b(could|can|did) not pass (water|urine)|\bcannot pass (water|urine)", "unable to pee"),
    (
        r"\b(could|can|did) not hold (it )?(in )?(a |my |the )?(bowel movement|bowels?|poo)",
        "lost bowel control",
    ),
    (r"\bnot (sure|know|tell|feel) when i need to (wee|pee|go)", "lost bladder sensation"),
    (
        r"\blegs? (will|would|do|does|did|can) not (hold|support|carry) (me|him|her|them)",
        "legs giving way",
    ),
    (r"\b(foot|toes) (will|would|does|did|can) not (lift|come up|go up|pull up)", "foot drop"),
    (r"\bnot want to (live|be alive|be here)", r"want to die"),
    # Crisis said with a negation word ("life is not worth living", "better off without me",
    # "i don't want to carry on"): the words of 988's warning signs, read before negations.
    (r"\bnot worth (living|going on)\b", "want to die"),
    (r"\b(better|easier|simpler|happier|free\w*) (\w+ ){0,3}without me\b", "better off dead"),
    (
        r"\bnot (really |even |sure i |think i )?(want\w*|wanna|going) to (keep (living|existing|"
        r"going|doing this|on)|carry on|go on|be alive|exist|live)\b"
        r"(?! (with|on|to|for|a|an|the|my|holiday|vacation|trip))",
        "want to die",
    ),
    (
        r"\b(not|cannot) (see|picture|imagine) (myself|me) (\w+ ){0,2}(being here|alive|a year "
        r"from now|next year|in a year|getting old\w*)",
        "want to die",
    ),
    (
        r"\bnot (see|find|have) (a|any) (reason|point) to (keep|carry on|go on|live|continue)",
        "want to die",
    ),
    (
        r"\b(relief|rather|prefer|wish|hope|pray|glad|better|easier) (\w+ ){0,3}not (to )?wake up",
        "want to die",
    ),
    (
        r"\bnot (going to|gonna) be (here|around) (\w+ ){0,2}(anyway|much longer|anymore|for long)",
        "want to die",
    ),
    # Passive wishes that contain a negation word, rewritten before negations are blanked.
    (r"\b(sleep|asleep) and (never|not) (wake|waking|woke)( up)?", "want to die"),
    # "if i did not wake up tomorrow (that would be fine)": the wish said as a condition.
    (r"\bif i (did|do|would) not wake up (tomorrow|in the morning|one day|again)", "want to die"),
    (r"\bnot sure (i|if i) want to (be alive|live|be here)", "want to die"),
    (r"\bwhat is the point (of|in) (living|going on|life|being alive)", "want to die"),
    (r"\b(is|are|was|were) not (moving|responding|breathing|waking up)\b", "unresponsive"),
    (r"\bno (reason|point) (to|in) (live|living|go on|going on)", "want to die"),
]
# Everyday words rarer than the small word list (bot/words.py) one letter from a safety term.
_EVERYDAY = frozenset({"overdone", "overdid"})
_NEGATION = re.compile(
    r"\b(no|not|never|without|denies|deny|none|neither|nor|free of|negative for)\b"
)
_NEGATION_SCOPE = 6  # words after a cue that it negates, NegEx-style
_CLAUSE_SPLIT = re.compile(
    r"[.!?;\n]+|,\s*(?=but|however|although|though|except|yet)|\b(?:but|however|although|"
    r"though|except|yet|and then|also)\b"
)
# What is said of a relative, until the writer speaks of themselves ("i").
_RELATIVE = re.compile(rf"{RELATIVE}.*?(?=\bi\b|$)")


def normalise(text: str) -> str:
    """Lower-case, expand contractions, fix typos in safety terms, rewrite symptom negations."""
    text = text.lower().replace("\u2019", "'")  # curly apostrophes from phones
    for pattern, repl in _CONTRACTIONS:
        text = re.sub(pattern, repl, text)
    text = " ".join(_fix_typo(w) for w in re.findall(r"[a-z0-9']+|[.!?;,\n]", text))
    text = re.sub(r" ([.!?;,])", r"\1", text)
    for pattern, repl in _SYMPTOM_REWRITES:
        text = re.sub(pattern, repl, text)
    return text


def clauses(text: str) -> list[str]:
    """Split normalised text into clauses, the unit a negation applies to."""
    return [c.strip(" ,") for c in _CLAUSE_SPLIT.split(text) if c and c.strip(" ,")]


def affirmed(clause: str) -> str:
    """The clause with negated words blanked out: "no fever or chills" -> ""."""
    words = clause.split()
    keep = [True] * len(words)
    for i, word in enumerate(words):
        if _NEGATION.fullmatch(word) or (
            i + 1 < len(words) and f"{word} {words[i + 1]}" in ("free of", "negative for")
        ):
            for j in range(i, min(len(words), i + 1 + _NEGATION_SCOPE)):
                keep[j] = False
    return " ".join(w for w, k in zip(words, keep, strict=True) if k)


def is_negated(clause: str) -> bool:
    """Whether the clause contains a negation cue."""
    return bool(_NEGATION.search(clause))


@lru_cache(maxsize=4096)
def _fix_typo(word: str) -> str:
    """Snap a misspelt safety term ("grion", "bladdr") to the term; leave other words."""
    # A word of everyday English is no typo: "cancel" is not "cancer", "overdone" not
    # "overdose", "kills" (the commute kills me) not "kill", "leg" not "legs".
    if len(word) < 3 or word in KEY_TERMS | _EVERYDAY or zipf(word) >= tuning.REAL_WORD_ZIPF:
        return word
    # One edit (a swap counts as one) for short words, two for long ones; the first letter
    # must match so that "ladder" never becomes "bladder".
    allowed = 1 if len(word) < 8 else 2
    # Short words ("kil") may only grow into a longer term, never turn into another word.
    candidates = [
        t for t in KEY_TERMS if t[0] == word[0] and (len(word) >= 5 or len(t) > len(word))
    ]
    match = process.extractOne(
        word, candidates, scorer=DamerauLevenshtein.distance, score_cutoff=allowed
    )
    return str(match[0]) if match else word


def rules_text(parts: Sequence[str], own: bool, past: bool) -> str:
    """Clauses as a rule reads them, negated words blanked. A risk factor is the writer's own
    history: read without what is said of a relative (ConText's experiencer, ended by "i"),
    its history kept. An event is read without what is hypothetical, past or resolved
    (ConText's modifiers; crisis words: hypothetical only)."""
    if own:
        return " . ".join(affirmed(_RELATIVE.sub(" ", c)) for c in parts)
    return " . ".join(unsettled(affirmed(c), past) for c in parts)


def rule_parts(folded: str) -> list[str]:
    """Normalised clauses of folded text, each named medicine marked, so that "saving up my
    gabapentin" is stockpiling as "saving up my pills" is."""
    return [mark_medicines(c, MEDICINE) for c in clauses(normalise(folded))]
