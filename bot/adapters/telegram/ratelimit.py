"""Rate limiting and retries for every Bot API call except getUpdates.

PTB's ``AIORateLimiter`` keeps under Telegram's flood limits and waits out
``RetryAfter`` (429) up to ``max_retries`` times. On top of that, transient
network errors (timeouts, connection resets, 5xx) are retried with
exponential backoff. ``BadRequest`` is a ``NetworkError`` subclass in PTB but
is a permanent error, so it is never retried.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine
from typing import Any

from telegram.error import BadRequest, NetworkError
from telegram.ext import AIORateLimiter

__all__ = ["ResilientRateLimiter"]

log = logging.getLogger(__name__)

JSONDict = dict[str, Any]


class ResilientRateLimiter(AIORateLimiter):
    """``AIORateLimiter`` that also retries network errors with backoff."""

    def __init__(self, *, max_retries: int = 3, network_retries: int = 3,
                 backoff: float = 0.5, max_backoff: float = 8.0, **limits: Any) -> None:
        super().__init__(max_retries=max_retries, **limits)
        self.network_retries = network_retries
        self.backoff = backoff
        self.max_backoff = max_backoff

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, bool | JSONDict | list[JSONDict]]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> bool | JSONDict | list[JSONDict]:
        """Run one request under the rate limits; retry transient network errors."""
        delay = self.backoff
        attempt = 0
        while True:
            try:
                return await super().process_request(callback, args, kwargs, endpoint, data,
                                                     rate_limit_args)
            except BadRequest:
                raise
            except NetworkError as exc:
                if attempt >= self.network_retries:
                    raise
                attempt += 1
                # The type only: the message of an HTTP error could carry a URL.
                log.warning("network error on %s (%s); retry %d of %d in %.1fs", endpoint,
                            type(exc).__name__, attempt, self.network_retries, delay)
                await asyncio.sleep(delay)
                delay = min(delay * 2, self.max_backoff)
