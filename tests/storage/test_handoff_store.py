"""Hand-off cases in SQLite: one live case per worker, ids and times only."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import aiosqlite
import pytest

from bot.storage import SqliteRepository

NOW = dt.datetime(2026, 12, 7, 3, 0, tzinfo=dt.UTC)


async def test_one_live_case_per_worker_and_closing_frees_it(tmp_path: Path) -> None:
    repo = await SqliteRepository.open(tmp_path / "bot.sqlite3")
    try:
        cases = repo.cases
        first = await cases.open_case(42, "my", -100, NOW)
        assert (await cases.open_case(42, "my", -100, NOW)).case_id == first.case_id
        await cases.update(first.__class__(**{**first.__dict__, "topic_id": 7,
                                               "state": "closed", "closed_at": NOW}))
        assert await cases.live_case(42) is None
        second = await cases.open_case(42, "km", -100, NOW)
        assert second.case_id > first.case_id and second.state == "waiting"
        assert (await cases.case_by_topic(-100, 7)) == await cases.get(first.case_id)
        assert [c.case_id for c in await cases.cases_of(42)] == [first.case_id,
                                                                  second.case_id]
        stats = await cases.stats()
        assert stats.live_by_language == {"km": 1} and stats.waiting == 1
    finally:
        await repo.close()


async def test_a_deleted_case_keeps_an_audit_that_leads_to_nobody(tmp_path: Path) -> None:
    path = tmp_path / "bot.sqlite3"
    repo = await SqliteRepository.open(path)
    try:
        case = await repo.cases.open_case(424242, "th", -100, NOW)
        await repo.cases.audit(case.case_id, "opened", NOW)
        await repo.cases.audit(case.case_id, "answered", NOW, caseworker_id=9)
        await repo.cases.add_copy(case.case_id, "worker", 5, 77)
        assert await repo.cases.copy_of(case.case_id, "worker", 5) == 77
        await repo.cases.delete(case.case_id)
        assert await repo.cases.get(case.case_id) is None
        assert await repo.cases.copy_of(case.case_id, "worker", 5) is None
        assert [e.event for e in await repo.cases.audit_of(case.case_id)] == [
            "opened", "answered"]
        # A new case never reuses a forgotten case's number (AUTOINCREMENT).
        again = await repo.cases.open_case(1, "th", -100, NOW)
        assert again.case_id > case.case_id
    finally:
        await repo.close()
    async with aiosqlite.connect(path) as db:
        rows = [str(v) for t in ("handoff_cases", "handoff_audit", "handoff_copies")
                async for row in await db.execute(f"SELECT * FROM {t}") for v in row]
    assert "424242" not in rows


@pytest.mark.parametrize("table", ["handoff_cases", "handoff_audit", "handoff_copies"])
async def test_no_column_could_hold_message_text(tmp_path: Path, table: str) -> None:
    repo = await SqliteRepository.open(tmp_path / "bot.sqlite3")
    await repo.close()
    async with aiosqlite.connect(tmp_path / "bot.sqlite3") as db, \
            db.execute(f"PRAGMA table_info({table})") as cur:
        columns = {row[1] for row in await cur.fetchall()}
    assert not columns & {"text", "caption", "content", "body", "message", "name",
                          "username", "phone"}
