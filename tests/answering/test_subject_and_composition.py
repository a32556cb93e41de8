"""Subject coverage and composition, through the real model, a real Chroma index and chat."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.answering.compose import asks_for_list, rank_sections
from bot.answering.focus import asking_part, focus, last_question
from bot.answering.intents import Intent, classify
from bot.answering.subject import asked_subjects
from bot.config import Settings
from bot.embedding import SentenceTransformerEmbedder
from bot.index.vocabulary import Vocabulary
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
    replies = indexed.chat.replies
    for item in load_questions()["answerable"]:
        kind, answer, _ = ask(indexed, item["q"])
        if kind == "answer":
            for net in (replies.crisis_net(), replies.safety_net()):
                answer = answer.removesuffix(net).strip()
            assert len(answer) <= cap, item["q"]


def test_two_sections_of_one_article_that_tie_both_offer_sentences(indexed: Services) -> None:
    # The section on the pinch and the one on sterile needles score alike for this question;
    # the answer must not be a coin toss between them.
    question = "could I get an infection from the needles?"
    ranked = rank_sections(indexed.retriever.search(question))
    assert ranked[0].source == ranked[1].source == "acupuncture-safety.md"
    kind, answer, sources = ask(indexed, question)
    assert kind == "answer"
    assert sources == ["acupuncture-safety.md"]
    assert "single-use" in answer
    assert "pinch" in answer


def test_an_answer_never_mixes_in_another_article(federal: Services) -> None:
    for question in (
        "does acupuncture hurt",
        "How long do side effects from spinal manipulation usually last?",
        "What is sciatica?",
    ):
        kind, _, sources = ask(federal, question)
        assert kind == "answer"
        assert len(sources) == 1, (question, sources)


def test_spelling_variants_and_compounds_of_article_words_are_covered() -> None:
    vocabulary = Vocabulary(["tingling", "warmth", "disc", "osteoarthritis", "pressure", "shown"])
    # Another ending, one letter apart, or inside a compound the articles use.
    assert all(vocabulary.near(w) for w in ("tingly", "warm", "disk", "arthritis"))
    # A corpus word inside a different word, or a look-alike of another stem, is not it.
    assert not any(vocabulary.near(w) for w in ("acupressure", "shower", "migraine"))


def test_a_spelling_variant_is_answered_not_declined(federal: Services) -> None:
    # The federal articles write "disk"; visitors write "disc".
    kind, answer, sources = ask(federal, "will losing weight help my slipped disc heal")
    assert kind == "answer", answer
    assert sources[:1] == ["herniated-disk.md"]


@pytest.mark.parametrize(
    "question", ["how much is a session", "does dr lin take medicare?", "How much are visits?"]
)
def test_front_desk_questions_get_the_front_desk(indexed: Services, question: str) -> None:
    kind, answer, sources = ask(indexed, question)
    assert (kind, sources) == ("no_answer", [])
    assert answer == indexed.chat.replies.front_desk()


def test_context_after_the_question_does_not_send_it_to_the_front_desk(indexed: Services) -> None:
    question = "how long do cupping marks last? i have a wedding saturday"
    kind, answer, sources = ask(indexed, question)
    assert kind == "answer", answer
    assert sources == ["integrative-treatments.md"]


def test_a_long_story_is_read_for_its_question_not_its_words(indexed: Services) -> None:
    story = (
        "i almost fainted once watching a friend get an IV so needles make me queasy. my first "
        "appointment is next week and i am already sweating about it. how thin are these "
        "needles really and is it going to be painful?"
    )
    # "get ... appointment" in the story is not a booking request.
    kind, answer, sources = ask(indexed, story)
    assert kind == "answer", answer
    assert sources == ["acupuncture-safety.md"]


def test_a_question_that_points_back_is_read_with_the_sentence_before_it() -> None:
    story = (
        "had cupping on my upper back yesterday and there are dark purple circles everywhere "
        "now, all over my shoulders. my husband is convinced something went wrong with it. "
        "are they bruises and will they go away?"
    )
    assert focus(story).startswith("my husband is convinced")
    assert last_question(story) == "are they bruises and will they go away?"
    alone = "i sit all day at a desk and my back is stiff every evening. " * 3 + (
        "how many sessions would i need for lower back pain?"
    )
    assert focus(alone) == "how many sessions would i need for lower back pain?"


def test_a_pronoun_slot_points_back_to_the_subject_named_before(indexed: Services) -> None:
    question = "My aunt keeps raving about reiki sessions. Do you do that?"
    assert asked_subjects(question)[0] == "My aunt keeps raving about reiki sessions."
    kind, answer, sources = ask(indexed, question)
    assert kind == "no_answer"
    assert sources == []
    assert "I don't have an article about reiki" in answer


def test_a_phrase_may_stand_between_the_subject_and_its_cue() -> None:
    assert "electric stimulation" in asked_subjects(
        "does electric stimulation on the needles work better for back pain"
    )
    # The cue is still required: without it the form does not fit.
    assert asked_subjects("does electric stimulation on the needles feel odd") == []


def test_a_story_lends_its_article_words_to_the_question(indexed: Services) -> None:
    story = (
        "we are starting our third ivf cycle next month and honestly i am a nervous wreck "
        "most days. my doctor said it is fine to try. could it help with the stress of it?"
    )
    query = indexed.retriever.with_context(focus(story), story)
    assert query.startswith(focus(story))
    assert "ivf" in query.split()
    assert "wreck" not in query.split()  # no article uses it
    kind, answer, sources = ask(indexed, story)
    assert kind == "answer", answer
    assert sources[0] == "fertility-and-healthy-aging.md"


def test_a_thing_to_use_or_wear_is_a_subject(indexed: Services) -> None:
    assert asked_subjects("can i try ear seeds") == ["ear seeds"]
    assert asked_subjects("what should i wear to acupuncture") == []
    kind, answer, sources = ask(indexed, "should i be using a heating pad at night")
    assert kind == "no_answer"
    assert sources == []
    assert "I don't have an article about heating pad" in answer


def test_a_how_many_question_needs_a_number_in_its_answer(indexed: Services) -> None:
    kind, answer, _ = ask(indexed, "how many sessions will i need for my sciatica")
    assert kind == "answer", answer
    assert re.search(r"\d|\b(one|two|six|ten)\b", answer)
    # The nearest passage names the clinic, not a count: no answer rather than a near miss.
    kind, answer, sources = ask(indexed, "how many patients has dr lin treated so far")
    assert kind == "no_answer", answer
    assert sources == []


def test_a_treatment_plan_is_a_question_a_booked_session_a_booking() -> None:
    assert classify("does dr lin make a treatment plan with me or wing it") is Intent.QUESTION
    assert classify("can i book a session for friday") is Intent.BOOKING
    assert classify("i'd like to make an appointment") is Intent.BOOKING


def test_coverage_reads_the_sentences_that_ask(indexed: Services) -> None:
    # The story's words no article uses (carpool, sister-in-law) are not what is asked.
    story = (
        "my sister in law drives me and her carpool leaves at noon sharp. "
        "how long does the first visit usually take"
    )
    assert asking_part(story) == "how long does the first visit usually take"
    kind, answer, sources = ask(indexed, story)
    assert kind == "answer", answer
    assert sources[0] == "first-visit.md"
    assert "90 minutes" in answer
    # A short question that points back keeps the sentence before it: its subject is there.
    pointing = "my neighbour swears reflexology fixed her insomnia. would it help me?"
    assert asking_part(pointing) == pointing
    kind, answer, sources = ask(indexed, pointing)
    assert kind == "no_answer", answer
    assert sources == []


def test_a_function_word_never_names_the_subject(indexed: Services) -> None:
    # "else" and "anybody" are rarer than everyday words, yet say nothing about the subject.
    assert indexed.retriever.subject_words("used on anybody else") == []
    kind, answer, sources = ask(indexed, "are the needles used on anybody else first")
    assert kind == "answer", answer
    assert sources == ["acupuncture-safety.md"]
    assert "single-use" in answer
