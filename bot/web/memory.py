"""Process memory: fewer glibc malloc arenas for the server.

glibc gives each thread that allocates its own arena, up to eight per core, and a server's
request threads, ONNX Runtime and Chroma leave each arena fragmented: beyond the model and
the index, that was most of a server's peak memory. Capping them must happen before those
threads allocate, so ``server.py`` calls this before importing anything else, and the app
factory calls it again for the other ways of starting (``uvicorn bot.web.app:...``).
"""

from __future__ import annotations

import ctypes
import sys

from bot import tuning

_M_ARENA_MAX = -8  # mallopt's parameter number, from glibc's malloc.h


def few_malloc_arenas(arenas: int = tuning.MALLOC_ARENAS) -> bool:
    """Cap glibc's malloc arenas for this process; False where there is no glibc."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL("libc.so.6")
    except OSError:  # musl and other C libraries have no mallopt arenas
        return False
    return bool(libc.mallopt(_M_ARENA_MAX, arenas))
