"""Serve the clinic bot over HTTP: ``python server.py`` or ``uvicorn server:app``.

With ``BOT_WORKERS`` above 1, uvicorn starts that many worker processes, each building its
own app from the environment (``bot.web.app:app_from_env``); they share Chroma and Redis.
"""

from __future__ import annotations

import uvicorn

from bot.config import Settings
from bot.web.app import create_app

settings = Settings()
# The model and the index are loaded in the app's lifespan, not here at import time.
app = create_app(settings)


def main() -> None:
    """Run the server on BOT_HOST:BOT_PORT with BOT_WORKERS processes."""
    if settings.workers > 1:
        uvicorn.run(
            "bot.web.app:app_from_env",
            factory=True,
            host=settings.host,
            port=settings.port,
            workers=settings.workers,
        )
    else:
        uvicorn.run(app, host=settings.host, port=settings.port)


if __name__ == "__main__":
    main()
