"""One error family for the whole bot, mapped once to HTTP statuses and CLI exit codes.

Exit status 1 means only "a file or page was skipped, the rest was indexed"; anything that
stopped the whole run has a status of its own, and an error of no known kind is 70.
"""

from __future__ import annotations


class BotError(Exception):
    """Base of every error the bot reports to a person; the message is shown as is."""

    http_status: int = 500
    exit_code: int = 70

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


class CrawlFailed(BotError):
    """The sitemap could not be used, so the crawl kept every page it had."""

    http_status = 502
    exit_code = 10


class IndexNotReady(BotError):
    """The knowledge index is missing or was built with another model."""

    http_status = 503
    exit_code = 3


class IngestLocked(BotError):
    """Another ingest is already writing the index."""

    http_status = 409
    exit_code = 4


class DataDirReadOnly(BotError):
    """The data folder (or a file in it) cannot be written."""

    http_status = 503
    exit_code = 11


class DataDirFull(BotError):
    """The disk holding the data folder is full."""

    http_status = 507
    exit_code = 12


class IndexCorrupt(BotError):
    """The index database on disk is damaged."""

    http_status = 503
    exit_code = 13


class Unauthorized(BotError):
    """Missing or wrong admin token."""

    http_status = 401
    exit_code = 8


class NotFound(BotError):
    """No such article."""

    http_status = 404
    exit_code = 9


class BadUpload(BotError):
    """An uploaded article was refused; the message says why."""

    http_status = 422
    exit_code = 2


class TooLarge(BotError):
    """An uploaded article is over the size limit."""

    http_status = 413
    exit_code = 2


class RateLimited(BotError):
    """Too many requests from one client address."""

    http_status = 429
    exit_code = 5

    def __init__(self, retry_after: int) -> None:
        super().__init__(
            f"Too many messages in a short time. Please wait {retry_after} seconds and try again."
        )
        self.retry_after = retry_after


class CheckFailed(BotError):
    """The new version failed a check; the old one keeps serving."""

    http_status = 409
    exit_code = 7


class NothingToRollBack(BotError):
    """There is no previous version to go back to."""

    http_status = 409
    exit_code = 6
