"""The published OpenAPI schema against the real app: schemathesis, every check, few examples.

Contract drift (an undocumented status, a body that breaks its schema, a 500) fails here.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from conftest import reuse
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, settings

from bot.config import Settings
from bot.services import Services
from bot.web.app import create_app

# The app is made at import, where schemathesis reads its schema (no lifespan needed for
# that); once started, its lifespan hands it the real indexed services the fixture provides.
_built: dict[str, Services] = {}
APP = create_app(
    Settings(rate_limit="100000/minute", stream_delay_ms=0),
    build=lambda s: reuse(_built["services"])(s),
)
schema = schemathesis.openapi.from_dict(APP.openapi())
schema.app = APP  # calls go to the app in-process (ASGI), not over the network


@pytest.fixture(scope="module", autouse=True)
def started(indexed: Services) -> Iterator[None]:
    _built["services"] = indexed
    with TestClient(APP):
        yield


@schema.parametrize()
@settings(max_examples=8, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
def test_the_api_keeps_its_published_contract(case: Any) -> None:
    case.call_and_validate()
