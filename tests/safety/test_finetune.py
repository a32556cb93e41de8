"""The fine-tuned triage model: trained on the development part only, and used by chat."""

from pathlib import Path

import numpy as np
import pytest

from bot.config import Settings
from bot.safety import classifier, dataset, finetune
from bot.safety.triage import SafetyTriage
from bot.schemas import ChatRequest
from bot.services import Services


def test_fine_tuning_reads_only_the_development_part(monkeypatch, tmp_path: Path) -> None:
    seen: list[str] = []

    def record(base: str, examples: tuple[list[str], list[int]], target: Path) -> None:
        seen.extend(examples[0])  # what training would have read; no minutes of training
        target.mkdir(parents=True)
        np.savez(target / "head.npz", coef=np.zeros((4, 384)), intercept=np.zeros(4))

    monkeypatch.setattr(finetune, "train", record)
    monkeypatch.setattr(finetune, "ensure_onnx_model", lambda *args: None)
    settings = Settings(data_dir=tmp_path, model_cache_dir=tmp_path)
    settings.onnx_cache_dir.symlink_to(Settings().onnx_cache_dir)  # the export, not redone
    folder = finetune.ensure_tuned(settings)
    assert (folder / "head.npz").exists() and folder.name.endswith(dataset.fingerprint())
    taught = set(seen)
    dev = dataset.training("dev")
    # Every dev message teaches (a flagged story longer than the model reads teaches its
    # sentence and run, not its cut whole text); harmless ones always through their whole.
    assert all(any(u in taught for u in classifier.units(m.text, windows=True)) for m in dev)
    assert all(classifier.units(m.text)[0] in taught for m in dev if m.label == "none")
    assert not any(classifier.units(m.text)[0] in taught for m in dataset.training("heldout"))
    assert dataset.questions("dev")  # real visitors' questions teach what is ordinary


def test_the_chat_service_triages_with_the_fine_tuned_model(indexed: Services) -> None:
    assert indexed.chat.triage.tuned is not None


def test_red_flags_no_rule_matches_are_caught_by_the_model(indexed: Services) -> None:
    """Development messages that the reviewed rules miss still get the right reply."""
    missed_by_rules = [
        m
        for m in dataset.load("dev")
        if m.label in ("emergency", "crisis") and m.lang == "en"
        if m.label not in SafetyTriage.rule_kinds(m.text)
    ]
    assert len(missed_by_rules) >= 40
    caught = 0
    for message in missed_by_rules:
        kind = indexed.chat.reply(ChatRequest(message=message.text[:2000])).type
        caught += kind == message.label or (message.label == "emergency" and kind == "urgent")
    # In-sample, yet a real check of the wiring and the model: about 0.7 are caught (the
    # rules and the lighter classifier with its high threshold catch far fewer of these).
    assert caught / len(missed_by_rules) >= 0.6


@pytest.mark.parametrize(
    "message",
    [
        "my back is killing me after moving apartments, any openings saturday?",
        "no numbness anywhere and my bladder is totally normal, just a stiff lower back",
        "what should i wear to my first acupuncture appointment?",
    ],
)
def test_everyday_back_talk_is_left_alone(indexed: Services, message: str) -> None:
    body = indexed.chat.reply(ChatRequest(message=message))
    assert body.type not in ("emergency", "urgent", "crisis")


@pytest.mark.parametrize(
    "message",
    [
        "My father had a heart attack in 2012, he had a stent and is doing great now. His "
        "shoulders get tight from golf. Could cupping help him?",
        "Had chest pain after the gym last month; the cardiologist ran every test and it was "
        "a pulled muscle between my ribs. My upper back is still a bit tight. Can acupuncture "
        "help?",
    ],
)
def test_a_story_that_names_a_red_flag_without_having_it_gets_the_safety_net(
    indexed: Services, message: str
) -> None:
    # A reviewed rule reads a red flag in it; the model, reading the whole story, outweighs it.
    assert SafetyTriage.rule_kinds(message) == {"emergency"}
    body = indexed.chat.reply(ChatRequest(message=message))
    assert body.type not in ("emergency", "urgent", "crisis")
    assert indexed.chat.replies.safety_net() in body.answer
