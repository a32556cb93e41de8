"""The reviewed English rules (bot/safety/rules.py) and how messages are read for them."""

from __future__ import annotations

import pytest

from bot.safety.reading import normalise
from bot.safety.triage import SafetyTriage


@pytest.mark.parametrize(
    ("message", "kinds"),
    [
        # An everyday word is no misspelt red flag...
        ("had to cancel my appointment, my back is sore again", set()),
        ("i have overdone it at the gym and my lower back aches", set()),
        ("numb fingers and i cannot do my buttons, neck is stiff", set()),
        ("back pain for weeks and i cannot sleep", set()),
        # ...while typos and other forms of the terms still snap.
        ("i want to kil myself", {"crisis"}),
        ("i had fevers all week and my back is in agony", {"urgent"}),
    ],
)
def test_everyday_words_are_not_snapped_to_safety_terms(message: str, kinds: set[str]) -> None:
    assert SafetyTriage.rule_kinds(message) == kinds


def test_a_real_word_is_kept_and_a_typo_is_fixed() -> None:
    assert normalise("cancel the grion appt") == "cancel the groin appt"


@pytest.mark.parametrize(
    ("message", "kinds"),
    [
        # Passive wishes and goodbyes in other words than the rules' first list...
        ("sometimes i wish a bus would hit me so it would all be over", {"crisis"}),
        ("i'm not gonna be around much longer anyway, so why fix my back", {"crisis"}),
        ("there's nothing left for me since the layoff and my back is shot", {"crisis"}),
        # ...and means set aside, named by the drug dictionary rather than a list of ours.
        ("i've been stashing my tramadol in a sock drawer", {"crisis"}),
        ("been saving up the diazepam the er gave me, not sure why", {"crisis"}),
        # Feeling a burden to someone, giving up on everything, checking out for good, a plan
        # with a date, an overdose taken, street names of pills set aside.
        ("my wife does everything now, i feel like a burden to her and the kids", {"crisis"}),
        ("some nights i just want to give up on everything, my spine is wrecked", {"crisis"}),
        ("after this last round i'm clocking out for good, nobody will miss me", {"crisis"}),
        ("i have a plan and a date now, so please cancel my next session", {"crisis"}),
        ("my brother swallowed a handful of his pain pills and won't wake up properly", {"crisis"}),
        ("been hoarding my percs in a tin for a while now", {"crisis"}),
        ("if i didnt wake up in the morning i wouldn't mind at all", {"crisis"}),
        # Giving up on a diet, or a burden of paperwork, is no sign.
        ("i give up on this diet, my back still hurts after a week of salads", set()),
        ("the insurance forms are a burden for the front desk, do you bill direct?", set()),
        # Taking a named medicine as prescribed is no sign.
        ("i take gabapentin for my sciatica, can i still have acupuncture?", set()),
        ("i'm not going to be here next week, can i move my appointment?", set()),
        # "Keep" as going on is no hoarding; "keeping" pills aside is.
        ("my dad just keeps taking his pain pills and ignores his back", set()),
        ("i keep all my old pain pills in a shoebox, just in case", {"crisis"}),
        # An injury is not a fall or a crash: the emergency rule needs the mechanism.
        ("since my back injury at the gym i sleep badly, can acupuncture help?", set()),
        ("since the fall off the ladder my back has been killing me", {"emergency"}),
    ],
)
def test_crisis_signs_in_other_words_and_named_medicines(message: str, kinds: set[str]) -> None:
    assert SafetyTriage.rule_kinds(message) == kinds


@pytest.mark.parametrize(
    ("message", "kinds"),
    [
        ("my gran's smile has gone lopsided and she is slurring, she has a bad hip", {"emergency"}),
        ("suddenly the worst headache of my life while deadlifting, neck stiff", {"emergency"}),
        ("my headaches are the worst in the afternoons, can acupuncture help?", set()),
        ("a character in the film had slurred speech after a stroke", set()),
    ],
)
def test_signs_of_a_stroke_are_an_emergency(message: str, kinds: set[str]) -> None:
    assert SafetyTriage.rule_kinds(message) == kinds


@pytest.mark.parametrize(
    ("message", "kinds"),
    [
        # Cauda equina and a failing nerve as people put them (NHS's card has the same signs).
        ("since this morning my foot just flaps when i walk, back sore", {"emergency"}),
        ("my left foot won't come up properly, keeps catching my toes on the kerb", {"emergency"}),
        ("i can't pass water since lunch and my back is killing me", {"emergency"}),
        ("my dad's legs won't hold him today and he wet himself, bad back", {"emergency"}),
        ("the tingling has crept up from my toes to my knees, mid back ache", {"emergency"}),
        ("i need to wee all the time but only a few drops come out, back pain", {"emergency"}),
        # "My legs" is both legs.
        ("she slipped on the ice and now she can't move her legs", {"emergency"}),
        # Ordinary feet and bladders: no flag.
        ("my feet ache after a long shift on the ward, lower back too", set()),
        ("i need to wee a lot at night since the baby, back is sore", set()),
    ],
)
def test_a_failing_nerve_in_plain_words(message: str, kinds: set[str]) -> None:
    assert SafetyTriage.rule_kinds(message) == kinds


@pytest.mark.parametrize(
    ("message", "kinds"),
    [
        # Crisis said with a negation word is still crisis...
        ("honestly my life is not worth living with this neck", {"crisis"}),
        ("the kids would be happier without me, my back is wrecked", {"crisis"}),
        ("i don't think i want to carry on, three years of sciatica", {"crisis"}),
        ("can't picture myself a year from now with this pain", {"crisis"}),
        # ...and a past crisis is read, whatever the modifiers (a clinician asks about it)...
        ("i've had thoughts of ending my life, my gp asked me the same last month", {"crisis"}),
        # ...while a denial, a trip and a good night's sleep are not.
        ("i am not suicidal, just sore and fed up", set()),
        ("i don't want to go on the ski trip with my bad back", set()),
        ("didn't wake up at all last night, slept great after the session", set()),
    ],
)
def test_crisis_said_with_a_negation(message: str, kinds: set[str]) -> None:
    assert SafetyTriage.rule_kinds(message) == kinds


@pytest.mark.parametrize(
    ("message", "kinds"),
    [
        # Urgent signs in the words people use: steroids, thin bones, chills, a fever in
        # degrees...
        ("on prednisone for my asthma and my back went when i bent down", {"urgent"}),
        ("i have osteopenia and jarred my back missing a step", {"urgent"}),
        ("back ache for a week and night sweats, can i come in?", {"urgent"}),
        ("lower back sore and a 102 temp since yesterday", {"urgent"}),
        ("my calf is swollen and hot since the long drive, can you needle it?", {"urgent"}),
        # ...and the same words without the sign.
        ("my mum had osteoporosis, i'm 30 and want to keep my back strong", set()),
        ("my dad's on steroids for his lungs, i'm the one with the stiff back", set()),
    ],
)
def test_urgent_signs_in_everyday_words(message: str, kinds: set[str]) -> None:
    assert SafetyTriage.rule_kinds(message) == kinds
