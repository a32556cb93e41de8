"""The extractive answerer: picks a few sentences of the clinic's articles, never invents."""

from __future__ import annotations

import math
import re
from collections import defaultdict
from dataclasses import dataclass

from bot import tuning
from bot.answering.retrieval import Retrieval, ScoredSentence
from bot.index.store import ChunkHit
from bot.patterns import capped, linear

# Questions that ask for a list: tips, ways to prevent, what to do or expect. Their answer is
# the items of the section's list, not the sentences that introduce it.
_LIST_QUESTION = linear(
    r"\b(tips?|advice|ways?|steps|habits|things i can do|what (should|can|do) i (do|expect)|"
    r"what to (do|expect)|how (do|can|should|could) i (prevent|avoid|stop|protect|keep)|"
    r"how (to|do you) (prevent|avoid|stop|protect)|prevent\w*|avoid\w*)\b",
    ignore_case=True,
)
# Questions whose answer is a number ("how many needles do you use?", "how many years has
# she practised?"), and the words that give one. An answer without any is not an answer to
# them, however close its words are ("The clinic uses only sterile, single-use needles").
# "How much" is left out: it asks a degree as often as an amount ("how much does it hurt?").
_QUANTITY_QUESTION = linear(r"\bhow many\b", ignore_case=True)
_QUANTITY = linear(
    r"\d|\b(one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|"
    r"forty|fifty|hundred|dozen|once|twice|half|few|several|couple|single)\b",
    ignore_case=True,
)
_ITEM_LINE = re.compile(r"^\s*(?:[-*+\u2022]|\d{1,3}[.)])\s+(.+)$", re.MULTILINE)


def asks_for_list(question: str) -> bool:
    """Whether ``question`` asks for tips or steps ("How can I avoid hurting my back?")."""
    return bool(_LIST_QUESTION.search(capped(question)))


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
    """Build the answer from the best-matching section, or None when nothing is relevant.

    Sentences come from the section that answers, in the article's order; a list question
    gets the section's list items. A second section joins only from the same article.
    """
    if not is_relevant(retrieval, min_relevance, coverage_floor):
        return None
    sections = _sections(retrieval.sentences)
    ranked = [hit.id for hit in rank_sections(retrieval)]
    first = sections[ranked[0]]
    # The runner-up counts only from the same article: nothing from an unrelated one.
    same = sections[ranked[1]] if len(ranked) > 1 else None
    if same is not None and same[0].chunk.source != first[0].chunk.source:
        same = None
    trail = _section_score(first, retrieval) - _section_score(same, retrieval) if same else math.inf
    want_list = asks_for_list(retrieval.query)
    pool = _candidates(first, want_list)
    # Two sections of one article that retrieval cannot tell apart ("could I get an infection
    # from the needles?": the section on the pinch and the one on sterile needles) both offer
    # sentences, and the sentences' own similarity decides rather than a coin toss.
    tied = same is not None and trail <= tuning.SECTION_TIE_MARGIN
    if tied and same is not None:
        pool += _candidates(same, want_list)
    chosen = _pick(pool, max_chars, [])
    # A one-sentence answer takes the best sentence of a runner-up nearly as good.
    if not tied and same is not None and len(chosen) < 2 and trail <= tuning.SECOND_SECTION_MARGIN:
        used = sum(len(s.text) + 1 for s in chosen)
        chosen += _pick(_candidates(same, False), max_chars - used, chosen)[:1]

    if _QUANTITY_QUESTION.search(capped(retrieval.query)) and not any(
        _QUANTITY.search(s.text) for s in chosen
    ):
        return None
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


def _candidates(sentences: list[ScoredSentence], want_list: bool) -> list[ScoredSentence]:
    """The sentences an answer may use: no lone labels and no questions ("Wondering
    whether it hurts?" answers nothing); only the list items for a list question whose
    section has a list."""
    full = [s for s in sentences if _states(s.text)] or sentences
    if not want_list:
        return full
    items = {m.group(1).strip()[:40] for m in _ITEM_LINE.finditer(full[0].chunk.text)}
    listed = [s for s in full if s.text[:40] in items]
    return listed if len(listed) >= 2 else full


def _states(sentence: str) -> bool:
    """Whether ``sentence`` can answer: long enough to say something, and not a question."""
    long_enough = len(sentence.split()) >= tuning.ANSWER_MIN_WORDS
    return long_enough and not sentence.rstrip(" \"')*_").endswith("?")


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
