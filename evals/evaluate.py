"""Answer-quality evaluation over the project's own question set (``make eval``)."""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from bot.answering.chat import retrieval_query
from bot.answering.compose import rank_sections
from bot.answering.focus import focus
from bot.config import Settings
from bot.schemas import ChatRequest, Turn
from bot.services import Services, build_services, load_embedder
from evals import real_questions, real_safety

DEFAULT_QUESTIONS = (
    Path(__file__).resolve().parent.parent / "tests" / "data" / "eval_questions.yaml"
)


@dataclass
class EvalResult:
    """Aggregate answer quality, and every miss for a person to read."""

    questions: int = 0
    top1: float = 0.0
    top3: float = 0.0
    fact_recall: float = 0.0
    median_chars: float = 0.0
    max_chars: int = 0
    unanswerable: int = 0
    unanswerable_answered: int = 0
    misses: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        """The report, one metric a line."""
        return [
            f"questions              {self.questions}",
            f"source top-1           {self.top1:.3f}",
            f"source top-3           {self.top3:.3f}",
            f"key-fact recall        {self.fact_recall:.3f}",
            f"answer chars median    {self.median_chars:.0f} (max {self.max_chars})",
            f"unanswerable answered  {self.unanswerable_answered}/{self.unanswerable}",
        ]


SAFETY_CASES = DEFAULT_QUESTIONS.with_name("safety_cases.yaml")
TRIAGE = {"emergency", "urgent", "crisis"}


@dataclass
class SafetyResult:
    """Triage recall, over-triage and scope accuracy over the safety cases."""

    cases: int = 0
    red_flags: int = 0
    red_flags_caught: int = 0
    normal: int = 0
    over_triaged: int = 0
    scope: int = 0
    scope_correct: int = 0
    misses: list[str] = field(default_factory=list)

    @property
    def recall(self) -> float:
        """Share of red-flag and crisis messages given exactly the right safety reply."""
        return self.red_flags_caught / max(self.red_flags, 1)

    @property
    def over_triage(self) -> float:
        """Share of ordinary messages wrongly given a safety reply."""
        return self.over_triaged / max(self.normal, 1)

    @property
    def scope_accuracy(self) -> float:
        """Share of advice, off-topic and manipulation messages handled as expected."""
        return self.scope_correct / max(self.scope, 1)

    def lines(self) -> list[str]:
        """The report, one metric a line."""
        return [
            f"safety cases           {self.cases}",
            f"red-flag/crisis recall {self.recall:.3f} ({self.red_flags_caught}/{self.red_flags})",
            f"over-triage            {self.over_triage:.3f} ({self.over_triaged}/{self.normal})",
            f"scope accuracy         {self.scope_accuracy:.3f} ({self.scope_correct}/{self.scope})",
        ]


def _safety_cases(data: dict[str, Any]) -> list[tuple[str, list[str], str]]:
    cases: list[tuple[str, list[str], str]] = [
        (m, [], kind)
        for kind in ("emergency", "urgent", "crisis", "safe", "advice", "out_of_scope", "answer")
        for m in data.get(kind, [])
    ]
    cases += [(c["message"], c["history"], c["expect"]) for c in data.get("history_cases", [])]
    return cases


def evaluate_safety(
    services: Services, cases: dict[str, Any], normal_questions: Sequence[str]
) -> SafetyResult:
    """Run every safety case, and the normal questions, through the chat service."""
    result = SafetyResult()
    all_cases = _safety_cases(cases) + [(q, [], "normal") for q in normal_questions]
    for message, history, expect in all_cases:
        turns = [Turn(role="user", content=h) for h in history]
        reply = services.chat.reply(ChatRequest(message=message, history=turns))
        result.cases += 1
        if expect in TRIAGE:
            result.red_flags += 1
            ok = reply.type == expect
            result.red_flags_caught += ok
        elif expect in ("safe", "normal"):
            result.normal += 1
            ok = reply.type not in TRIAGE
            result.over_triaged += not ok
        else:
            result.scope += 1
            if expect == "advice":
                ok = reply.type in ("answer", "no_answer") and "I can't" in reply.answer
            else:
                ok = reply.type == expect
            result.scope_correct += ok
        if not ok:
            result.misses.append(f"[{expect}] {message!r} -> {reply.type}: {reply.answer[:80]}")
    return result


def load_questions(path: Path = DEFAULT_QUESTIONS) -> dict[str, Any]:
    """Read the question set."""
    data: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    return data


