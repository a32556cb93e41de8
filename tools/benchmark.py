"""``make bench``: speed and memory of the real model, index and HTTP server, printed."""

from __future__ import annotations

import os
import re
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
from bot.services import build_services
from evals.evaluate import load_questions

ROOT = Path(__file__).resolve().parent.parent


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _pct(values: Sequence[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


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


def _peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _wait_ready(client: httpx.Client, server: subprocess.Popen[bytes], started: float) -> float:
    while True:
        try:
            if client.get("/health").status_code == 200:
                return time.perf_counter() - started
        except httpx.TransportError:
            pass
        if server.poll() is not None or time.perf_counter() - started > 120:
            raise RuntimeError("server did not become ready")
        time.sleep(0.05)


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
        services.indexer.run(ROOT / "knowledge", progress=False)

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
                print(
                    f"server start to ready:                    "
                    f"{_wait_ready(client, server, t0):.1f} s"
                )
                latencies = _sequential(client, questions * 3)
                p50, p95 = _pct(latencies, 0.5), _pct(latencies, 0.95)
                print(
                    f"/api/chat over HTTP ({len(latencies)} sequential)       "
                    f"p50 {p50:.1f} ms   p95 {p95:.1f} ms   ({p50 / floor:.1f}x floor)"
                )
            rate = _concurrent(base, questions * 4, clients=8)
            print(f"throughput, 8 concurrent clients:         {rate:.1f} requests/s")

            # A refresh to a 200-article corpus, run by the CLI while visitors chat.
            corpus = Path(tmp) / "corpus"
            synthetic_corpus(corpus, articles=200)
            ingest = subprocess.Popen(
                [sys.executable, str(ROOT / "ingest.py"), "--source", str(corpus), "--quiet"],
                cwd=ROOT,
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
                text=True,
            )
            during: list[float] = []
            failed = 0
            with httpx.Client(base_url=base, timeout=30) as client:
                while ingest.poll() is None:
                    for q in questions:
                        t1 = time.perf_counter()
                        failed += client.post("/api/chat", json={"message": q}).status_code != 200
                        during.append((time.perf_counter() - t1) * 1000)
                        # Steady visitor traffic (5 questions a second), not a flood that
                        # would starve the refresh of CPU.
                        time.sleep(max(0.0, 0.2 - (time.perf_counter() - t1)))
                        if ingest.poll() is not None:
                            break
                out = ingest.stdout.read() if ingest.stdout else ""
                t1 = time.perf_counter()
                while client.get("/health").json().get("articles") != 200:
                    time.sleep(0.1)
                seen = time.perf_counter() - t1
            print(
                f"chat during a refresh ({len(during)} requests, 5/s):  p50 "
                f"{_pct(during, 0.5):.1f} ms   p95 {_pct(during, 0.95):.1f} ms   {failed} failed; "
                f"new version served {seen:.1f} s after the refresh ended"
            )
            match = re.search(
                r"chunks: (\d+) added.*?\((\d+) texts embedded in ([\d.]+)s\)", out, re.S
            )
            if match:
                chunks, texts, secs = int(match[1]), int(match[2]), float(match[3])
                print(
                    f"ingest: 200 articles, {chunks} chunks in {secs:.1f} s   "
                    f"{chunks / secs:.0f} chunks/s ({texts / secs:.0f} texts/s)"
                )

            services.index.invalidate()
            t1 = time.perf_counter()
            again = services.indexer.run(corpus, progress=False)
            print(
                f"re-ingest unchanged corpus:               "
                f"{time.perf_counter() - t1:.2f} s, {again.embedded} texts embedded"
            )
            target = sorted(corpus.glob("*.md"))[7]
            target.write_text(target.read_text() + "\n\nA new closing line for this test.\n")
            t1 = time.perf_counter()
            one = services.indexer.run(corpus, progress=False)
            print(
                f"refresh, one article changed of 200:      "
                f"{time.perf_counter() - t1:.2f} s, {one.embedded} texts embedded "
                f"({one.chunks_replaced} chunks of that article)"
            )
            print(f"server peak memory (VmHWM):               {_peak_rss_mb(server.pid):.0f} MB")
        finally:
            server.terminate()
            server.wait(timeout=30)
        shutil.rmtree(data, ignore_errors=True)
    from tools.scale_bench import worker_throughput  # it imports this module's helpers

    worker_throughput()
    return 0


def _sequential(client: httpx.Client, questions: list[str]) -> list[float]:
    latencies = []
    for q in questions:
        t1 = time.perf_counter()
        client.post("/api/chat", json={"message": q}).raise_for_status()
        latencies.append((time.perf_counter() - t1) * 1000)
    return latencies


def _concurrent(base: str, load: list[str], clients: int) -> float:
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


if __name__ == "__main__":
    raise SystemExit(main())
