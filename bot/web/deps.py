"""FastAPI dependencies shared by the public and the admin routes."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from bot.services import Services


def get_services(request: Request) -> Services:
    """The services built once in the app's lifespan."""
    services: Services = request.app.state.services
    return services


ServicesDep = Annotated[Services, Depends(get_services)]
