"""Answer quality on questions written the way real people ask (``evals/data``).

Two sets, each split by source (or by article) into development and held-out parts:
``questions_real.yaml`` over the clinic's own ``knowledge/``, and ``questions_federal.yaml``
over ``tests/data/federal_corpus`` (another voice and other formats: blog-export HTML, plain
text with short heading lines, Markdown). Each question goes through the whole chat service.
"""

from __future__ import annotations

import tempfile
import zlib
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import yaml

from bot.config import Settings
from bot.schemas import ChatReply, ChatRequest
from bot.services import Services, build_services
from evals.tally import Tally

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
SETS = {
    "real": (DATA / "questions_real.yaml", ROOT / "knowledge"),
    "federal": (DATA / "questions_federal.yaml", ROOT / "tests" / "data" / "federal_corpus"),
}
REFUSAL = "I can't"


class QuestionFigures(Tally):
    """Counts for one part of one set."""

    def lines(self) -> list[str]:
        """One line per metric."""
        names = {
            "top1": "right article first",
            "fact": "a key fact in the answer",
            "answered": "answerable questions answered",
            "declined": "unanswerable questions declined",
            "advice": "medication/diagnosis requests declined",
        }
        return self.table(names, indent="    ")


def score(item: dict[str, Any], reply: ChatReply, figures: QuestionFigures) -> None:
    """Score one reply against its item."""
    kind = item.get("kind", "answerable")
    cited = [s.source for s in reply.sources]
    if kind == "answerable":
        answered = reply.type == "answer"
        top1 = answered and cited[:1] == [item["article"]]
        text = reply.answer.lower()
        fact = answered and any(f.lower() in text for f in item["facts"])
        figures.add("answered", answered)
        figures.add("top1", top1)
        figures.add("fact", fact)
        ok = top1 and fact
    elif kind == "advice":
        ok = reply.answer.startswith(REFUSAL) or reply.type in ("emergency", "urgent", "crisis")
        figures.add("advice", ok)
    else:
        ok = reply.type != "answer"
        figures.add("declined", ok)
    if not ok:
        figures.misses.append(
            f"[{kind} {item.get('article')}] {item['q'][:80]!r} -> {reply.type} {cited}: "
            f"{reply.answer[:70]!r}"
        )


def dev_half(item: dict[str, Any]) -> str:
    """Which half of the development part ``item`` is in, by its source site.

    A change to answering is chosen on one half and confirmed on the other (or kept only if
    it loses on neither): a rule fitted to some sites' wording shows up as a split result.
    """
    site = urlparse(str(item.get("source", ""))).netloc
    return "dev-a" if zlib.crc32(site.encode()) % 2 == 0 else "dev-b"


def evaluate_set(services: Services, questions: Path) -> dict[str, QuestionFigures]:
    """Figures per split for one question file, and per half of the development part."""
    data = yaml.safe_load(questions.read_text(encoding="utf-8"))
    parts = {name: QuestionFigures() for name in ("dev", "heldout", "dev-a", "dev-b")}
    for item in data["items"]:
        reply = services.chat.reply(ChatRequest(message=str(item["q"])[:2000]))
        score(item, reply, parts[item["split"]])
        if item["split"] == "dev":
            score(item, reply, parts[dev_half(item)])
    return parts


def report() -> list[str]:
    """Both sets, each indexed into a scratch folder, development and held-out apart."""
    lines: list[str] = []
    misses: list[str] = []
    for name, (questions, corpus) in SETS.items():
        with tempfile.TemporaryDirectory() as tmp:
            settings = Settings(
                data_dir=Path(tmp),
                knowledge_dir=corpus,
                model_cache_dir=Settings().triage_cache_dir,
            )
            services = build_services(settings)
            services.indexer.run(corpus, progress=False)
            parts = evaluate_set(services, questions)
        lines.append(f"real questions, {name} set ({questions.name} over {corpus.name}/):")
        titles = {
            "dev": "development",
            "heldout": "held-out",
            "dev-a": "development, half A by source site",
            "dev-b": "development, half B by source site",
        }
        halves = all(parts[h].counts for h in ("dev-a", "dev-b"))
        for part, figures in parts.items():
            if part.startswith("dev-") and not halves:
                continue  # the dev sources are one site (the federal set): no halves
            lines.append(f"  {titles[part]}:")
            lines += figures.lines()
            if part in ("dev", "heldout"):
                misses += [f"{name}/{part} {m}" for m in figures.misses]
    return [*lines, "question misses:", *(f"  {m}" for m in misses)]


if __name__ == "__main__":
    print("\n".join(report()))
