"""``make bench``: speed and memory of the real model, index and HTTP server, printed.

Every figure is put next to two anchors measured in the same run: the floor (one query
embedding, in-process) and a naive LangChain RAG (``tools/naive_rag.py``) served by uvicorn
and driven by the same client code. One function per measurement.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx

from bot.config import Settings
from bot.onnx_fused import FusedBranch
from bot.services import Services, build_services
from evals.evaluate import load_questions
from tools.serving import ROOT, Server, free_port, pct, peak_rss_mb, serve

CLIENTS = 8


def synthetic_corpus(target: Path, articles: int) -> None:
    """``articles`` distinct articles made from variants of the clinic's own."""
    target.mkdir(parents=True, exist_ok=True)
    sources = sorted((ROOT / "knowledge").glob("*.md"))
    for n in range(articles):
        path = sources[n % len(sources)]
        text = path.read_text(encoding="utf-8")
        (target / f"{path.stem}-{n:03d}.md").write_text(
            text + f"\n\nEdition {n} of this article.\n", encoding="utf-8"
        )


def _ingest_command(corpus: Path, report: Path) -> list[str]:
    script = str(ROOT / "ingest.py")
    return [
        sys.executable,
        script,
        "--source",
        str(corpus),
        "--quiet",
        "--report-json",
        str(report),
    ]


def measure_floor(services: Services, questions: list[str]) -> float:
    """p50 of one query embedding in-process, in ms: no server can beat it."""
    timings = []
    for q in questions * 2:
        t0 = time.perf_counter()
        services.embedder.embed([q])
        timings.append(time.perf_counter() - t0)
    return statistics.median(timings) * 1000


def measure_sequential(base: str, questions: list[str]) -> tuple[float, float]:
    """p50 and p95 (ms) of ``/api/chat`` asked one question at a time."""
    latencies = []
    with httpx.Client(base_url=base, timeout=30) as client:
        for q in questions:
            t1 = time.perf_counter()
            client.post("/api/chat", json={"message": q}).raise_for_status()
            latencies.append((time.perf_counter() - t1) * 1000)
    return pct(latencies, 0.5), pct(latencies, 0.95)


def measure_throughput(base: str, load: list[str], clients: int = CLIENTS) -> float:
    """Requests per second with ``clients`` clients asking at once."""

    def worker(batch: list[str]) -> int:
        with httpx.Client(base_url=base, timeout=30) as c:
            for q in batch:
                c.post("/api/chat", json={"message": q}).raise_for_status()
        return len(batch)

    batches = [load[i::clients] for i in range(clients)]
    t1 = time.perf_counter()
    with ThreadPoolExecutor(clients) as pool:
        done = sum(pool.map(worker, batches))
    return done / (time.perf_counter() - t1)


def measure_refresh_during_chat(
    base: str, env: dict[str, str], corpus: Path, questions: list[str], report: Path
) -> dict[str, Any]:
    """The CLI ingests ``corpus`` while visitors ask 5 questions a second."""
    ingest = subprocess.Popen(
        _ingest_command(corpus, report),
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    during: list[float] = []
    failed = 0
    with httpx.Client(base_url=base, timeout=30) as client:
        while ingest.poll() is None:
            for q in questions:
                t1 = time.perf_counter()
                failed += client.post("/api/chat", json={"message": q}).status_code != 200
                during.append((time.perf_counter() - t1) * 1000)
                # Steady traffic, not a flood that would starve the refresh of CPU.
                time.sleep(max(0.0, 0.2 - (time.perf_counter() - t1)))
                if ingest.poll() is not None:
                    break
        t1 = time.perf_counter()
        while client.get("/health").json().get("articles") != 200:
            time.sleep(0.05)
        seen = time.perf_counter() - t1
    result: dict[str, Any] = json.loads(report.read_text())
    return result | {"during": during, "failed": failed, "seen": seen}


def measure_noop_ingest(env: dict[str, str], corpus: Path, report: Path) -> tuple[float, bool]:
    """Seconds for ``python ingest.py`` as a whole process when nothing changed."""
    t1 = time.perf_counter()
    subprocess.run(
        _ingest_command(corpus, report),
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
    )
    seconds = time.perf_counter() - t1
    return seconds, bool(json.loads(report.read_text())["model_loaded"])


def measure_one_change(services: Services, corpus: Path) -> tuple[float, int, int]:
    """Seconds, texts embedded and sections replaced when one article of 200 changes."""
    target = sorted(corpus.glob("*.md"))[7]
    target.write_text(target.read_text() + "\n\nA new closing line for this test.\n")
    services.index.invalidate()
    t1 = time.perf_counter()
    one = services.indexer.run(corpus, progress=False)
    return time.perf_counter() - t1, one.embedded, one.chunks_replaced


def measure_naive(tmp: Path, questions: list[str]) -> dict[str, float]:
    """Latency, throughput, start and memory of the naive LangChain RAG, same client code."""
    data = tmp / "naive"
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "PYTHONPATH": str(ROOT)}
    command = [sys.executable, "-m", "tools.naive_rag"]
    subprocess.run([*command, "index", str(data)], cwd=ROOT, env=env, check=True)
    port = free_port()
    with serve([*command, "serve", str(data), str(port)], env, port) as server:
        p50, p95 = measure_sequential(server.base, questions * 3)
        rate = measure_throughput(server.base, questions * 4)
        peak = peak_rss_mb(server.process.pid)
    return {"p50": p50, "p95": p95, "rate": rate, "ready": server.ready_seconds, "peak": peak}


