"""Storage faults at the SQLite level: a database that cannot be written, the inbox."""

from __future__ import annotations

import asyncio
import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

from bot.storage import SqliteRepository


def test_a_database_that_cannot_be_written_is_a_one_line_error(tmp_path: Path) -> None:
    """In a process of its own, with SQLite opening the file read-only (a root user
    ignores file permissions, so they cannot be used to test this)."""
    db = tmp_path / "bot.sqlite3"
    sqlite3.connect(db).close()
    script = ("import sqlite3, aiosqlite, asyncio, sys\n"
              "real = aiosqlite.connect\n"
              "def ro(path, **kw):\n"
              "    return real(f'file:{path}?mode=ro', uri=True, **kw)\n"
              "aiosqlite.connect = ro\n"
              "from bot.storage import SqliteRepository, StorageError\n"
              "try:\n"
              f"    asyncio.run(SqliteRepository.open({str(db)!r}))\n"
              "except StorageError as exc:\n"
              "    print(exc); sys.exit(2)\n")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          timeout=60, env={**os.environ})
    assert done.returncode == 2, done.stderr
    assert done.stdout.startswith("cannot use database") and "readonly" in done.stdout
    assert "Traceback" not in done.stderr


def test_the_inbox_keeps_no_payload_once_handled(tmp_path: Path) -> None:
    """The stored message is erased when the update is done (checked in SQL)."""
    async def scenario() -> list[tuple[int, object, str]]:
        repo = await SqliteRepository.open(tmp_path / "inbox.sqlite3")
        try:
            assert await repo.inbox_add([(1, json.dumps({"a": 1})), (2, "{}")]) == [1, 2]
            assert await repo.inbox_add([(2, "{}"), (3, "{}")]) == [3]  # 2 seen before
            await repo.inbox_finish([1, 3])
            await repo.inbox_finish([2], "skipped")
            assert await repo.inbox_pending() == []
        finally:
            await repo.close()
        with sqlite3.connect(tmp_path / "inbox.sqlite3") as db:
            return db.execute("SELECT update_id, payload, state FROM inbox").fetchall()

    rows = asyncio.run(scenario())
    assert sorted(rows) == [(1, None, "done"), (2, None, "skipped"), (3, None, "done")]
