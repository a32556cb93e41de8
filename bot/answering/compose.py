"""The extractive answerer: picks a few sentences of the clinic's articles, never invents."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from bot import tuning
from bot.answering.retrieval import Retrieval, ScoredSentence
from bot.index.store import ChunkHit


@dataclass(frozen=True)
class Composed:
    """An answer made of article sentences, and the articles it cites."""

    text: str
    sentences: list[ScoredSentence]
    sources: list[ChunkHit]


def compose(
    retrieval: Retrieval,
    min_relevance: float,
    max_chars: int = 500,
    coverage_floor: float = tuning.COVERAGE_FLOOR,
) -> Composed | None:
    """Build the answer from the best-matching section, or None when nothing is relevant."""
    if not is_relevant(retrieval, min_relevance, coverage_floor):
        return None
    sections = _sections(retrieval.sentences)
    ranked = [hit.id for hit in rank_sections(retrieval)]
    chosen = _pick(sections[ranked[0]], max_chars, [])
    if len(chosen) < 2 and len(ranked) > 1:
        runner_up = sections[ranked[1]]
        best = _section_score(sections[ranked[0]], retrieval)
        if _section_score(runner_up, retrieval) >= best - tuning.SECOND_SECTION_MARGIN:
            used = sum(len(s.text) + 1 for s in chosen)
            chosen += _pick(runner_up, max_chars - used, chosen)[:1]

    order = {cid: i for i, cid in enumerate(ranked)}
    chosen.sort(key=lambda s: (order[s.chunk.id], s.position))
    sources: list[ChunkHit] = []
    for s in chosen:
        if all(src.source != s.chunk.source for src in sources):
            sources.append(s.chunk)
    return Composed(text=" ".join(s.text for s in chosen), sentences=chosen, sources=sources)


def is_relevant(
    retrieval: Retrieval, min_relevance: float, coverage_floor: float = tuning.COVERAGE_FLOOR
) -> bool:
    """Whether the articles really address the question, not just its familiar words."""
    return (
        bool(retrieval.sentences)
        and retrieval.top_score >= min_relevance
        and retrieval.known_part_similarity >= coverage_floor
    )


def rank_sections(retrieval: Retrieval) -> list[ChunkHit]:
    """Retrieved sections, best answer first."""
    sections = _sections(retrieval.sentences)
    ranked = sorted(sections.values(), key=lambda g: _section_score(g, retrieval), reverse=True)
    return [group[0].chunk for group in ranked]


def _sections(sentences: list[ScoredSentence]) -> dict[str, list[ScoredSentence]]:
    grouped: dict[str, list[ScoredSentence]] = defaultdict(list)
    for s in sentences:
        grouped[s.chunk.id].append(s)
    return grouped


def _section_score(sentences: list[ScoredSentence], retrieval: Retrieval) -> float:
    """How well a section answers: its similarity, its best sentence's, keywords and title."""
    chunk = sentences[0].chunk
    return (
        tuning.SEMANTIC_WEIGHT * chunk.score
        + tuning.SEMANTIC_WEIGHT * max(s.similarity for s in sentences)
        + tuning.LEXICAL_WEIGHT * retrieval.lexical.get(chunk.id, 0.0)
        + tuning.TITLE_WEIGHT * retrieval.titles.get(chunk.source, 0.0)
    )


def _pick(
    sentences: list[ScoredSentence], budget: int, taken: list[ScoredSentence]
) -> list[ScoredSentence]:
    """The section's most relevant sentences (lead-biased) that fit in ``budget`` characters."""
    by_merit = sorted(
        sentences,
        key=lambda s: (
            s.similarity
            + tuning.OVERLAP_BONUS * s.overlap
            + max(0.0, tuning.LEAD_BONUS - tuning.LEAD_DECAY * s.position)
        ),
        reverse=True,
    )
    picked: list[ScoredSentence] = []
    used = 0
    for s in by_merit:
        if len(picked) >= tuning.MAX_SENTENCES:
            break
        if s in taken or (picked and used + 1 + len(s.text) > budget):
            continue
        picked.append(s)
        used += len(s.text) + (1 if used else 0)
    return picked
