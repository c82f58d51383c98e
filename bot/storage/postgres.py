"""The PostgreSQL backend of ``Repository`` on asyncpg, for several bot replicas.

The queries are shared with SQLite (sql.py) and so is the schema: the same
migrations, with SQLite's types turned into PostgreSQL's (``for_postgres``).
Replicas start at the same time without harm: migrations run under an
advisory lock. What differs from SQLite for replicas:

* ``user_lock``: one user's updates never run at the same time on two
  replicas (a PostgreSQL advisory lock per user, beside the in-process lock);
* the inbox (keyed by ``update_id``) and reminder claims are shared, so an
  update delivered twice, or a reminder step, is handled by one replica only;
* ``forget_traces``: PostgreSQL removes deleted rows itself (autovacuum);
  there is no write-ahead-log file of ours to empty.
"""

from __future__ import annotations

import contextvars
import datetime as dt
import logging
import re
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from typing import Any

import asyncpg

from bot.storage.base import StorageError
from bot.storage.migrations import MIGRATIONS, Migration, pending
from bot.storage.sql import Params, SqlRepository

__all__ = ["PostgresRepository", "for_postgres", "is_postgres_url"]

log = logging.getLogger(__name__)

_MIGRATION_LOCK = 7_204_150  # advisory lock key: one replica migrates at a time
_USER_LOCKS = 7_204_151      # first key of the two-key advisory locks per user
_POLLING_LOCK = 7_204_152    # held by the one process that may poll
_PLACEHOLDER = re.compile(r"\?")
_STATUS_COUNT = re.compile(r"(\d+)$")


def is_postgres_url(value: str) -> bool:
    return value.startswith(("postgresql://", "postgres://"))


def for_postgres(statement: str) -> str:
    """A migration statement written for SQLite, in PostgreSQL's types."""
    statement = re.sub(r"\b(id|case_id)\s+INTEGER PRIMARY KEY(?: AUTOINCREMENT)?",
                       r"\1 BIGSERIAL PRIMARY KEY", statement)
    return re.sub(r"\bINTEGER\b", "BIGINT", statement)


def _numbered(sql: str) -> str:
    """``?`` placeholders as asyncpg's ``$1, $2, ...`` (no query of ours has a literal ?)."""
    counter = iter(range(1, 10_000))
    return _PLACEHOLDER.sub(lambda _: f"${next(counter)}", sql)


def _count(status: str) -> int:
    """Rows touched, from a status like ``INSERT 0 1`` or ``UPDATE 3``."""
    found = _STATUS_COUNT.search(status or "")
    return int(found.group(1)) if found else 0


