"""The server caps glibc's malloc arenas (the biggest share of its peak memory otherwise)."""

from __future__ import annotations

import subprocess
import sys

from conftest import ROOT


def test_the_server_module_caps_the_arenas_before_importing_the_app() -> None:
    # In a fresh interpreter: importing server.py must run the cap before numpy, Chroma or
    # ONNX Runtime are imported (they start threads of their own).
    probe = (
        "import sys, bot.web.memory as m\n"
        "calls = []\n"
        "real = m.few_malloc_arenas\n"
        "m.few_malloc_arenas = lambda *a: calls.append(sorted(k for k in sys.modules"
        " if k.split('.')[0] in ('numpy', 'chromadb', 'onnxruntime'))) or real(*a)\n"
        "import server\n"
        "print(calls[0] == [], real())\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert out.stdout.split() == ["True", "True"]
