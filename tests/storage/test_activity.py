"""Daily activity counters (migration 2): upserts, date windows, active users, no ids."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import aiosqlite

from bot.storage import ActivityCount, SqliteRepository, UserRecord
from bot.storage.migrations import MIGRATIONS, apply_migrations

DAY = dt.date(2026, 6, 1)


async def test_counters_add_up_per_day_language_kind_and_topic(repo: SqliteRepository) -> None:
    for _ in range(3):
        await repo.add_activity("answer", "th", "permit_renew", day=DAY)
    await repo.add_activity("fallback", "th", day=DAY)
    await repo.add_activity("fallback", "th", day=DAY)
    await repo.add_activity("fallback", None, day=DAY)  # language unknown
    await repo.add_activity("topic_shown", "en", "hotlines", day=DAY - dt.timedelta(days=1))
    assert await repo.activity(DAY - dt.timedelta(days=1), DAY) == [
        ActivityCount(DAY - dt.timedelta(days=1), "en", "topic_shown", "hotlines", 1),
        ActivityCount(DAY, None, "fallback", None, 1),
        ActivityCount(DAY, "th", "answer", "permit_renew", 3),
        ActivityCount(DAY, "th", "fallback", None, 2),
    ]
    assert [r.day for r in await repo.activity(DAY, DAY)] == [DAY] * 3, "window is inclusive"
    assert await repo.activity(DAY + dt.timedelta(days=1), DAY + dt.timedelta(days=9)) == []


async def test_a_counter_without_a_day_counts_today(repo: SqliteRepository) -> None:
    await repo.add_activity("did_you_mean", "my")
    today = dt.datetime.now(dt.UTC).date()
    assert await repo.activity(today) == [ActivityCount(today, "my", "did_you_mean", None, 1)]


async def test_active_users_are_active_and_seen_since(repo: SqliteRepository) -> None:
    long_ago = DAY - dt.timedelta(days=30)
    await repo.save_user(UserRecord(1, "th", None, long_ago, DAY))
    await repo.save_user(UserRecord(2, "my", None, long_ago, long_ago))
    await repo.save_user(UserRecord(3, "km", None, DAY, DAY, active=False))
    await repo.save_user(UserRecord(4, None, None, DAY, DAY - dt.timedelta(days=29)))
    assert await repo.count_active_users(DAY - dt.timedelta(days=29)) == 2
    assert await repo.count_active_users(DAY) == 1


async def test_the_activity_table_holds_no_user_id(repo: SqliteRepository,
                                                   tmp_path: Path) -> None:
    db = sqlite3.connect(tmp_path / "bot.sqlite3")
    try:
        columns = {r[1] for r in db.execute("PRAGMA table_info(activity)")}
    finally:
        db.close()
    assert columns == {"day", "language", "kind", "topic", "count"}


async def test_a_version_1_database_gets_the_counters_and_keeps_its_data(
        tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    async with aiosqlite.connect(path, isolation_level=None) as db:
        assert await apply_migrations(db, MIGRATIONS[:1]) == 1
        await db.execute("INSERT INTO users VALUES (7, 'lo', NULL, '2026-01-01', "
                         "'2026-01-02', 1)")
    repo = await SqliteRepository.open(path)
    try:
        assert repo.schema_version == MIGRATIONS[-1].version >= 2
        user = await repo.get_user(7)
        assert user is not None and user.language == "lo"
        await repo.add_activity("answer", "lo", "hotlines", day=DAY)
        assert len(await repo.activity(DAY, DAY)) == 1
    finally:
        await repo.close()
