"""The SQLite backend of ``Repository`` on aiosqlite (WAL mode, migrations at open).

The queries are shared with PostgreSQL (sql.py); here: opening the file, the
pragmas, the four primitives on one connection, and emptying the WAL.
"""

from __future__ import annotations

import asyncio
import logging
import os
import sqlite3
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, TypeVar

import aiosqlite

from bot.storage.base import StorageError
from bot.storage.migrations import apply_migrations
from bot.storage.sql import Params, SqlRepository

__all__ = ["SqliteRepository"]

log = logging.getLogger(__name__)

_T = TypeVar("_T")


class SqliteRepository(SqlRepository):
    """``Repository`` on one SQLite file. Open with ``await SqliteRepository.open(path)``."""

    def __init__(self, db: aiosqlite.Connection, path: Path) -> None:
        super().__init__()
        self._db = db
        self.path = path
        # One connection serves every coroutine: a transaction must not interleave
        # with another one's (BEGIN inside BEGIN fails, a ROLLBACK would take theirs).
        self._tx = asyncio.Lock()

    @classmethod
    async def open(cls, path: str | os.PathLike[str]) -> SqliteRepository:
        """Create the folder and file if needed, switch to WAL, migrate, purge old rows."""
        path = Path(path)
        if str(path) != ":memory:":
            path.parent.mkdir(parents=True, exist_ok=True)
        try:
            # isolation_level=None: autocommit; migrations open their own transactions.
            db = await aiosqlite.connect(str(path), isolation_level=None)
        except Exception as exc:  # sqlite3.OperationalError and friends
            raise StorageError(f"cannot open database {path}: {exc}") from exc
        try:
            # WAL: readers (the report command) never block the bot's writes.
            await db.execute("PRAGMA journal_mode=WAL")
            await db.execute("PRAGMA synchronous=NORMAL")
            await db.execute("PRAGMA busy_timeout=5000")
            # Deleted rows (a forgotten user, a handled update's message) are
            # overwritten with zeros, not left readable in free pages.
            await db.execute("PRAGMA secure_delete=ON")
            repo = cls(db, path)
            repo.schema_version = await apply_migrations(db)
            # A database the bot cannot write would fail on the first answer: say so now.
            await db.execute("BEGIN IMMEDIATE")
            await db.execute("ROLLBACK")
            await repo.purge_expired()
        except sqlite3.Error as exc:
            await db.close()
            raise StorageError(f"cannot use database {path}: {exc}") from exc
        except BaseException:
            await db.close()
            raise
        return repo

    # -- primitives ------------------------------------------------------------------
    # aiosqlite runs every call in the connection's thread, and each hand-off to it
    # (execute, fetch, close) costs about as much CPU as the statement. So each
    # primitive is one hand-off: a plain function run in that thread, through the
    # one method everything in aiosqlite goes through (Connection._execute).
    async def _call(self, fn: Callable[..., _T], *args: Any) -> _T:
        result: _T = await self._db._execute(fn, self._db._conn, *args)
        return result

    async def _exec(self, sql: str, params: Params = ()) -> int:
        return await self._call(_exec, sql, tuple(params))

    async def _one(self, sql: str, params: Params = ()) -> Sequence[Any] | None:
        return await self._call(_one, sql, tuple(params))

    async def _all(self, sql: str, params: Params = ()) -> list[Sequence[Any]]:
        return await self._call(_all, sql, tuple(params))

    async def _exec_each(self, sql: str, rows: Sequence[Params]) -> list[int]:
        """The statement once per row, in one transaction, in one hand-off."""
        async with self._tx:  # not inside another coroutine's transaction
            return await self._call(_exec_each, sql, [tuple(r) for r in rows])

    @asynccontextmanager
    async def _transaction(self) -> AsyncIterator[None]:
        """BEGIN IMMEDIATE ... COMMIT (ROLLBACK on any error), one at a time."""
        async with self._tx:
            await self._exec("BEGIN IMMEDIATE")
            try:
                yield
            except BaseException:
                await self._exec("ROLLBACK")
                raise
            await self._exec("COMMIT")

    # -- SQLite only -------------------------------------------------------------------
    async def journal_mode(self) -> str:
        """The SQLite journal mode in force (``wal`` once opened)."""
        row = await self._one("PRAGMA journal_mode")
        return str(row[0]) if row else ""

    async def forget_traces(self) -> None:
        """Copy the write-ahead log into the database and empty it: with secure_delete
        the deleted rows are then gone from both files."""
        async with self._tx:  # not inside another coroutine's transaction ("locked")
            row = await self._one("PRAGMA wal_checkpoint(TRUNCATE)")
        if row is not None and row[0]:  # busy: a reader (backup, report) holds the log
            log.warning("the write-ahead log could not be emptied now (a reader is "
                        "open); it is emptied at the next checkpoint")

    async def close(self) -> None:
        """Release the connection."""
        await self._db.close()


# -- run in the connection's thread (SqliteRepository._call) ------------------------------
def _exec(db: sqlite3.Connection, sql: str, params: tuple[Any, ...]) -> int:
    cursor = db.execute(sql, params)
    try:
        return cursor.rowcount
    finally:
        cursor.close()


def _one(db: sqlite3.Connection, sql: str, params: tuple[Any, ...]) -> tuple[Any, ...] | None:
    cursor = db.execute(sql, params)
    try:
        row = cursor.fetchone()
    finally:
        cursor.close()
    return tuple(row) if row is not None else None


def _all(db: sqlite3.Connection, sql: str, params: tuple[Any, ...]) -> list[Sequence[Any]]:
    cursor = db.execute(sql, params)
    try:
        return [tuple(r) for r in cursor.fetchall()]
    finally:
        cursor.close()


def _exec_each(db: sqlite3.Connection, sql: str, rows: list[tuple[Any, ...]]) -> list[int]:
    db.execute("BEGIN IMMEDIATE")
    try:
        counts = [_exec(db, sql, row) for row in rows]
    except BaseException:
        db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")
    return counts
