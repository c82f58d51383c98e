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
    """Counts reads and writes of user rows and batches of them; batches can be
    made to fail."""

    reads = 0
    writes = 0
    batches = 0
    failing = False

    async def get_user(self, user_id: int) -> UserRecord | None:
        self.reads += 1
        return await super().get_user(user_id)

    async def save_user(self, user: UserRecord) -> None:
        self.writes += 1
        await super().save_user(user)

    async def save_users(self, users: Any) -> None:
        if self.failing:
            raise OSError("disk full")
        self.batches += 1
        self.writes += len(users)
        await super().save_users(users)


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
    await sessions.flush()
    await sessions.save(1, UserState("th", "permit_renew"))
    await sessions.flush()
    assert repo.writes == 1, "an unchanged state is not written again"
    assert await sessions.load(1) == UserState("th", "permit_renew")
    assert repo.reads == 1, "reads come from the cache"

    clock.today = dt.date(2026, 1, 3)
    await sessions.save(1, UserState("th", "permit_renew"))
    await sessions.flush()
    assert repo.writes == 2, "a new day updates last_seen"
    record = await repo.get_user(1)
    assert record == UserRecord(1, "th", "permit_renew", dt.date(2026, 1, 1),
                                dt.date(2026, 1, 3), True)


async def test_forget_and_inactive(repo: CountingRepo) -> None:
    sessions = Sessions(repo)
    await sessions.save(2, UserState("vi"))
    await sessions.flush()
    await sessions.mark_inactive(2)
    record = await repo.get_user(2)
    assert record is not None and not record.active
    await sessions.save(2, UserState("vi"))
    await sessions.flush()
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


# -- one process: changed states are written in batches -------------------------------

async def test_changes_are_written_together_after_a_short_delay(repo: CountingRepo) -> None:
    sessions = Sessions(repo, write_delay=0.05)
    for user_id in range(1, 21):
        await sessions.save(user_id, UserState("km", "permit_renew"))
    assert await repo.get_user(5) is None, "not written yet"
    assert await sessions.load(5) == UserState("km", "permit_renew"), "read from memory"
    await asyncio.sleep(0.2)
    assert (repo.batches, repo.writes) == (1, 20), "one batch of twenty"
    record = await repo.get_user(5)
    assert record is not None and record.last_topic == "permit_renew"
    assert sessions.unwritten == 0


async def test_a_state_not_written_yet_is_read_even_when_the_cache_forgot_it(
        repo: CountingRepo) -> None:
    sessions = Sessions(repo, cache_size=1, write_delay=60)
    await sessions.save(1, UserState("lo", "wages_unpaid"))
    await sessions.save(2, UserState("th"))  # pushes user 1 out of the cache
    assert await sessions.load(1) == UserState("lo", "wages_unpaid")
    await sessions.close()
    assert (await repo.get_user(1)) is not None, "close writes what is left"


async def test_forget_deletes_a_state_not_written_yet(repo: CountingRepo) -> None:
    sessions = Sessions(repo, write_delay=60)
    await sessions.save(7, UserState("my", "permit_renew"))
    await sessions.save(8, UserState("vi"))
    await sessions.forget(7)
    await sessions.close()
    assert await repo.get_user(7) is None, "the batch must not bring them back"
    assert await repo.get_user(8) is not None


async def test_forget_waits_for_a_batch_under_way(repo: CountingRepo) -> None:
    sessions = Sessions(repo, write_delay=60)
    await sessions.save(7, UserState("my", "permit_renew"))
    writing = asyncio.create_task(sessions.flush())
    await asyncio.sleep(0)  # the batch has taken user 7
    await sessions.forget(7)
    await writing
    assert await repo.get_user(7) is None
    await sessions.close()


async def test_blocked_before_the_first_write_is_written_inactive(
        repo: CountingRepo) -> None:
    sessions = Sessions(repo, write_delay=60)
    await sessions.save(3, UserState("km"))
    await sessions.mark_inactive(3)
    await sessions.close()
    record = await repo.get_user(3)
    assert record is not None and not record.active


async def test_a_failed_batch_is_kept_and_written_later(repo: CountingRepo,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    import bot.app.sessions as sessions_module

    monkeypatch.setattr(sessions_module, "_RETRY_DELAY", 0.05)
    failures: list[Exception] = []
    sessions = Sessions(repo, write_delay=0.01, on_write_failed=failures.append)
    repo.failing = True
    await sessions.save(4, UserState("th", "permit_renew"))
    await asyncio.sleep(0.05)
    assert [type(e) for e in failures] == [OSError], "told, so /healthz says degraded"
    await sessions.save(4, UserState("th", "wages_unpaid"))  # a newer change wins
    repo.failing = False
    await asyncio.sleep(0.2)
    record = await repo.get_user(4)
    assert record is not None and record.last_topic == "wages_unpaid"
    assert sessions.unwritten == 0


async def test_a_shared_database_is_written_at_once(repo: CountingRepo,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """Replicas: another one may answer this user's next update."""
    monkeypatch.setattr(repo, "shared", True)
    sessions = Sessions(repo)
    await sessions.save(9, UserState("en"))
    assert await repo.get_user(9) is not None and repo.batches == 0


async def test_a_database_opened_again_gets_the_states_not_written_yet(
        repo: CountingRepo, tmp_path: Path) -> None:
    """The file was removed under the running bot: the new one gets what waited."""
    old = Sessions(repo, write_delay=60)
    await old.save(11, UserState("lo", "permit_renew"))
    fresh_repo = await CountingRepo.open(tmp_path / "again.sqlite3")
    try:
        fresh = Sessions(fresh_repo, write_delay=60)
        fresh.take_over(old)
        assert old.unwritten == 0
        await fresh.close()
        await old.close()
        record = await fresh_repo.get_user(11)
        assert record is not None and record.last_topic == "permit_renew"
    finally:
        await fresh_repo.close()
