"""Splitting articles into section-aware chunks and the sentences answers are built from."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from functools import lru_cache

import pysbd
from langchain_text_splitters import MarkdownHeaderTextSplitter, RecursiveCharacterTextSplitter

from bot.sources.articles import Article

_HEADERS = [("#", "h1"), ("##", "h2"), ("###", "h3")]
# A Markdown bullet or number needs the space after it ("**Tip:** text" is bold, not an item
# whose text is "*Tip:**"); a typographic bullet may stand against its text ("\u2022Rest").
_LIST_MARKER = re.compile(
    r"^\s*(?:(?:[-*+]|\d{1,3}[.)])\s+|[\u2022\u25e6\u25aa\u2023\u25cf\u2013]\s*)(?=\S)"
)
# Markup that converters leave behind: backslash escapes ("2\\. Stretch", "\\*\\*bold"),
# whole-line bold "headings", numbered bold lead-ins ("**1. Muscle Relaxation:** text").
_ESCAPE = re.compile(r"\\+([\\`*_{}\[\]()#+\-.!>|~])")
_BOLD_LINE = re.compile(r"^(\*\*|__)([^*_\n]{2,100})\1:?$")
_NUMBERED_BOLD = re.compile(r"^(\*\*|__)\s{0,3}\d{1,3}[.)]\s{0,3}([^*_\n]{1,100}?)\1\s{0,3}")
# The labels of an FAQ page ("Q: Can I eat first?", "A: Yes, a light snack"): not words of
# the question or of its answer.
_LABEL = r"(?:Q|A|Question|Answer|QUESTION|ANSWER)\s?:(?=[\s*_])"
_FAQ_LABEL = re.compile(rf"^(\s*)(?:(\*\*|__){_LABEL}\s*\2|((?:\*\*|__)?){_LABEL})\s*(?=\S)")
_HAS_WORD = re.compile(r"[^\W\d_]{2,}")
_PLAIN_HEADING_WORDS = 8
_EMPHASIS = re.compile(r"(\*\*|__|\*|_|`)(?=\S)(.+?)(?<=\S)\1")
_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")


@dataclass(frozen=True)
class Sentence:
    """One sentence of a chunk, in reading order."""

    id: str
    text: str
    position: int


@dataclass(frozen=True)
class Chunk:
    """A piece of one article's section, with the context needed to embed and cite it."""

    id: str
    source: str
    title: str
    heading: str
    text: str
    position: int
    sentences: list[Sentence] = field(default_factory=list)

    def sentence_embed_texts(self) -> list[str]:
        """Sentence texts with their heading, so "Most feel a brief pinch" knows it is about pain.

        The article title is left out: it would make every sentence of an article look alike.
        """
        if not self.heading:
            return [s.text for s in self.sentences]
        return [f"{self.heading}: {s.text}" for s in self.sentences]

    @property
    def embed_text(self) -> str:
        """The text embedded for retrieval: article title and heading give the chunk context."""
        context = f"{self.title}: {self.heading}" if self.heading else self.title
        return f"{context}\n{self.text}"


class Chunker:
    """Splits articles by Markdown section, then by size, with langchain's splitters."""

    def __init__(self, chunk_size: int = 900) -> None:
        self._by_header = MarkdownHeaderTextSplitter(_HEADERS, strip_headers=True)
        # No overlap: sentences are the unit answers are built from, and overlap would
        # make the same sentence appear twice in one answer.
        self._by_size = RecursiveCharacterTextSplitter(
            chunk_size=chunk_size, chunk_overlap=0, separators=["\n\n", "\n", ". ", " ", ""]
        )

    def split(self, article: Article) -> list[Chunk]:
        """Return the article's chunks with stable ids derived from its source path."""
        prefix = hashlib.sha1(article.source.encode("utf-8")).hexdigest()[:16]
        chunks: list[Chunk] = []
        body = tidy_markup(article.body, plain_text=article.source.lower().endswith(".txt"))
        for section in self._by_header.split_text(body):
            heading = _heading(section.metadata, article.title)
            for piece in self._by_size.split_text(section.page_content):
                text = piece.strip()
                if not text:
                    continue
                chunk_id = f"{prefix}-{len(chunks):04d}"
                sentences = [
                    Sentence(id=f"{chunk_id}-{i:03d}", text=s, position=i)
                    for i, s in enumerate(split_sentences(text))
                ]
                chunks.append(
                    Chunk(
                        id=chunk_id,
                        source=article.source,
                        title=article.title,
                        heading=heading,
                        text=_plain(text),
                        position=len(chunks),
                        sentences=sentences,
                    )
                )
        return chunks


