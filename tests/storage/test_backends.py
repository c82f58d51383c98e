"""The repository contract, run against both backends: SQLite and a real PostgreSQL."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack
from pathlib import Path

import pytest
import pytest_asyncio

from bot.storage import Repository, StorageError, UserRecord, open_repository
from bot.storage.sql import SqlRepository
from tests.storage.conftest import pg_database

DAY = dt.date(2026, 6, 1)
NOW = dt.datetime(2026, 6, 1, 12, tzinfo=dt.UTC)
BIG_ID = 7_654_321_098  # Telegram ids do not fit 32 bits


@pytest_asyncio.fixture(params=["sqlite", "postgres"])
async def repo(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[SqlRepository]:
    async with AsyncExitStack() as stack:
        if request.param == "sqlite":
            where = str(tmp_path / "bot.sqlite3")
        else:
            where = await stack.enter_async_context(pg_database())
        opened = await open_repository(where)
        assert isinstance(opened, SqlRepository)
        yield opened
        await opened.close()


async def test_users(repo: SqlRepository) -> None:
    await repo.save_user(UserRecord(BIG_ID, "th", None, DAY, DAY, True, "remind:visa"))
    later = DAY + dt.timedelta(days=3)
    await repo.save_user(UserRecord(BIG_ID, "my", "hotlines", later, later))
    assert await repo.get_user(BIG_ID) == UserRecord(BIG_ID, "my", "hotlines", DAY, later)
    await repo.set_active(BIG_ID, False)
    assert await repo.count_active_users(DAY) == 0
    await repo.delete_user(BIG_ID)
    assert await repo.get_user(BIG_ID) is None


async def test_counters_votes_and_unmatched(repo: SqlRepository) -> None:
    for _ in range(3):
        await repo.add_activity("answer", "km", "hotlines", DAY, 2)
    [row] = await repo.activity(DAY, DAY)
    assert row.count == 6
    await repo.add_feedback("hotlines", "km", 1, DAY)
    await repo.add_feedback("hotlines", "km", -1, DAY)
    [votes] = await repo.feedback_counts()
    assert (votes.up, votes.down) == (1, 1)
    await repo.add_unmatched("football", "en", NOW)
    await repo.add_unmatched("football", "en", NOW)
    [top] = await repo.top_unmatched("en", days=1, now=NOW)
    assert (top.text, top.count) == ("football", 2)
    assert await repo.purge_unmatched(NOW + dt.timedelta(days=100)) == 2


async def test_inbox(repo: SqlRepository) -> None:
    assert await repo.inbox_add([(BIG_ID, "{}"), (2, "{}")]) == [BIG_ID, 2]
    assert await repo.inbox_add([(2, "{}"), (3, "{}")]) == [3]
    await repo.inbox_finish([BIG_ID, 3])
    assert await repo.inbox_pending() == [(2, "{}")]
    assert await repo.inbox_purge(NOW + dt.timedelta(days=400)) >= 0


async def test_reminders_and_one_claim_wins(repo: SqlRepository) -> None:
    rid = await repo.reminder_set(BIG_ID, "visa", DAY, "km", DAY)
    assert await repo.reminder_set(BIG_ID, "visa", DAY, "km", DAY) == rid  # replaced
    [reminder] = await repo.reminders_due(DAY)
    claims = await asyncio.gather(*(repo.reminder_claim(reminder, 30, NOW,
                                                        dt.timedelta(minutes=10))
                                    for _ in range(5)))
    assert sum(claims) == 1
    await repo.reminder_sent(reminder, 30, None, NOW)
    assert await repo.reminders_due(DAY) == []
    assert await repo.reminder_counts() == [("visa", "km", 1, 1)]
    assert await repo.reminder_delete(BIG_ID, rid)
    assert await repo.reminders_of(BIG_ID) == []


async def test_a_bad_postgres_url_is_one_clear_error() -> None:
    with pytest.raises(StorageError, match="cannot connect to PostgreSQL") as error:
        await open_repository("postgresql://nobody:secret@127.0.0.1:1/none")
    assert "secret" not in str(error.value)


async def test_replicas_serialise_one_users_turns(pg_url: str) -> None:
    """Two replicas (two repositories on one database): one user's lock is held by one
    at a time; another user's is not blocked by it."""
    first = await open_repository(pg_url)
    second = await open_repository(pg_url)
    order: list[str] = []

    async def turn(repo: Repository, user: int, name: str) -> None:
        async with repo.user_lock(user):
            order.append(f"{name} in")
            await asyncio.sleep(0.2)
            order.append(f"{name} out")

    try:
        await asyncio.gather(turn(first, 1, "a"), turn(second, 1, "b"), turn(second, 2, "c"))
    finally:
        await first.close()
        await second.close()
    a, b = order.index("a in"), order.index("b in")
    first_out = order.index("a out") if a < b else order.index("b out")
    assert first_out < max(a, b), order  # the second waited for the first
    assert order.index("c in") < max(a, b) or order.index("c in") < first_out  # not blocked


async def test_handoff_cases(repo: SqlRepository) -> None:
    cases = repo.cases
    first = await cases.open_case(BIG_ID, "my", -100, NOW)
    assert (await cases.open_case(BIG_ID, "my", -100, NOW)).case_id == first.case_id
    await cases.audit(first.case_id, "opened", NOW)
    await cases.add_copy(first.case_id, "worker", 5, 77)
    await cases.add_copy(first.case_id, "worker", 5, 78)  # replaced, not doubled
    assert await cases.copy_of(first.case_id, "worker", 5) == 78
    await cases.delete(first.case_id)
    assert await cases.get(first.case_id) is None
    assert [e.event for e in await cases.audit_of(first.case_id)] == ["opened"]
    again = await cases.open_case(BIG_ID, "km", -100, NOW)
    assert again.case_id > first.case_id  # a forgotten case's number is never reused
