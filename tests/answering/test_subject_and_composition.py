"""Subject coverage and composition, through the real model, a real Chroma index and chat."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.answering.compose import asks_for_list
from bot.answering.subject import asked_subjects
from bot.config import Settings
from bot.embedding import SentenceTransformerEmbedder
from bot.schemas import ChatRequest
from bot.services import Services, build_services
from evals.evaluate import load_questions

FEDERAL = Path(__file__).resolve().parents[1] / "data" / "federal_corpus"


@pytest.fixture(scope="module")
def federal(
    model: SentenceTransformerEmbedder, tmp_path_factory: pytest.TempPathFactory
) -> Services:
    """The chat service over the federal test corpus (blog-export HTML with real lists)."""
    settings = Settings(data_dir=tmp_path_factory.mktemp("federal"), knowledge_dir=FEDERAL)
    services = build_services(settings, embedder=model)
    assert not services.indexer.run(FEDERAL, progress=False).failures
    return services


def ask(services: Services, message: str) -> tuple[str, str, list[str]]:
    reply = services.chat.reply(ChatRequest(message=message))
    return reply.type, reply.answer, [s.source for s in reply.sources]


@pytest.mark.parametrize(
    ("question", "subject"),
    [
        ("Does acupuncture help migraines?", "migraines"),
        ("do you do gua sha", "gua sha"),
        ("is tai chi better than yoga for a bad back", "tai chi"),
        ("whats the difference between dry needling and acupuncture", "dry needling"),
    ],
)
def test_an_unknown_subject_is_declined_naming_it(
    indexed: Services, question: str, subject: str
) -> None:
    kind, answer, sources = ask(indexed, question)
    assert kind == "no_answer"
    assert sources == []
    assert f"I don't have an article about {subject}" in answer
    assert indexed.settings.booking_url in answer
    assert indexed.settings.phone in answer


@pytest.mark.parametrize(
    "question",
    [
        "Can acupuncture help sciatica?",
        "do you do cupping",
        "does yoga really help lower back pain",
        "what is sciatica exactly",
    ],
)
def test_a_covered_subject_in_the_same_forms_is_answered(indexed: Services, question: str) -> None:
    kind, _, sources = ask(indexed, question)
    assert kind == "answer"
    assert sources  # answered from the articles, and cited


def test_the_subject_is_read_from_the_question_form() -> None:
    # The treatment is a subject too ("can acupuncture help"); what it should help comes first.
    assert asked_subjects("Can acupuncture help with hay fever in spring?") == [
        "hay fever",
        "acupuncture",
    ]
    assert asked_subjects("Is acupressure the same thing as acupuncture?") == ["acupressure"]
    assert asked_subjects("What is moxibustion?") == ["moxibustion"]


def test_a_tips_question_gets_the_list_items_not_the_lead_in(federal: Services) -> None:
    kind, answer, sources = ask(federal, "any tips for lifting boxes?")
    assert asks_for_list("any tips for lifting boxes?")
    assert kind == "answer"
    assert sources == ["preventing-back-injuries.html"]
    items = [
        "Bend at your knees and hips",
        "Hold the load close to your body",
        "Do not twist while lifting",
        "Stand close to the object",
        "If something is too heavy",
    ]
    assert sum(item in answer for item in items) >= 2
    # The numbered bold label that introduces the list is not an answer sentence.
    assert "Lift the right way" not in answer
    assert not re.search(r"\d\\?\.", answer[:3])


def test_no_composed_answer_exceeds_the_cap(indexed: Services) -> None:
    cap = indexed.settings.max_answer_chars
    assert cap <= 400
    net = indexed.chat.replies.safety_net()
    for item in load_questions()["answerable"]:
        kind, answer, _ = ask(indexed, item["q"])
        if kind == "answer":
            assert len(answer.removesuffix(net).strip()) <= cap, item["q"]


def test_an_answer_never_mixes_in_another_article(federal: Services) -> None:
    for question in (
        "does acupuncture hurt",
        "How long do side effects from spinal manipulation usually last?",
        "What is sciatica?",
    ):
        kind, _, sources = ask(federal, question)
        assert kind == "answer"
        assert len(sources) == 1, (question, sources)
