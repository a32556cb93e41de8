"""The chat service: one message in, one grounded, cited, safe reply out."""

from __future__ import annotations

import re
from collections.abc import Sequence

from bot.answering.compose import ADVICE_COVERAGE_FLOOR, COVERAGE_FLOOR, compose
from bot.answering.intents import Intent, classify, practical_words
from bot.answering.retrieval import Retriever, without_words
from bot.config import Settings
from bot.embedding import Prefetched
from bot.safety.scope import (
    Advice,
    ScopeClassifier,
    advice_kind,
    clearly_off_topic,
    strip_manipulation,
)
from bot.safety.triage import Flag, SafetyTriage
from bot.schemas import Booking, ChatReply, ChatRequest, ReplyType, Source, Turn

# Short messages that lean on an earlier turn ("How many sessions does that take?").
_FOLLOW_UP = re.compile(
    r"\b(it|its|it's|that|this|those|these|they|them|there|he|she|her|his|one)\b"
    r"|^\s*(and|also|what about|how about|so|then|but)\b",
    re.IGNORECASE,
)
_FOLLOW_UP_MAX_WORDS = 12

SUGGESTIONS = (
    "How does acupuncture help back pain?",
    "What happens at my first visit?",
    "How can I avoid hurting my back again?",
)

_ADVICE_TEXT = {
    Advice.DIAGNOSIS: "I can't tell what is causing your symptoms; only a clinician who "
    "examines you can make a diagnosis.",
    Advice.DOSE: "I can't recommend a dose of any medicine, herb or supplement.",
    Advice.MEDICATION: "I can't advise on starting, stopping or changing any medication; "
    "please keep taking your medicines as prescribed and ask the clinician who prescribed them.",
    Advice.CURE: "I can't promise that any treatment cures a disease.",
}