def tidy_markup(body: str, plain_text: bool = False) -> str:
    """Undo converter leftovers so that no markup reaches a sentence.

    Escapes are removed, whole-line bold becomes a heading, "**1. Title:** text" becomes the
    list item "- Title: text". In plain-text articles, a short line between paragraphs
    without closing punctuation ("What the research shows", "The needles.") is a heading.
    """
    lines = [
        _FAQ_LABEL.sub(r"\1\3", _ESCAPE.sub(r"\1", line)).rstrip() for line in body.splitlines()
    ]
    out: list[str] = []
    for i, line in enumerate(lines):
        stripped = line.strip()
        bold = _BOLD_LINE.match(stripped)
        numbered = _NUMBERED_BOLD.match(stripped)
        if bold:
            heading = _LIST_MARKER.sub("", bold.group(2).strip()).rstrip(":")
            out.append(f"## {heading}")
        elif numbered:
            out.append(f"- {numbered.group(2).strip()} {stripped[numbered.end() :]}".rstrip())
        elif plain_text and _looks_like_heading(lines, i):
            out.append(f"## {stripped.rstrip('.:')}")
        else:
            out.append(line)
    return "\n".join(out)


def _looks_like_heading(lines: list[str], i: int) -> bool:
    stripped = lines[i].strip()
    if not stripped or _LIST_MARKER.match(stripped) or stripped.startswith("#"):
        return False
    before = lines[i - 1].strip() if i > 0 else ""
    after = lines[i + 1].strip() if i + 1 < len(lines) else ""
    return (
        not before
        and bool(after)
        and len(stripped.split()) <= _PLAIN_HEADING_WORDS
        # A question alone above its answer ("Does it hurt?") is an FAQ heading.
        and stripped[-1] not in ",;!"
        and stripped.count(".") <= 1
        and (not stripped.endswith(".") or len(stripped.split()) <= 4)
    )


def split_sentences(text: str) -> list[str]:
    """Split Markdown text into clean sentences.

    A list item stays whole: its later sentences lean on its first ("Many points sit near
    nerves. A needle placed there...") and would mislead on their own.
    """
    sentences: list[str] = []
    for block, is_item in _blocks(text):
        parts = [block] if is_item else _segmenter().segment(block)
        for sentence in parts:
            cleaned = " ".join(sentence.split())
            if _HAS_WORD.search(cleaned):  # never a bare list number or stray symbol
                sentences.append(cleaned)
    return sentences


@lru_cache(maxsize=1)
def _segmenter() -> pysbd.Segmenter:
    return pysbd.Segmenter(language="en", clean=False)


def _blocks(text: str) -> list[tuple[str, bool]]:
    """Paragraphs and list items (flagged), with Markdown markup removed."""
    blocks: list[tuple[str, bool]] = []
    current: list[str] = []
    is_item = False
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped or _LIST_MARKER.match(line):
            if current:
                blocks.append((" ".join(current), is_item))
            current, is_item = [], False
            if stripped:
                current, is_item = [_LIST_MARKER.sub("", stripped)], True
            continue
        if is_item and not line[:1].isspace():
            # An unindented line after a list item starts a new paragraph.
            blocks.append((" ".join(current), is_item))
            current, is_item = [], False
        current.append(stripped.lstrip("#> ").strip())
    if current:
        blocks.append((" ".join(current), is_item))
    return [(_plain(b), item) for b, item in blocks if b.strip()]


def _plain(text: str) -> str:
    text = _LINK.sub(r"\1", text)
    previous = None
    while previous != text:
        previous, text = text, _EMPHASIS.sub(r"\2", text)
    return text


def _heading(metadata: dict[str, str], title: str) -> str:
    for key in ("h3", "h2", "h1"):
        value = metadata.get(key)
        if value and value.strip().lower() != title.strip().lower():
            return value.strip()
    return ""
