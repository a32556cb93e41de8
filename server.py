"""Serve the clinic bot over HTTP: ``python server.py`` or ``uvicorn server:app``.

With ``BOT_WORKERS`` above 1, uvicorn starts that many worker processes, each building its
own app from the environment (``bot.web.app:app_from_env``); they share Chroma and Redis.
"""

from __future__ import annotations

from bot.web.memory import few_malloc_arenas

# Before any library starts a thread that allocates (see bot/web/memory.py).
few_malloc_arenas()

from typing import Any  # noqa: E402

import uvicorn  # noqa: E402

from bot.config import Settings  # noqa: E402
from bot.web.app import MAX_HEADER_BYTES, create_app  # noqa: E402

settings = Settings()
# The model and the index are loaded in the app's lifespan, not here at import time.
app = create_app(settings)


def server_options(settings: Settings) -> dict[str, Any]:
    """The server's limits: trusted proxies only, short idle connections, small headers."""
    return {
        "host": settings.host,
        "port": settings.port,
        # Client addresses (rate limits, admin throttling) come from X-Forwarded-For only
        # when the connection is from a proxy listed here; anyone else could forge them.
        "proxy_headers": True,
        "forwarded_allow_ips": settings.forwarded_allow_ips,
        # Slowloris: idle keep-alive connections are closed after 5 s, and headers that
        # trickle in may not grow past 16 KB (a limit of the h11 parser, hence h11; the
        # app's HeaderLimit refuses a larger header block that arrived all at once).
        "http": "h11",
        "timeout_keep_alive": 5,
        "h11_max_incomplete_event_size": MAX_HEADER_BYTES,
    }


def uvicorn_config(settings: Settings, app: Any) -> uvicorn.Config:
    """One server process for ``app`` with :func:`server_options`."""
    return uvicorn.Config(app, **server_options(settings))


def main() -> None:
    """Run the server on BOT_HOST:BOT_PORT with BOT_WORKERS processes."""
    if settings.workers > 1:
        # Each worker builds its own app from the environment; they share Chroma and Redis.
        uvicorn.run(
            "bot.web.app:app_from_env",
            factory=True,
            workers=settings.workers,
            **server_options(settings),
        )
    else:
        uvicorn.Server(uvicorn_config(settings, app)).run()


if __name__ == "__main__":
    main()
