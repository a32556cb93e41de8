"""Limits on reading one article file, so a hostile or broken file costs seconds, not the server.

Article files come from staff uploads and from the clinic's website, so any of them may be
crafted: a PDF that declares 14,000 pages, a PDF whose streams inflate to gigabytes, YAML
front matter whose aliases expand a few hundred bytes into a billion strings. Every limit
here turns such a file into a :class:`~bot.errors.SourceError` naming the limit, which the
ingest reports as a skipped file and the staff page as a refused upload.

The defaults are the settings' defaults (``BOT_MAX_SOURCE_BYTES``, ``BOT_MAX_PDF_PAGES``,
``BOT_PARSE_SECONDS``); this module imports nothing from the bot so the settings can use them.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from urllib.parse import urlsplit

# A long clinic handout is a few megabytes; ten times that is not an article any more.
DEFAULT_MAX_SOURCE_BYTES = 20_000_000
# Patient handouts run to tens of pages; hundreds means a manual or a crafted file.
DEFAULT_MAX_PDF_PAGES = 300
# Our slowest real article (a 40-page PDF) parses in under two seconds on two cores.
DEFAULT_PARSE_SECONDS = 20.0

# Schemes a visitor's browser may open from a source link; javascript:, data:, file: and
# the like would run or read something on the visitor's machine instead.
_WEB_SCHEMES = ("http", "https")


@dataclass(frozen=True)
class ParseLimits:
    """How much one article file may cost to read."""

    max_bytes: int = DEFAULT_MAX_SOURCE_BYTES
    max_pdf_pages: int = DEFAULT_MAX_PDF_PAGES
    seconds: float = DEFAULT_PARSE_SECONDS

    def deadline(self) -> Deadline:
        """Start the clock for one file."""
        return Deadline(self.seconds)


@dataclass
class Deadline:
    """A time budget checked between units of work (pages), never by a timed thread.

    Parsing runs in the caller's thread and cannot be interrupted safely, so the budget is
    checked after each page: one page may overrun it, a thousand slow pages cannot.
    """

    seconds: float
    _start: float = field(default_factory=time.monotonic)

    def expired(self) -> bool:
        """Whether the budget is spent."""
        return time.monotonic() - self._start > self.seconds


def web_url(value: str | None) -> tuple[str | None, str | None]:
    """Return ``(url, None)`` for an http(s) or site-relative URL, else ``(None, why)``.

    Browsers ignore tabs, newlines and leading spaces in a URL, so ``java\\tscript:`` runs
    as ``javascript:``; the check removes them before it reads the scheme.
    """
    if value is None:
        return None, None
    cleaned = "".join(ch for ch in value if ch > " " and ch != "\x7f")
    if not cleaned:
        return None, None
    parts = urlsplit(cleaned)
    if parts.scheme.lower() in _WEB_SCHEMES and parts.netloc:
        return cleaned, None
    # "//host" and "/\\host" leave the site in a browser; one slash then a path does not.
    if not parts.scheme and cleaned.startswith("/") and not cleaned.startswith(("//", "/\\")):
        return cleaned, None  # site-relative: joined to BOT_SITE_URL when shown
    shown = cleaned[:40] + ("..." if len(cleaned) > 40 else "")
    return None, f"the url {shown!r} is not an http(s) or site-relative address; it was dropped"
