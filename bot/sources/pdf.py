"""Reading the text of a PDF within the file's limits; every failure is a SourceError."""

from __future__ import annotations

from pathlib import Path

from pypdf import PdfReader
from pypdf.errors import LimitReachedError, PdfReadError
from pypdf.generic import DictionaryObject, NumberObject

from bot.errors import SourceError
from bot.limits import ParseLimits


def read_pdf(path: Path, source: str, limits: ParseLimits) -> tuple[str | None, list[str]]:
    """Return the PDF's metadata title and the text of each page.

    The caller has checked the file's size. The declared page count is checked before any
    page is read, so a file of 14,000 blank pages is refused at once; the time budget is
    checked after every page.
    """
    deadline = limits.deadline()
    try:
        reader = PdfReader(str(path))
        _check_pages(_declared_pages(reader), source, limits)
        pages = reader.pages
        _check_pages(len(pages), source, limits)  # the count in the file may lie
        texts: list[str] = []
        for number, page in enumerate(pages, start=1):
            texts.append(page.extract_text() or "")
            if deadline.expired():
                raise SourceError(
                    source,
                    f"reading the PDF took longer than {limits.seconds:g} s "
                    f"(stopped at page {number}; limit BOT_PARSE_SECONDS)",
                )
        meta_title = reader.metadata.title if reader.metadata else None
    except SourceError:
        raise
    except LimitReachedError as exc:
        # pypdf's own guards: a stream that inflates past its cap, a cyclic page tree...
        raise SourceError(source, f"the PDF is over a safety limit ({exc})") from exc
    except MemoryError as exc:
        raise SourceError(source, "the PDF needs too much memory to read") from exc
    except Exception as exc:  # pypdf raises many types on malformed files; all mean "unreadable"
        raise SourceError(source, f"cannot read the PDF ({exc.__class__.__name__})") from exc
    return (str(meta_title) if meta_title else None), texts


def _declared_pages(reader: PdfReader) -> int:
    """The page tree's own /Count: one lookup, where listing the pages walks all of them."""
    try:
        tree = reader.root_object["/Pages"].get_object()
        count = tree.get("/Count") if isinstance(tree, DictionaryObject) else None
        return int(count) if isinstance(count, NumberObject) else 0
    except (KeyError, TypeError, ValueError, PdfReadError):
        return 0  # no usable count: the real one is checked after listing the pages


def _check_pages(count: int, source: str, limits: ParseLimits) -> None:
    if count > limits.max_pdf_pages:
        raise SourceError(
            source,
            f"the PDF has {count:,} pages, over the {limits.max_pdf_pages:,} page limit "
            "(BOT_MAX_PDF_PAGES)",
        )
