"""Reading clinic articles from Markdown, HTML, plain-text and PDF files.

Every way a file can fail, including the limits in :mod:`bot.limits`, ends as a
:class:`~bot.errors.SourceError` naming the file and the reason; nothing else escapes.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import frontmatter
import yaml
from frontmatter.default_handlers import YAMLHandler
from lxml import html as lxml_html

from bot.errors import SourceError
from bot.limits import ParseLimits, web_url

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
    # What was dropped while reading (an unsafe url...), for the ingest's warnings.
    warnings: tuple[str, ...] = field(default=(), compare=False)

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


def load_article(path: Path, root: Path, limits: ParseLimits | None = None) -> Article:
    """Read one file into an :class:`Article`; raise :class:`SourceError` naming the reason."""
    limits = limits or ParseLimits()
    source = path.relative_to(root).as_posix()
    _check_size(path, source, limits)
    if path.suffix.lower() == ".pdf":
        article = _from_pdf(path, source, limits)
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


def iter_articles(
    folder: Path, limits: ParseLimits | None = None
) -> Iterator[Article | SourceError]:
    """Yield every article under ``folder``, or the error that stopped one from loading."""
    for path in discover(folder):
        try:
            yield load_article(path, folder, limits)
        except SourceError as exc:
            yield exc


def _check_size(path: Path, source: str, limits: ParseLimits) -> None:
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise SourceError(source, f"cannot read ({exc.strerror})") from exc
    if size > limits.max_bytes:
        raise SourceError(
            source,
            f"the file is {size:,} bytes, over the {limits.max_bytes:,} byte limit "
            "(BOT_MAX_SOURCE_BYTES)",
        )


class _NoAliasLoader(yaml.SafeLoader):
    """Safe YAML without anchors and aliases.

    Aliases are how a few hundred bytes of YAML ("billion laughs") expand into gigabytes
    once the value is used; article front matter has no need for them.
    """

    def compose_node(self, parent: yaml.Node | None, index: int) -> yaml.Node | None:
        event = self.peek_event()  # type: ignore[no-untyped-call]  # untyped in the stubs
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            raise yaml.YAMLError("anchors and aliases (& and *) are not allowed in front matter")
        return super().compose_node(parent, index)


class _SafeYAMLHandler(YAMLHandler):
    """python-frontmatter's YAML handler with the alias-free loader."""

    def load(self, fm: str, **kwargs: object) -> Any:
        return yaml.load(fm, Loader=_NoAliasLoader)  # a SafeLoader subclass


def _from_markdown(raw: str, source: str) -> Article:
    handler = frontmatter.detect_format(raw, frontmatter.handlers)
    if isinstance(handler, YAMLHandler):
        handler = _SafeYAMLHandler()
    try:
        post = frontmatter.loads(raw, handler=handler)
    except yaml.YAMLError as exc:
        reason = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise SourceError(source, f"invalid front matter ({reason})") from exc
    except Exception as exc:  # the YAML parser raises many types; all mean "bad front matter"
        raise SourceError(source, f"invalid front matter ({exc.__class__.__name__})") from exc
    meta = post.metadata
    body = post.content.strip()
    title = str(meta.get("title") or _first_heading(body) or _stem_title(source))
    url, warning = web_url(_opt_str(meta.get("url")))
    return Article(
        source=source,
        title=title,
        url=url,
        updated=_opt_str(meta.get("updated")),
        body=_drop_leading_title(body, title),
        warnings=(f"{source}: {warning}",) if warning else (),
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
    try:
        tree = lxml_html.document_fromstring(raw)
    except Exception as exc:  # lxml raises ParserError or ValueError on unusable input
        raise SourceError(source, f"cannot parse HTML ({exc})") from exc
    _strip_hidden(tree)
    title = _html_title(tree) or _stem_title(source)
    # The page's address: its canonical link, else the one it gives for sharing (blog exports
    # often keep only the Open Graph tags).
    canonical = tree.xpath("//link[@rel='canonical']/@href") or tree.xpath(
        "//meta[@property='og:url']/@content"
    )
    updated = tree.xpath(
        "//meta[@name='bot:updated' or @property='article:modified_time' or "
        "@name='last-modified']/@content"
    )
    try:
        import trafilatura  # heavy, and only HTML needs it: a no-change ingest stays fast

        body = trafilatura.extract(
            lxml_html.tostring(tree, encoding="unicode"),
            output_format="markdown",
            include_comments=False,
            include_tables=True,
            include_images=False,
            include_links=False,
            favor_recall=True,
        )
    except Exception as exc:  # trafilatura's own parsers may fail on odd markup
        raise SourceError(source, f"cannot extract the text ({exc.__class__.__name__})") from exc
    url, warning = web_url(str(canonical[0]) if canonical else None)
    return Article(
        source=source,
        title=title,
        url=url,
        updated=str(updated[0]).strip()[:10] if updated else None,
        body=_drop_leading_title((body or "").strip(), title),
        warnings=(f"{source}: {warning}",) if warning else (),
    )


def _from_pdf(path: Path, source: str, limits: ParseLimits) -> Article:
    from bot.sources.pdf import read_pdf  # pypdf is loaded only for PDFs

    meta_title, pages = read_pdf(path, source, limits)
    text = "\n\n".join(p.strip() for p in pages if p.strip())
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    title = meta_title.strip() if meta_title else (lines[0] if lines else _stem_title(source))
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
