"""Daily counters are added up in memory and written in batches, never lost on a failure."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from bot.app.activity import ActivityBuffer
from bot.storage import open_repository

pytestmark = pytest.mark.timeout(20)

DAY = dt.date(2026, 11, 23)


async def test_flush_writes_aggregated_counts(tmp_path: Path) -> None:
    repo = await open_repository(tmp_path / "db.sqlite3")
    try:
        buffer = ActivityBuffer(repo, today=lambda: DAY)
        for _ in range(3):
            buffer.add("answer", "my", "permit_renew")
        buffer.add("fallback", "km")
        assert buffer.pending == 4
        assert await repo.activity(DAY, DAY) == []  # nothing written before a flush
        await buffer.flush()
        buffer.add("answer", "my", "permit_renew")
        await buffer.flush()
        rows = {(r.kind, r.language, r.topic): r.count for r in await repo.activity(DAY, DAY)}
        assert rows[("answer", "my", "permit_renew")] == 4
        assert rows[("fallback", "km", None)] == 1
        assert buffer.pending == 0
    finally:
        await repo.close()


async def test_failed_flush_keeps_the_counts(tmp_path: Path) -> None:
    repo = await open_repository(tmp_path / "db.sqlite3")
    buffer = ActivityBuffer(repo, today=lambda: DAY)
    buffer.add("answer", "th", "hotlines")
    await repo.close()  # the database goes away
    with pytest.raises(Exception):  # noqa: B017 - any storage error
        await buffer.flush()
    assert buffer.pending == 1
    repo = await open_repository(tmp_path / "db.sqlite3")
    try:
        buffer.repo = repo
        await buffer.flush()
        rows = await repo.activity(DAY, DAY)
        assert [(r.kind, r.count) for r in rows] == [("answer", 1)]
    finally:
        await repo.close()
