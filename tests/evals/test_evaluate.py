"""The question set, answered through the real chat service, meets the quality aims."""

from bot.services import Services
from evals.evaluate import evaluate, load_questions


def test_question_set_is_large_and_varied() -> None:
    questions = load_questions()
    answerable = questions["answerable"]
    assert len(answerable) + len(questions["follow_ups"]) >= 40
    assert sum(bool(q.get("paraphrase")) for q in answerable) >= 5
    assert len(questions["unanswerable"]) >= 5


def test_answers_meet_the_quality_aims(indexed: Services) -> None:
    result = evaluate(indexed, load_questions())
    report = "\n".join(result.lines() + result.misses)
    assert result.top1 >= 0.95, report
    assert result.fact_recall >= 0.9, report
    assert result.median_chars <= 500, report
    assert result.unanswerable_answered == 0, report
