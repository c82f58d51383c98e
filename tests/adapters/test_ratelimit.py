"""Retries: network errors with backoff, RetryAfter waited out, BadRequest never."""

from __future__ import annotations

from typing import Any

import pytest
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TimedOut

from bot.adapters.telegram.ratelimit import ResilientRateLimiter

# PTB itself reads RetryAfter.retry_after, which warns about its future type.
pytestmark = [pytest.mark.timeout(30),
              pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")]


class Flaky:
    """A request callback that raises the given errors, then succeeds."""

    def __init__(self, *errors: Exception) -> None:
        self.errors = list(errors)
        self.attempts = 0

    async def __call__(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        self.attempts += 1
        if self.errors:
            raise self.errors.pop(0)
        return {"ok": True}


async def run(limiter: ResilientRateLimiter, callback: Flaky) -> Any:
    return await limiter.process_request(callback, (), {}, "sendMessage", {"chat_id": 1}, None)


def limiter(**kwargs: Any) -> ResilientRateLimiter:
    return ResilientRateLimiter(backoff=0.01, max_backoff=0.02, **kwargs)


async def test_network_errors_are_retried_until_success() -> None:
    callback = Flaky(NetworkError("Bad Gateway"), TimedOut())
    assert await run(limiter(), callback) == {"ok": True}
    assert callback.attempts == 3


async def test_network_errors_give_up_after_the_retries() -> None:
    callback = Flaky(*[NetworkError("down")] * 5)
    with pytest.raises(NetworkError):
        await run(limiter(network_retries=2), callback)
    assert callback.attempts == 3


@pytest.mark.parametrize("error", [BadRequest("Chat not found"), Forbidden("blocked")])
async def test_permanent_errors_are_not_retried(error: Exception) -> None:
    callback = Flaky(error)
    with pytest.raises(type(error)):
        await run(limiter(), callback)
    assert callback.attempts == 1


async def test_retry_after_is_waited_out_by_the_rate_limiter() -> None:
    callback = Flaky(RetryAfter(0), RetryAfter(0))
    assert await run(limiter(max_retries=3), callback) == {"ok": True}
    assert callback.attempts == 3
