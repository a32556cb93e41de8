"""The uvicorn server as ``server.py`` configures it: only trusted proxies name the client."""

from __future__ import annotations

import contextlib
import socket
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


def test_a_20_kb_header_is_refused_and_the_server_keeps_serving(indexed: Services) -> None:
    with served(indexed) as url:
        big = {"X-Padding": "a" * 20 * 1024}
        assert httpx.get(f"{url}/health", headers=big).status_code in (400, 431)
        # Just under the 16 KB limit, with the request line and other headers, still passes.
        assert httpx.get(f"{url}/health", headers={"X-Padding": "a" * 15 * 1024}).status_code == 200
        assert httpx.get(f"{url}/health").json()["status"] == "ok"


def test_headers_that_trickle_in_past_16_kb_are_refused(indexed: Services) -> None:
    """h11's own limit (slowloris): a header block still incomplete past 16 KB is a 431."""
    with served(indexed) as url:
        port = int(url.rsplit(":", 1)[1])
        with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
            sock.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\n")
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                for _ in range(20):  # 20 KB, a kilobyte at a time, never finished
                    sock.sendall(b"X-Padding: " + b"a" * 1000 + b"\r\n")
                    time.sleep(0.02)  # the server answers and closes before the end
            answer = sock.recv(1024)
        assert answer.split(b" ", 2)[1] in (b"400", b"431")
        assert httpx.get(f"{url}/health").json()["status"] == "ok"
