from pathlib import Path

import pytest
from conftest import FakeEmbedder
from filelock import FileLock

from bot.config import Settings
from bot.errors import IndexNotReady, IngestLocked
from bot.refresh.locks import writer_lock
from bot.services import build_services


def services_for(tmp_path: Path, embedder: FakeEmbedder, engine: dict):
    """Services over an index on disk or on the Chroma server (``engine`` decides)."""
    return build_services(Settings(data_dir=tmp_path / "data", **engine), embedder=embedder)


def test_first_ingest_indexes_every_article(
    tmp_path: Path, knowledge_copy: Path, engine: dict
) -> None:
    services = services_for(tmp_path, FakeEmbedder(), engine)
    report = services.indexer.run(knowledge_copy, progress=False)
    files = sorted(p.name for p in knowledge_copy.glob("*.md"))
    assert report.articles == report.articles_new == len(files)
    assert report.chunks_added > len(files)
    assert sorted(services.store.manifest()) == files
    assert services.store.counts() == (len(files), report.chunks_added)


def test_unchanged_corpus_embeds_nothing(
    tmp_path: Path, knowledge_copy: Path, engine: dict
) -> None:
    embedder = FakeEmbedder()
    services = services_for(tmp_path, embedder, engine)
    first = services.indexer.run(knowledge_copy, progress=False)
    before = embedder.embedded
    again = services.indexer.run(knowledge_copy, progress=False)
    assert embedder.embedded == before
    assert again.embedded == 0
    assert again.chunks_unchanged == first.chunks_added
    assert (again.chunks_added, again.chunks_replaced, again.chunks_removed) == (0, 0, 0)


def test_changed_article_is_replaced_and_removed_one_deleted(
    tmp_path: Path, knowledge_copy: Path, engine: dict
) -> None:
    services = services_for(tmp_path, FakeEmbedder(), engine)
    services.indexer.run(knowledge_copy, progress=False)
    target = knowledge_copy / "sciatica.md"
    target.write_text(target.read_text() + "\n## New section\n\nWalking helps sciatica too.\n")
    (knowledge_copy / "acupuncture-safety.md").unlink()
    removed_chunks = services.store.manifest()["acupuncture-safety.md"].chunks

    report = services.indexer.run(knowledge_copy, progress=False)
    assert (report.articles_changed, report.articles_removed) == (1, 1)
    assert report.chunks_replaced == services.store.manifest()["sciatica.md"].chunks
    assert report.chunks_removed == removed_chunks
    assert "acupuncture-safety.md" not in services.store.manifest()
    ids = [h.id for h in services.store.query(services.embedder.embed(["Walking helps"])[0], 50)]
    texts = services.store.sentences(ids)
    assert any(s.text == "Walking helps sciatica too." for s in texts)


def test_rebuild_starts_over(tmp_path: Path, knowledge_copy: Path, engine: dict) -> None:
    services = services_for(tmp_path, FakeEmbedder(), engine)
    first = services.indexer.run(knowledge_copy, progress=False)
    report = services.indexer.run(knowledge_copy, rebuild=True, progress=False)
    assert report.chunks_added == first.chunks_added
    assert report.chunks_unchanged == 0


def test_bad_file_is_reported_and_the_rest_ingested(
    tmp_path: Path, knowledge_copy: Path, engine: dict
) -> None:
    (knowledge_copy / "broken.md").write_bytes(b"\xff\xfe\x00")
    services = services_for(tmp_path, FakeEmbedder(), engine)
    report = services.indexer.run(knowledge_copy, progress=False)
    assert len(report.failures) == 1 and report.failures[0].startswith("broken.md: not UTF-8")
    assert "sciatica.md" in services.store.manifest()


def test_file_that_breaks_later_keeps_its_last_good_version(
    tmp_path: Path, knowledge_copy: Path, engine: dict
) -> None:
    services = services_for(tmp_path, FakeEmbedder(), engine)
    services.indexer.run(knowledge_copy, progress=False)
    (knowledge_copy / "sciatica.md").write_bytes(b"\xff\xfe\x00")
    report = services.indexer.run(knowledge_copy, progress=False)
    assert report.failures and report.articles_removed == 0
    assert "sciatica.md" in services.store.manifest()


def test_model_change_forces_a_full_rebuild(
    tmp_path: Path, knowledge_copy: Path, engine: dict
) -> None:
    old = services_for(tmp_path, FakeEmbedder(name="model-a"), engine)
    old.indexer.run(knowledge_copy, progress=False)
    new = services_for(tmp_path, FakeEmbedder(name="model-b", dimension=32), engine)
    with pytest.raises(IndexNotReady, match="model-a"):
        new.store.check_model()
    report = new.indexer.run(knowledge_copy, progress=False)
    assert report.chunks_unchanged == 0 and report.chunks_added > 0
    new.store.check_model()


def test_second_writer_is_refused_on_disk(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path)
    with (
        FileLock(str(tmp_path / "ingest.lock")),
        pytest.raises(IngestLocked, match="already running"),
        writer_lock(settings),
    ):
        pass
    with writer_lock(settings):  # free again once the holder let go
        pass
