"""Reading clinic articles from Markdown, HTML and plain-text files."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import frontmatter
from lxml import html as lxml_html

from bot.errors import SourceError

SUPPORTED_SUFFIXES = (".md", ".markdown", ".html", ".htm", ".txt", ".pdf")

# Inline styles that make text invisible to a reader but not to a scraper.
_HIDDEN_STYLE = re.compile(
    r"display\s*:\s*none|visibility\s*:\s*hidden|opacity\s*:\s*0(\.0*)?\s*(;|$)"
    r"|font-size\s*:\s*0(px|em|rem|%)?\s*(;|$)"
    r"|(?<![-\w])color\s*:\s*(#fff\b|#ffffff\b|white\b|rgb\(\s*255\s*,\s*255\s*,\s*255\s*\))",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Article:
    """One clinic article, with its body as Markdown-like text."""

    source: str
    title: str
    url: str | None
    updated: str | None
    body: str

    @property
    def content_hash(self) -> str:
        """A hash of everything that ends up in the index, to skip unchanged articles."""
        payload = "\x1f".join([self.title, self.url or "", self.updated or "", self.body])
        return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def discover(folder: Path) -> list[Path]:
    """List the article files under ``folder`` in a stable order, skipping hidden files."""
    if not folder.is_dir():
        raise SourceError(str(folder), "not a folder")
    return sorted(
        p
        for p in folder.rglob("*")
        if p.is_file()
        and p.suffix.lower() in SUPPORTED_SUFFIXES
        and not any(part.startswith(".") for part in p.relative_to(folder).parts)
    )


def load_article(path: Path, root: Path) -> Article:
    """Read one file into an :class:`Article`; raise :class:`SourceError` naming the reason."""
    source = path.relative_to(root).as_posix()
    if path.suffix.lower() == ".pdf":
        article = _from_pdf(path, source)
        if not article.body.strip():
            raise SourceError(source, "no text found in the PDF (a scanned image?)")
        return article
    try:
        raw = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as exc:
        raise SourceError(source, f"not UTF-8 text ({exc.reason})") from exc
    except OSError as exc:
        raise SourceError(source, f"cannot read ({exc.strerror})") from exc
    suffix = path.suffix.lower()
    if suffix in (".md", ".markdown"):
        article = _from_markdown(raw, source)
    elif suffix in (".html", ".htm"):
        article = _from_html(raw, source)
    else:
        article = _from_text(raw, source)
    if not article.body.strip():
        raise SourceError(source, "no article text found")
    return article


def iter_articles(folder: Path) -> Iterator[Article | SourceError]:
    """Yield every article under ``folder``, or the error that stopped one from loading."""
    for path in discover(folder):
        try:
            yield load_article(path, folder)
        except SourceError as exc:
            yield exc


def _from_markdown(raw: str, source: str) -> Article:
    try:
        post = frontmatter.loads(raw)
    except Exception as exc:  # the YAML parser raises many types; all mean "bad front matter"
        raise SourceError(source, f"invalid front matter ({exc.__class__.__name__})") from exc
    meta = post.metadata
    body = post.content.strip()
    title = str(meta.get("title") or _first_heading(body) or _stem_title(source))
    return Article(
        source=source,
        title=title,
        url=_opt_str(meta.get("url")),
        updated=_opt_str(meta.get("updated")),
        body=_drop_leading_title(body, title),
    )


def _from_text(raw: str, source: str) -> Article:
    lines = raw.strip().splitlines()
    if not lines:
        raise SourceError(source, "empty file")
    return Article(
        source=source,
        title=lines[0].strip(),
        url=None,
        updated=None,
        body="\n".join(lines[1:]).strip(),
    )


def _from_html(raw: str, source: str) -> Article:
    import trafilatura  # imported on first use: a no-change ingest should start fast

    try:
        tree = lxml_html.document_fromstring(raw)
    except Exception as exc:  # lxml raises ParserError or ValueError on unusable input
        raise SourceError(source, f"cannot parse HTML ({exc})") from exc
    _strip_hidden(tree)
    title = _html_title(tree) or _stem_title(source)
    canonical = tree.xpath("//link[@rel='canonical']/@href")
    updated = tree.xpath(
        "//meta[@name='bot:updated' or @property='article:modified_time' or "
        "@name='last-modified']/@content"
    )
    cleaned = lxml_html.tostring(tree, encoding="unicode")
    body = trafilatura.extract(
        cleaned,
        output_format="markdown",
        include_comments=False,
        include_tables=True,
        include_images=False,
        include_links=False,
        favor_recall=True,
    )
    return Article(
        source=source,
        title=title,
        url=str(canonical[0]).strip() if canonical else None,
        updated=str(updated[0]).strip()[:10] if updated else None,
        body=_drop_leading_title((body or "").strip(), title),
    )


def _from_pdf(path: Path, source: str) -> Article:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(str(path))
        pages = [page.extract_text() or "" for page in reader.pages]
        meta_title = reader.metadata.title if reader.metadata else None
    except (PdfReadError, OSError, ValueError) as exc:
        raise SourceError(source, f"cannot read the PDF ({exc.__class__.__name__})") from exc
    text = "\n\n".join(p.strip() for p in pages if p.strip())
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    title = str(meta_title).strip() if meta_title else (lines[0] if lines else _stem_title(source))
    return Article(
        source=source, title=title, url=None, updated=None, body=_drop_leading_title(text, title)
    )


def _strip_hidden(tree: lxml_html.HtmlElement) -> None:
    """Remove what a visitor cannot see, so hidden text never reaches the index."""
    doomed = tree.xpath(
        "//script|//style|//template|//noscript|//nav|//footer|//iframe"
        "|//*[@hidden]|//*[@aria-hidden='true']|//input[@type='hidden']"
    )
    doomed += [el for el in tree.xpath("//*[@style]") if _HIDDEN_STYLE.search(el.get("style", ""))]
    for el in doomed:
        parent = el.getparent()
        if parent is not None:
            el.drop_tree()


def _html_title(tree: lxml_html.HtmlElement) -> str | None:
    for xpath in ("//h1", "//title"):
        for el in tree.xpath(xpath):
            text = " ".join(el.text_content().split())
            if text:
                return text
    return None


def _first_heading(body: str) -> str | None:
    match = re.search(r"^#\s+(.+)$", body, re.MULTILINE)
    return match.group(1).strip() if match else None


def _drop_leading_title(body: str, title: str) -> str:
    """The title is kept as metadata; a repeated ``# Title`` line would only add noise."""
    lines = body.splitlines()
    if lines and lines[0].lstrip("# ").strip().lower() == title.strip().lower():
        return "\n".join(lines[1:]).strip()
    return body


def _stem_title(source: str) -> str:
    return Path(source).stem.replace("-", " ").replace("_", " ").strip().capitalize()


def _opt_str(value: object) -> str | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)
