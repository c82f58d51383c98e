"""Retries through outages for a bounded time: network errors with backoff, RetryAfter
waited out, BadRequest and Forbidden never; a call given up is reported."""

from __future__ import annotations

import time
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


async def test_network_errors_give_up_after_the_time_and_say_so() -> None:
    given_up: list[str] = []
    callback = Flaky(*[NetworkError("down")] * 1000)
    started = time.monotonic()
    with pytest.raises(NetworkError):
        await run(limiter(give_up_after=0.3, on_give_up=given_up.append), callback)
    assert 0.2 <= time.monotonic() - started < 1.0
    assert callback.attempts > 3  # kept trying for the whole time, not three times
    assert given_up == ["sendMessage"]


async def test_a_button_answer_is_not_retried_for_long() -> None:
    # Telegram forgets a callback query after about 15 s.
    assert ResilientRateLimiter(give_up_after=600).retry_seconds("answerCallbackQuery") <= 15
    callback = Flaky(*[NetworkError("down")] * 10_000)
    short = limiter(give_up_after=600, short_lived={"answerCallbackQuery": 0.2})
    started = time.monotonic()
    with pytest.raises(NetworkError):
        await short.process_request(callback, (), {}, "answerCallbackQuery", {}, None)
    assert time.monotonic() - started < 1


@pytest.mark.parametrize("error", [BadRequest("Chat not found"), Forbidden("blocked")])
async def test_permanent_errors_are_not_retried(error: Exception) -> None:
    callback = Flaky(error)
    with pytest.raises(type(error)):
        await run(limiter(), callback)
    assert callback.attempts == 1


async def test_retry_after_is_waited_out_for_as_long_as_telegram_asks() -> None:
    callback = Flaky(*[RetryAfter(0)] * 20)
    assert await run(limiter(), callback) == {"ok": True}
    assert callback.attempts == 21


async def test_a_retry_after_beyond_the_deadline_gives_up_at_once() -> None:
    given_up: list[str] = []
    callback = Flaky(RetryAfter(60))
    started = time.monotonic()
    with pytest.raises(RetryAfter):
        await run(limiter(give_up_after=5, on_give_up=given_up.append), callback)
    assert time.monotonic() - started < 1 and given_up == ["sendMessage"]


def test_only_what_a_worker_is_owed_is_retried_for_long() -> None:
    limiter = ResilientRateLimiter(give_up_after=120)
    assert limiter.retry_seconds("sendMessage") == 120
    assert limiter.retry_seconds("editMessageText") == 120
    assert limiter.retry_seconds("copyMessage") == 120
    assert limiter.retry_seconds("getMe") <= 10  # start-up without network: fail fast
    assert limiter.retry_seconds("setMyCommands") <= 10
