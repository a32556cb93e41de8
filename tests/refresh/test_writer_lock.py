"""The single-writer lock where the index lives: Redis, a Chroma lease, or a local file."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
import redis
from engines import ChromaServer, unique_prefix

from bot.config import Settings
from bot.errors import IngestLocked
from bot.refresh.locks import ChromaLease, FileWriterLock, RedisWriterLock, writer_lock


def test_writer_lock_picks_the_engine(tmp_path: Path) -> None:
    assert isinstance(writer_lock(Settings(data_dir=tmp_path)), FileWriterLock)
    on_redis = Settings(data_dir=tmp_path, redis_url="redis://127.0.0.1:1/0", chroma_host="x")
    assert isinstance(writer_lock(on_redis), RedisWriterLock)


def test_redis_lock_holds_across_processes_and_frees(tmp_path: Path, redis_url: str) -> None:
    # Two Settings stand for two machines: nothing on disk is shared.
    first = Settings(data_dir=tmp_path / "a", redis_url=redis_url, collection=unique_prefix())
    second = first.model_copy(update={"data_dir": tmp_path / "b"})
    with writer_lock(first), pytest.raises(IngestLocked, match="already running"):
        writer_lock(second).acquire()
    with writer_lock(second):
        pass


def test_redis_lock_is_renewed_while_held(tmp_path: Path, redis_url: str) -> None:
    settings = Settings(
        data_dir=tmp_path, redis_url=redis_url, collection=unique_prefix(), writer_lease_seconds=1
    )
    lock = writer_lock(settings)
    assert isinstance(lock, RedisWriterLock)
    client = redis.Redis.from_url(redis_url)
    with lock:
        lock.renew()
        assert 0 < client.pttl(lock.key) <= 1000
        lock.renew()  # renewing again still works: the lease is ours
    assert not client.exists(lock.key)


def test_redis_lock_of_a_killed_holder_expires(tmp_path: Path, redis_url: str) -> None:
    settings = Settings(
        data_dir=tmp_path, redis_url=redis_url, collection=unique_prefix(), writer_lease_seconds=1
    )
    client = redis.Redis.from_url(redis_url)
    key = f"clinic-bot:{settings.collection}:writer"
    client.set(key, "token-of-a-killed-process", px=300)  # what kill -9 leaves behind
    with pytest.raises(IngestLocked):
        writer_lock(settings).acquire()
    while client.exists(key):
        time.sleep(0.05)
    with writer_lock(settings):
        pass


def lease_settings(tmp_path: Path, server: ChromaServer, prefix: str) -> Settings:
    return Settings(
        data_dir=tmp_path,
        chroma_host=server.host,
        chroma_port=server.port,
        collection=prefix,
        writer_lease_seconds=1,
    )


def test_chroma_lease_without_redis(tmp_path: Path, chroma_server: ChromaServer) -> None:
    settings = lease_settings(tmp_path, chroma_server, unique_prefix())
    first, second = writer_lock(settings), writer_lock(settings)
    assert isinstance(first, ChromaLease)
    with first:
        with pytest.raises(IngestLocked, match="lease held by"):
            second.acquire()
        first.renew()
    with second:  # released: the next writer gets in
        pass


def test_chroma_lease_of_a_killed_holder_expires(
    tmp_path: Path, chroma_server: ChromaServer
) -> None:
    settings = lease_settings(tmp_path, chroma_server, unique_prefix())
    killed = writer_lock(settings)
    assert isinstance(killed, ChromaLease)
    killed.acquire()
    killed._stop_renewing()  # as if killed -9: nobody renews or releases the lease
    refused = 0
    successor = writer_lock(settings)
    while True:
        try:
            successor.acquire()
            break
        except IngestLocked:
            refused += 1
            time.sleep(0.1)
    successor.release()
    assert refused > 0  # refused while the lease was live, admitted once it expired
