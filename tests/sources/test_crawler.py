"""The website crawler against a small local site with broken, slow and looping pages."""

from __future__ import annotations

import http.server
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import FakeEmbedder, free_port

from bot.config import Settings
from bot.errors import CrawlFailed
from bot.services import build_services
from bot.sources.articles import iter_articles
from bot.sources.crawler import Crawler

PAGE = """<html><head><title>{title} | Clinic</title></head><body>
<nav>Home About Contact NAVTEXT</nav><main><article><h1>{title}</h1>
<p>{body} This paragraph is long enough for the extractor to keep it as the main content of
the page, as a real clinic article would be, with several sentences of patient advice.</p>
</article></main><footer>FOOTERTEXT</footer></body></html>"""


class Site:
    def __init__(self) -> None:
        self.pages: set[str] = {
            "/a",
            "/b",
            "/broken",
            "/slow",
            "/loop1",
            "/away",
            "/data.json",
            "/private/x",
            "/moved",
            "/doc.pdf",
        }
        self.hits: dict[str, int] = {}
        self.active = 0
        self.max_active = 0
        self.lock = threading.Lock()


@pytest.fixture
def site() -> Iterator[tuple[str, Site]]:
    state = Site()

    class Handler(http.server.BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

        def send(
            self,
            status: int,
            body: bytes,
            kind: str = "text/html",
            headers: dict[str, str] | None = None,
        ) -> None:
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            for key, value in (headers or {}).items():
                self.send_header(key, value)
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self) -> None:
            with state.lock:
                state.hits[self.path] = state.hits.get(self.path, 0) + 1
                state.active += 1
                state.max_active = max(state.max_active, state.active)
            try:
                self.route()
            finally:
                with state.lock:
                    state.active -= 1

        def route(self) -> None:
            path = self.path
            time.sleep(0.05)  # a little latency so concurrency is visible
            if path == "/robots.txt":
                return self.send(200, b"User-agent: *\nDisallow: /private/\n", "text/plain")
            if path == "/sitemap.xml":
                urls = "".join(
                    f"<url><loc>{base}{p}</loc><lastmod>2026-11-0{i % 9 + 1}</lastmod></url>"
                    for i, p in enumerate(sorted(state.pages))
                )
                xml = (
                    '<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/'
                    f'sitemap/0.9">{urls}<url><loc>http://elsewhere.invalid/x</loc></url>'
                    "</urlset>"
                )
                return self.send(200, xml.encode(), "application/xml")
            if path in ("/gone-sitemap.xml", "/empty-sitemap.xml"):
                # A "not found" page that is itself a sitemap, and a sitemap of nothing.
                xml = (
                    '<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/'
                    f'sitemap/0.9"><url><loc>{base}/a</loc></url></urlset>'
                )
                if path == "/gone-sitemap.xml":
                    return self.send(404, xml.encode(), "application/xml")
                return self.send(200, b"<urlset/>", "application/xml")
            if path == "/a":
                return self.send(
                    200,
                    PAGE.format(
                        title="Cupping Basics", body="Cupping uses gentle suction."
                    ).encode(),
                )
            if path in ("/b", "/a2"):
                return self.send(
                    200,
                    PAGE.format(title="Qigong Basics", body="Qigong is slow movement.").encode(),
                    headers={"Last-Modified": "Tue, 10 Nov 2026 08:00:00 GMT"},
                )
            if path == "/broken":
                return self.send(500, b"oops")
            if path == "/slow":
                time.sleep(2.0)
                return self.send(200, PAGE.format(title="Slow", body="Too slow.").encode())
            if path in ("/loop1", "/loop2"):
                other = "/loop2" if path == "/loop1" else "/loop1"
                return self.send(302, b"", headers={"Location": other})
            if path == "/away":
                return self.send(301, b"", headers={"Location": "http://elsewhere.invalid/"})
            if path == "/moved":
                return self.send(301, b"", headers={"Location": "/a2"})
            if path == "/data.json":
                return self.send(200, b"{}", "application/json")
            if path == "/doc.pdf":
                return self.send(200, pdf_bytes(), "application/pdf")
            return self.send(404, b"not found")

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield base, state
    server.shutdown()


def pdf_bytes() -> bytes:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_title("Aftercare Sheet")
    pdf.add_page()
    pdf.set_font("Helvetica", size=12)
    pdf.multi_cell(0, 8, "Drink water and rest after your session.")
    return bytes(pdf.output())


def crawler() -> Crawler:
    return Crawler(concurrency=2, timeout=1.0, retries=2, backoff=0.05)


def test_crawl_saves_good_pages_and_names_every_skip(site, tmp_path: Path) -> None:
    base, state = site
    report = crawler().crawl(tmp_path / "site", sitemap=f"{base}/sitemap.xml")
    reasons = "\n".join(report.failures)
    assert sorted(report.saved) == sorted(f"{base}{p}" for p in ("/a", "/b", "/moved", "/doc.pdf"))
    assert f"{base}/broken: cannot fetch" in reasons and "HTTP 500" in reasons
    assert f"{base}/slow: timed out" in reasons
    assert f"{base}/loop1: redirect loop" in reasons
    assert f"{base}/away: redirects off the site" in reasons
    assert f"{base}/data.json: not an HTML page (application/json)" in reasons
    assert f"{base}/private/x: disallowed by robots.txt" in reasons
    assert "elsewhere.invalid/x" not in reasons + " ".join(report.saved)  # off-site: ignored
    assert state.hits["/broken"] == 2  # retried with backoff
    assert state.hits.get("/private/x", 0) == 0
    assert state.max_active <= 2

    articles = {a.url: a for a in iter_articles(tmp_path / "site") if hasattr(a, "url")}
    cupping = articles[f"{base}/a"]
    assert cupping.title == "Cupping Basics" and "gentle suction" in cupping.body
    assert "NAVTEXT" not in cupping.body and "FOOTERTEXT" not in cupping.body
    # A redirect within the site is followed; the page is known by where it landed.
    assert articles[f"{base}/a2"].title == "Qigong Basics"
    assert articles[f"{base}/a2"].updated == "2026-11-08"  # the sitemap's lastmod
    assert any(a.title == "Aftercare Sheet" for a in articles.values())


