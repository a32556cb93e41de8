"""Fetching the clinic's website politely into a folder the ingest reads like any other.

Pages are saved as HTML files (PDFs as PDFs) under one folder, with their canonical URL and
last-modified time written into the page, so the ordinary HTML loader extracts them. A page
that disappears from the sitemap is deleted from the folder, and so from the next index.

A sitemap that is not a 200 answer, or lists no pages, raises :class:`CrawlFailed` before
anything is deleted: a moved or broken sitemap must not empty the knowledge base. Each page
has a total deadline (retries and redirects included) and a size cap, so one page that
trickles a byte a second cannot hold the ingest lock for long.
"""

from __future__ import annotations

import asyncio
import hashlib
import html
import re
import time
import urllib.robotparser
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from pathlib import Path
from urllib.parse import urljoin, urlsplit, urlunsplit
from xml.etree import ElementTree

import httpx

from bot.errors import CrawlFailed, SourceError
from bot.sources.fetching import FetchPolicy, get

USER_AGENT = "ClinicBot/0.1 (+knowledge refresh)"
_MAX_REDIRECTS = 5
_SITEMAP_NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


@dataclass
class CrawlReport:
    """What a crawl fetched, skipped and removed."""

    saved: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)

    def summary(self) -> str:
        """One line per outcome, for the CLI."""
        lines = [
            f"site: {len(self.saved)} page(s) saved, {len(self.removed)} removed, "
            f"{len(self.failures)} skipped"
        ]
        return "\n".join(lines + [f"  - {f}" for f in self.failures])


@dataclass(frozen=True)
class Page:
    """A URL to fetch, with the sitemap's last-modified time if it gave one."""

    url: str
    lastmod: str | None = None


def page_file(url: str, suffix: str = ".html") -> str:
    """A stable, readable file name for a URL."""
    parts = urlsplit(url)
    slug = re.sub(r"[^a-z0-9]+", "-", f"{parts.path}-{parts.query}".lower()).strip("-") or "home"
    digest = hashlib.sha1(url.encode()).hexdigest()[:8]
    return f"{slug[:60]}-{digest}{suffix}"


def _normal(url: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc.lower(), parts.path or "/", parts.query, ""))


