"""Every pattern that reads visitor text finishes promptly on adversarial text.

Backtracking regular expressions can take exponential time on text a visitor chooses
(``"ok   " * 12 + "x"`` took 20 s in the thank-you pattern). Hypothesis builds long runs of
whitespace, repeated pattern words and punctuation, and its per-example ``deadline`` fails
any call that hangs; it detects hangs, it does not measure speed.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from bot.answering.chat import retrieval_query
from bot.answering.intents import classify, practical_words
from bot.feedback.redact import redact, redact_contacts
from bot.safety.scope import advice_kind, clearly_off_topic, strip_manipulation
from bot.schemas import MAX_MESSAGE_CHARS, Turn

# Words the patterns look for, and the separators their repetitions backtrack over.
PIECES = [
    "ok",
    "okay",
    "thanks",
    "thank you",
    "so much",
    "you",
    "hi",
    "hello",
    "my name is",
    "Jane",
    "book",
    "appointment",
    "how much",
    "should i take",
    "ignore",
    "all",
    "your",
    "instructions",
    "cure",
    "is it",
    "a",
    "x",
    "1",
    "12",
    "555",
    "+1",
    "(310)",
    "@",
    "a.b",
    "mail.co",
    "-",
    ".",
    ",",
    "!",
    "?",
    "\n",
    " ",
    "   ",
    "\t",
    "\u00a0",
    "é",
]
adversarial = st.lists(
    st.tuples(st.sampled_from(PIECES), st.integers(1, 40)), min_size=1, max_size=12
).map(lambda runs: "".join(piece * times for piece, times in runs)[:MAX_MESSAGE_CHARS])

FUNCTIONS: dict[str, Callable[[str], object]] = {
    "classify": classify,
    "practical_words": practical_words,
    "advice_kind": advice_kind,
    "clearly_off_topic": clearly_off_topic,
    "strip_manipulation": strip_manipulation,
    "redact": redact,
    "redact_contacts": redact_contacts,
    "retrieval_query": lambda text: retrieval_query(text, [Turn(role="user", content=text)]),
}


@pytest.mark.parametrize("name", sorted(FUNCTIONS))
def test_patterns_finish_promptly_on_adversarial_text(name: str) -> None:
    function = FUNCTIONS[name]

    # A deadline far above a linear-time call (microseconds to milliseconds) and far
    # below a backtracking one (seconds to hours): it catches hangs, not slowness.
    @settings(max_examples=150, deadline=timedelta(seconds=2), derandomize=True)
    @given(adversarial)
    @example("ok   " * 12 + "x")
    @example("thanks, " * 200 + "?")
    @example(" " * MAX_MESSAGE_CHARS)
    @example("1 " * 1000)
    def run(text: str) -> None:
        function(text)

    run()