class PostgresRepository(SqlRepository):
    """``Repository`` on a PostgreSQL server. Open with ``await PostgresRepository.open(url)``."""

    shared = True

    def __init__(self, pool: asyncpg.Pool, url: str) -> None:
        super().__init__()
        self._pool = pool
        self.url = url
        # The connection of the transaction this task is in (None: any pool connection).
        self._current: contextvars.ContextVar[asyncpg.Connection | None] = \
            contextvars.ContextVar("pg_transaction", default=None)
        self._polling: asyncpg.Connection | None = None
        self._listener: asyncpg.Connection | None = None

    @classmethod
    async def open(cls, url: str, *, max_size: int = 32,
                   migrations: tuple[Migration, ...] = MIGRATIONS) -> PostgresRepository:
        """Connect (a pool), migrate under an advisory lock, purge old rows."""
        try:
            pool = await asyncpg.create_pool(url, min_size=1, max_size=max_size,
                                             command_timeout=30)
        except (OSError, asyncpg.PostgresError, ValueError) as exc:
            raise StorageError(f"cannot connect to PostgreSQL: {_reason(exc)}") from exc
        assert pool is not None
        repo = cls(pool, url)
        try:
            repo.schema_version = await repo._migrate(migrations)
            await repo.purge_expired()
        except asyncpg.PostgresError as exc:
            await pool.close()
            raise StorageError(f"cannot use the PostgreSQL database: {_reason(exc)}") from exc
        except BaseException:
            await pool.close()
            raise
        return repo

    async def _migrate(self, migrations: tuple[Migration, ...]) -> int:
        async with self._pool.acquire() as conn, conn.transaction():
            await conn.execute("SELECT pg_advisory_xact_lock($1)", _MIGRATION_LOCK)
            await conn.execute("""CREATE TABLE IF NOT EXISTS schema_version (
                                      version    BIGINT PRIMARY KEY,
                                      applied_at TEXT NOT NULL)""")
            current = int(await conn.fetchval(
                "SELECT COALESCE(MAX(version), 0) FROM schema_version"))
            for migration in pending(migrations, current):
                for statement in migration.statements:
                    await conn.execute(for_postgres(statement))
                await conn.execute("INSERT INTO schema_version (version, applied_at) "
                                   "VALUES ($1, $2)", migration.version,
                                   dt.datetime.now(dt.UTC).isoformat(timespec="seconds"))
                current = migration.version
            return current

    # -- primitives ------------------------------------------------------------------
    async def _exec(self, sql: str, params: Params = ()) -> int:
        target = self._current.get() or self._pool
        return _count(await target.execute(_numbered(sql), *params))

    async def _one(self, sql: str, params: Params = ()) -> Sequence[Any] | None:
        target = self._current.get() or self._pool
        row = await target.fetchrow(_numbered(sql), *params)
        return tuple(row) if row is not None else None

    async def _all(self, sql: str, params: Params = ()) -> list[Sequence[Any]]:
        target = self._current.get() or self._pool
        return [tuple(r) for r in await target.fetch(_numbered(sql), *params)]

    @asynccontextmanager
    async def _transaction(self) -> AsyncIterator[None]:
        if self._current.get() is not None:  # nested: part of the outer transaction
            yield
            return
        async with self._pool.acquire() as conn, conn.transaction():
            token = self._current.set(conn)
            try:
                yield
            finally:
                self._current.reset(token)

    # -- replicas --------------------------------------------------------------------
    @asynccontextmanager
    async def user_lock(self, user_id: int) -> AsyncIterator[None]:
        """Hold this user's lock across every replica for the block."""
        async with self._pool.acquire() as conn:
            key = (_USER_LOCKS, user_id % 2_147_483_647)  # two int4 keys
            await conn.execute("SELECT pg_advisory_lock($1, $2)", *key)
            try:
                yield
            finally:
                await conn.execute("SELECT pg_advisory_unlock($1, $2)", *key)

    async def hold_polling_lock(self) -> bool:
        """Take the one polling lock of this database for as long as the repository is
        open; False when another process holds it."""
        if self._polling is not None:
            return True
        conn = await self._pool.acquire()
        if await conn.fetchval("SELECT pg_try_advisory_lock($1)", _POLLING_LOCK):
            self._polling = conn  # held by this session until close
            return True
        await self._pool.release(conn)
        return False

    # -- content reloads reach every replica ---------------------------------------------
    async def listen(self, channel: str, callback: Callable[[str], None]) -> None:
        """Call ``callback(payload)`` on each NOTIFY on ``channel`` (its own connection)."""
        if self._listener is None:
            self._listener = await asyncpg.connect(self.url)
        await self._listener.add_listener(
            channel, lambda _conn, _pid, _channel, payload: callback(payload))

    async def notify(self, channel: str, payload: str) -> None:
        await self._pool.execute("SELECT pg_notify($1, $2)", channel, payload)

    async def forget_traces(self) -> None:
        """Nothing to do: PostgreSQL reclaims deleted rows itself (autovacuum)."""

    async def close(self) -> None:
        """Close the pool (waits for connections in use to be released)."""
        if self._listener is not None:
            await self._listener.close()
            self._listener = None
        if self._polling is not None:
            await self._pool.release(self._polling)
            self._polling = None
        await self._pool.close()


def _reason(exc: BaseException) -> str:
    """The error without the URL (it may hold a password)."""
    text = str(exc).split("\n", 1)[0]
    return re.sub(r"postgres(?:ql)?://\S+", "postgresql://…", text) or type(exc).__name__
