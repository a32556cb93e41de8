"""One polite GET for the crawler: retries with backoff, and a cap on the body's size."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

import httpx

from bot.errors import SourceError

# Headers that describe the body on the wire; the body handed on is already decoded.
_WIRE_HEADERS = ("content-encoding", "content-length", "transfer-encoding")


@dataclass(frozen=True)
class FetchPolicy:
    """How hard to try for one URL and how much of it to accept."""

    retries: int = 3
    backoff: float = 0.5
    max_bytes: int = 5_000_000


async def get(client: httpx.AsyncClient, policy: FetchPolicy, url: str) -> httpx.Response:
    """GET with retries and exponential backoff on timeouts, network errors and 5xx.

    Raises :class:`SourceError` (not retried) when the body is over ``policy.max_bytes``.
    """
    for attempt in range(policy.retries):
        try:
            response = await _read(client, policy, url)
            if response.status_code < 500:
                return response
            error: Exception = httpx.HTTPStatusError(
                f"HTTP {response.status_code}", request=response.request, response=response
            )
        except httpx.TransportError as exc:  # timeouts and connection failures
            error = exc
        if attempt + 1 < policy.retries:
            await asyncio.sleep(policy.backoff * 2**attempt)
    raise error


async def _read(client: httpx.AsyncClient, policy: FetchPolicy, url: str) -> httpx.Response:
    """One GET, its body read up to the cap.

    The cap counts decoded bytes, so a small gzip body that inflates to gigabytes stops at
    the cap too; a server that announces a larger Content-Length is not read at all.
    """
    async with client.stream("GET", url) as streamed:
        declared = streamed.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > policy.max_bytes:
            raise _too_large(url, policy)
        body = bytearray()
        async for chunk in streamed.aiter_bytes():
            body += chunk
            if len(body) > policy.max_bytes:
                raise _too_large(url, policy)
    headers = [(k, v) for k, v in streamed.headers.multi_items() if k.lower() not in _WIRE_HEADERS]
    return httpx.Response(
        streamed.status_code, headers=headers, content=bytes(body), request=streamed.request
    )


def _too_large(url: str, policy: FetchPolicy) -> SourceError:
    return SourceError(url, f"over the {policy.max_bytes:,} byte limit (BOT_CRAWL_MAX_PAGE_BYTES)")