def _line(label: str, value: str) -> None:
    print(f"{label:<44}{value}")


def main() -> int:
    """Run every measurement once and print one line per number, with its ratios."""
    questions = [q["q"] for q in load_questions()["answerable"]]
    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        naive = measure_naive(tmp, questions)
        data = tmp / "data"
        # The ONNX export and the triage model made at install, shared, never redone here.
        models = Settings().triage_cache_dir
        settings = Settings(data_dir=data, model_cache_dir=models)
        services = build_services(settings)
        floor = measure_floor(services, questions)
        fused = isinstance(services.embedder, FusedBranch)
        backend = f"{settings.embed_backend}{', fused' if fused else ''}"
        _line(f"floor: one query embedding ({backend})", f"p50 {floor:.1f} ms")
        services.indexer.run(ROOT / "knowledge", progress=False)
        port = free_port()
        env = {
            **os.environ,
            "BOT_DATA_DIR": str(data),
            "BOT_MODEL_CACHE_DIR": str(models),
            "BOT_PORT": str(port),
            "BOT_RATE_LIMIT": "100000/minute",
            "HF_HUB_OFFLINE": "1",
            "PYTHONPATH": str(ROOT),
        }
        with serve([sys.executable, str(ROOT / "server.py")], env, port) as server:
            _report_serving(server, questions, floor, naive)
            corpus = tmp / "corpus"
            synthetic_corpus(corpus, articles=200)
            refresh = measure_refresh_during_chat(
                server.base, env, corpus, questions, tmp / "ingest.json"
            )
            _report_refresh(refresh)
            noop, loaded = measure_noop_ingest(env, corpus, tmp / "noop.json")
            _line(
                "python ingest.py, nothing changed",
                f"{noop:.2f} s whole process (model loaded: {'yes' if loaded else 'no'})",
            )
            secs, texts, replaced = measure_one_change(services, corpus)
            _line(
                "refresh, one article changed of 200",
                f"{secs:.2f} s, {texts} texts embedded ({replaced} sections of that article)",
            )
            peak = peak_rss_mb(server.process.pid)
            _line(
                "server peak memory (VmHWM), whole bench",
                f"{peak:.0f} MB (naive RAG {naive['peak']:.0f} MB after its part)",
            )
    return 0


def _report_serving(
    server: Server, questions: list[str], floor: float, naive: dict[str, float]
) -> None:
    _line(
        "server start to ready (index built)",
        f"{server.ready_seconds:.1f} s (naive RAG {naive['ready']:.1f} s)",
    )
    p50, p95 = measure_sequential(server.base, questions * 3)
    _line(
        f"/api/chat over HTTP ({len(questions) * 3} sequential)",
        f"p50 {p50:.1f} ms p95 {p95:.1f} ms = {p50 / floor:.2f}x floor "
        f"(naive RAG p50 {naive['p50']:.1f} ms = {naive['p50'] / floor:.2f}x)",
    )
    rate = measure_throughput(server.base, questions * 4)
    _line(
        f"throughput, {CLIENTS} concurrent clients",
        f"{rate:.1f} req/s = {rate / naive['rate']:.2f}x naive RAG ({naive['rate']:.1f} req/s)",
    )


def _report_refresh(refresh: dict[str, Any]) -> None:
    during = refresh["during"]
    sections = refresh["chunks_added"] + refresh["chunks_replaced"]
    secs = refresh["seconds"]
    _line(
        "ingest: 200 articles by the CLI, under chat",
        f"{sections} sections in {secs:.1f} s = {sections / secs:.0f} sections/s "
        f"({refresh['embedded']} texts, {refresh['embedded'] / secs:.0f} texts/s)",
    )
    _line(
        f"chat during that refresh ({len(during)} at 5/s)",
        f"p50 {pct(during, 0.5):.1f} ms p95 {pct(during, 0.95):.1f} ms, "
        f"{refresh['failed']} failed; new version served {refresh['seen']:.1f} s after",
    )


if __name__ == "__main__":
    raise SystemExit(main())
