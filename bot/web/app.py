"""The HTTP app: a factory whose lifespan builds the services once, and its error mapping."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import Headers, MutableHeaders
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from bot.config import Settings
from bot.errors import BotError, RateLimited, TooLarge
from bot.safety import drugs
from bot.services import Services, build_services
from bot.web import admin_routes, chat_routes, site_routes
from bot.web.memory import few_malloc_arenas

# A request's headers, all of them together (``server.py`` gives h11 the same limit).
MAX_HEADER_BYTES = 16 * 1024


def create_app(
    settings: Settings, build: Callable[[Settings], Services] = build_services
) -> FastAPI:
    """Create the bot's FastAPI app; ``build`` makes the services when the app starts."""
    few_malloc_arenas()  # for ``uvicorn ...:app_from_env`` workers; server.py did it first

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # Loading the model takes seconds: do it off the event loop, once per process.
        services = await run_in_threadpool(build, settings)
        app.state.services = services
        # The drug table is read (or built, once per package version, by a child process)
        # in the background; only the chat needs it (the ingest CLI never does).
        drugs.warm_up(settings.triage_cache_dir)
        yield
        services.refresh.stop()  # a refresh child must not outlive its server

    app = FastAPI(
        title=f"{settings.clinic_name} assistant",
        summary="Answers patients' questions from the clinic's own articles, with sources.",
        version="0.1.0",
        lifespan=lifespan,
        # The schema stays at /openapi.json; the interactive pages are opt-in.
        docs_url="/docs" if settings.api_docs else None,
        redoc_url="/redoc" if settings.api_docs else None,
    )
    # Added first, so it runs inside CORS: a 413 still carries the CORS headers.
    app.add_middleware(BodyLimit, limit=settings.max_body_bytes)
    app.add_middleware(HeaderLimit, limit=MAX_HEADER_BYTES)
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
    app.add_middleware(SecurityHeaders)
    _install_error_handlers(app)
    app.include_router(chat_routes.router)
    app.include_router(site_routes.router)
    if settings.admin_token is not None:
        app.include_router(admin_routes.router)
        app.include_router(admin_routes.api)
    return app


def app_from_env() -> FastAPI:
    """The app from ``BOT_*`` environment variables: uvicorn's factory for worker processes."""
    return create_app(Settings())


class PublicCORS(CORSMiddleware):
    """CORS for the public API only: the admin API is never opened to other origins."""

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "http" and scope["path"].startswith("/admin"):
            await self.app(scope, receive, send)
            return
        await super().__call__(scope, receive, send)


class HeaderLimit:
    """Refuse requests whose headers add up to more than ``limit`` bytes with a 431.

    The server's h11 parser stops headers that trickle in past the limit (slowloris), but
    a header block that arrives in one read is parsed whatever its size: this catches it.
    """

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            size = sum(len(name) + len(value) for name, value in scope["headers"])
            if size > self.limit:
                error = {"error": f"the request headers are over the {self.limit:,}-byte limit"}
                await JSONResponse(error, status_code=431)(scope, receive, send)
                return
        await self.app(scope, receive, send)


class SecurityHeaders:
    """Headers every response carries, added as the response starts.

    Plain ASGI rather than ``@app.middleware("http")``, whose wrapper runs each request in
    a task with its own body stream: measurable server time on every request.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        staff_data = scope["path"].startswith("/admin/api")

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers.setdefault("X-Content-Type-Options", "nosniff")
                headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
                if staff_data:
                    # Articles, gaps and versions are staff data: no browser or proxy may
                    # keep a copy.
                    headers["Cache-Control"] = "no-store"
            await send(message)

        await self.app(scope, receive, send_with_headers)


class BodyLimit:
    """Refuse ``/api/*`` bodies over ``limit`` bytes with a 413, before anything parses them.

    Content-Length is checked first; the bytes actually received are counted too, since a
    chunked body has no length and a client may lie. Admin uploads keep their own limit.
    """

    def __init__(self, app: ASGIApp, limit: int, prefix: str = "/api/") -> None:
        self.app = app
        self.limit = limit
        self.prefix = prefix

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope["path"].startswith(self.prefix):
            await self.app(scope, receive, send)
            return
        length = Headers(scope=scope).get("content-length", "")
        if length.isdigit() and int(length) > self.limit:
            await self._refuse(scope, receive, send)
            return
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                break  # the client left; the app sees an empty body and the disconnect
            chunks.append(message.get("body", b""))
            size += len(chunks[-1])
            if size > self.limit:
                await self._refuse(scope, receive, send)
                return
            if not message.get("more_body", False):
                break
        await self.app(scope, _replay(b"".join(chunks), receive), send)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        exc = TooLarge(f"the request body is over the {self.limit:,}-byte limit")
        await error_response(exc)(scope, receive, send)


def _replay(body: bytes, receive: Receive) -> Receive:
    """A ``receive`` that hands over the buffered body, then waits for the disconnect."""
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if sent:
            return await receive()
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return replay


def error_response(exc: BotError) -> JSONResponse:
    """The one mapping of the error family to HTTP: status, ``{"error": ...}``, headers."""
    headers: dict[str, str] | None = None
    if isinstance(exc, RateLimited):
        headers = {"Retry-After": str(exc.retry_after)}
    elif exc.http_status == 401:
        headers = {"WWW-Authenticate": "Bearer"}
    return JSONResponse({"error": exc.message}, status_code=exc.http_status, headers=headers)


def _install_error_handlers(app: FastAPI) -> None:
    """Map the one error family (and request validation) to JSON ``{"error": ...}``."""

    @app.exception_handler(BotError)
    async def bot_error(_: Request, exc: BotError) -> JSONResponse:
        return error_response(exc)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        # Starlette's own 404 and 405 would otherwise answer {"detail": ...}.
        return JSONResponse(
            {"error": str(exc.detail)}, status_code=exc.status_code, headers=exc.headers
        )

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
