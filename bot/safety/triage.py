"""Red flags, urgent signs and crisis: checked before any article is looked up.

The message is first folded (:mod:`bot.safety.text`: Unicode tricks and look-alike letters
undone). Then layers, so that one catches what another misses:

1. reviewed English rules over normalised text with negation scopes ("no fever" is not a
   fever) and ConText's modifiers (:mod:`bot.safety.context`), read with the recent turns
   so a red flag split across messages is caught;
2. reviewed Spanish and Chinese patterns (:mod:`bot.safety.rules_i18n`);
3. a classifier trained on real people's wording that reads the whole message and each
   sentence, so a red flag in sentence four of six counts: by default a copy of the model
   fine-tuned on the safety dataset's development part (:mod:`bot.safety.finetune`);
   otherwise a logistic regression over the retrieval model's vectors, helped by
   similarity to reviewed exemplars (:mod:`bot.safety.classifier`).

The result is graded: a clear finding gets the emergency, urgent or crisis reply; a
possible one (the classifier's middle band) gets the answer plus a safety-net paragraph.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from bot import tuning
from bot.embedding import Embedder, Vectors
from bot.safety import classifier, rules_i18n
from bot.safety.exemplars import BENIGN, EXEMPLARS
from bot.safety.language import Language, detect
from bot.safety.reading import affirmed, is_negated, rule_parts, rules_text
from bot.safety.rules import RELATIVE, RULES
from bot.safety.scope import strip_manipulation
from bot.safety.text import fold
from bot.safety.verdict import RANK, Flag, classified, crisis_outweighed, rules_cleared

# Someone else is the patient: the reply then asks the helper to call for them.
_SOMEONE_ELSE = re.compile(
    rf"{RELATIVE}"
    r"|\b(mi|mis) (padre|madre|papa|mama|esposo|esposa|hijo|hija|hermano|hermana|abuel\w|amig\w)\b"
    r"|(我|我的)(爸|妈|媽|父亲|父親|母亲|母親|丈夫|老公|妻子|老婆|儿子|兒子|女儿|女兒|朋友|奶奶|爷爷|爺爺)"
)


@dataclass(frozen=True)
class Assessment:
    """Everything triage found in one message."""

    flag: Flag | None
    safety_net: bool  # a possible red flag: answer, but name the warning signs and 911
    crisis_net: bool  # possible crisis words: answer, but say 988 is there
    language: Language
    about_someone_else: bool  # "my dad fell": the reply speaks to the helper


class SafetyTriage:
    """Decides whether a message needs an emergency, urgent or crisis reply."""

    def __init__(
        self,
        embedder: Embedder,
        cache_dir: Path | None = None,
        tuned: classifier.TunedClassifier | None = None,
    ) -> None:
        self._embedder = embedder
        # The fine-tuned model when there is one; else a logistic regression over the
        # retrieval model's vectors (lighter, and weaker: see bot/safety/finetune.py).
        self._tuned = tuned
        self._model = None if tuned else classifier.load_or_train(embedder, cache_dir)
        labels = [(kind, text) for kind, texts in EXEMPLARS.items() for text in texts]
        self._labels = labels
        self._vectors = embedder.embed([t for _, t in labels])
        self._benign = embedder.embed(list(BENIGN))

    @property
    def tuned(self) -> classifier.TunedClassifier | None:
        """The fine-tuned classifier, or None when the lighter regression is used."""
        return self._tuned

    def semantic_inputs(self, message: str) -> list[str]:
        """Every text triage embeds with the retrieval model (for one batch per request)."""
        read = _read(message)
        return [] if self._tuned else [*read.units, *read.clauses]

    def tuned_inputs(self, message: str) -> list[str]:
        """Every text the fine-tuned model embeds (for one batch per request)."""
        return list(_read(message).units) if self._tuned else []

    def check(
        self, message: str, history: Sequence[str] = (), embedder: Embedder | None = None
    ) -> Flag | None:
        """The most serious flag raised by ``message`` (read with recent user turns), if any."""
        return self.assess(message, history, embedder).flag

    def assess(
        self,
        message: str,
        history: Sequence[str] = (),
        embedder: Embedder | None = None,
        tuned_embedder: Embedder | None = None,
    ) -> Assessment:
        """Triage ``message`` read with recent user turns.

        ``embedder`` and ``tuned_embedder`` may serve vectors already computed in one batch
        for this request (the retrieval model's and the fine-tuned model's).
        """
        read = _read(message)
        folded = read.folded
        language = detect(folded)
        flags = _rule_flags(read, history, language)
        embed = (embedder or self._embedder).embed
        reading = self._read_units(read.units, embed, tuned_embedder)
        flags += classified(reading, tuned=self._tuned is not None, language=language)
        # The exemplar layer serves the lighter classifier; the fine-tuned model learnt the
        # exemplars (they are in its training data) and reads every sentence itself.
        if read.clauses and self._tuned is None:
            similar = self.semantic_flag(embed(list(read.clauses)))
            if similar is not None:
                flags.append(similar)
        cleared = rules_cleared(flags, reading, self._tuned is not None, language)
        if cleared and history:  # a red flag told over several turns stands
            alone = {f.reason for f in _rule_flags(read, (), language)}
            cleared = [f for f in cleared if f.reason in alone]
        flags = [f for f in flags if f not in cleared]
        outweighed = crisis_outweighed(flags, reading, tuned=self._tuned is not None)
        if outweighed:
            flags = [f for f in flags if f.kind != "crisis"]
        flag = max(flags, key=lambda f: RANK[f.kind], default=None)
        net = tuning.TUNED_SAFETY_NET if self._tuned else tuning.TRIAGE_SAFETY_NET
        possible = reading.peak["care"] >= net
        # The lighter classifier was never calibrated for a crisis band: its line is off.
        crisis_net = tuning.CRISIS_SAFETY_NET if self._tuned else tuning.TRIAGE_THRESHOLDS["crisis"]
        return Assessment(
            flag=flag,
            safety_net=flag is None and (possible or bool(cleared)),
            crisis_net=outweighed or (flag is None and reading.peak["crisis"] >= crisis_net),
            language=language,
            about_someone_else=bool(_SOMEONE_ELSE.search(folded)),
        )

    def _read_units(
        self,
        texts: Sequence[str],
        embed: Callable[[Sequence[str]], Vectors],
        tuned_embedder: Embedder | None = None,
    ) -> classifier.Reading:
        if self._tuned is not None:
            return self._tuned.read(texts, tuned_embedder)
        assert self._model is not None
        return self._model.read(embed(texts))

    def semantic_flag(self, vectors: Vectors) -> Flag | None:
        """The flag whose reviewed exemplars some clause matches closely, unless a look-alike
        matches it better."""
        sims = vectors @ self._vectors.T
        benign = (vectors @ self._benign.T).max(axis=1)
        best: Flag | None = None
        for row in range(sims.shape[0]):
            col = int(np.argmax(sims[row]))
            kind, exemplar = self._labels[col]
            score = float(sims[row, col])
            floor = tuning.EXEMPLAR_FLOOR[kind]
            if score < floor or benign[row] + tuning.EXEMPLAR_BENIGN_MARGIN >= score:
                continue
            flag = Flag(kind, f"like: {exemplar}", "semantic")
            if best is None or RANK[flag.kind] > RANK[best.kind]:
                best = flag
        return best

    @staticmethod
    def rule_kinds(message: str) -> set[str]:
        """What the reviewed rules alone raise for one message (for calibration)."""
        read = _read(message)
        return {f.kind for f in _rule_flags(read, (), detect(read.folded))}


def _rule_flags(read: _Reading, history: Sequence[str], language: Language) -> list[Flag]:
    """Flags from the reviewed English rules (with recent turns) and the es/zh patterns."""
    earlier = tuple(c for h in history[-4:] for c in rule_parts(fold(h)))
    current = " . ".join(affirmed(c) for c in read.parts)
    text = {reads: rules_text(read.parts, *reads) for reads in _READINGS}
    said = {reads: rules_text(earlier, *reads) for reads in _READINGS}
    found = []
    for rule in RULES:
        if rule.excluded(current):
            continue
        reads = (rule.own, rule.past)
        if rule.matches(text[reads], f"{said[reads]} . {text[reads]}"):
            found.append(Flag(rule.kind, rule.name, "rule"))
    foreign = rules_i18n.match(read.folded, language)
    if foreign is not None:
        found.append(Flag(foreign[0], f"pattern: {foreign[1][:40]}", "rule"))
    return found


# The ways the rules read a message: (the writer's own history, ConText's past and resolved).
_READINGS = {(rule.own, rule.past) for rule in RULES}


@dataclass(frozen=True)
class _Reading:
    """One message prepared for triage: folded, cut into clauses and classifier units."""

    folded: str
    parts: tuple[str, ...]  # normalised clauses, for the rules
    units: tuple[str, ...]  # whole message and sentences, for the classifier
    clauses: tuple[str, ...]  # affirmed clauses of two words or more, for the exemplars


@lru_cache(maxsize=64)
def _read(message: str) -> _Reading:
    """Prepared once per message: the chat batch and the triage itself both need it."""
    folded = fold(message)
    parts = rule_parts(folded)
    found = [c for c in parts if not is_negated(c) and len(c.split()) >= 2]
    if len(found) > tuning.SAFETY_MAX_CLAUSES:
        # Embedding ~250 clauses costs seconds; sample evenly (the rules read them all).
        step = len(found) / tuning.SAFETY_MAX_CLAUSES
        found = [found[int(i * step)] for i in range(tuning.SAFETY_MAX_CLAUSES)]
    # The classifier reads what the person says, not commands to the bot ("ignore your
    # instructions" is no crisis); the rules above still read every sentence.
    kept, steered = strip_manipulation(folded)
    text, already_folded = (kept, None) if steered else (message, folded)
    units = classifier.units(text, already_folded, windows=True)
    return _Reading(folded, tuple(parts), tuple(units), tuple(found))
