"""The ingest command line, run as a real subprocess with the bundled model."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, namespaces_work
from filelock import FileLock
from hostile_files import deflate_bomb_pdf

pytestmark = pytest.mark.slow


def run_ingest(data_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "BOT_DATA_DIR": str(data_dir), "HF_HUB_OFFLINE": "1"}
    return subprocess.run(
        [sys.executable, str(ROOT / "ingest.py"), *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_ingest_reports_and_is_incremental(tmp_path: Path, knowledge_copy: Path) -> None:
    (knowledge_copy / "broken.md").write_bytes(b"\xff\xfe\x00oops")
    (knowledge_copy / "page.html").write_text(
        "<html><head><title>Posture</title></head><body><main><h1>Desk Posture</h1>"
        "<p>Keep your screen at eye level and your feet flat on the floor while you work, "
        "and stand up to stretch every half hour to rest your back.</p></main></body></html>"
    )
    first = run_ingest(tmp_path / "data", "--source", str(knowledge_copy), "--quiet")
    assert first.returncode == 1, first.stderr
    assert "broken.md: not UTF-8" in first.stderr
    assert "articles: 10 (10 new" in first.stdout
    assert "failed: 1 file(s)" in first.stdout

    (knowledge_copy / "broken.md").unlink()
    report = tmp_path / "report.json"
    again = run_ingest(
        tmp_path / "data", "--source", str(knowledge_copy), "--quiet", "--report-json", str(report)
    )
    assert again.returncode == 0, again.stderr
    assert "0 new, 0 changed, 0 removed, 10 unchanged" in again.stdout
    assert "(0 texts embedded" in again.stdout
    # Nothing changed, so the model was never loaded.
    assert json.loads(report.read_text())["model_loaded"] is False


def test_missing_folder_is_a_clear_error(tmp_path: Path) -> None:
    result = run_ingest(tmp_path / "data", "--source", str(tmp_path / "nope"))
    assert result.returncode == 2
    assert "no such folder" in result.stderr


def test_second_ingest_exits_at_once_while_one_runs(tmp_path: Path, knowledge_copy: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    with FileLock(str(data / "ingest.lock")):
        result = run_ingest(data, "--source", str(knowledge_copy))
    assert result.returncode == 4
    assert "another ingest is already running" in result.stderr


def test_a_pdf_over_pypdf_limits_is_skipped_with_its_reason(
    tmp_path: Path, knowledge_copy: Path
) -> None:
    (knowledge_copy / "bomb.pdf").write_bytes(deflate_bomb_pdf())
    result = run_ingest(tmp_path / "data", "--source", str(knowledge_copy), "--quiet")
    assert result.returncode == 1, result.stderr
    assert "error: bomb.pdf: the PDF is over a safety limit" in result.stderr
    assert "Traceback" not in result.stderr
    assert "articles: 9 (9 new" in result.stdout


def run_ingest_on_tmpfs(
    mount_point: Path, options: str, *args: str
) -> subprocess.CompletedProcess[str]:
    """Run the ingest with its data folder on a tmpfs mounted with ``options``.

    A user and mount namespace of its own lets the test mount a read-only or tiny
    file system without privileges; nothing outside the namespace sees the mount.
    """
    if not namespaces_work():
        pytest.skip("needs unshare with user and mount namespaces")
    mount_point.mkdir()
    script = f'mount -t tmpfs -o {options} none "{mount_point}" && exec "$@"'
    env = {**os.environ, "BOT_DATA_DIR": str(mount_point / "data"), "HF_HUB_OFFLINE": "1"}
    ingest = [sys.executable, str(ROOT / "ingest.py"), *args]
    return subprocess.run(
        ["unshare", "-rm", "sh", "-c", script, "sh", *ingest],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_read_only_data_folder_is_one_line_and_exit_11(
    tmp_path: Path, knowledge_copy: Path
) -> None:
    result = run_ingest_on_tmpfs(tmp_path / "ro", "ro", "--source", str(knowledge_copy))
    assert result.returncode == 11, result.stderr
    assert result.stderr.splitlines() == [
        f"error: cannot write to {tmp_path / 'ro' / 'data'} (Read-only file system): the "
        "folder is read-only or not writable by this user (the index lives in BOT_DATA_DIR); "
        "nothing was changed"
    ]


def test_full_disk_is_one_line_and_exit_12(tmp_path: Path, knowledge_copy: Path) -> None:
    result = run_ingest_on_tmpfs(
        tmp_path / "full", "size=200k", "--source", str(knowledge_copy), "--quiet"
    )
    assert result.returncode == 12, result.stderr
    assert "Traceback" not in result.stderr
    assert result.stderr.strip().splitlines()[-1].startswith("error: the disk holding ")
    assert "is full; free some space" in result.stderr


def test_corrupt_index_database_is_one_line_and_exit_13(
    tmp_path: Path, knowledge_copy: Path
) -> None:
    chroma = tmp_path / "data" / "chroma"
    chroma.mkdir(parents=True)
    (chroma / "chroma.sqlite3").write_bytes(b"not a database, just bytes\n" * 200)
    result = run_ingest(tmp_path / "data", "--source", str(knowledge_copy), "--quiet")
    assert result.returncode == 13, result.stderr
    assert result.stderr.strip().splitlines() == [
        f"error: the index database {chroma / 'chroma.sqlite3'} is damaged (file is not a "
        f"database); move {chroma} aside and run `python ingest.py --rebuild`"
    ]
