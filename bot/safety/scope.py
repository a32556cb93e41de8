"""What the bot will not do: diagnose, dose, change medication, promise cures, go off topic,
or follow instructions hidden in a message."""

from __future__ import annotations

import re
from enum import StrEnum

import numpy as np

from bot.embedding import Embedder, Vectors
from bot.safety.drugs import drug_names


class Advice(StrEnum):
    """Kinds of individual medical advice the bot declines."""

    DIAGNOSIS = "diagnosis"
    DOSE = "dose"
    MEDICATION = "medication"
    CURE = "cure"


# Generic words for a medicine, herb or supplement. Named medicines (brand or generic:
# "eliquis", "advil", "gabapentin") come from the drug dictionary (``drug_names``), not
# from a list here.
_MEDS = (
    r"(medications?|medicines?|meds|pills?|tablets?|capsules?|prescriptions?|script|"
    r"painkillers?|pain killers?|opioids?|muscle relaxers?|muscle relaxants?|"
    r"antidepressants?|blood thinners?|steroids?|supplements?|vitamins?|herbs?|herbal|"
    r"formulas?|doses?|dosage|mg)"
)
_MEDICINE_WORD = re.compile(rf"\b{_MEDS}\b", re.I)
# The visitor asking what they (or someone in their care) should do: a decision that is
# theirs and their prescriber's. Combined with a medicine, a request for medication advice.
_OWN_DECISION = re.compile(
    r"\b(should|can|could|may|shall|do|must) (i|he|she|we|my \w+)\b|"
    r"\b(is|are) (it|that|this|they|these|those|the two|both) (\w+ )?(ok|okay|safe|fine|"
    r"bad|too much|dangerous|alright|a problem)\b|\b(ok|okay|safe|fine) to\b",
    re.I,
)
_ADVICE: list[tuple[Advice, re.Pattern[str]]] = [
    (
        Advice.DIAGNOSIS,
        re.compile(
            r"\b(do|could|might|would) i (have(?! to\b)|be having|be suffering from)\b|"
            r"\bis (it|this|that|my \w+) (a |an )?(herniated|slipped|bulging|ruptured|pinched|"
            r"torn|broken|fractured|"
            r"arthritis|cancer|sciatica|stenosis|tumou?r|infection)|\bdiagnos\w*\b|what(?:'s| is) "
            r"wrong with (me|my)\b|what (condition|disease|illness) (do|could|might) i\b|"
            r"\bwhat do i have\b|\bcould (it|this|that) be\b|"
            # Asking what the symptoms mean, or which test to have, is asking for a diagnosis.
            r"\bdoes (that|this|it) mean (it'?s|it is|i have|i need|there is)\b|"
            r"\bwhat('?s| is) (going on|happening|wrong) (in|with|inside)\b|"
            r"\bhow (do|can|would|will) i (know|tell) if (it'?s|it is|i have|this is|that is)\b|"
            r"\bdo i need (an? |to get an? |to have an? )?(mri|x-?ray|scan|ct|tests?|blood work)\b|"
            # Asking the bot to tell one injury from another, or to guess what it is.
            r"\bis (it|this|that) (a |an |my )?(\w+ ){0,2}(disc|disk|muscle|nerve|ligament|tendon|"
            r"joint|bone|kidney|sprain|strain|tear|pull)\w* or\b|"
            r"\bdo you think (it|this|that|i|my \w+) (is|'?s|has|have|might|could|was)\b|"
            r"\bwhat (do you think |could |might )?(is |be )?caus(ing|es) (my|this|it|the)\b",
            re.I,
        ),
    ),
    (
        Advice.DOSE,
        re.compile(
            r"\bhow (much|many) (\w+ ){0,3}(mg|milligrams?|grams?|pills?|capsules?|tablets?|drops?|"
            r"doses?|teaspoons?|cups?)\b|\b(dose|dosage|dosing)\b|\bhow often should i take\b|"
            r"\bhow many times a day\b|\bmaximum (daily )?amount\b|\bhow (much|many) (\w+ ){0,5}"
            r"(should|can|do|may) i (take|drink|have|use|eat|swallow)\b",
            re.I,
        ),
    ),
    (
        Advice.MEDICATION,
        re.compile(
            rf"\b(stop|stopping|quit|quitting|start|starting|change|changing|reduce|reducing|lower|"
            rf"increase|increasing|come off|coming off|switch|switching|replace|replacing|skip|"
            rf"wean) (\w+ ){{0,3}}{_MEDS}|\binstead of (my |taking )?(\w+ ){{0,2}}{_MEDS}|"
            rf"\b(can|should|may) i (take|mix|combine) .{{0,40}}\b(with|and|while)\b.{{0,40}}"
            rf"{_MEDS}|\b{_MEDS}\b.{{0,40}}\b(with|and|while on)\b.{{0,20}}\b(herbs?|supplements?|"
            rf"acupuncture)\b.{{0,20}}\b(safe|ok|okay|together)|\b(should|can) i (take|use|try) "
            rf"{_MEDS}|\b(keep|continue|keep on) taking\b|"
            r"\b(which|what) (one|kind|brand|type)s? (\w+ ){0,2}should i (take|use|try)\b|"
            # Decisions about a treatment another clinician offered are theirs to advise on.
            r"\b(should i|do i need to|is it ok to|can i) (get|have|skip|refuse|cancel|avoid|delay|"
            r"go ahead with) (\w+ ){0,3}(shot|injection|surgery|operation|procedure)\b|"
            # Starting or stopping whatever was just named ("order one and start taking it").
            r"\b(start|stop|quit|begin|keep|continue|resume) taking\b|"
            r"\b(what|which) (herbs?|supplements?|vitamins?|medicines?|medications?|pills?|drugs?)"
            r" (are|is) (good|best|safe)\b|"
            # Choosing between treatments, or what one's own doctor should do, is theirs to
            # advise on ("which should I do first, the injection or acupuncture?").
            r"\b(which|what) (one )?should i (do|try|choose|pick|get) first\b|"
            r"\bshould (my|the) (doctor|gp|physician|specialist|surgeon|cardiologist)\b",
            re.I,
        ),
    ),
    (
        Advice.CURE,
        re.compile(
            r"\b(cure|cures|cured|curing)\b|\bget rid of (my )?(cancer|diabetes|arthritis|disease)|"
            r"\b(heal|reverse|eliminate) (my )?(cancer|diabetes|arthritis|disease|tumou?r)",
            re.I,
        ),
    ),
]

