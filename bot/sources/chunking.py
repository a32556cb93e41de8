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
_LIST_MARKER = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+")
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
        for section in self._by_header.split_text(article.body):
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
            if len(cleaned) > 2:
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
