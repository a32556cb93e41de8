"""The crawler's per-page deadline and size cap, through its httpx transport seam."""

from __future__ import annotations

import asyncio
import gzip
from collections.abc import AsyncIterator
from pathlib import Path

import httpx

from bot.sources.crawler import Crawler

SITE = "https://clinic.example"


class Trickle(httpx.AsyncByteStream):
    """A page body that arrives a few bytes at a time, never slow enough for a read timeout."""

    def __init__(self, chunks: int) -> None:
        self.chunks = chunks
        self.sent = 0

    async def __aiter__(self) -> AsyncIterator[bytes]:
        yield b"<html><body><main><h1>Slow</h1><p>"
        for _ in range(self.chunks):
            self.sent += 1
            await asyncio.sleep(0.01)
            yield b"word "
        yield b"</p></main></body></html>"


def site(pages: dict[str, httpx.Response]) -> httpx.MockTransport:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/robots.txt":
            return httpx.Response(404)
        return pages.get(request.url.path) or httpx.Response(404)

    return httpx.MockTransport(handler)


def html(body: bytes, **headers: str) -> httpx.Response:
    return httpx.Response(200, headers={"content-type": "text/html", **headers}, content=body)


def test_a_trickling_page_is_dropped_at_its_total_deadline(tmp_path: Path) -> None:
    trickle = Trickle(chunks=100_000)  # about 17 minutes at this pace
    good = html(b"<h1>Fine</h1><p>Quick page.</p>")
    transport = site({"/slow": httpx.Response(200, stream=trickle), "/fine": good})
    crawler = Crawler(page_deadline=0.5, transport=transport)
    report = crawler.crawl(tmp_path, urls=[f"{SITE}/slow", f"{SITE}/fine"])
    assert report.saved == [f"{SITE}/fine"]
    assert report.failures == [
        f"{SITE}/slow: took longer than 0.5 s in all (BOT_CRAWL_PAGE_DEADLINE)"
    ]
    assert trickle.sent < trickle.chunks  # abandoned, not read to the end


def test_a_page_over_the_size_cap_is_skipped(tmp_path: Path) -> None:
    big = b"<p>" + b"x" * 20_000 + b"</p>"
    bomb = gzip.compress(b"<p>" + b"y" * 5_000_000 + b"</p>")  # 5 MB from about 5 KB
    transport = site(
        {
            "/declared": html(big),
            "/streamed": httpx.Response(
                200, headers={"content-type": "text/html"}, stream=httpx.ByteStream(big)
            ),
            "/gzip": html(bomb, **{"content-encoding": "gzip"}),
            "/small": html(b"<h1>Small</h1>"),
        }
    )
    crawler = Crawler(max_page_bytes=10_000, transport=transport)
    urls = [f"{SITE}/{p}" for p in ("declared", "streamed", "gzip", "small")]
    report = crawler.crawl(tmp_path, urls=urls)
    assert report.saved == [f"{SITE}/small"]
    limit = "over the 10,000 byte limit (BOT_CRAWL_MAX_PAGE_BYTES)"
    assert sorted(report.failures) == sorted(f"{u}: {limit}" for u in urls[:3])
