"""Regenerate the README screenshots: ``make screenshots``.

Ingests ``knowledge/`` into a scratch folder, starts the real server, opens the demo page in
Debian's chromium and photographs the widget answering, on a desktop and on a phone.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
W = "#clinic-bot-widget >> "


def main() -> int:
    """Take both screenshots into docs/."""
    with tempfile.TemporaryDirectory() as tmp:
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        env = {**os.environ, "BOT_DATA_DIR": tmp, "BOT_PORT": str(port), "HF_HUB_OFFLINE": "1"}
        subprocess.run([sys.executable, "ingest.py", "--quiet"], cwd=ROOT, env=env, check=True)
        server = subprocess.Popen([sys.executable, "server.py"], cwd=ROOT, env=env)
        base = f"http://127.0.0.1:{port}"
        try:
            for _ in range(600):
                try:
                    if httpx.get(f"{base}/health").status_code == 200:
                        break
                except httpx.TransportError:
                    time.sleep(0.1)
            with sync_playwright() as pw:
                browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
                for name, viewport in (("desktop", (1280, 800)), ("phone", (390, 844))):
                    page = browser.new_page(viewport={"width": viewport[0], "height": viewport[1]})
                    page.goto(base + "/")
                    page.click(W + ".launcher")
                    page.fill(W + "textarea", "How can I avoid hurting my back again?")
                    page.keyboard.press("Enter")
                    page.locator(W + ".msg.bot[data-state=done]").wait_for(timeout=20000)
                    page.wait_for_timeout(300)
                    page.screenshot(path=str(ROOT / "docs" / f"widget-{name}.png"))
                    page.close()
                browser.close()
        finally:
            server.terminate()
            server.wait(timeout=30)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