_INJECTION = re.compile(
    r"\b(ignore|disregard|forget|override|bypass) (all |any |your |the |my |previous |prior |"
    r"above |earlier |these )*(instructions?|rules?|prompts?|guidelines?|programming|"
    r"restrictions?|safety)\b|\byou are (now|no longer)\b|\bpretend (to be|you(?: are|'re))\b|"
    r"\bact as\b|\brole.?play\b|\bjailbreak\w*\b|\bdeveloper mode\b|\bDAN\b|\bdo anything now\b|"
    r"\bno (rules|restrictions|filters)\b|\bsystem (prompt|message)\b|\bfrom now on\b",
    re.I,
)
_SECRETS = re.compile(
    r"\b(system prompt|your (instructions|prompt|configuration|config|settings|source code|"
    r"rules)|api.?keys?|admin.?token|tokens?|passwords?|secrets?|credentials?|environment "
    r"variables?|env vars?|\.env\b|file ?paths?|database|server config\w*)",
    re.I,
)
_HEALTH_WORDS = re.compile(
    r"\b(pain|back|spine|neck|hip|leg|acupunctur\w*|needles?|treat\w*|therap\w*|clinic|dr\.?|"
    r"doctor|lin|appointment|visit|session|sciatica|injur\w*|yoga|qigong|cupping|herb\w*|"
    r"health\w*|body|muscles?|posture|stretch\w*|exercise|fertility|ivf|aging|hurt\w*|ache\w*|"
    r"sore|stiff\w*|massage|symptoms?)\b",
    re.I,
)
_OFF_TOPIC = re.compile(
    r"\b(weather|forecast|rain|sunny|python|javascript|code|coding|program(ming)?|script|sql|"
    r"html|stocks?|crypto\w*|bitcoin|invest\w*|mortgage|taxes|lakers|dodgers|nba|nfl|football|"
    r"soccer|baseball|basketball|super ?bowl|world cup|score|joke|jokes|funny|recipe|cook\w*|"
    r"movie|movies|netflix|song|lyrics|poem|poetry|capital of|translate|homework|essay|"
    r"election|president|politic\w*|celebrity|horoscope|lottery)\b",
    re.I,
)

