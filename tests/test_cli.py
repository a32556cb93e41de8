"""The ingest command line, run as a real subprocess with the bundled model."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT
from filelock import FileLock

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
