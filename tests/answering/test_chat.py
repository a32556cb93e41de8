"""The chat service's cost bounds, through the real model, triage and index."""

from __future__ import annotations

from collections.abc import Sequence

from bot import tuning
from bot.embedding import Vectors
from bot.schemas import ChatRequest
from bot.services import Services, build_services


class Counting:
    """The real model, counting the texts it embeds."""

    def __init__(self, inner) -> None:
        self.inner = inner
        self.texts = 0

    @property
    def name(self) -> str:
        return self.inner.name

    @property
    def dimension(self) -> int:
        return self.inner.dimension

    def embed(self, texts: Sequence[str]) -> Vectors:
        self.texts += len(texts)
        return self.inner.embed(texts)


def many_clauses(middle: str) -> str:
    clauses = [f"sore {i}" for i in range(110)] + [middle] + [f"ache {i}" for i in range(110)]
    return "; ".join(clauses)[:2000]


def test_a_message_of_hundreds_of_clauses_embeds_a_bounded_number(indexed: Services) -> None:
    counting = Counting(indexed.embedder)
    services = build_services(indexed.settings, embedder=counting)
    counting.texts = 0
    services.chat.reply(ChatRequest(message="my knee is stiff"))
    alone = counting.texts
    counting.texts = 0
    message = many_clauses("my knee is stiff")
    assert message.count(";") > 200
    services.chat.reply(ChatRequest(message=message))
    # At most the capped clauses and sentences more than the question alone, not one per
    # clause.
    assert counting.texts - alone <= tuning.SAFETY_MAX_CLAUSES + tuning.TRIAGE_MAX_UNITS + 1


def test_a_red_flag_past_the_clause_cap_is_still_caught_by_the_rules(indexed: Services) -> None:
    reply = indexed.chat.reply(ChatRequest(message=many_clauses("I have numbness in my groin")))
    assert reply.type == "emergency"
