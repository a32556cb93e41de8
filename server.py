"""Serve the clinic bot over HTTP: ``python server.py`` or ``uvicorn server:app``."""

from __future__ import annotations

from typing import Any

import uvicorn

from bot.config import Settings
from bot.web.app import create_app

settings = Settings()
# The model and the index are loaded in the app's lifespan, not here at import time.
app = create_app(settings)


def uvicorn_config(settings: Settings, app: Any) -> uvicorn.Config:
    """The server's limits: trusted proxies only, short idle connections, small headers."""
    return uvicorn.Config(
        app,
        host=settings.host,
        port=settings.port,
        # Client addresses (rate limits, admin throttling) come from X-Forwarded-For only
        # when the connection is from a proxy listed here; anyone else could forge them.
        proxy_headers=True,
        forwarded_allow_ips=settings.forwarded_allow_ips,
        # Slowloris: idle keep-alive connections are closed after 5 s, and a request's
        # headers may not exceed 16 KB (a limit of the h11 parser, hence h11).
        http="h11",
        timeout_keep_alive=5,
        h11_max_incomplete_event_size=16 * 1024,
    )


def main() -> None:
    """Run the server on BOT_HOST:BOT_PORT."""
    uvicorn.Server(uvicorn_config(settings, app)).run()


if __name__ == "__main__":
    main()
