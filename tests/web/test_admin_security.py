"""The staff API's guard: a strong token or none, throttled guessing, nothing cached."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from conftest import reuse
from fastapi.testclient import TestClient
from pydantic import ValidationError

from bot.config import Settings
from bot.services import Services
from bot.web.app import create_app

TOKEN = "a-long-random-staff-token-0123456789"
AUTH = {"Authorization": f"Bearer {TOKEN}"}


@pytest.fixture
def guarded(indexed: Services) -> Iterator[TestClient]:
    settings = indexed.settings.model_copy(
        update={
            "admin_token": Settings(admin_token=TOKEN).admin_token,
            "admin_failure_limit": "3/minute",
        }
    )
    with TestClient(create_app(settings, build=reuse(indexed))) as client:
        yield client


def test_an_empty_admin_token_leaves_the_staff_side_off(
    indexed: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BOT_ADMIN_TOKEN", "")
    settings = Settings(data_dir=indexed.settings.data_dir)
    assert settings.admin_token is None
    with TestClient(create_app(settings, build=reuse(indexed))) as client:
        assert (
            client.get("/admin/api/articles", headers={"Authorization": "Bearer "}).status_code
            == 404
        )


def test_a_short_admin_token_stops_the_server_from_starting(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("BOT_ADMIN_TOKEN", "x" * 31)
    with pytest.raises(ValidationError, match="BOT_ADMIN_TOKEN is too short: use at least 32"):
        Settings()


def test_failed_sign_ins_are_throttled_per_address(guarded: TestClient) -> None:
    wrong = {"Authorization": "Bearer " + "y" * 40}
    for _ in range(3):
        assert guarded.get("/admin/api/articles", headers=wrong).status_code == 401
    refused = guarded.get("/admin/api/articles", headers=wrong)
    assert refused.status_code == 429 and int(refused.headers["retry-after"]) >= 1
    # Past the limit even the right token waits: a guesser learns nothing from the answer.
    assert guarded.get("/admin/api/articles", headers=AUTH).status_code == 429


def test_admin_json_is_never_cached(guarded: TestClient) -> None:
    listed = guarded.get("/admin/api/articles", headers=AUTH)
    assert listed.status_code == 200
    assert listed.headers["cache-control"] == "no-store"
    assert guarded.get("/admin/api/refresh").headers["cache-control"] == "no-store"
