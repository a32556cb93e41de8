from bot.sources.articles import Article
from bot.sources.chunking import Chunker, split_sentences

BODY = """Intro paragraph about pain. It has two sentences.

## How it works

- **Nerves:** Points sit near nerves. Needles prompt endorphins.
- **Blood flow:** Needles improve circulation.

## Lifting

Bend your knees. Keep the load close, e.g. near your chest.
"""


def article(source: str = "a.md", body: str = BODY) -> Article:
    return Article(source=source, title="Acupuncture", url=None, updated=None, body=body)


def test_sections_keep_headings_and_title() -> None:
    chunks = Chunker().split(article())
    assert [c.heading for c in chunks] == ["", "How it works", "Lifting"]
    assert all(c.title == "Acupuncture" for c in chunks)
    assert chunks[1].embed_text.startswith("Acupuncture: How it works\n")


def test_list_items_stay_whole_and_markup_is_removed() -> None:
    chunks = Chunker().split(article())
    assert [s.text for s in chunks[1].sentences] == [
        "Nerves: Points sit near nerves. Needles prompt endorphins.",
        "Blood flow: Needles improve circulation.",
    ]


def test_sentence_split_handles_abbreviations() -> None:
    assert split_sentences("Bend your knees. Keep the load close, e.g. near your chest.") == [
        "Bend your knees.",
        "Keep the load close, e.g. near your chest.",
    ]


def test_ids_are_stable_and_unique_per_source() -> None:
    first = [c.id for c in Chunker().split(article())]
    again = [c.id for c in Chunker().split(article())]
    other = [c.id for c in Chunker().split(article(source="b.md"))]
    assert first == again
    assert len(set(first)) == len(first)
    assert not set(first) & set(other)


def test_long_sections_are_split_by_size() -> None:
    body = "## Long\n\n" + " ".join(f"Sentence number {i} is here." for i in range(200))
    chunks = Chunker(chunk_size=400).split(article(body=body))
    assert len(chunks) > 5
    assert all(len(c.text) <= 400 for c in chunks)
    assert all(c.heading == "Long" for c in chunks)
