"""wordfreq's small English list decides "everyday word" exactly as the large list would."""

from __future__ import annotations

from itertools import islice

from wordfreq import iter_wordlist, zipf_frequency

from bot import tuning
from bot.index import lexical


def _large_says_common(word: str) -> bool:
    return zipf_frequency(word, "en", wordlist="large") >= tuning.COMMON_WORD_ZIPF


def test_every_frequent_word_is_judged_as_the_large_list_judges_it() -> None:
    # Words are listed most frequent first; the first 20,000 reach far below the threshold.
    words = list(islice(iter_wordlist("en", wordlist="large"), 20_000))
    assert zipf_frequency(words[-1], "en", wordlist="large") < tuning.COMMON_WORD_ZIPF - 1
    judged = {w: lexical._common(w) for w in words if w not in lexical._CHAT_CONTRACTIONS}
    assert {w for w, common in judged.items() if common} == {
        w for w in judged if _large_says_common(w)
    }
    assert sum(judged.values()) > 200  # the threshold is not vacuous
    # And no word the small list ranks as common falls outside those 20,000.
    small = islice(iter_wordlist("en", wordlist="small"), 20_000)
    assert {w for w in small if w not in lexical._CHAT_CONTRACTIONS and lexical._common(w)} <= set(
        judged
    )


def test_words_of_questions_no_article_answers() -> None:
    for word in ("migraines", "fever", "insurance", "acupuncturist", "hay", "need", "says"):
        assert lexical._common(word) == _large_says_common(word), word


def test_a_word_every_section_uses_says_nothing_about_a_section() -> None:
    index = lexical.LexicalIndex(
        ["a", "b", "c"],
        [
            "Back pain from lifting boxes at work.",
            "Back pain and sleep.",
            "Back pain after long drives.",
        ],
    )
    (back,) = lexical.terms("back")
    (boxes,) = lexical.terms("boxes")
    (sleep,) = lexical.terms("sleep")
    assert index.rarity(back) == 0.0  # every section has it
    assert index.rarity(boxes) == index.rarity(sleep) == 1.0  # one section each
    assert index.rarity("gua") == 0.0  # no section: it cannot be shared


def test_a_short_section_gets_no_keyword_edge_for_being_short() -> None:
    # One line naming "needles" must not outscore a full section that names them as often.
    short = "The needles are sterile."
    full = (
        "Most people feel only a quick pinch when the needles go in, then a dull ache, warmth "
        "or tingling around the point, and many fall asleep on the table."
    )
    scores = lexical.LexicalIndex(
        ["short", "full", "other"], [short, full, "Lifting boxes."]
    ).scores("are the needles reused")
    assert scores["short"] == scores["full"] == 1.0
    assert scores["other"] == 0.0
