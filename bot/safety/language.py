"""Which language a visitor writes in: English, Spanish or Chinese (the clinic's patients).

Chinese is told by its script; Spanish from English by lingua, a maintained detector that
is accurate on short text and runs offline, limited to the two languages so it loads fast.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any, Literal

from bot.safety.text import has_cjk

Language = Literal["en", "es", "zh"]
_MIN_SPANISH_CONFIDENCE = 0.8  # lingua's relative confidence; short mixed texts stay English


@lru_cache(maxsize=1)
def _detector() -> Any:
    from lingua import Language as Lingua
    from lingua import LanguageDetectorBuilder

    return LanguageDetectorBuilder.from_languages(Lingua.ENGLISH, Lingua.SPANISH).build()


def detect(folded: str) -> Language:
    """The message's language; English unless clearly Spanish or Chinese."""
    if has_cjk(folded):
        return "zh"
    if len(folded.split()) < 3:
        return "en"
    from lingua import Language as Lingua

    confidence = _detector().compute_language_confidence(folded, Lingua.SPANISH)
    return "es" if confidence >= _MIN_SPANISH_CONFIDENCE else "en"