class ChatService:
    """Answers visitors from the clinic's articles; the same service backs API and tools."""

    def __init__(
        self,
        settings: Settings,
        retriever: Retriever,
        triage: SafetyTriage,
        scope: ScopeClassifier,
    ) -> None:
        self._settings = settings
        self._retriever = retriever
        self._triage = triage
        self._scope = scope
        self.booking = Booking(
            url=settings.booking_url, phone=settings.phone, label="Book an appointment"
        )

    def reply(self, request: ChatRequest) -> ChatReply:
        """Produce the reply for one message, using ``history`` for follow-up questions."""
        user_turns = [t.content for t in request.history if t.role == "user"]
        message, manipulated = strip_manipulation(request.message)
        query = retrieval_query(message, request.history)
        unknown = self._retriever.unknown_words(query)
        # Every vector this request may need, embedded in one batch.
        batch = Prefetched(
            self._retriever.embedder,
            [
                query,
                without_words(query, unknown) or "",
                *self._triage.semantic_inputs(request.message),
            ],
        )
        # Safety comes first and reads the raw message: a red flag inside a jailbreak
        # attempt or a greeting still needs the emergency reply.
        flag = self._triage.check(request.message, user_turns, batch)
        if flag is not None:
            return self._safety_reply(flag, request)

        if manipulated and not re.search(r"\w{3,}", message):
            return self._make("out_of_scope", self._scope_text(), request)
        intent = classify(message)
        if intent is Intent.GREETING:
            return self._make("greeting", self.welcome(), request)
        if intent is Intent.THANKS:
            return self._make(
                "greeting", "You're welcome! Is there anything else you'd like to know?", request
            )
        if intent is Intent.BOOKING:
            return self._make("booking", self._booking_text(), request)
        if clearly_off_topic(message):
            return self._make("out_of_scope", self._scope_text(), request)

        # Prices, insurance, hours, parking: if no article mentions the word, only the front
        # desk knows, and a loosely related article would mislead.
        unfamiliar = {w.lower() for w in unknown}
        if any(w.lower() in unfamiliar for w in practical_words(message)):
            return self._make("no_answer", self._front_desk_text(), request)

        advice = advice_kind(message)
        retrieval = self._retriever.search(query, batch)
        composed = compose(
            retrieval,
            self._settings.min_relevance,
            self._settings.max_answer_chars,
            COVERAGE_FLOOR if advice is None else ADVICE_COVERAGE_FLOOR,
        )
        if composed is None:
            if advice is not None:
                text = f"{_ADVICE_TEXT[advice]} {self._clinician_text()}"
                return self._make("no_answer", text, request)
            if self._scope.off_topic(message, retrieval.vector):
                return self._make("out_of_scope", self._scope_text(), request)
            return self._make("no_answer", self._no_answer_text(), request)
        sources = [
            Source(title=h.title, url=self._settings.absolute_url(h.url), source=h.source)
            for h in composed.sources
        ]
        text = composed.text
        if advice is not None:
            text = (
                f"{_ADVICE_TEXT[advice]} In general, our articles say: {text} "
                f"{self._clinician_text()}"
            )
        return self._make("answer", text, request, sources)

    def _safety_reply(self, flag: Flag, request: ChatRequest) -> ChatReply:
        number = self._settings.emergency_number
        if flag.kind == "crisis":
            text = (
                "I'm really sorry you're going through this, and I'm glad you told me. You "
                "don't have to face it alone. Please call or text 988 to reach the 988 Suicide "
                f"& Crisis Lifeline, free and open 24 hours a day. If you are in immediate "
                f"danger, call {number} now."
            )
        elif flag.kind == "emergency":
            text = (
                "What you describe can be a sign of a serious problem that needs medical care "
                f"right away. Please call {number} or go to the nearest emergency room now. "
                "Please don't wait for an appointment."
            )
        else:
            text = (
                "What you describe should be checked by a doctor today. Please call your doctor "
                "now or go to an urgent care clinic. If it gets worse, or you notice new "
                "weakness, numbness, or trouble controlling your bladder or bowels, call "
                f"{number} or go to the nearest emergency room."
            )
        return self._make(flag.kind, text, request)

    def _make(
        self,
        kind: ReplyType,
        text: str,
        request: ChatRequest,
        sources: Sequence[Source] = (),
    ) -> ChatReply:
        return ChatReply(
            type=kind,
            answer=text,
            sources=list(sources),
            disclaimer=self._settings.disclaimer,
            booking=self.booking,
            session_id=request.session_id,
        )

    def _contact(self) -> str:
        phone = f" or call us at {self._settings.phone}" if self._settings.phone else ""
        return f"book online at {self._settings.booking_url}{phone}"

    def _clinician_text(self) -> str:
        return f"Dr. Lin or your own doctor can advise you personally: {self._contact()}."

    def welcome(self) -> str:
        """The greeting: who the bot is and what it can help with."""
        return (
            f"Hello! I'm the {self._settings.clinic_name} assistant. I can answer questions "
            "from our articles about back pain, how acupuncture works, what to expect at your "
            "first visit, and how to prevent injury. What would you like to know?"
        )

    def _scope_text(self) -> str:
        return (
            "I'm sorry, I can only help with questions about our clinic and its articles: back "
            "pain, how acupuncture works, what to expect at your first visit, and how to "
            "prevent injury."
        )

    def _booking_text(self) -> str:
        return f"We'd be glad to see you. You can {self._contact()}."

    def _front_desk_text(self) -> str:
        phone = f"call us at {self._settings.phone}" if self._settings.phone else "contact us"
        return (
            "I don't have an article about that. Our front desk can help with prices, "
            f"insurance, opening hours and directions: please {phone} or visit "
            f"{self._settings.booking_url}."
        )

    def _no_answer_text(self) -> str:
        return (
            "I don't have an article about that, so I'd rather not guess. Dr. Lin can answer "
            f"your question in person: {self._contact()}."
        )


def retrieval_query(message: str, history: Sequence[Turn]) -> str:
    """The text to search for: the message, joined to the last question if it is a follow-up."""
    words = message.split()
    if len(words) > _FOLLOW_UP_MAX_WORDS or not _FOLLOW_UP.search(message):
        return message
    for turn in reversed(history):
        if turn.role == "user" and turn.content.strip() and turn.content.strip() != message:
            return f"{turn.content.strip()} {message}"
    return message
