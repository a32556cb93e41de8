"""Content in real-world formats reads clean: no markup ever reaches a sentence."""

import re
from pathlib import Path

from bot.sources.articles import load_article
from bot.sources.chunking import Chunker, tidy_markup

FEDERAL = Path(__file__).resolve().parents[1] / "data" / "federal_corpus"
MARKUP = re.compile(r"\\[.*#\-]|\*\*|__|^#|^\s*\d{1,3}[.)]\s|[\u2022\u25aa\u25e6]|&nbsp;|<[a-z]")


def all_sentences() -> list[tuple[str, str]]:
    chunker = Chunker()
    found = []
    for path in sorted(FEDERAL.iterdir()):
        for chunk in chunker.split(load_article(path, FEDERAL)):
            found += [(path.name, s.text) for s in chunk.sentences]
            found.append((path.name, chunk.heading))
    return found


def test_every_stored_sentence_of_blog_exports_and_text_files_is_clean() -> None:
    sentences = all_sentences()
    assert len(sentences) > 150
    dirty = [(name, text) for name, text in sentences if MARKUP.search(text)]
    assert dirty == []
    assert all(re.search(r"[A-Za-z]{2}", text) for _, text in sentences if text)


def test_numbered_bold_lead_ins_become_list_items_without_their_numbers() -> None:
    body = "Intro.\n\n**2\\. Muscle Relaxation:** Needles relax muscles.\n\n**Tips**\n\nText."
    tidy = tidy_markup(body)
    assert "- Muscle Relaxation: Needles relax muscles." in tidy
    assert "## Tips" in tidy and "\\." not in tidy


def test_short_plain_text_lines_between_paragraphs_are_headings() -> None:
    body = "First paragraph here.\n\nThe needles.\nThey are thin and sterile.\n\nIs it safe\nYes."
    tidy = tidy_markup(body, plain_text=True)
    assert "## The needles" in tidy and "## Is it safe" in tidy
    assert "First paragraph here." in tidy


def test_a_question_line_above_its_answer_in_plain_text_is_a_heading() -> None:
    body = "Cupping at the clinic.\n\nDoes cupping hurt?\nMost people feel a gentle pull.\n"
    tidy = tidy_markup(body, plain_text=True)
    assert "## Does cupping hurt?" in tidy
    # Alone between paragraphs, a question is a paragraph of its own, not a heading.
    assert "## " not in tidy_markup("Text.\n\nWhy does it matter?\n\nText.", plain_text=True)


def test_a_bold_lead_in_or_a_decimal_opening_a_line_is_not_a_list_item() -> None:
    from bot.sources.chunking import split_sentences

    sentences = split_sentences(
        "**Ready to try cupping?** Book a visit today!\n\n3.5 cm is the usual depth."
    )
    assert sentences == [
        "Ready to try cupping?",
        "Book a visit today!",
        "3.5 cm is the usual depth.",
    ]
    assert split_sentences("* Rest\n- Ice\n\u2022Heat\n2) Stretch") == [
        "Rest",
        "Ice",
        "Heat",
        "Stretch",
    ]


def test_the_labels_of_an_faq_are_dropped() -> None:
    tidy = tidy_markup("Q: Can I eat first?\nA: Yes, a light snack.\n\n**Q:** Why?\n\nA:B is 2:1.")
    assert tidy.splitlines() == [
        "Can I eat first?",
        "Yes, a light snack.",
        "",
        "Why?",
        "",
        "A:B is 2:1.",
    ]


def test_a_list_ends_at_an_unindented_line() -> None:
    chunker = Chunker()
    from bot.sources.chunking import split_sentences

    sentences = split_sentences(
        "Effects include:\n- Soreness\n- Feeling tired\nSerious harm is rare."
    )
    assert "Feeling tired" in sentences and "Serious harm is rare." in sentences
    assert chunker is not None
