"""Index the clinic's articles: ``python ingest.py [--source DIR] [--rebuild]``."""

from bot.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
