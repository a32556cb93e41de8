"""The HTTP API: an app factory whose lifespan builds the services once."""

from __future__ import annotations

import asyncio
import json
import re
import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Annotated, Any

from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse
from sse_starlette.sse import EventSourceResponse
from starlette.concurrency import run_in_threadpool

from bot.answering.chat import SUGGESTIONS, ChatService
from bot.config import Settings
from bot.errors import BotError, IndexNotReady, RateLimited
from bot.feedback.gaps import GapLog
from bot.feedback.ratings import FeedbackStore, RecentQuestions
from bot.schemas import ChatReply, ChatRequest, FeedbackRequest, Health, WidgetConfig
from bot.services import Services, build_services
from bot.web.admin_routes import RefreshJob, admin_router
from bot.web.deps import ServicesDep
from bot.web.ratelimit import RateLimiter
from bot.web.site_routes import security_headers, web_router


def create_app(
    settings: Settings, build: Callable[[Settings], Services] = build_services
) -> FastAPI:
    """Create the bot's FastAPI app; ``build`` makes the services when the app starts."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # Loading the model takes seconds: do it off the event loop, once per process.
        services = await run_in_threadpool(build, settings)
        app.state.services = services
        app.state.feedback = FeedbackStore(settings.data_dir / "feedback.sqlite3")
        app.state.gaps = GapLog(settings.data_dir / "gaps.sqlite3", settings.gap_retention_days)
        app.state.recent = RecentQuestions()
        app.state.refresh = RefreshJob(services)
        yield
        app.state.refresh.wait(timeout=60)

    app = FastAPI(
        title=f"{settings.clinic_name} assistant",
        summary="Answers patients' questions from the clinic's own articles, with sources.",
        version="0.1.0",
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.limiter = RateLimiter(settings.rate_limit)
    if settings.origins:
        # Only the clinic's own sites may call the API from a browser; no cookies are used.
        app.add_middleware(
            PublicCORS,
            allow_origins=settings.origins,
            allow_credentials=False,
            allow_methods=["GET", "POST"],
            allow_headers=["Content-Type"],
            expose_headers=["Retry-After"],
        )
    app.middleware("http")(security_headers)
    _install_error_handlers(app)
    app.include_router(_api_routes())
    app.include_router(web_router())
    if settings.admin_token is not None:
        app.include_router(admin_router())
    return app


class PublicCORS(CORSMiddleware):
    """CORS for the public API only: the admin API is never opened to other origins."""

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "http" and scope["path"].startswith("/admin"):
            await self.app(scope, receive, send)
            return
        await super().__call__(scope, receive, send)


def get_chat(services: ServicesDep) -> ChatService:
    """The chat service."""
    return services.chat


def get_feedback(request: Request) -> FeedbackStore:
    """The feedback store."""
    store: FeedbackStore = request.app.state.feedback
    return store


def rate_limit(request: Request) -> None:
    """Count this request against its client address; 429 past ``BOT_RATE_LIMIT``."""
    limiter: RateLimiter = request.app.state.limiter
    limiter.hit(request.client.host if request.client else "unknown")


ChatDep = Annotated[ChatService, Depends(get_chat)]
FeedbackDep = Annotated[FeedbackStore, Depends(get_feedback)]
RateLimit = Depends(rate_limit)


def _api_routes() -> APIRouter:
    router = APIRouter()

    @router.get("/health", response_model=Health, tags=["ops"])
    def health(services: ServicesDep) -> Health:
        """Ready when the model is loaded and the index has articles; 503 otherwise."""
        store = services.store
        store.check_model()
        articles, chunks = store.counts()
        if chunks == 0:
            raise IndexNotReady("the knowledge index is empty; run `python ingest.py`")
        return Health(status="ok", articles=articles, chunks=chunks, model=services.embedder.name)

    @router.get("/api/config", response_model=WidgetConfig, tags=["chat"])
    def widget_config(services: ServicesDep) -> WidgetConfig:
        """What the widget shows before the first question: greeting, disclaimer, booking."""
        settings = services.settings
        return WidgetConfig(
            clinic_name=settings.clinic_name,
            greeting=services.chat.welcome(),
            disclaimer=settings.disclaimer,
            booking=services.chat.booking,
            emergency_number=settings.emergency_number,
            suggestions=list(SUGGESTIONS),
        )

    @router.post("/api/chat", response_model=ChatReply, tags=["chat"], dependencies=[RateLimit])
    def chat(body: ChatRequest, service: ChatDep, request: Request) -> ChatReply:
        """Answer a visitor's message from the clinic's articles.

        The reply's ``type`` says what kind of answer it is (an article answer, no answer,
        a booking referral, a safety message...). Every reply carries the medical disclaimer
        and how to book; answers cite the articles they were taken from.
        """
        reply = service.reply(body)
        _note_gap(request, body.message, reply)
        return reply

    @router.post("/api/chat/stream", tags=["chat"], dependencies=[RateLimit])
    async def chat_stream(body: ChatRequest, service: ChatDep, request: Request) -> Any:
        """The same reply as ``/api/chat``, as Server-Sent Events.

        Events: ``meta`` (``id``, ``type``, ``sources``, ``disclaimer``, ``booking``,
        ``session_id``), then ``delta`` events with ``text`` to append, then ``done``.
        """
        reply = await run_in_threadpool(service.reply, body)
        await run_in_threadpool(_note_gap, request, body.message, reply)
        answer_id = uuid.uuid4().hex
        if reply.type in ("answer", "no_answer"):
            request.app.state.recent.remember(answer_id, body.message)
        delay = request.app.state.settings.stream_delay_ms / 1000
        return EventSourceResponse(_stream(reply, answer_id, delay), ping=15)

    @router.post("/api/feedback", status_code=204, tags=["chat"], dependencies=[RateLimit])
    def feedback(body: FeedbackRequest, store: FeedbackDep, request: Request) -> None:
        """Record a thumbs up or down on an answer (no personal data is kept)."""
        store.add(body.answer_id, body.rating, body.comment)
        question = request.app.state.recent.question(body.answer_id)
        if body.rating == "down" and question:
            request.app.state.gaps.record(question, "thumbs_down")

    return router


async def _stream(reply: ChatReply, answer_id: str, delay: float) -> AsyncIterator[dict[str, str]]:
    meta = reply.model_dump(exclude={"answer"})
    yield {"event": "meta", "data": json.dumps({"id": answer_id, **meta})}
    # Word groups keep the text readable as it arrives; the answer is already complete.
    for piece in re.findall(r"\S+(?:\s+\S+){0,2}\s*", reply.answer):
        yield {"event": "delta", "data": json.dumps({"text": piece})}
        if delay:
            await asyncio.sleep(delay)
    yield {"event": "done", "data": json.dumps({"id": answer_id})}


def _note_gap(request: Request, message: str, reply: ChatReply) -> None:
    """Questions the articles could not serve become content gaps for staff."""
    if reply.type in ("no_answer", "out_of_scope"):
        request.app.state.gaps.record(message, reply.type)


def _install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(BotError)
    async def bot_error(_: Request, exc: BotError) -> JSONResponse:
        headers: dict[str, str] | None = None
        if isinstance(exc, RateLimited):
            headers = {"Retry-After": str(exc.retry_after)}
        elif exc.http_status == 401:
            headers = {"WWW-Authenticate": "Bearer"}
        return JSONResponse({"error": exc.message}, status_code=exc.http_status, headers=headers)

    @app.exception_handler(RequestValidationError)
    async def invalid(_: Request, exc: RequestValidationError) -> JSONResponse:
        errors = exc.errors()
        if any(e.get("type") == "json_invalid" for e in errors):
            return JSONResponse({"error": "the request body is not valid JSON"}, status_code=400)
        return JSONResponse(
            {"error": "; ".join(_describe(e) for e in errors), "details": _plain(errors)},
            status_code=422,
        )


def _describe(error: dict[str, Any]) -> str:
    where = ".".join(str(p) for p in error.get("loc", ()) if p != "body") or "body"
    message = str(error.get("msg", "invalid value")).removeprefix("Value error, ")
    return f"{where}: {message}"


def _plain(errors: Any) -> list[dict[str, Any]]:
    """Validation details without the raw input echoed back or unserialisable contexts."""
    return [{"loc": list(e.get("loc", ())), "msg": str(e.get("msg", ""))} for e in errors]
