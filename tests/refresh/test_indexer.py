from pathlib import Path

import pytest
from conftest import FakeEmbedder
from filelock import FileLock
from hostile_files import deflate_bomb_pdf

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


def test_a_pdf_over_pypdf_limits_is_skipped_and_the_rest_indexed(
    tmp_path: Path, knowledge_copy: Path
) -> None:
    (knowledge_copy / "bomb.pdf").write_bytes(deflate_bomb_pdf())
    services = services_for(tmp_path, FakeEmbedder(), {})
    report = services.indexer.run(knowledge_copy, progress=False)
    assert len(report.failures) == 1
    assert report.failures[0].startswith("bomb.pdf: the PDF is over a safety limit")
    files = sorted(p.name for p in knowledge_copy.glob("*.md"))
    assert sorted(services.store.manifest()) == files


def test_non_web_article_urls_are_dropped_with_a_warning(
    tmp_path: Path, knowledge_copy: Path
) -> None:
    (knowledge_copy / "trap.md").write_text(
        '---\ntitle: Trap\nurl: "java\\tscript:alert(document.cookie)"\n---\n'
        "Gentle stretching in the morning eases stiffness.\n"
    )
    (knowledge_copy / "page.html").write_text(
        '<html><head><title>Page</title><link rel="canonical" href="data:text/html,<script>">'
        "</head><body><main><h1>Desk Posture</h1><p>Keep your screen at eye level and your "
        "feet flat on the floor while you work, and stand up to stretch every half hour to "
        "rest your back.</p></main></body></html>"
    )
    (knowledge_copy / "local.md").write_text(
        "---\nurl: file:///etc/passwd\n---\n# Local\n\nText.\n"
    )
    services = services_for(tmp_path, FakeEmbedder(), {})
    report = services.indexer.run(knowledge_copy, progress=False)
    assert not report.failures
    warned = {w.split(":")[0] for w in report.warnings}
    assert warned == {"trap.md", "page.html", "local.md"}
    assert all("not an http(s) or site-relative address" in w for w in report.warnings)
    manifest = services.store.manifest()
    assert [manifest[s].url for s in ("trap.md", "page.html", "local.md")] == [None] * 3
    assert "warnings: 3" in report.summary()


def test_only_web_urls_are_shown_to_visitors() -> None:
    settings = Settings(site_url="https://clinic.example")
    assert settings.absolute_url("/blog/a") == "https://clinic.example/blog/a"
    assert settings.absolute_url("https://clinic.example/b") == "https://clinic.example/b"
    # An index built before ingest dropped them may still hold these.
    for bad in (
        "javascript:alert(1)",
        " JaVaScRiPt:alert(1)",
        "data:text/html,x",
        "//evil.example",
    ):
        assert settings.absolute_url(bad) is None
