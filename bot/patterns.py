"""Regular expressions over visitors' text, in linear time whatever the text.

Python's ``re`` backtracks: a pattern such as ``((ok)[\\s,]*)+$`` takes seconds on
``"ok   " * 12 + "x"``, and a visitor chooses the text. RE2 (google-re2) runs a finite
automaton instead, so matching time grows with the text's length only. Every pattern that
reads visitor text is compiled here, and the text it reads is capped first.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeAlias

import re2

if TYPE_CHECKING:
    Pattern: TypeAlias = re2._Regexp[str]

# Longer than any field the API accepts (2,000-character messages, 4,000-character history
# turns): a cap for callers outside the API (tools, evaluation), not a limit visitors meet.
MAX_SCANNED_CHARS = 5000


def linear(pattern: str, *, ignore_case: bool = False) -> Pattern:
    """Compile ``pattern`` with RE2; it fails at import if it needs backtracking features."""
    options = re2.Options()
    options.case_sensitive = not ignore_case
    return re2.compile(pattern, options)


def capped(text: str) -> str:
    """The part of ``text`` the patterns read."""
    return text[:MAX_SCANNED_CHARS]
