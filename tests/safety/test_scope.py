"""Medication and diagnosis questions get the refusal, through the real chat service."""

from __future__ import annotations

import re

import pytest

from bot.safety.scope import Advice, advice_kind
from bot.schemas import ChatRequest
from bot.services import Services

REFUSALS = [
    "should I stop my blood thinner before cupping so I don't bruise?",
    "i found some chinese herbal formulas on amazon. can i just order one and start taking it?",
    "should my doctor be checking my INR more often while im doing acupuncture?",
    "can I double my ibuprofen on bad days?",
    "what is wrong with my back?",
    "do you think this is a pinched nerve? it zaps when i turn",
    # Stop 20's triage read this two-sentence question as urgent (its first sentence alone
    # reads urgent); English bars re-picked out of fold leave it to the refusal.
    "the pain doctor offered me a steroid injection. which should i do first?",
]


@pytest.mark.parametrize("message", REFUSALS)
def test_a_medication_or_diagnosis_question_is_refused(indexed: Services, message: str) -> None:
    reply = indexed.chat.reply(ChatRequest(message=message))
    assert reply.type in ("answer", "no_answer")
    assert reply.answer.startswith("I can't")
    assert indexed.settings.booking_url in reply.answer
    # Never a sentence that reads as a yes or a no to the request.
    assert not re.search(r"(^|[.!?]\s+)(yes|no)\b", reply.answer, re.IGNORECASE)


@pytest.mark.parametrize(
    "message",
    [
        # Named medicines the scope patterns never list, found by the drug dictionary.
        "my neurologist put me on topiramate. can i still get needled the same week?",
        "is it ok to have cupping while i'm on clopidogrel?",
        # Generic words (capsules, herbs) with a question about what one should do.
        "these ashwagandha capsules from the health store, should my husband try them too?",
        "are these herbs safe with my thyroid pills?",
    ],
)
def test_any_medicine_with_a_should_i_question_is_medication_advice(message: str) -> None:
    assert advice_kind(message) is Advice.MEDICATION


@pytest.mark.parametrize(
    "message",
    [
        "whats the point of herbs if im already getting acupuncture",
        "does acupuncture have side effects like pain pills do?",
        "can I eat before my appointment?",
    ],
)
def test_a_medicine_mentioned_without_a_decision_is_not_advice(message: str) -> None:
    assert advice_kind(message) is None


def test_stopping_a_medicine_is_a_medication_question() -> None:
    assert advice_kind("should I stop my blood thinner before cupping?") is Advice.MEDICATION
    assert advice_kind("can i just order one and start taking it?") is Advice.MEDICATION


@pytest.mark.parametrize(
    "message",
    [
        "How does acupuncture help back pain?",
        "What should I wear to my first visit?",
        # General questions about causes, or about the clinic, are no request for a diagnosis.
        "what causes sciatica in younger people?",
        "is it acupuncture or dry needling that dr lin does?",
        "do you think acupuncture could help someone like me?",
    ],
)
def test_ordinary_questions_are_not_advice(message: str) -> None:
    assert advice_kind(message) is None


@pytest.mark.parametrize(
    "message",
    [
        "twisted reaching for the kettle, now my back's locked. is it a muscle or a disc?",
        "do you think this is a pinched nerve? it zaps when i turn",
        "what do you reckon... what could be causing my hip to click like that?",
    ],
)
def test_asking_the_bot_to_tell_what_it_is_is_a_diagnosis_question(message: str) -> None:
    assert advice_kind(message) is Advice.DIAGNOSIS
