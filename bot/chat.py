"""The chat service: one message in, one grounded, cited, safe reply out."""

from __future__ import annotations

import re
from collections.abc import Sequence

from bot.answer import compose
from bot.config import Settings
from bot.intents import Intent, classify
from bot.retrieval import Retriever
from bot.schemas import Booking, ChatReply, ChatRequest, ReplyType, Source, Turn

# Short messages that lean on an earlier turn ("How many sessions does that take?").
_FOLLOW_UP = re.compile(
    r"\b(it|its|it's|that|this|those|these|they|them|there|he|she|her|his|one)\b"
    r"|^\s*(and|also|what about|how about|so|then|but)\b",
    re.IGNORECASE,
)
_FOLLOW_UP_MAX_WORDS = 12


class ChatService:
    """Answers visitors from the clinic's articles; the same service backs API and tools."""

    def __init__(self, settings: Settings, retriever: Retriever) -> None:
        self._settings = settings
        self._retriever = retriever
        self._booking = Booking(
            url=settings.booking_url, phone=settings.phone, label="Book an appointment"
        )

    def reply(self, request: ChatRequest) -> ChatReply:
        """Produce the reply for one message, using ``history`` for follow-up questions."""
        intent = classify(request.message)
        if intent is Intent.GREETING:
            return self._make("greeting", self._welcome(), request)
        if intent is Intent.THANKS:
            return self._make(
                "greeting", "You're welcome! Is there anything else you'd like to know?", request
            )
        if intent is Intent.BOOKING:
            return self._make("booking", self._booking_text(), request)

        query = retrieval_query(request.message, request.history)
        composed = compose(
            self._retriever.search(query),
            self._settings.min_relevance,
            self._settings.max_answer_chars,
        )
        if composed is None:
            return self._make("no_answer", self._no_answer_text(), request)
        sources = [
            Source(title=h.title, url=self._settings.absolute_url(h.url), source=h.source)
            for h in composed.sources
        ]
        return self._make("answer", composed.text, request, sources)

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
            booking=self._booking,
            session_id=request.session_id,
        )

    def _contact(self) -> str:
        phone = f" or call us at {self._settings.phone}" if self._settings.phone else ""
        return f"book online at {self._settings.booking_url}{phone}"

    def _welcome(self) -> str:
        return (
            f"Hello! I'm the {self._settings.clinic_name} assistant. I can answer questions "
            "from our articles about back pain, how acupuncture works, what to expect at your "
            "first visit, and how to prevent injury. What would you like to know?"
        )

    def _booking_text(self) -> str:
        return f"We'd be glad to see you. You can {self._contact()}."

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
