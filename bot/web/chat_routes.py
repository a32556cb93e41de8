"""The visitors' API: health, widget configuration, chat (plain and streamed), feedback."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import AsyncIterator
from typing import Any

from fastapi import APIRouter
from sse_starlette.sse import EventSourceResponse
from starlette.concurrency import run_in_threadpool

from bot.answering.replies import SUGGESTIONS
from bot.errors import IndexNotReady, NotFound
from bot.feedback.gaps import GapLog
from bot.patterns import linear
from bot.schemas import (
    ERRORS,
    MAX_HISTORY_TURNS,
    MAX_MESSAGE_CHARS,
    ChatReply,
    ChatRequest,
    ErrorBody,
    FeedbackRequest,
    Health,
    WidgetConfig,
)
from bot.web.deps import ChatDep, FeedbackDep, GapsDep, RateLimit, RecentDep, ServicesDep

router = APIRouter()
_POSTED: dict[int | str, dict[str, Any]] = {c: ERRORS[c] for c in (400, 413, 422, 429)}
_STREAM: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "Server-Sent Events: `meta`, then `delta` events, then `done`.",
        # One schema per event: its name, and its data as a JSON text.
        "content": {
            "text/event-stream": {
                "schema": {
                    "type": "object",
                    "required": ["event", "data"],
                    "properties": {
                        "event": {"type": "string", "enum": ["meta", "delta", "done"]},
                        "data": {"type": "string", "contentMediaType": "application/json"},
                    },
                }
            }
        },
    }
}
# Word groups keep the text readable as it arrives; RE2, as for every pattern on visitor text.
_WORD_GROUP = linear(r"\S+(?:\s+\S+){0,2}\s*")


@router.get(
    "/health",
    response_model=Health,
    tags=["ops"],
    responses={503: {"model": ErrorBody, "description": "The index is empty or stale."}},
)
def health(services: ServicesDep) -> Health:
    """Ready when the model is loaded and the index has articles; 503 otherwise.

    Statistics that cannot be stored (full disk...) do not stop replies: still 200, with
    ``storage: degraded`` and the reason.
    """
    store = services.store
    store.check_model()
    articles, sections = store.counts()
    if sections == 0:
        raise IndexNotReady("the knowledge index is empty; run `python ingest.py`")
    problem = services.storage_problem
    return Health(
        status="ok",
        articles=articles,
        chunks=sections,
        model=services.embedder.name,
        storage="degraded" if problem else "ok",
        storage_problem=problem,
    )


@router.get("/api/config", response_model=WidgetConfig, tags=["chat"])
def widget_config(services: ServicesDep) -> WidgetConfig:
    """What the widget shows before the first question, and the limits it must respect."""
    settings = services.settings
    return WidgetConfig(
        clinic_name=settings.clinic_name,
        greeting=services.chat.replies.welcome(),
        disclaimer=settings.disclaimer,
        booking=services.chat.booking,
        emergency_number=settings.emergency_number,
        suggestions=list(SUGGESTIONS),
        max_message_chars=MAX_MESSAGE_CHARS,
        max_history_turns=MAX_HISTORY_TURNS,
    )


@router.post(
    "/api/chat",
    response_model=ChatReply,
    tags=["chat"],
    dependencies=[RateLimit],
    responses=_POSTED,
)
def chat(body: ChatRequest, service: ChatDep, gaps: GapsDep) -> ChatReply:
    """Answer a visitor's message from the clinic's articles.

    The reply's ``type`` says what kind of answer it is (an article answer, no answer,
    a booking referral, a safety message...). Every reply carries the medical disclaimer
    and how to book; answers cite the articles they were taken from.
    """
    reply = service.reply(body)
    _note_gap(gaps, body.message, reply)
    return reply


@router.post(
    "/api/chat/stream",
    tags=["chat"],
    dependencies=[RateLimit],
    response_class=EventSourceResponse,
    responses={**_STREAM, **_POSTED},
)
async def chat_stream(
    body: ChatRequest, service: ChatDep, gaps: GapsDep, recent: RecentDep, services: ServicesDep
) -> Any:
    """The same reply as ``/api/chat``, as Server-Sent Events.

    Events: ``meta`` (``id``, ``type``, ``sources``, ``disclaimer``, ``booking``,
    ``session_id``), then ``delta`` events with ``text`` to append, then ``done``.
    """
    reply = await run_in_threadpool(service.reply, body)
    await run_in_threadpool(_note_gap, gaps, body.message, reply)
    answer_id = uuid.uuid4().hex
    # Every id can be rated; only article answers and no-answers name a content gap.
    recent.remember(answer_id, body.message if reply.type in ("answer", "no_answer") else None)
    delay = services.settings.stream_delay_ms / 1000
    return EventSourceResponse(_stream(reply, answer_id, delay), ping=15)


@router.post(
    "/api/feedback",
    status_code=204,
    tags=["chat"],
    dependencies=[RateLimit],
    responses={**_POSTED, 404: ERRORS[404]},
)
def feedback(body: FeedbackRequest, store: FeedbackDep, gaps: GapsDep, recent: RecentDep) -> None:
    """Record a thumbs up or down on a recent streamed answer (no personal data is kept)."""
    if not recent.known(body.answer_id):
        # Only ids this server handed out count: made-up ids would fill the table.
        raise NotFound("no recent answer has this id")
    store.add(body.answer_id, body.rating, body.comment)
    question = recent.question(body.answer_id)
    if body.rating == "down" and question:
        gaps.record(question, "thumbs_down")


async def _stream(reply: ChatReply, answer_id: str, delay: float) -> AsyncIterator[dict[str, str]]:
    meta = reply.model_dump(exclude={"answer"})
    yield {"event": "meta", "data": json.dumps({"id": answer_id, **meta})}
    # The answer is already complete; it is sent in word groups to read as it arrives.
    for piece in _WORD_GROUP.findall(reply.answer):
        yield {"event": "delta", "data": json.dumps({"text": piece})}
        if delay:
            await asyncio.sleep(delay)
    yield {"event": "done", "data": json.dumps({"id": answer_id})}


def _note_gap(gaps: GapLog, message: str, reply: ChatReply) -> None:
    """Questions the articles could not serve become content gaps for staff."""
    if reply.type in ("no_answer", "out_of_scope"):
        gaps.record(message, reply.type)
