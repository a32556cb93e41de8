"""``make bench``: speed and memory of the real model, index and HTTP server, printed."""

from __future__ import annotations

import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

from bot.config import Settings
from bot.evaluation import load_questions
from bot.services import build_services

ROOT = Path(__file__).resolve().parent.parent


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _pct(values: Sequence[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def synthetic_corpus(target: Path, copies: int) -> None:
    """``copies`` variants of every clinic article, each a distinct article."""
    target.mkdir(parents=True, exist_ok=True)
    for n in range(copies):
        for path in sorted((ROOT / "knowledge").glob("*.md")):
            text = path.read_text(encoding="utf-8")
            (target / f"{path.stem}-{n:03d}.md").write_text(
                text + f"\n\nEdition {n} of this article.\n", encoding="utf-8"
            )


def _peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def main() -> int:
    """Run every measurement once and print one line per number."""
    questions = [q["q"] for q in load_questions()["answerable"]]
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "data"
        services = build_services(Settings(data_dir=data))

        timings = []
        for q in questions * 2:
            t0 = time.perf_counter()
            services.embedder.embed([q])
            timings.append(time.perf_counter() - t0)
        floor = statistics.median(timings) * 1000
        print(f"floor: one query embedding (in-process)   p50 {floor:.1f} ms")

        corpus = Path(tmp) / "corpus"
        synthetic_corpus(corpus, copies=20)
        t0 = time.perf_counter()
        report = services.indexer.run(corpus, progress=False)
        elapsed = time.perf_counter() - t0
        chunks = report.chunks_added
        print(
            f"ingest: {report.articles} articles, {chunks} chunks in {elapsed:.1f} s   "
            f"{chunks / elapsed:.0f} chunks/s ({report.embedded / elapsed:.0f} texts/s)"
        )
        t0 = time.perf_counter()
        again = services.indexer.run(corpus, progress=False)
        print(
            f"re-ingest unchanged corpus:               {time.perf_counter() - t0:.2f} s, "
            f"{again.embedded} texts embedded"
        )
        services.indexer.run(ROOT / "knowledge", rebuild=True, progress=False)
        del services

        port = _free_port()
        env = {
            **os.environ,
            "BOT_DATA_DIR": str(data),
            "BOT_PORT": str(port),
            "BOT_RATE_LIMIT": "100000/minute",
            "HF_HUB_OFFLINE": "1",
        }
        t0 = time.perf_counter()
        server = subprocess.Popen(
            [sys.executable, str(ROOT / "server.py")],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            with httpx.Client(base_url=base, timeout=30) as client:
                while True:
                    try:
                        if client.get("/health").status_code == 200:
                            break
                    except httpx.TransportError:
                        pass
                    if server.poll() is not None or time.perf_counter() - t0 > 120:
                        print("server did not become ready", file=sys.stderr)
                        return 1
                    time.sleep(0.05)
                ready = time.perf_counter() - t0
                print(f"server start to ready:                    {ready:.1f} s")

                latencies = []
                for q in questions * 3:
                    t1 = time.perf_counter()
                    client.post("/api/chat", json={"message": q}).raise_for_status()
                    latencies.append((time.perf_counter() - t1) * 1000)
                p50, p95 = _pct(latencies, 0.5), _pct(latencies, 0.95)
                print(
                    f"/api/chat over HTTP ({len(latencies)} sequential)       "
                    f"p50 {p50:.1f} ms   p95 {p95:.1f} ms   ({p50 / floor:.1f}x floor)"
                )

            def worker(batch: list[str]) -> int:
                with httpx.Client(base_url=base, timeout=30) as c:
                    for q in batch:
                        c.post("/api/chat", json={"message": q}).raise_for_status()
                return len(batch)

            load = questions * 4
            batches = [load[i::8] for i in range(8)]
            t1 = time.perf_counter()
            with ThreadPoolExecutor(8) as pool:
                done = sum(pool.map(worker, batches))
            rate = done / (time.perf_counter() - t1)
            print(f"throughput, 8 concurrent clients:         {rate:.1f} requests/s ({done})")
            print(f"server peak memory (VmHWM):               {_peak_rss_mb(server.pid):.0f} MB")
        finally:
            server.terminate()
            server.wait(timeout=30)
        shutil.rmtree(data, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
