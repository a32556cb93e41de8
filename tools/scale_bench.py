"""Throughput with 1 and 2 server worker processes against a Chroma server (and Redis).

``python -m tools.scale_bench``, also run at the end of ``make bench``. Skipped, with the
reason printed, when the ``chroma`` CLI (from the chromadb wheel) or ``redis-server``
(needed for ``BOT_WORKERS`` > 1) is missing.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

from bot.config import Settings
from bot.services import build_services
from evals.evaluate import load_questions
from tools.benchmark import measure_throughput
from tools.serving import ROOT, free_port, serve

CHROMA_CLI = Path(sys.executable).parent / "chroma"


@contextmanager
def _process(
    args: list[str], env: dict[str, str] | None = None
) -> Iterator[subprocess.Popen[bytes]]:
    proc = subprocess.Popen(
        args, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        yield proc
    finally:
        proc.terminate()
        proc.wait(timeout=60)


def _wait(check_url: str, proc: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            httpx.get(check_url, timeout=2)
            return
        except httpx.TransportError:
            time.sleep(0.1)
    raise RuntimeError(f"{check_url} did not come up")


def worker_throughput(workers: tuple[int, ...] = (1, 2), clients: int = 8) -> dict[int, float]:
    """Requests per second of ``/api/chat`` for each worker count, against a Chroma server."""
    redis_server = shutil.which("redis-server")
    if not CHROMA_CLI.exists() or redis_server is None:
        print("scale-out throughput: skipped (needs the chroma CLI and redis-server)")
        return {}
    questions = [q["q"] for q in load_questions()["answerable"]] * 4
    rates: dict[int, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        chroma_port, redis_port = free_port(), free_port()
        chroma_args = [str(CHROMA_CLI), "run", "--path", tmp + "/chroma"]
        redis_args = [redis_server, "--port", str(redis_port), "--save", "", "--appendonly", "no"]
        with (
            _process([*chroma_args, "--port", str(chroma_port)]) as chroma,
            _process([*redis_args, "--dir", tmp]),
        ):
            _wait(f"http://127.0.0.1:{chroma_port}/api/v2/heartbeat", chroma)
            env = {
                **os.environ,
                "BOT_CHROMA_HOST": "127.0.0.1",
                "BOT_CHROMA_PORT": str(chroma_port),
                "BOT_REDIS_URL": f"redis://127.0.0.1:{redis_port}/0",
                "BOT_DATA_DIR": tmp + "/data",
                "BOT_MODEL_CACHE_DIR": str(Settings().triage_cache_dir),
                "BOT_RATE_LIMIT": "100000/minute",
                "HF_HUB_OFFLINE": "1",
            }
            settings = Settings(
                data_dir=Path(tmp) / "data",
                model_cache_dir=Settings().triage_cache_dir,
                chroma_port=chroma_port,
                chroma_host="127.0.0.1",
            )
            build_services(settings).indexer.run(ROOT / "knowledge", progress=False)
            for count in workers:
                port = free_port()
                run_env = {**env, "BOT_PORT": str(port), "BOT_WORKERS": str(count)}
                command = [sys.executable, str(ROOT / "server.py")]
                with serve(command, run_env, port) as server:
                    with httpx.Client(base_url=server.base, timeout=30) as client:
                        # Every worker answers /health only once its model is loaded.
                        for _ in range(4 * count):
                            client.get("/health").raise_for_status()
                    rates[count] = measure_throughput(server.base, questions, clients=clients)
                print(
                    f"throughput, {count} worker(s), Chroma server, {clients} clients: "
                    f"{rates[count]:.1f} requests/s"
                )
    return rates


if __name__ == "__main__":
    worker_throughput()
