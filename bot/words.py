"""How common a word is in everyday English: one word list for retrieval, answering and triage.

wordfreq's small English list (every word used at least once per million) decides each
threshold, far above its floor, as the large list would, in a tenth of the memory: the large
one adds about 50 MB to a server.
"""

from __future__ import annotations

from functools import lru_cache


@lru_cache(maxsize=8192)
def zipf(word: str) -> float:
    """``word``'s frequency on wordfreq's Zipf scale ("need" 6.0, "fever" 4.2), 0 if rarer
    than the small list holds. Case matters: pass the word lower-cased."""
    from wordfreq import zipf_frequency  # imported on first use: the CLI's no-op path skips it

    return float(zipf_frequency(word, "en", wordlist="small"))
