"""The chat service: one message in, one grounded, cited, safe reply out."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from bot import tuning
from bot.answering.compose import compose
from bot.answering.intents import Intent, classify, practical_words
from bot.answering.replies import THANKS, Replies
from bot.answering.retrieval import Retriever, without_words
from bot.config import Settings
from bot.embedding import Embedder, Prefetched, Vectors
from bot.patterns import capped, linear
from bot.safety.scope import (
    ScopeClassifier,
    advice_kind,
    clearly_off_topic,
    strip_manipulation,
)
from bot.safety.triage import SafetyTriage
from bot.schemas import Booking, ChatReply, ChatRequest, ReplyType, Source, Turn

# Short messages that lean on an earlier turn ("How many sessions does that take?").
_FOLLOW_UP = linear(
    r"\b(it|its|it's|that|this|those|these|they|them|there|he|she|her|his|one)\b"
    r"|^\s*(and|also|what about|how about|so|then|but)\b",
    ignore_case=True,
)
_HAS_WORD = linear(r"[\pL\pN_]{3}")


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
        self.replies = Replies(settings)
        self.booking = Booking(
            url=settings.booking_url, phone=settings.phone, label="Book an appointment"
        )

    def reply(self, request: ChatRequest) -> ChatReply:
        """Produce the reply for one message, using ``history`` for follow-up questions."""
        user_turns = [t.content for t in request.history if t.role == "user"]
        message, manipulated = strip_manipulation(request.message)
        query = retrieval_query(message, request.history)
        unknown = self._retriever.unknown_words(query)
        clauses = capped_clauses(self._triage.semantic_inputs(request.message))
        # Every vector this request may need, embedded in one batch.
        batch = Prefetched(
            self._retriever.embedder, [query, without_words(query, unknown) or "", *clauses]
        )
        # Safety comes first and reads the raw message: a red flag inside a jailbreak
        # attempt or a greeting still needs the emergency reply.
        flag = self._triage.check(request.message, user_turns, ClauseCap(batch, clauses))
        if flag is not None:
            return self._make(flag.kind, self.replies.safety(flag.kind), request)
        canned = self._canned(message, manipulated, unknown)
        if canned is not None:
            return self._make(*canned, request)
        return self._answer(message, query, batch, request)

    def _canned(
        self, message: str, manipulated: bool, unknown: list[str]
    ) -> tuple[ReplyType, str] | None:
        """Replies that need no article: greetings, thanks, booking, off-topic, front desk."""
        if manipulated and not _HAS_WORD.search(capped(message)):
            return "out_of_scope", self.replies.out_of_scope()
        intent = classify(message)
        if intent is Intent.GREETING:
            return "greeting", self.replies.welcome()
        if intent is Intent.THANKS:
            return "greeting", THANKS
        if intent is Intent.BOOKING:
            return "booking", self.replies.booking()
        if clearly_off_topic(message):
            return "out_of_scope", self.replies.out_of_scope()
        # Prices, insurance, hours, parking: if no article mentions the word, only the front
        # desk knows, and a loosely related article would mislead.
        unfamiliar = {w.lower() for w in unknown}
        if any(w.lower() in unfamiliar for w in practical_words(message)):
            return "no_answer", self.replies.front_desk()
        return None

    def _answer(
        self, message: str, query: str, batch: Prefetched, request: ChatRequest
    ) -> ChatReply:
        """An answer composed from article sentences, or an honest no-answer."""
        advice = advice_kind(message)
        retrieval = self._retriever.search(query, batch)
        composed = compose(
            retrieval,
            self._settings.min_relevance,
            self._settings.max_answer_chars,
            tuning.COVERAGE_FLOOR if advice is None else tuning.ADVICE_COVERAGE_FLOOR,
        )
        if composed is None:
            if advice is not None:
                return self._make("no_answer", self.replies.advice(advice), request)
            if self._scope.off_topic(message, retrieval.vector):
                return self._make("out_of_scope", self.replies.out_of_scope(), request)
            return self._make("no_answer", self.replies.no_answer(), request)
        sources = [
            Source(title=h.title, url=self._settings.absolute_url(h.url), source=h.source)
            for h in composed.sources
        ]
        text = composed.text if advice is None else self.replies.advice(advice, composed.text)
        return self._make("answer", text, request, sources)

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


def capped_clauses(clauses: list[str]) -> list[str]:
    """The clauses the semantic safety layer embeds: the first and the last ones.

    TODO(triage owner, bot/safety/triage.py rewrite): move this cap into
    ``SafetyTriage.semantic_inputs``; it lives here only while that file is being rewritten.
    """
    if len(clauses) <= tuning.SAFETY_MAX_CLAUSES:
        return clauses
    half = tuning.SAFETY_MAX_CLAUSES // 2
    return clauses[:half] + clauses[-half:]


class ClauseCap:
    """The embedder triage's semantic layer sees: real vectors for the capped clauses, zero
    vectors (similar to no exemplar, so never a flag) for clauses past the cap.

    The rules layer still reads every clause; only the costly embedding is capped.
    """

    def __init__(self, batch: Embedder, kept: Sequence[str]) -> None:
        self._batch = batch
        self._kept = set(kept)

    @property
    def name(self) -> str:
        """The wrapped model's name."""
        return self._batch.name

    @property
    def dimension(self) -> int:
        """The wrapped model's dimension."""
        return self._batch.dimension

    def embed(self, texts: Sequence[str]) -> Vectors:
        """Vectors for the kept clauses, zeros for the others."""
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        rows = [i for i, t in enumerate(texts) if t in self._kept]
        if rows:
            out[rows] = self._batch.embed([texts[i] for i in rows])
        return out


def retrieval_query(message: str, history: Sequence[Turn]) -> str:
    """The text to search for: the message, joined to the last question if it is a follow-up."""
    words = message.split()
    if len(words) > tuning.FOLLOW_UP_MAX_WORDS or not _FOLLOW_UP.search(capped(message)):
        return message
    for turn in reversed(history):
        if turn.role == "user" and turn.content.strip() and turn.content.strip() != message:
            return f"{turn.content.strip()} {message}"
    return message
