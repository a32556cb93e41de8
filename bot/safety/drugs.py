"""Medicine names in visitors' messages, from a maintained drug dictionary.

``drug-named-entity-recognition`` resolves brand and generic names (Eliquis -> apixaban)
from a dictionary built from public drug databases, so a question about "my eliquis" is
recognised as a medication question without a hand-written list. Its dictionary takes a
few seconds to load, so it is loaded once, in the background at start-up, and only
consulted when a message also asks to start, stop, change, mix or dose something.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from functools import lru_cache
from typing import Any

_WORD = re.compile(r"[A-Za-z][A-Za-z0-9-]{1,40}")
_lock = threading.Lock()


@lru_cache(maxsize=1)
def _finder() -> Callable[..., Any]:
    with _lock:
        from drug_named_entity_recognition import find_drugs

        return find_drugs  # type: ignore[no-any-return]


def warm_up() -> None:
    """Load the dictionary in a background thread, so the first question does not wait."""
    threading.Thread(target=_finder, name="drug-dictionary", daemon=True).start()


def drug_names(text: str) -> list[str]:
    """Generic names of the medicines ``text`` mentions, in order, without repeats."""
    words = _WORD.findall(text)
    if not words:
        return []
    found = _finder()(words, is_ignore_case=True)
    names = [str(match[0].get("name", "")) for match in found]
    return list(dict.fromkeys(n for n in names if n))