OFF_TOPIC_EXEMPLARS = (
    "what's the weather like tomorrow",
    "write me a python function",
    "tell me a joke",
    "who won the game last night",
    "should I buy bitcoin",
    "what is the capital of France",
    "recommend a good movie",
    "how do I bake bread",
    "help me with my math homework",
    "what's the best restaurant near here",
    "translate this into Spanish",
    "who is the president",
    "write a poem about the ocean",
    "how do I fix my car",
    "what time is it in Tokyo",
    "how do I renew my passport",
    "best phone to buy",
)
IN_DOMAIN_EXEMPLARS = (
    "does acupuncture help with pain",
    "can you treat my headaches",
    "do you treat migraines",
    "is acupuncture covered by insurance",
    "how much does a session cost",
    "can acupuncture help with anxiety",
    "do you treat knee pain",
    "is there parking",
    "what are your opening hours",
    "do you see children",
    "can acupuncture help me sleep",
    "I have a stiff neck",
    "my shoulder hurts",
    "is massage available",
    "do you do dry needling",
    "can I come if I am pregnant",
    "is cupping safe for older people",
)


# Asking to do something with a medicine: take, stop, double, mix it... (used with the drug
# dictionary, which names the medicine).
_MEDICINE_ACTION = re.compile(
    r"\b(take|taking|took|stop|stopping|quit|start|starting|double|doubling|skip|skipping|mix|"
    r"mixing|combine|combining|increase|decrease|reduce|lower|raise|switch|come off|coming off|"
    r"wean|hold|pause|keep taking|on|with|while|before|after|instead|dose|dosage|mg|how much|"
    r"how many|safe|ok|okay|interact\w*)\b",
    re.IGNORECASE,
)


def advice_kind(message: str) -> Advice | None:
    """The kind of individual medical advice a message asks for, if any."""
    for kind, pattern in _ADVICE:
        if pattern.search(message):
            return kind
    if _MEDICINE_ACTION.search(message) and drug_names(message):
        return Advice.DOSE if _ADVICE[1][1].search(message) else Advice.MEDICATION
    # Any medicine, herb or supplement, and a question about what one should do with it.
    if _OWN_DECISION.search(message) and (_MEDICINE_WORD.search(message) or drug_names(message)):
        return Advice.MEDICATION
    return None


def strip_manipulation(message: str) -> tuple[str, bool]:
    """Drop sentences that try to steer the bot or pry out its settings.

    Returns what is left (a real question inside, if any) and whether anything was dropped.
    """
    sentences = re.split(r"(?<=[.!?])\s+|\n+", message)
    kept = [s for s in sentences if s.strip() and not (_INJECTION.search(s) or _SECRETS.search(s))]
    cleaned = " ".join(kept).strip()
    return cleaned, cleaned != message.strip()


def clearly_off_topic(message: str) -> bool:
    """Plainly not a health question: off-topic words and no health words at all."""
    return bool(_OFF_TOPIC.search(message)) and not _HEALTH_WORDS.search(message)


class ScopeClassifier:
    """For a question no article answers: a health question (no_answer) or off-topic?"""

    def __init__(self, embedder: Embedder) -> None:
        self._off = embedder.embed(list(OFF_TOPIC_EXEMPLARS))
        self._in = embedder.embed(list(IN_DOMAIN_EXEMPLARS))

    def off_topic(self, message: str, vector: Vectors) -> bool:
        """Closer to off-topic exemplars than to health ones (or plainly off-topic)."""
        if clearly_off_topic(message):
            return True
        if _HEALTH_WORDS.search(message):
            return False
        return float(np.max(self._off @ vector)) > float(np.max(self._in @ vector))
