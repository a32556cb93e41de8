"""Which article sentences may make an answer, through the real model, index and chat."""

from __future__ import annotations

import re

import pytest

from bot.config import Settings
from bot.embedding import SentenceTransformerEmbedder
from bot.schemas import ChatRequest
from bot.services import Services, build_services

# A plain-text FAQ export and a blog post that asks rhetorical questions, as clinics write.
FAQ = """Cupping at the clinic

Does cupping hurt?
Most people feel a gentle pulling as the cups lift the skin. The suction is adjusted to \
what feels comfortable for you.

How long do the marks last?
The round marks usually fade within three to seven days.

Q: Can I eat before my appointment?
A: Yes, have a light snack an hour before so that you do not feel faint.
"""
BLOG = """---
title: Gua Sha for Tight Shoulders
url: /blog/gua-sha
---
# Gua Sha for Tight Shoulders

Wondering whether gua sha is right for your stiff shoulders? Gua sha is a gentle scraping \
of the skin with a smooth tool that eases tight shoulder muscles. Curious how it feels? \
Most people describe a warm, relaxing pressure along the shoulders.
"""


@pytest.fixture(scope="module")
def faq(model: SentenceTransformerEmbedder, tmp_path_factory: pytest.TempPathFactory) -> Services:
    """The chat service over a plain-text FAQ and a blog post with rhetorical questions."""
    folder = tmp_path_factory.mktemp("faq-articles")
    (folder / "cupping-faq.txt").write_text(FAQ, encoding="utf-8")
    (folder / "gua-sha.md").write_text(BLOG, encoding="utf-8")
    settings = Settings(data_dir=tmp_path_factory.mktemp("faq-data"), knowledge_dir=folder)
    services = build_services(settings, embedder=model)
    assert not services.indexer.run(folder, progress=False).failures
    return services


@pytest.mark.parametrize(
    ("question", "fact"),
    [
        ("how long until the cupping marks go away?", "three to seven days"),
        ("does cupping hurt?", "gentle pulling"),
        ("what is gua sha?", "scraping"),
        ("should I eat something before my appointment?", "light snack"),
        ("what does gua sha feel like?", "warm, relaxing pressure"),
    ],
)
def test_a_question_in_an_article_is_never_a_sentence_of_the_answer(
    faq: Services, question: str, fact: str
) -> None:
    reply = faq.chat.reply(ChatRequest(message=question))
    assert reply.type == "answer"
    assert fact in reply.answer
    assert "?" not in reply.answer
    assert not re.search(r"\b[QA]:", reply.answer)  # an FAQ's labels are not words of it
