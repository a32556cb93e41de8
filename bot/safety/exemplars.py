"""Reviewed example phrasings: red flags the exemplar layer matches clauses against, and
harmless look-alikes that veto a match. The classifier also learns from both.

Kept for clinician review beside ``rules.py`` and the real-words dataset in ``data/``.
"""

from __future__ import annotations

from bot.safety.rules import TriageKind

EXEMPLARS: dict[TriageKind, list[str]] = {
    "emergency": [
        "numbness in my groin and inner thighs",
        "I cannot feel anything down there when I wipe",
        "my genitals and buttocks have gone numb",
        "saddle area numbness with back pain",
        "I suddenly cannot control my bladder",
        "I wet myself and did not notice",
        "I lost control of my bowels",
        "I cannot pee even though I need to",
        "both of my legs are weak and numb",
        "my legs keep giving way under me",
        "the weakness in my leg is getting worse every day",
        "my foot drags and slaps when I walk",
        "I fell down the stairs and now my back really hurts",
        "I was in a car accident and my back is in agony",
        "back pain after a bad fall",
        "I have crushing chest pain",
        "pain spreading to my left arm and jaw",
        "high fever, shaking chills and terrible back pain",
    ],
    "urgent": [
        "back pain and a fever",
        "I had cancer before and now my back hurts",
        "I have lost a lot of weight without trying and my back aches",
        "back pain that wakes me up every night",
        "I inject drugs and my back hurts",
        "my immune system is weak and I have back pain",
    ],
    "crisis": [
        "I want to kill myself",
        "I do not want to live anymore",
        "I am thinking about ending my life",
        "everyone would be better off without me",
        "I have been hurting myself on purpose",
        "I want to die",
        "there is no point in going on",
        "I can't take this pain anymore, I want it all to end",
    ],
}

# Look-alikes: a clause closer to one of these than to any red flag is not flagged.
BENIGN: tuple[str, ...] = (
    "I got a saddle sore after a long bike ride",
    "my hand is numb from typing all day",
    "my fingers tingle when I use my phone",
    "my foot falls asleep when I sit cross-legged",
    "I crashed my car in a video game",
    "I had an accident with my coffee this morning",
    "how can I prevent back injuries",
    "how do I avoid hurting my back when lifting",
    "what causes back pain",
    "does acupuncture help sciatica",
    "my back is sore after gardening",
    "my back hurts when I move or bend",
    "I have had lower back pain for a few weeks",
    "why does my back keep hurting",
    "my lower back aches after sitting all day",
    "this back pain is killing me",
    "I'm dying to try acupuncture",
    "I have a cold and a runny nose",
    "my leg feels a bit stiff in the morning",
    "my muscles are tired after the gym",
    "I am a little nervous about needles",
    "I feel stressed at work",
    "what should I expect at my first visit",
)
