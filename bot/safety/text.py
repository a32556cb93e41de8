"""Visitor text made comparable before triage: Unicode folded, then cut into sentences.

Evasions and keyboard accidents must not hide a red flag: a zero-width space or soft hyphen
inside a word, combining accents, full-width letters typed on a CJK keyboard and Cyrillic or
Greek look-alike letters all fold to the plain Latin word. Chinese text is left intact.
"""

from __future__ import annotations

import json
import re
import unicodedata
from functools import lru_cache
from pathlib import Path

import confusable_homoglyphs

# Sentence ends in Latin and CJK punctuation, and line breaks (chat messages often have no
# full stops at all). Runs of characters, never nested quantifiers: linear time.
_SENTENCE_END = re.compile(r"[.!?;\n\u3002\uff01\uff1f\uff1b]+")
# Long run-on sentences are cut further at commas followed by a conjunction-like word.
_SOFT_BREAK = re.compile(r",\s*(?=(?:but|and|so|then|now|however|although|though|yet)\b)")
_MAX_UNIT_WORDS = 40


@lru_cache(maxsize=1)
def _confusables() -> dict[str, str]:
    """Non-Latin letters that look like one ASCII letter or digit, from Unicode's table."""
    path = Path(confusable_homoglyphs.__file__).with_name("confusables.json")
    table: dict[str, list[dict[str, str]]] = json.loads(path.read_text(encoding="utf-8"))
    fold: dict[str, str] = {}
    for char, glyphs in table.items():
        if len(char) != 1 or char.isascii() or _is_cjk(char):
            continue
        for glyph in glyphs:
            target = glyph["c"]
            if len(target) == 1 and target.isascii() and target.isalnum():
                fold[char] = target.lower()
                break
    return fold


def _is_cjk(char: str) -> bool:
    return (
        "\u2e80" <= char <= "\u9fff" or "\uf900" <= char <= "\ufaff" or "\u3000" <= char <= "\u303f"
    )


def fold(text: str) -> str:
    """NFKC, format and default-ignorable characters removed, accents and look-alikes folded.

    The result is lower case. Chinese characters pass through unchanged.
    """
    text = unicodedata.normalize("NFKC", text)
    # Decompose so combining marks can be dropped ("kíll" -> "kill"); CJK is unaffected.
    text = unicodedata.normalize("NFD", text)
    table = _confusables()
    out = []
    for char in text:
        category = unicodedata.category(char)
        if category in ("Cf", "Mn", "Me", "Cc") and char not in "\n\t":
            continue  # zero-width spaces, soft hyphens, word joiners, bidi marks, accents
        out.append(table.get(char, char))
    folded = unicodedata.normalize("NFC", "".join(out)).lower()
    return folded.replace("\u2019", "'").replace("\u2018", "'")


def has_cjk(text: str) -> bool:
    """Whether the text contains Chinese (or other CJK) characters."""
    return any(_is_cjk(c) for c in text)


def sentences(text: str) -> list[str]:
    """The message cut into sentence-sized units, each at most ~40 words."""
    units: list[str] = []
    for sentence in _SENTENCE_END.split(text):
        for part in _SOFT_BREAK.split(sentence):
            words = part.split()
            for start in range(0, len(words), _MAX_UNIT_WORDS):
                chunk = " ".join(words[start : start + _MAX_UNIT_WORDS]).strip(" ,")
                if chunk:
                    units.append(chunk)
    return units
