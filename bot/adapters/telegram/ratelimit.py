"""Rate limiting and retries for every Bot API call except getUpdates.

PTB's ``AIORateLimiter`` keeps under Telegram's flood limits. On top of it, a
call that fails for a passing reason is retried until ``give_up_after``
seconds have gone by (a setting, two minutes by default), so a short Bot API
outage costs a worker a late reply, never a lost one:

* ``RetryAfter`` (429): every call waits the time Telegram asks for (one pause
  for all, as PTB's limiter does), then tries again;
* network errors (timeouts, connection resets, 5xx): exponential backoff with
  jitter, capped at ``max_backoff`` seconds.

``BadRequest`` and ``Forbidden`` are permanent and never retried. A call given
up is logged and counted (``on_give_up``), never dropped silently. A button's
answer (``answerCallbackQuery``) is worth retrying only briefly: Telegram
forgets the query after about 15 seconds.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
from collections.abc import Callable, Coroutine
from typing import Any

from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter
from telegram.ext import AIORateLimiter

__all__ = ["DEFAULT_GIVE_UP_AFTER", "ResilientRateLimiter"]

log = logging.getLogger(__name__)

JSONDict = dict[str, Any]
DEFAULT_GIVE_UP_AFTER = 120.0
# What a worker is owed (a reply, an edit, a relayed message) is retried for the
# whole ``give_up_after``; everything else (getMe at start, setMyCommands, a
# button's answer, which Telegram forgets after ~15 s) only briefly, so start-up
# with no network fails in seconds, not minutes.
_OWED_PREFIXES = ("send", "edit", "copy", "forward")
_SHORT = 10.0
_SHORT_LIVED = {"answerCallbackQuery": _SHORT}


class _QuietMaxRetries(logging.Filter):
    """PTB logs a traceback when a 429 is not retried by its limiter; we retry it."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not str(record.msg).startswith("Rate limit hit after maximum")


logging.getLogger("telegram.ext.AIORateLimiter").addFilter(_QuietMaxRetries())


class ResilientRateLimiter(AIORateLimiter):
    """``AIORateLimiter`` whose calls are retried through outages for a bounded time."""

    def __init__(self, *, give_up_after: float = DEFAULT_GIVE_UP_AFTER,
                 backoff: float = 0.5, max_backoff: float = 4.0,
                 on_give_up: Callable[[str], None] | None = None,
                 short_lived: dict[str, float] | None = None, **limits: Any) -> None:
        super().__init__(max_retries=0, **limits)  # 429s are retried below, by time
        self.give_up_after = give_up_after
        self.short_lived = _SHORT_LIVED if short_lived is None else short_lived
        self.backoff = backoff
        self.max_backoff = max_backoff
        self.on_give_up = on_give_up
        self._resume = asyncio.Event()  # cleared while Telegram asked everyone to wait
        self._resume.set()

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, bool | JSONDict | list[JSONDict]]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> bool | JSONDict | list[JSONDict]:
        """Run one call under the rate limits; retry passing failures until the deadline."""
        deadline = time.monotonic() + self.retry_seconds(endpoint)
        delay = self.backoff
        attempt = 0
        while True:
            await self._resume.wait()
            try:
                return await super().process_request(callback, args, kwargs, endpoint, data,
                                                     rate_limit_args)
            except (BadRequest, Forbidden):
                raise
            except RetryAfter as exc:
                wait = exc._retry_after.total_seconds() + 0.1
                error = exc
                if time.monotonic() + wait > deadline:
                    self._give_up(endpoint, error, attempt)
                    raise
                attempt += 1
                log.info("%s: Telegram asks to wait %.0f s (429); retry %d", endpoint, wait,
                         attempt)
                if self._resume.is_set():  # one pause for every call, as PTB does
                    self._resume.clear()
                    try:
                        await asyncio.sleep(wait)
                    finally:
                        self._resume.set()
            except NetworkError as exc:
                pause = delay * (0.5 + random.random())  # jitter: not all retry at once
                if time.monotonic() + pause > deadline:
                    self._give_up(endpoint, exc, attempt)
                    raise
                attempt += 1
                # The type only: the message of an HTTP error could carry a URL.
                log.warning("network error on %s (%s); retry %d in %.1fs", endpoint,
                            type(exc).__name__, attempt, pause)
                await asyncio.sleep(pause)
                delay = min(delay * 2, self.max_backoff)

    def retry_seconds(self, endpoint: str) -> float:
        """How long a call of ``endpoint`` is retried before it is given up."""
        if endpoint in self.short_lived:
            return min(self.short_lived[endpoint], self.give_up_after)
        if endpoint.startswith(_OWED_PREFIXES):
            return self.give_up_after
        return min(_SHORT, self.give_up_after)

    def _give_up(self, endpoint: str, error: Exception, attempts: int) -> None:
        log.error("%s given up after %d retries (%s): the Bot API did not accept it in "
                  "time", endpoint, attempts, type(error).__name__)
        if self.on_give_up is not None:
            self.on_give_up(endpoint)
