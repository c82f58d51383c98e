"""Versioned migrations: applied once, in order, recorded in schema_version."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import aiosqlite
import pytest

from bot.storage import FeedbackCount, SqliteRepository, StorageError
from bot.storage.migrations import MIGRATIONS, Migration, apply_migrations, schema_version


async def test_a_new_database_gets_every_migration(tmp_path: Path) -> None:
    repo = await SqliteRepository.open(tmp_path / "bot.sqlite3")
    await repo.close()
    assert repo.schema_version == MIGRATIONS[-1].version
    async with aiosqlite.connect(tmp_path / "bot.sqlite3") as db, \
            db.execute("SELECT version FROM schema_version ORDER BY version") as cur:
        versions = [row[0] for row in await cur.fetchall()]
    assert versions == [m.version for m in MIGRATIONS]


async def test_reopening_applies_nothing_twice(tmp_path: Path) -> None:
    for _ in range(3):
        repo = await SqliteRepository.open(tmp_path / "bot.sqlite3")
        await repo.close()
    async with aiosqlite.connect(tmp_path / "bot.sqlite3") as db, \
            db.execute("SELECT COUNT(*) FROM schema_version") as cur:
        row = await cur.fetchone()
    assert row is not None and row[0] == len(MIGRATIONS)


async def test_a_later_migration_is_applied_to_an_old_database(tmp_path: Path) -> None:
    path = tmp_path / "bot.sqlite3"
    await (await SqliteRepository.open(path)).close()
    async with aiosqlite.connect(path, isolation_level=None) as db:
        extra = Migration(MIGRATIONS[-1].version + 1, "add a column",
                          ("ALTER TABLE users ADD COLUMN note TEXT",))
        assert await apply_migrations(db, (*MIGRATIONS, extra)) == extra.version
        async with db.execute("PRAGMA table_info(users)") as cur:
            assert "note" in [row[1] for row in await cur.fetchall()]


async def test_a_failing_migration_leaves_the_previous_version(tmp_path: Path) -> None:
    async with aiosqlite.connect(tmp_path / "bot.sqlite3", isolation_level=None) as db:
        await apply_migrations(db)
        broken = Migration(MIGRATIONS[-1].version + 1, "broken",
                           ("CREATE TABLE half (x INTEGER)", "THIS IS NOT SQL"))
        with pytest.raises(aiosqlite.Error):
            await apply_migrations(db, (*MIGRATIONS, broken))
        assert await schema_version(db) == MIGRATIONS[-1].version
        async with db.execute("SELECT name FROM sqlite_master WHERE name='half'") as cur:
            assert await cur.fetchone() is None, "the migration was rolled back whole"


async def test_a_newer_database_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "bot.sqlite3"
    async with aiosqlite.connect(path, isolation_level=None) as db:
        await apply_migrations(db)
        await db.execute("INSERT INTO schema_version VALUES (999, 'future')")
    with pytest.raises(StorageError, match="newer"):
        await SqliteRepository.open(path)


async def test_votes_from_before_feedback_had_days_are_kept_in_all_time_totals(
        tmp_path: Path) -> None:
    path = tmp_path / "v2.sqlite3"
    async with aiosqlite.connect(path, isolation_level=None) as db:
        assert await apply_migrations(db, MIGRATIONS[:2]) == 2
        await db.execute("INSERT INTO feedback (topic, language, up, down) "
                         "VALUES ('hotlines', 'km', 4, 1)")
    repo = await SqliteRepository.open(path)
    try:
        assert repo.schema_version >= 3
        await repo.add_feedback("hotlines", "km", -1, day=dt.date(2026, 11, 23))
        assert await repo.feedback_counts() == [FeedbackCount("hotlines", "km", 4, 2)]
        # Undated votes cannot belong to any window of days.
        assert await repo.feedback_counts(since=dt.date(2000, 1, 1)) == [
            FeedbackCount("hotlines", "km", 0, 1)]
    finally:
        await repo.close()
