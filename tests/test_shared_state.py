"""State that several server processes share through Redis (``BOT_REDIS_URL``)."""

from __future__ import annotations

from pathlib import Path

import pytest
import redis
from conftest import FakeEmbedder
from engines import unique_prefix

from bot.config import Settings
from bot.errors import IngestLocked, RateLimited
from bot.feedback.ratings import RecentQuestions
from bot.ratelimit import RateLimiter
from bot.refresh.locks import writer_lock
from bot.services import build_services


def test_rate_limit_is_one_limit_across_limiters(redis_url: str) -> None:
    first, second = RateLimiter("3/minute", redis_url), RateLimiter("3/minute", redis_url)
    key = unique_prefix()
    first.hit(key)
    second.hit(key)
    first.hit(key)
    with pytest.raises(RateLimited):
        second.hit(key)
    alone = RateLimiter("3/minute")  # without Redis each process counts alone
    for _ in range(3):
        alone.hit(key)


def test_answer_memory_is_shared_and_expires(tmp_path: Path, redis_url: str) -> None:
    settings = Settings(
        data_dir=tmp_path, redis_url=redis_url, collection=unique_prefix(), answer_memory_seconds=60
    )
    one = build_services(settings, embedder=FakeEmbedder())
    other = build_services(settings.model_copy(update={"data_dir": tmp_path / "b"}), FakeEmbedder())
    one.recent.remember("a1", "Does acupuncture hurt?")
    assert other.recent.question("a1") == "Does acupuncture hurt?"
    ttl = redis.Redis.from_url(redis_url).ttl(f"clinic-bot:{settings.collection}:answer:a1")
    assert 0 < ttl <= 60
    assert isinstance(
        build_services(Settings(data_dir=tmp_path / "c"), FakeEmbedder()).recent, RecentQuestions
    )


def test_refresh_status_is_seen_by_every_process(
    tmp_path: Path, redis_url: str, knowledge_copy: Path
) -> None:
    settings = Settings(
        data_dir=tmp_path / "a",
        knowledge_dir=knowledge_copy,
        redis_url=redis_url,
        collection=unique_prefix(),
    )
    runner = build_services(settings, embedder=FakeEmbedder())
    watcher = build_services(
        settings.model_copy(update={"data_dir": tmp_path / "b"}), FakeEmbedder()
    )
    assert watcher.refresh.status.state == "idle"
    # A writer elsewhere (the CLI on another machine) holds the lock: 409 at once.
    with writer_lock(settings), pytest.raises(IngestLocked):
        watcher.refresh.start()
    assert watcher.refresh.status.state == "idle"  # a refused start leaves the status alone
    runner.refresh.start()
    runner.refresh.wait(timeout=120)
    seen = watcher.refresh.status
    assert seen.state == "done", seen.message
    assert seen.version == runner.registry.read().version
    assert seen.total == seen.done > 0
