"""Serve the clinic bot over HTTP: ``python server.py`` or ``uvicorn server:app``."""

from __future__ import annotations

import uvicorn

from bot.config import Settings
from bot.web.app import create_app

settings = Settings()
# The model and the index are loaded in the app's lifespan, not here at import time.
app = create_app(settings)


def main() -> None:
    """Run the server on BOT_HOST:BOT_PORT."""
    uvicorn.run(app, host=settings.host, port=settings.port)


if __name__ == "__main__":
    main()
