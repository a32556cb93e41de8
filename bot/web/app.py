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

from bot.config import Settings
from bot.errors import BotError, RateLimited
from bot.services import Services, build_services
from bot.web import admin_routes, chat_routes, site_routes


def create_app(
    settings: Settings, build: Callable[[Settings], Services] = build_services
) -> FastAPI:
    """Create the bot's FastAPI app; ``build`` makes the services when the app starts."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # Loading the model takes seconds: do it off the event loop, once per process.
        services = await run_in_threadpool(build, settings)
        app.state.services = services
        yield
        services.refresh.wait(timeout=60)

    app = FastAPI(
        title=f"{settings.clinic_name} assistant",
        summary="Answers patients' questions from the clinic's own articles, with sources.",
        version="0.1.0",
        lifespan=lifespan,
    )
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
    app.middleware("http")(site_routes.security_headers)
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


def _install_error_handlers(app: FastAPI) -> None:
    """Map the one error family (and request validation) to JSON ``{"error": ...}``."""

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