def test_vanished_pages_are_removed_and_failed_ones_kept(site, tmp_path: Path) -> None:
    base, state = site
    folder = tmp_path / "site"
    crawler().crawl(folder, sitemap=f"{base}/sitemap.xml")
    before = {p.name for p in folder.iterdir()}
    state.pages.discard("/b")
    report = crawler().crawl(folder, sitemap=f"{base}/sitemap.xml")
    after = {p.name for p in folder.iterdir()}
    assert len(report.removed) == 1 and report.removed[0] in before - after
    assert len(after) == len(before) - 1


@pytest.mark.parametrize(
    ("sitemap", "reason"),
    [
        ("missing-sitemap.xml", "cannot read the sitemap (HTTP 404)"),
        ("gone-sitemap.xml", "cannot read the sitemap (HTTP 404)"),
        ("empty-sitemap.xml", "the sitemap lists no pages of this site"),
    ],
)
def test_unusable_sitemap_fails_and_deletes_nothing(
    site, tmp_path: Path, sitemap: str, reason: str
) -> None:
    base, _ = site
    folder = tmp_path / "site"
    crawler().crawl(folder, sitemap=f"{base}/sitemap.xml")
    before = sorted(p.name for p in folder.iterdir())
    with pytest.raises(CrawlFailed) as caught:
        crawler().crawl(folder, sitemap=f"{base}/{sitemap}")
    assert caught.value.message.startswith(f"{base}/{sitemap}: {reason}")
    assert "every page kept, nothing indexed" in caught.value.message
    assert sorted(p.name for p in folder.iterdir()) == before


def test_crawled_pages_are_indexed(site, tmp_path: Path) -> None:
    base, _ = site
    knowledge = tmp_path / "knowledge"
    crawler().crawl(knowledge / "site", urls=[f"{base}/a", f"{base}/b"])
    services = build_services(Settings(data_dir=tmp_path / "data"), embedder=FakeEmbedder())
    report = services.indexer.run(knowledge, progress=False)
    assert report.articles == 2 and not report.failures
    records = {r.url: r for r in services.store.manifest().values()}
    assert set(records) == {f"{base}/a", f"{base}/b"}
    assert records[f"{base}/b"].updated == "2026-11-10"  # from the Last-Modified header


@pytest.mark.slow
def test_ingest_cli_with_sitemap(site, tmp_path: Path, knowledge_copy: Path) -> None:
    import os
    import subprocess
    import sys

    from conftest import ROOT

    base, _ = site
    env = {
        **os.environ,
        "BOT_DATA_DIR": str(tmp_path / "data"),
        "HF_HUB_OFFLINE": "1",
        "BOT_CRAWL_TIMEOUT": "1",
        "BOT_CRAWL_RETRIES": "2",
    }
    result = subprocess.run(
        [
            sys.executable,
            str(ROOT / "ingest.py"),
            "--source",
            str(knowledge_copy),
            "--sitemap",
            f"{base}/sitemap.xml",
            "--quiet",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 1  # some pages were skipped, and each is named
    assert "site: 4 page(s) saved, 0 removed, 6 skipped" in result.stdout
    assert f"error: {base}/slow: timed out" in result.stderr
    assert "articles: 13 (13 new" in result.stdout  # 9 clinic articles + 4 pages


@pytest.mark.slow
def test_ingest_cli_with_a_404_sitemap_keeps_everything(
    site, tmp_path: Path, knowledge_copy: Path
) -> None:
    import os
    import subprocess
    import sys

    from conftest import ROOT

    base, _ = site
    (knowledge_copy / "site").mkdir()
    (knowledge_copy / "site" / "kept.html").write_text("<h1>Kept</h1>")
    env = {**os.environ, "BOT_DATA_DIR": str(tmp_path / "data"), "HF_HUB_OFFLINE": "1"}
    result = subprocess.run(
        [
            sys.executable,
            str(ROOT / "ingest.py"),
            "--source",
            str(knowledge_copy),
            "--sitemap",
            f"{base}/gone-sitemap.xml",
            "--quiet",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 10
    assert result.stderr.strip().splitlines() == [
        f"error: {base}/gone-sitemap.xml: cannot read the sitemap (HTTP 404); "
        "every page kept, nothing indexed"
    ]
    assert (knowledge_copy / "site" / "kept.html").exists()
    assert not (tmp_path / "data" / "chroma").exists()  # no index version was built


def test_crawl_works_from_inside_a_running_event_loop(site, tmp_path: Path) -> None:
    import asyncio

    base, _ = site

    async def from_async_code():
        return crawler().crawl(tmp_path / "site", urls=[f"{base}/a"])

    # A thread of its own, so this test's event loop is the only one in it (playwright may
    # already run one in the main thread).
    result = []
    worker = threading.Thread(target=lambda: result.append(asyncio.run(from_async_code())))
    worker.start()
    worker.join(60)
    assert result and result[0].saved == [f"{base}/a"]
