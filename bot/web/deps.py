"""Every FastAPI dependency, typed: routes ask for what they use, never for ``app.state``.

The getters only read an attribute, so they are ``async``: FastAPI runs a plain ``def``
dependency in the thread pool, a hop per dependency per request for nothing. Those that may
wait on Redis (rate limits, the admin token's failure count) stay plain functions.
"""

from __future__ import annotations

import hmac
from typing import Annotated

from fastapi import Depends, Request

from bot.answering.chat import ChatService
from bot.config import Settings
from bot.errors import Unauthorized
from bot.feedback.gaps import GapLog
from bot.feedback.ratings import FeedbackStore, QuestionMemory
from bot.refresh.job import RefreshJob
from bot.services import Services


async def get_services(request: Request) -> Services:
    """The services built once in the app's lifespan."""
    services: Services = request.app.state.services
    return services


ServicesDep = Annotated[Services, Depends(get_services)]


async def get_settings(services: ServicesDep) -> Settings:
    """The settings the services were built from."""
    return services.settings


async def get_chat(services: ServicesDep) -> ChatService:
    """The chat service."""
    return services.chat


async def get_feedback(services: ServicesDep) -> FeedbackStore:
    """The ratings store."""
    return services.feedback


async def get_gaps(services: ServicesDep) -> GapLog:
    """The content-gap log."""
    return services.gaps


async def get_recent(services: ServicesDep) -> QuestionMemory:
    """Which question each recent answer id answered."""
    return services.recent


async def get_refresh(services: ServicesDep) -> RefreshJob:
    """The staff refresh job."""
    return services.refresh


SettingsDep = Annotated[Settings, Depends(get_settings)]
ChatDep = Annotated[ChatService, Depends(get_chat)]
FeedbackDep = Annotated[FeedbackStore, Depends(get_feedback)]
GapsDep = Annotated[GapLog, Depends(get_gaps)]
RecentDep = Annotated[QuestionMemory, Depends(get_recent)]
RefreshDep = Annotated[RefreshJob, Depends(get_refresh)]


def client_address(request: Request) -> str:
    """The caller's address (the proxy's client when ``BOT_FORWARDED_ALLOW_IPS`` trusts it)."""
    return request.client.host if request.client else "unknown"


def rate_limit(request: Request, services: ServicesDep) -> None:
    """Count this request against its client address; 429 past ``BOT_RATE_LIMIT``."""
    services.limiter.hit(client_address(request))


def require_token(request: Request, services: ServicesDep) -> None:
    """Accept only ``Authorization: Bearer <BOT_ADMIN_TOKEN>``, compared in constant time.

    Failed attempts count per address (``BOT_ADMIN_FAILURE_LIMIT``); past the limit even
    the right token gets a 429 until the window passes, so guessing stays slow.
    """
    address = client_address(request)
    services.admin_failures.check(address)
    expected = services.settings.admin_token
    header = request.headers.get("authorization", "")
    scheme, _, given = header.partition(" ")
    if (
        expected is None
        or scheme.lower() != "bearer"
        or not hmac.compare_digest(given.strip().encode(), expected.get_secret_value().encode())
    ):
        services.admin_failures.hit(address)
        raise Unauthorized("a valid admin token is required (Authorization: Bearer ...)")


RateLimit = Depends(rate_limit)
AdminToken = Depends(require_token)
