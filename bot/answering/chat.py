"""The chat service: one message in, one grounded, cited, safe reply out."""

from __future__ import annotations

import re
from collections.abc import Sequence

from bot import tuning
from bot.answering.compose import compose
from bot.answering.focus import focus, last_question, question_part
from bot.answering.intents import Intent, classify, practical_words
from bot.answering.replies import THANKS, Replies
from bot.answering.retrieval import Retriever
from bot.answering.subject import uncovered_subject
from bot.config import Settings
from bot.embedding import Prefetched, prefetch_pair
from bot.patterns import capped, linear
from bot.safety.scope import (
    Advice,
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
_YES_OR_NO = re.compile(r"(yes|no|yeah|nope|absolutely|definitely|of course)\b", re.IGNORECASE)
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

    @property
    def triage(self) -> SafetyTriage:
        """The triage every message goes through first."""
        return self._triage

    def reply(self, request: ChatRequest) -> ChatReply:
        """Produce the reply for one message, using ``history`` for follow-up questions."""
        user_turns = [t.content for t in request.history if t.role == "user"]
        message, manipulated = strip_manipulation(request.message)
        # Retrieval reads the question inside a long story; triage reads everything.
        query = self._retriever.with_context(
            retrieval_query(focus(message), request.history), message
        )
        subject = self._retriever.subject_words(query)
        # Every vector this request may need, retrieval's and triage's, in one batch.
        tuned = self._triage.tuned
        batch, tuned_batch = prefetch_pair(
            self._retriever.embedder,
            [
                query,
                *self._retriever.coverage_texts(query),  # the sentences that ask
                *self._triage.semantic_inputs(request.message),
            ],
            tuned.embedder if tuned else None,
            self._triage.tuned_inputs(request.message),
        )
        # Safety comes first and reads the raw message: a red flag inside a jailbreak
        # attempt or a greeting still needs the emergency reply.
        found = self._triage.assess(request.message, user_turns, batch, tuned_batch)
        if found.flag is not None:
            text = self.replies.safety(found.flag.kind, found.language, found.about_someone_else)
            if found.crisis_net and found.language == "en":  # crisis words in a red-flag story
                text = f"{text} {self.replies.crisis_net()}"
            return self._make(found.flag.kind, text, request)
        if found.language != "en":
            return self._make("no_answer", self.replies.english_only(found.language), request)
        advice = advice_kind(message)
        canned = self._canned(message, manipulated, advice)
        if canned is not None:
            return self._make(*canned, request)
        # A subject no article covers ("Do you do gua sha?") is named, never answered from a
        # nearby passage; a medication or diagnosis question gets its refusal instead.
        missing = (
            None if advice is not None else uncovered_subject(query, self._retriever.subject_words)
        )
        if missing is not None:
            reply = self._make("no_answer", self.replies.no_answer(missing), request)
        else:
            reply = self._answer(message, query, batch, request, subject, advice)
        if reply.type in ("answer", "no_answer"):
            if found.safety_net:
                reply.answer = f"{reply.answer} {self.replies.safety_net()}"
            if found.crisis_net:
                reply.answer = f"{reply.answer} {self.replies.crisis_net()}"
        return reply

    def _canned(
        self, message: str, manipulated: bool, advice: Advice | None
    ) -> tuple[ReplyType, str] | None:
        """Replies that need no article: greetings, thanks, booking, off-topic, front desk."""
        if manipulated and not _HAS_WORD.search(capped(message)):
            return "out_of_scope", self.replies.out_of_scope()
        # In a long story, "book", "appointment" or "Saturday" may be context: the question
        # decides what is asked.
        intent = classify(last_question(message))
        if intent is Intent.GREETING:
            return "greeting", self.replies.welcome()
        if intent is Intent.THANKS:
            return "greeting", THANKS
        if intent is Intent.BOOKING:
            return "booking", self.replies.booking()
        if clearly_off_topic(message):
            return "out_of_scope", self.replies.out_of_scope()
        if advice is not None:
            return None  # a medication or diagnosis question gets the refusal, not the desk
        # Prices, insurance, hours, parking: if no article mentions the word, only the front
        # desk knows, and a loosely related article would mislead.
        practical = practical_words(question_part(message))
        if practical and self._retriever.unknown_words(" ".join(practical)):
            return "no_answer", self.replies.front_desk()
        return None

    def _answer(
        self,
        message: str,
        query: str,
        batch: Prefetched,
        request: ChatRequest,
        subject_words: list[str],
        advice: Advice | None,
    ) -> ChatReply:
        """An answer composed from article sentences, or an honest no-answer."""
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
            subject = subject_of(query, subject_words)
            return self._make("no_answer", self.replies.no_answer(subject), request)
        sources = [
            Source(title=h.title, url=self._settings.absolute_url(h.url), source=h.source)
            for h in composed.sources
        ]
        if advice is None:
            text = composed.text
        else:
            # After a refusal, an article sentence that opens with "Yes" or "No" would read
            # as an answer to "should I stop my blood thinner?": leave such sentences out.
            general = " ".join(s.text for s in composed.sentences if not _YES_OR_NO.match(s.text))
            text = self.replies.advice(advice, general or None)
            if not general:
                return self._make("no_answer", text, request)
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


def retrieval_query(message: str, history: Sequence[Turn]) -> str:
    """The text to search for: the message, joined to the last question if it is a follow-up."""
    words = message.split()
    if len(words) > tuning.FOLLOW_UP_MAX_WORDS or not _FOLLOW_UP.search(capped(message)):
        return message
    for turn in reversed(history):
        if turn.role == "user" and turn.content.strip() and turn.content.strip() != message:
            return f"{turn.content.strip()} {message}"
    return message


def subject_of(query: str, unknown: list[str]) -> str | None:
    """What a question no article answers is about: its longest run of words no article uses.

    "Can acupuncture help hay fever?" -> "hay fever", so the reply can name it.
    """
    if not unknown:
        return None
    strange = {w.lower() for w in unknown}
    runs: list[list[str]] = [[]]
    for word in re.findall(r"[A-Za-z][A-Za-z'-]*", query):
        if word.lower() in strange:
            runs[-1].append(word.lower())
        elif runs[-1]:
            runs.append([])
    best = max(runs, key=len)
    return " ".join(best) or None
