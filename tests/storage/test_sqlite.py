"""The SQLite repository: users, anonymous feedback and unmatched messages, purge."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

from bot.storage import (
    UNMATCHED_RETENTION,
    FeedbackCount,
    Repository,
    SqliteRepository,
    UserRecord,
    open_repository,
)

NOW = dt.datetime(2026, 6, 1, 12, 0, tzinfo=dt.UTC)
DAY = dt.date(2026, 6, 1)


async def test_open_creates_the_folder_and_uses_wal(tmp_path: Path) -> None:
    path = tmp_path / "deep" / "er" / "bot.sqlite3"
    repo = await SqliteRepository.open(path)
    try:
        assert path.is_file()
        assert await repo.journal_mode() == "wal"
    finally:
        await repo.close()


async def test_the_sqlite_repository_is_a_repository(tmp_path: Path) -> None:
    repo: Repository = await open_repository(tmp_path / "bot.sqlite3")
    assert isinstance(repo, SqliteRepository)
    await repo.close()


async def test_users_round_trip_and_first_seen_is_kept(repo: SqliteRepository) -> None:
    assert await repo.get_user(1) is None
    await repo.save_user(UserRecord(1, "th", None, DAY, DAY))
    later = DAY + dt.timedelta(days=5)
    await repo.save_user(UserRecord(1, "my", "permit_renew", later, later))
    assert await repo.get_user(1) == UserRecord(1, "my", "permit_renew", DAY, later, True)


async def test_inactive_and_delete(repo: SqliteRepository) -> None:
    await repo.save_user(UserRecord(1, "km", "hotlines", DAY, DAY))
    await repo.save_user(UserRecord(2, "lo", None, DAY, DAY))
    await repo.set_active(1, False)
    user = await repo.get_user(1)
    assert user is not None and user.active is False
    await repo.delete_user(1)
    assert await repo.get_user(1) is None
    assert await repo.get_user(2) is not None, "only that user is deleted"


async def test_delete_user_leaves_no_trace_of_the_id(repo: SqliteRepository,
                                                     tmp_path: Path) -> None:
    user_id = 987654321
    await repo.save_user(UserRecord(user_id, "vi", "wages_unpaid", DAY, DAY))
    await repo.add_feedback("wages_unpaid", "vi", 1)
    await repo.add_unmatched("some question", "vi", NOW)
    await repo.delete_user(user_id)
    db = sqlite3.connect(tmp_path / "bot.sqlite3")
    try:
        tables = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        for table in tables:
            for row in db.execute(f"SELECT * FROM {table}"):
                assert str(user_id) not in " ".join(map(str, row)), table
    finally:
        db.close()


async def test_feedback_is_counted_without_user_ids(repo: SqliteRepository,
                                                    tmp_path: Path) -> None:
    for value in (1, 1, -1):
        await repo.add_feedback("permit_renew", "th", value)
    await repo.add_feedback("permit_renew", "en", -1)
    assert await repo.feedback_counts() == [FeedbackCount("permit_renew", "en", 0, 1),
                                            FeedbackCount("permit_renew", "th", 2, 1)]
    db = sqlite3.connect(tmp_path / "bot.sqlite3")
    try:
        columns = {r[1] for r in db.execute("PRAGMA table_info(feedback_daily)")}
    finally:
        db.close()
    assert columns == {"day", "topic", "language", "up", "down"}


async def test_feedback_can_be_counted_from_a_day_on(repo: SqliteRepository) -> None:
    await repo.add_feedback("hotlines", "my", -1, day=DAY - dt.timedelta(days=10))
    await repo.add_feedback("hotlines", "my", -1, day=DAY - dt.timedelta(days=1))
    await repo.add_feedback("hotlines", "my", 1, day=DAY)
    await repo.add_feedback("hotlines", "my", 1, day=DAY)
    assert await repo.feedback_counts() == [FeedbackCount("hotlines", "my", 2, 2)]
    assert await repo.feedback_counts(since=DAY - dt.timedelta(days=1)) == [
        FeedbackCount("hotlines", "my", 2, 1)]
    assert await repo.feedback_counts(since=DAY + dt.timedelta(days=1)) == []


async def test_unmatched_top_list_filters_and_counts(repo: SqliteRepository) -> None:
    for _ in range(3):
        await repo.add_unmatched("lottery", "th", NOW)
    await repo.add_unmatched("weather", "en", NOW - dt.timedelta(days=3))
    await repo.add_unmatched("weather", "en", NOW - dt.timedelta(days=30))
    await repo.add_unmatched("x" * 500, None, NOW)
    rows = await repo.top_unmatched(now=NOW)
    assert [(r.text[:7], r.language, r.count) for r in rows] == [
        ("lottery", "th", 3), ("weather", "en", 2), ("xxxxxxx", None, 1)]
    assert len(rows[2].text) == 200, "stored text is capped"
    assert [(r.text, r.count) for r in await repo.top_unmatched("en", days=7, now=NOW)] == [
        ("weather", 1)]
    assert len(await repo.top_unmatched(limit=1, now=NOW)) == 1


async def test_old_unmatched_entries_are_purged(repo: SqliteRepository,
                                                tmp_path: Path) -> None:
    old = NOW - UNMATCHED_RETENTION - dt.timedelta(days=1)
    await repo.add_unmatched("old one", "en", old)
    await repo.add_unmatched("recent", "en", NOW - dt.timedelta(days=1))
    assert await repo.purge_unmatched(NOW) == 1
    assert [r.text for r in await repo.top_unmatched(now=NOW)] == ["recent"]


async def test_purge_runs_at_open(tmp_path: Path) -> None:
    path = tmp_path / "bot.sqlite3"
    repo = await SqliteRepository.open(path)
    now = dt.datetime.now(dt.UTC)
    await repo.add_unmatched("ancient", "en", now - dt.timedelta(days=200))
    await repo.add_unmatched("fresh", "en", now)
    await repo.close()
    repo = await SqliteRepository.open(path)
    try:
        assert [r.text for r in await repo.top_unmatched()] == ["fresh"]
    finally:
        await repo.close()


async def test_purge_runs_on_insert_once_a_day(repo: SqliteRepository) -> None:
    now = dt.datetime.now(dt.UTC)
    repo._last_purge = now - dt.timedelta(days=2)  # as if the bot ran for two days
    await repo.add_unmatched("ancient", "en", now - dt.timedelta(days=200))
    assert await repo.top_unmatched() == [], "the insert triggered the daily purge"