class Crawler:
    """Fetches pages of one site with a concurrency limit, timeouts, retries and robots.txt."""

    def __init__(
        self,
        *,
        concurrency: int = 4,
        timeout: float = 10.0,
        retries: int = 3,
        backoff: float = 0.5,
        page_deadline: float = 30.0,
        max_page_bytes: int = 5_000_000,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self._semaphore = asyncio.Semaphore(concurrency)
        self._timeout = timeout
        self._deadline = page_deadline
        self._policy = FetchPolicy(retries=retries, backoff=backoff, max_bytes=max_page_bytes)
        self._transport = transport
        self._robots: dict[str, urllib.robotparser.RobotFileParser] = {}
        self._robots_lock = asyncio.Lock()

    def crawl(
        self, folder: Path, *, sitemap: str | None = None, urls: list[str] | None = None
    ) -> CrawlReport:
        """Mirror the sitemap's pages (or ``urls``) into ``folder``; remove vanished ones.

        Raises :class:`CrawlFailed`, having changed nothing, when the sitemap is unusable.
        """
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            return asyncio.run(self._crawl(folder, sitemap, urls or []))
        # Called from code that already runs an event loop: crawl on a loop of its own.
        with ThreadPoolExecutor(1) as pool:
            return pool.submit(asyncio.run, self._crawl(folder, sitemap, urls or [])).result()

    async def _crawl(self, folder: Path, sitemap: str | None, urls: list[str]) -> CrawlReport:
        report = CrawlReport()
        folder.mkdir(parents=True, exist_ok=True)
        async with httpx.AsyncClient(
            timeout=self._timeout,
            follow_redirects=False,
            transport=self._transport,
            headers={"User-Agent": USER_AGENT},
        ) as client:
            pages = [Page(u) for u in urls]
            if sitemap:
                # Raising here, before the clean-up below, keeps every page we have.
                pages += await self._read_sitemap(client, sitemap)
            results = await asyncio.gather(*(self._save(client, p, folder) for p in pages))
        keep: set[str] = set()
        for page, (name, problem) in zip(pages, results, strict=True):
            if problem:
                report.failures.append(f"{page.url}: {problem}")
                # A page that failed this time keeps its last good copy.
                keep.update({page_file(page.url, ".html"), page_file(page.url, ".pdf")})
            if name:
                keep.add(name)
                report.saved.append(page.url)
        for old in folder.iterdir():
            if old.is_file() and old.name not in keep:
                old.unlink()
                report.removed.append(old.name)
        return report

    async def _read_sitemap(self, client: httpx.AsyncClient, url: str) -> list[Page]:
        """The sitemap's pages, or :class:`CrawlFailed` saying why there are none."""
        try:
            async with asyncio.timeout(self._deadline):
                pages = await self._sitemap(client, url)
        except TimeoutError as exc:
            raise CrawlFailed(
                f"{url}: the sitemap took longer than {self._deadline:g} s "
                "(BOT_CRAWL_PAGE_DEADLINE); every page kept, nothing indexed"
            ) from exc
        except (httpx.HTTPError, ElementTree.ParseError, ValueError, SourceError) as exc:
            raise CrawlFailed(
                f"{url}: cannot read the sitemap ({exc}); every page kept, nothing indexed"
            ) from exc
        if not pages:
            raise CrawlFailed(
                f"{url}: the sitemap lists no pages of this site; every page kept, nothing indexed"
            )
        return pages

    async def _sitemap(self, client: httpx.AsyncClient, url: str, depth: int = 0) -> list[Page]:
        response = await get(client, self._policy, url)
        if response.status_code != 200:
            # A 404 page may well be XML; only a 200 answer is the sitemap.
            raise ValueError(f"HTTP {response.status_code}")
        root = ElementTree.fromstring(response.content)
        if root.tag == f"{_SITEMAP_NS}sitemapindex" and depth == 0:
            pages: list[Page] = []
            for node in root.iter(f"{_SITEMAP_NS}loc"):
                if node.text and self._same_site(url, node.text.strip()):
                    pages += await self._sitemap(client, node.text.strip(), depth + 1)
            return pages
        pages = []
        for entry in root.iter(f"{_SITEMAP_NS}url"):
            loc = entry.findtext(f"{_SITEMAP_NS}loc")
            if loc and self._same_site(url, loc.strip()):
                pages.append(Page(loc.strip(), entry.findtext(f"{_SITEMAP_NS}lastmod")))
        return pages

    @staticmethod
    def _same_site(base: str, url: str) -> bool:
        return urlsplit(base).netloc.lower() == urlsplit(url).netloc.lower()

    async def _allowed(self, client: httpx.AsyncClient, url: str) -> bool:
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        async with self._robots_lock:  # one robots.txt fetch per site, shared by all pages
            if origin not in self._robots:
                parser = urllib.robotparser.RobotFileParser()
                try:
                    response = await get(client, self._policy, origin + "/robots.txt")
                    # No robots.txt (4xx) allows everything, as the standard says.
                    parser.parse(response.text.splitlines() if response.status_code == 200 else [])
                except httpx.HTTPError:
                    # Unreachable robots.txt: fetch nothing rather than guess.
                    parser.parse(["User-agent: *", "Disallow: /"])
                self._robots[origin] = parser
        return self._robots[origin].can_fetch(USER_AGENT, url)

    async def _save(
        self, client: httpx.AsyncClient, page: Page, folder: Path
    ) -> tuple[str | None, str | None]:
        """Fetch one page into ``folder``: (file name, None) or (None, why it was skipped)."""
        async with self._semaphore:  # the deadline starts when the page's turn comes
            try:
                async with asyncio.timeout(self._deadline):
                    fetched = await self._fetch(client, page)
            except TimeoutError:
                return None, (
                    f"took longer than {self._deadline:g} s in all (BOT_CRAWL_PAGE_DEADLINE)"
                )
        if isinstance(fetched, str):
            return None, fetched
        response, url = fetched
        if response.status_code != 200:
            return None, f"HTTP {response.status_code}"
        kind = response.headers.get("content-type", "").split(";")[0].strip().lower()
        updated = page.lastmod or _header_date(response.headers.get("last-modified"))
        if kind == "application/pdf":
            name = page_file(page.url, ".pdf")
            (folder / name).write_bytes(response.content)
            return name, None
        if kind not in ("text/html", "application/xhtml+xml"):
            return None, f"not an HTML page ({kind or 'no content type'})"
        name = page_file(page.url)
        (folder / name).write_text(_annotate(response.text, url, updated), encoding="utf-8")
        return name, None

    async def _fetch(
        self, client: httpx.AsyncClient, page: Page
    ) -> tuple[httpx.Response, str] | str:
        """The page's final response and URL after same-site redirects, or why not."""
        url, seen = page.url, {_normal(page.url)}
        try:
            for _ in range(_MAX_REDIRECTS + 1):
                if not await self._allowed(client, url):
                    return "disallowed by robots.txt"
                response = await get(client, self._policy, url)
                if response.is_redirect:
                    target = urljoin(url, response.headers.get("location", ""))
                    if not self._same_site(page.url, target):
                        return f"redirects off the site to {target}"
                    if _normal(target) in seen:
                        return "redirect loop"
                    seen.add(_normal(target))
                    url = target
                    continue
                return response, url
            return "too many redirects"
        except httpx.TimeoutException:
            return "timed out"
        except SourceError as exc:
            return exc.reason
        except (httpx.HTTPError, ValueError) as exc:
            return f"cannot fetch ({exc.__class__.__name__}: {exc})"


def _header_date(value: str | None) -> str | None:
    if not value:
        return None
    try:
        return parsedate_to_datetime(value).date().isoformat()
    except (TypeError, ValueError):
        return None


def _annotate(page: str, url: str, updated: str | None) -> str:
    """Record the page's URL and date in its head, where the HTML loader looks for them."""
    tags = ""
    if not re.search(r"<link[^>]+rel=[\"']?canonical", page, re.I):
        tags += f'<link rel="canonical" href="{html.escape(url)}">'
    if updated:
        tags += f'<meta name="bot:updated" content="{html.escape(updated)}">'
    tags += f'<meta name="bot:fetched" content="{time.strftime("%Y-%m-%d")}">'
    if re.search(r"<head[^>]*>", page, re.I):
        return re.sub(r"(<head[^>]*>)", lambda m: m.group(1) + tags, page, count=1, flags=re.I)
    return f"<head>{tags}</head>{page}"
