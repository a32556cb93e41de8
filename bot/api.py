"""The HTTP API: an app factory whose lifespan builds the services once."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from bot.chat import ChatService
from bot.config import Settings
from bot.errors import BotError, IndexNotReady
from bot.schemas import ChatReply, ChatRequest, Health
from bot.services import Services, build_services


def create_app(
    settings: Settings, build: Callable[[Settings], Services] = build_services
) -> FastAPI:
    """Create the bot's FastAPI app; ``build`` makes the services when the app starts."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # Loading the model takes seconds: do it off the event loop, once per process.
        app.state.services = await run_in_threadpool(build, settings)
        yield

    app = FastAPI(
        title=f"{settings.clinic_name} assistant",
        summary="Answers patients' questions from the clinic's own articles, with sources.",
        version="0.1.0",
        lifespan=lifespan,
    )
    _install_error_handlers(app)
    app.include_router(_routes())
    return app


def get_services(request: Request) -> Services:
    """The services built in the lifespan."""
    services: Services = request.app.state.services
    return services


def get_chat(services: Annotated[Services, Depends(get_services)]) -> ChatService:
    """The chat service."""
    return services.chat


ServicesDep = Annotated[Services, Depends(get_services)]
ChatDep = Annotated[ChatService, Depends(get_chat)]


def _routes() -> Any:
    from fastapi import APIRouter

    router = APIRouter()

    @router.get("/health", response_model=Health, tags=["ops"])
    def health(services: ServicesDep) -> Health:
        """Ready when the model is loaded and the index has articles; 503 otherwise."""
        services.store.check_model()
        articles, chunks = services.store.counts()
        if chunks == 0:
            raise IndexNotReady("the knowledge index is empty; run `python ingest.py`")
        return Health(status="ok", articles=articles, chunks=chunks, model=services.embedder.name)

    @router.post("/api/chat", response_model=ChatReply, tags=["chat"])
    def chat(body: ChatRequest, service: ChatDep) -> ChatReply:
        """Answer a visitor's message from the clinic's articles.

        The reply's ``type`` says what kind of answer it is (an article answer, no answer,
        a booking referral, a safety message...). Every reply carries the medical disclaimer
        and how to book; answers cite the articles they were taken from.
        """
        return service.reply(body)

    return router


def _install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(BotError)
    async def bot_error(_: Request, exc: BotError) -> JSONResponse:
        return JSONResponse({"error": exc.message}, status_code=exc.http_status)

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
