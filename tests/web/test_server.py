"""The uvicorn server as ``server.py`` configures it: only trusted proxies name the client."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx
import uvicorn
from conftest import free_port, reuse

from bot.services import Services
from bot.web.app import create_app
from server import uvicorn_config


@contextmanager
def served(indexed: Services, **overrides: Any) -> Iterator[str]:
    port = free_port()
    settings = indexed.settings.model_copy(update={"port": port, **overrides})
    server = uvicorn.Server(uvicorn_config(settings, create_app(settings, build=reuse(indexed))))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started and thread.is_alive():
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def test_a_trusted_proxy_names_the_client_and_others_cannot(indexed: Services) -> None:
    with served(indexed, rate_limit="1/minute") as url:
        for client in ("203.0.113.1", "203.0.113.2"):
            headers = {"X-Forwarded-For": client}
            ok = httpx.post(f"{url}/api/chat", json={"message": "hi"}, headers=headers)
            assert ok.status_code == 200  # one request per client address
    with served(indexed, rate_limit="1/minute", forwarded_allow_ips="10.0.0.1") as url:
        codes = [
            httpx.post(
                f"{url}/api/chat", json={"message": "hi"}, headers={"X-Forwarded-For": client}
            ).status_code
            for client in ("203.0.113.1", "203.0.113.2")
        ]
        assert codes == [200, 429]  # not a trusted proxy: both count as 127.0.0.1
