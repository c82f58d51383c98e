"""migrate-db: an SQLite database copied into a real PostgreSQL, twice (nothing doubled)."""

from __future__ import annotations

import asyncio
import datetime as dt
from pathlib import Path

import pytest

from bot.cli import main
from bot.storage import SqliteRepository, UserRecord, open_repository
from tests.storage.conftest import create_pg_database, drop_pg_database

DAY = dt.date(2026, 6, 1)


async def _fill(path: Path) -> int:
    lite = await SqliteRepository.open(path)
    await lite.save_user(UserRecord(7_654_321_098, "my", "hotlines", DAY, DAY))
    await lite.save_user(UserRecord(2, "km", None, DAY, DAY))
    await lite.add_feedback("hotlines", "my", 1, DAY)
    await lite.add_activity("answer", "my", "hotlines", DAY, 5)
    await lite.add_unmatched("football", "en")
    rid = await lite.reminder_set(2, "visa", DAY, "km", DAY)
    [reminder] = await lite.reminders_of(2)
    await lite.reminder_claim(reminder, 30, dt.datetime.now(dt.UTC), dt.timedelta(minutes=10))
    await lite.inbox_add([(99, "{}")])
    await lite.close()
    return rid


async def _check(url: str, rid: int) -> None:
    pg = await open_repository(url)
    try:
        assert await pg.get_user(7_654_321_098) == UserRecord(7_654_321_098, "my",
                                                               "hotlines", DAY, DAY)
        [votes] = await pg.feedback_counts()
        assert votes.up == 1
        [reminder] = await pg.reminders_of(2)
        assert reminder.id == rid and reminder.document == "visa"
        assert await pg.inbox_add([(99, "{}")]) == []  # the id is known there too
        assert await pg.reminder_set(3, "passport", DAY, "en", DAY) > rid  # ids go on
    finally:
        await pg.close()


def test_copy_is_complete_and_idempotent(tmp_path: Path,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    rid = asyncio.run(_fill(tmp_path / "bot.sqlite3"))
    url = asyncio.run(create_pg_database())
    try:
        source = f"sqlite:///{tmp_path / 'bot.sqlite3'}"
        assert main(["migrate-db", "--from", source, "--to", url]) == 0
        first = capsys.readouterr().out
        assert "users" in first and "Done." in first
        assert main(["migrate-db", "--from", source, "--to", url]) == 0
        second = capsys.readouterr().out
        for line in second.splitlines()[1:-1]:
            found, copied, total = (int(x) for x in line.split()[1:4])
            assert copied == 0 and total == found, line  # nothing copied twice
        asyncio.run(_check(url, rid))
    finally:
        asyncio.run(drop_pg_database(url))


def test_bad_arguments_are_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["migrate-db", "--from", "sqlite:///nope.db", "--to",
                 "postgresql://x@127.0.0.1/x"]) == 2
    assert "no SQLite database" in capsys.readouterr().err
    (tmp_path / "a.db").touch()
    assert main(["migrate-db", "--from", str(tmp_path / "a.db"), "--to", "mysql://x"]) == 2
    assert "must be a PostgreSQL URL" in capsys.readouterr().err
