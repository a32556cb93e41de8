"""The no-change check from saved content hashes, which runs before the model is loaded."""

from pathlib import Path

from conftest import FakeEmbedder

from bot.config import Settings
from bot.refresh.folder import read_articles
from bot.refresh.saved import SavedHashes
from bot.services import build_services


def check(settings: Settings, folder: Path, embedder: FakeEmbedder):
    articles, _, failed = read_articles(folder)
    saved = SavedHashes(settings.saved_hashes_path)
    return saved.unchanged(embedder.name, embedder.dimension, articles, failed)


def test_a_switch_saves_hashes_that_match_an_unchanged_folder(
    tmp_path: Path, knowledge_copy: Path
) -> None:
    embedder = FakeEmbedder()
    settings = Settings(data_dir=tmp_path / "data")
    services = build_services(settings, embedder=embedder)
    first = services.indexer.run(knowledge_copy, progress=False)

    report = check(settings, knowledge_copy, embedder)
    assert report is not None
    assert report.version == first.version
    assert report.chunks_unchanged == first.chunks_added
    assert not report.model_loaded


def test_a_changed_removed_or_other_model_folder_is_not_unchanged(
    tmp_path: Path, knowledge_copy: Path
) -> None:
    embedder = FakeEmbedder()
    settings = Settings(data_dir=tmp_path / "data")
    build_services(settings, embedder=embedder).indexer.run(knowledge_copy, progress=False)

    assert check(settings, knowledge_copy, FakeEmbedder(name="another-model")) is None
    first = sorted(knowledge_copy.glob("*.md"))[0]
    first.write_text(first.read_text() + "\n\nOne more sentence about posture.\n")
    assert check(settings, knowledge_copy, embedder) is None
    first.unlink()
    assert check(settings, knowledge_copy, embedder) is None


def test_rollback_forgets_the_saved_hashes(tmp_path: Path, knowledge_copy: Path) -> None:
    embedder = FakeEmbedder()
    settings = Settings(data_dir=tmp_path / "data")
    services = build_services(settings, embedder=embedder)
    services.indexer.run(knowledge_copy, progress=False)
    (knowledge_copy / "new.md").write_text("# Stretching\n\nStretch gently every morning.\n")
    services.indexer.run(knowledge_copy, progress=False)
    assert settings.saved_hashes_path.exists()

    services.indexer.rollback()
    assert not settings.saved_hashes_path.exists()
