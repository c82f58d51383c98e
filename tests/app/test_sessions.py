"""User sessions: cached state, writes only on change, per-user ordering."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio

from bot.app.sessions import Sessions
from bot.dialogue.types import UserState
from bot.storage import SqliteRepository, UserRecord

pytestmark = pytest.mark.timeout(30)


class CountingRepo(SqliteRepository):
    """Counts reads and writes of user rows."""

    reads = 0
    writes = 0

    async def get_user(self, user_id: int) -> UserRecord | None:
        self.reads += 1
        return await super().get_user(user_id)

    async def save_user(self, user: UserRecord) -> None:
        self.writes += 1
        await super().save_user(user)


@pytest_asyncio.fixture
async def repo(tmp_path: Path) -> AsyncIterator[CountingRepo]:
    opened = await CountingRepo.open(tmp_path / "bot.sqlite3")
    yield opened  # type: ignore[misc]
    await opened.close()


class Clock:
    def __init__(self) -> None:
        self.today = dt.date(2026, 1, 1)

    def __call__(self) -> dt.date:
        return self.today


async def test_state_round_trip_and_writes_only_on_change(repo: CountingRepo) -> None:
    clock = Clock()
    sessions = Sessions(repo, today=clock)
    assert await sessions.load(1) == UserState()
    await sessions.save(1, UserState("th", "permit_renew"))
    await sessions.save(1, UserState("th", "permit_renew"))
    assert repo.writes == 1, "an unchanged state is not written again"
    assert await sessions.load(1) == UserState("th", "permit_renew")
    assert repo.reads == 1, "reads come from the cache"

    clock.today = dt.date(2026, 1, 3)
    await sessions.save(1, UserState("th", "permit_renew"))
    assert repo.writes == 2, "a new day updates last_seen"
    record = await repo.get_user(1)
    assert record == UserRecord(1, "th", "permit_renew", dt.date(2026, 1, 1),
                                dt.date(2026, 1, 3), True)


async def test_forget_and_inactive(repo: CountingRepo) -> None:
    sessions = Sessions(repo)
    await sessions.save(2, UserState("vi"))
    await sessions.mark_inactive(2)
    record = await repo.get_user(2)
    assert record is not None and not record.active
    await sessions.save(2, UserState("vi"))
    record = await repo.get_user(2)
    assert record is not None and record.active, "writing again means unblocked"
    await sessions.forget(2)
    assert await repo.get_user(2) is None
    assert await sessions.load(2) == UserState()
    await sessions.mark_inactive(3)  # unknown user: nothing to mark, no error
    assert await repo.get_user(3) is None


async def test_one_user_at_a_time_others_in_parallel(repo: CountingRepo) -> None:
    sessions = Sessions(repo)
    order: list[Any] = []

    async def turn(user: int, name: str) -> None:
        async with sessions.lock(user):
            order.append(("in", name))
            await asyncio.sleep(0.02)
            order.append(("out", name))

    await asyncio.gather(turn(1, "a"), turn(1, "b"), turn(2, "c"))
    a_out, b_in = order.index(("out", "a")), order.index(("in", "b"))
    assert a_out < b_in, "the same user's turns do not overlap"
    assert order.index(("in", "c")) < a_out, "another user does not wait"
    assert not sessions._locks, "locks are dropped when nobody waits"
