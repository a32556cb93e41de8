"""The ingest command line: the same services the API uses, driven from a terminal."""

from __future__ import annotations

import argparse
import json
import sys
import traceback
from collections.abc import Sequence
from pathlib import Path

from bot.config import Settings
from bot.errors import BotError
from bot.index.storage import storage_errors
from bot.refresh.child import ChildChannel, settings_from_json
from bot.refresh.locks import writer_lock
from bot.refresh.report import IngestReport

# Chroma, the model and the crawler are imported only when a run needs them: an ingest
# with nothing changed compares content hashes and exits in about a second.


def parse_args(argv: Sequence[str] | None, settings: Settings) -> argparse.Namespace:
    """Parse the ingest options."""
    parser = argparse.ArgumentParser(
        prog="ingest.py",
        description="Index the clinic's articles (.md, .html, .txt) for the chat bot. "
        "Only new or changed articles are embedded; removed ones are deleted.",
    )
    parser.add_argument(
        "--source",
        type=Path,
        default=settings.knowledge_dir,
        help=f"folder of articles (default: {settings.knowledge_dir})",
    )
    parser.add_argument(
        "--rebuild", action="store_true", help="build a new index from scratch (no reuse)"
    )
    parser.add_argument(
        "--rollback", action="store_true", help="serve the previous index version again"
    )
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    parser.add_argument(
        "--report-json",
        metavar="PATH",
        type=Path,
        help="also write what the run did as JSON to PATH (for tools such as make bench)",
    )
    # The server's Refresh button runs the ingest as a child process (bot/refresh/child.py).
    parser.add_argument("--staff-refresh", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument(
        "--sitemap", metavar="URL", help="also fetch the pages of this sitemap into SOURCE/site"
    )
    parser.add_argument(
        "--url",
        metavar="URL",
        action="append",
        default=[],
        help="also fetch this page into SOURCE/site (repeatable)",
    )
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    """Run an ingest; exit 0 when every file was indexed, 1 when any was skipped.

    Every other status is one error of :mod:`bot.errors` (listed in the README), printed
    as one line; 70 is a failure of no known kind, printed with its traceback.
    """
    settings = Settings()
    args = parse_args(argv, settings)
    channel = None
    if args.staff_refresh:
        request = json.loads(sys.stdin.read())
        settings = settings_from_json(request["settings"])
        channel = ChildChannel(sys.stdout)
        channel.attach(int(request["parent"]))
    try:
        with storage_errors(settings.data_dir):
            return _run(args, settings) if channel is None else _staff_refresh(channel, settings)
    except BotError as exc:
        print(f"error: {exc.message}", file=sys.stderr)
        return exc.exit_code
    except Exception as exc:  # a bug: keep exit 1 for "a file was skipped" and say so
        traceback.print_exc()
        print(f"error: unexpected failure ({exc.__class__.__name__}: {exc})", file=sys.stderr)
        return BotError.exit_code


def _run(args: argparse.Namespace, settings: Settings) -> int:
    """The ingest itself; raises the bot's errors for :func:`main` to report."""
    if args.rollback:
        return _rollback(settings)
    if not args.source.is_dir():
        print(f"error: {args.source}: no such folder", file=sys.stderr)
        return 2
    # Take the lock before loading the model, so a second ingest is refused at once.
    with writer_lock(settings):
        crawl_failures = _crawl(settings, args) if args.sitemap or args.url else []
        report = None if args.rebuild else _unchanged(settings, args.source)
        if report is None:
            from bot.services import build_services

            services = build_services(settings)
            report = services.indexer.run(
                args.source, rebuild=args.rebuild, progress=not args.quiet
            )
    print(report.summary())
    if args.report_json:
        args.report_json.write_text(report.to_json(), encoding="utf-8")
    for warning in report.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    for failure in report.failures + crawl_failures:
        print(f"error: {failure}", file=sys.stderr)
    return 1 if report.failures or crawl_failures else 0


def _staff_refresh(channel: ChildChannel, settings: Settings) -> int:
    """The server's Refresh: the ingest of the knowledge folder, reported as JSON lines.

    The server holds the writer lock for this whole run, so none is taken here.
    """
    report = _unchanged(settings, settings.knowledge_dir)
    if report is None:
        from bot.services import build_services

        services = build_services(settings)
        report = services.indexer.run(
            settings.knowledge_dir, progress=False, on_progress=channel.progress
        )
    channel.send({"report": json.loads(report.to_json())})
    return 1 if report.failures else 0


def _rollback(settings: Settings) -> int:
    from bot.services import build_services

    with writer_lock(settings):
        record = build_services(settings).indexer.rollback()
    print(
        f"rolled back: version {record.version} serves again "
        f"({record.previous} kept for a roll forward)"
    )
    return 0


def _crawl(settings: Settings, args: argparse.Namespace) -> list[str]:
    from bot.sources.crawler import Crawler

    crawler = Crawler(
        concurrency=settings.crawl_concurrency,
        timeout=settings.crawl_timeout,
        retries=settings.crawl_retries,
        page_deadline=settings.crawl_page_deadline,
        max_page_bytes=settings.crawl_max_page_bytes,
    )
    crawl = crawler.crawl(args.source / "site", sitemap=args.sitemap, urls=args.url)
    print(crawl.summary())
    return crawl.failures


def _unchanged(settings: Settings, folder: Path) -> IngestReport | None:
    """The report of a no-change run, from the saved hashes; None if anything changed."""
    if settings.chroma_host or settings.redis_url:
        return None  # another machine may switch a shared index: ask Chroma
    import time

    from bot.embedding import model_dimension
    from bot.refresh.folder import read_articles
    from bot.refresh.saved import SavedHashes

    started = time.perf_counter()
    articles, failures, failed = read_articles(folder, settings.parse_limits)
    model_path = settings.resolve_model_path()
    report = SavedHashes(settings.saved_hashes_path).unchanged(
        settings.model_name(), model_dimension(model_path), articles, failed
    )
    if report is not None:
        report.failures = failures
        report.warnings = [w for a in articles for w in a.warnings]
        report.seconds = time.perf_counter() - started
    return report


if __name__ == "__main__":  # ``python -m bot.cli`` is ``python ingest.py``
    raise SystemExit(main())
