"""Per-client rate limiting (chat requests, failed admin sign-ins), with ``limits``.

The counters live in this process (``memory://``) or, when ``BOT_REDIS_URL`` is set, in
Redis through the ``limits`` library's own Redis storage, so that every process and
machine counts against one limit.
"""

from __future__ import annotations

import math
import time

from limits import parse
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter

from bot.errors import RateLimited


class RateLimiter:
    """A moving-window limit such as ``30/minute`` per client key (the client address)."""

    def __init__(self, rule: str, storage_url: str | None = None) -> None:
        self._item = parse(rule)
        self.storage = storage_from_string(storage_url or "memory://")
        self._limiter = MovingWindowRateLimiter(self.storage)

    def hit(self, key: str) -> None:
        """Count one request for ``key``; raise :class:`RateLimited` past the limit."""
        if not self._limiter.hit(self._item, key):
            raise RateLimited(self._wait(key))

    def check(self, key: str) -> None:
        """Raise :class:`RateLimited` if ``key`` is over the limit, without counting a hit."""
        if not self._limiter.test(self._item, key):
            raise RateLimited(self._wait(key))

    def _wait(self, key: str) -> int:
        reset = self._limiter.get_window_stats(self._item, key).reset_time
        return max(1, math.ceil(reset - time.time()))
