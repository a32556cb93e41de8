"""One error family for the whole bot, mapped once to HTTP statuses and CLI exit codes."""

from __future__ import annotations


class BotError(Exception):
    """Base of every error the bot reports to a person; the message is shown as is."""

    http_status: int = 500
    exit_code: int = 1

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class InvalidRequest(BotError):
    """The caller sent something the bot cannot use."""

    http_status = 422
    exit_code = 2


class SourceError(BotError):
    """An article file could not be read or parsed."""

    http_status = 422
    exit_code = 1

    def __init__(self, source: str, reason: str) -> None:
        super().__init__(f"{source}: {reason}")
        self.source = source
        self.reason = reason


class IndexNotReady(BotError):
    """The knowledge index is missing or was built with another model."""

    http_status = 503
    exit_code = 3


class IngestLocked(BotError):
    """Another ingest is already writing the index."""

    http_status = 409
    exit_code = 4