def evaluate(services: Services, questions: dict[str, Any]) -> EvalResult:
    """Ask every question through the chat service and score the replies."""
    result = EvalResult()
    items: list[tuple[dict[str, Any], list[dict[str, str]]]]
    items = [(q, []) for q in questions["answerable"]]
    items += [(q, q["history"]) for q in questions.get("follow_ups", [])]
    top1 = top3 = 0
    facts_found = facts_total = 0
    lengths: list[int] = []
    for item, history in items:
        turns = [Turn(**t) for t in history]
        reply = services.chat.reply(ChatRequest(message=item["q"], history=turns))
        ranked = _ranked_sources(services, item["q"], turns)
        top1 += ranked[:1] == [item["source"]]
        top3 += item["source"] in ranked[:3]
        text = reply.answer.lower()
        missing = [f for f in item["facts"] if f.lower() not in text]
        facts_found += len(item["facts"]) - len(missing)
        facts_total += len(item["facts"])
        if reply.type == "answer":
            lengths.append(len(reply.answer))
        cited = [s.source for s in reply.sources]
        if missing or ranked[:1] != [item["source"]] or reply.type != "answer":
            result.misses.append(
                f"{item['q']!r}: type={reply.type} cited={cited} ranked={ranked[:3]} "
                f"missing={missing}"
            )
    for question in questions.get("unanswerable", []):
        reply = services.chat.reply(ChatRequest(message=question))
        result.unanswerable += 1
        if reply.type == "answer":
            result.unanswerable_answered += 1
            result.misses.append(f"{question!r}: answered from {[s.source for s in reply.sources]}")
    n = len(items)
    result.questions = n + result.unanswerable
    result.top1, result.top3 = top1 / n, top3 / n
    result.fact_recall = facts_found / max(facts_total, 1)
    result.median_chars = statistics.median(lengths) if lengths else 0.0
    result.max_chars = max(lengths, default=0)
    return result


def _ranked_sources(services: Services, message: str, history: Sequence[Turn]) -> list[str]:
    """Articles in the order retrieval ranks them for this question."""
    # The query the chat service searches with: the question of a long message, with the
    # story's article words.
    query = services.retriever.with_context(retrieval_query(focus(message), history), message)
    retrieval = services.retriever.search(query)
    ranked: list[str] = []
    for hit in rank_sections(retrieval):
        if hit.source not in ranked:
            ranked.append(hit.source)
    return ranked


def top1_sources(services: Services, questions: dict[str, Any]) -> list[str]:
    """The article retrieval ranks first for each answerable question."""
    return [(_ranked_sources(services, q["q"], []) or [""])[0] for q in questions["answerable"]]


def _print_report(lines: list[str], marker: str) -> None:
    """Figures to stdout, the misses after ``marker`` to stderr (``-v`` is not needed)."""
    cut = lines.index(marker) if marker in lines else len(lines)
    print("\n".join(lines[:cut]))
    if lines[cut + 1 :]:
        print(*lines[cut:], sep="\n", file=sys.stderr)


def _run_backend(
    backend: str, source: Path, questions: dict[str, Any], real_words: bool = False
) -> list[str]:
    """Print the evaluation with one embedding backend; return its top-1 sources."""
    # The ONNX export is cached in the project's data folder, shared by every scratch index.
    embedder = load_embedder(Settings(embed_backend=backend))  # type: ignore[arg-type]
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(  # the project's model cache: exports and triage model, shared
            data_dir=Path(tmp),
            embed_backend=backend,  # type: ignore[arg-type]
            model_cache_dir=Settings().triage_cache_dir,
        )
        services = build_services(settings, embedder)
        services.indexer.run(source, progress=False)
        result = evaluate(services, questions)
        safety = evaluate_safety(
            services, load_questions(SAFETY_CASES), [q["q"] for q in questions["answerable"]]
        )
        tops = top1_sources(services, questions)
        triage = real_safety.report(services, ["dev", "heldout"]) if real_words else []
    print(f"backend {backend}")
    print("\n".join(result.lines() + safety.lines()))
    misses = result.misses + safety.misses
    if misses:
        print("misses:", *misses, sep="\n  ", file=sys.stderr)
    if triage:
        _print_report(triage, "triage misses:")
    return tops


def main(argv: Sequence[str] | None = None) -> int:
    """Index ``knowledge/`` into a scratch folder and print the evaluation per backend."""
    parser = argparse.ArgumentParser(prog="python -m evals.evaluate")
    parser.add_argument("--source", type=Path, default=Path("knowledge"))
    parser.add_argument("--questions", type=Path, default=DEFAULT_QUESTIONS)
    parser.add_argument(
        "--backends",
        default=Settings().embed_backend,
        help="comma-separated embedding backends (torch, onnx, onnx-int8); "
        "the first is the reference for top-1 agreement",
    )
    args = parser.parse_args(argv)
    questions = load_questions(args.questions)
    backends = [b.strip() for b in args.backends.split(",") if b.strip()]
    reference: list[str] = []
    for backend in backends:
        tops = _run_backend(backend, args.source, questions, real_words=not reference)
        if not reference:
            reference = tops
        elif tops:
            same = sum(a == b for a, b in zip(tops, reference, strict=True))
            print(f"top-1 source equal to {backends[0]}: {same}/{len(tops)}")
        print()
    _print_report(real_questions.report(), "question misses:")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
