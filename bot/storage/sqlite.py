"""The SQLite backend of ``Repository`` on aiosqlite (WAL mode, migrations at open)."""

from __future__ import annotations

import datetime as dt
import logging
import os
import sqlite3
from collections.abc import Sequence
from pathlib import Path

import aiosqlite

from bot.storage.base import (
    INBOX_RETENTION,
    UNMATCHED_RETENTION,
    ActivityCount,
    FeedbackCount,
    StorageError,
    UnmatchedCount,
    UserRecord,
    utc_today,
)
from bot.storage.handoff import SqliteCaseStore
from bot.storage.migrations import apply_migrations

__all__ = ["SqliteRepository"]

log = logging.getLogger(__name__)

# Purge old unmatched entries on insert at most this often (there is no job queue).
_PURGE_EVERY = dt.timedelta(hours=24)
_MAX_UNMATCHED_CHARS = 200


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _iso(moment: dt.datetime) -> str:
    """UTC, to the second: sortable as text."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S")


class SqliteRepository:
    """``Repository`` on one SQLite file. Open with ``await SqliteRepository.open(path)``."""

    def __init__(self, db: aiosqlite.Connection, path: Path) -> None:
        self._db = db
        self.path = path
        self.schema_version = 0
        self._last_purge: dt.datetime | None = None

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
            await repo.purge_unmatched()
            await repo.inbox_purge()
        except sqlite3.Error as exc:
            await db.close()
            raise StorageError(f"cannot use database {path}: {exc}") from exc
        except BaseException:
            await db.close()
            raise
        return repo

    @property
    def cases(self) -> SqliteCaseStore:
        """Hand-off cases (bot/storage/handoff.py), on this connection."""
        return SqliteCaseStore(self._db)

    async def journal_mode(self) -> str:
        """The SQLite journal mode in force (``wal`` once opened)."""
        async with self._db.execute("PRAGMA journal_mode") as cur:
            row = await cur.fetchone()
        return str(row[0]) if row else ""

    # -- users -------------------------------------------------------------------
    async def get_user(self, user_id: int) -> UserRecord | None:
        """The stored user, or None if unknown (or forgotten)."""
        async with self._db.execute(
                "SELECT user_id, language, last_topic, first_seen, last_seen, active "
                "FROM users WHERE user_id = ?", (user_id,)) as cur:
            row = await cur.fetchone()
        if row is None:
            return None
        return UserRecord(int(row[0]), row[1], row[2], dt.date.fromisoformat(row[3]),
                          dt.date.fromisoformat(row[4]), bool(row[5]))

    async def save_user(self, user: UserRecord) -> None:
        """Insert or update a user; an existing ``first_seen`` is kept."""
        await self._db.execute(
            "INSERT INTO users (user_id, language, last_topic, first_seen, last_seen, active) "
            "VALUES (?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (user_id) DO UPDATE SET language = excluded.language, "
            "last_topic = excluded.last_topic, last_seen = excluded.last_seen, "
            "active = excluded.active",
            (user.user_id, user.language, user.last_topic, user.first_seen.isoformat(),
             user.last_seen.isoformat(), int(user.active)))

    async def set_active(self, user_id: int, active: bool) -> None:
        """Mark a user (in)active, e.g. inactive after they blocked the bot."""
        await self._db.execute("UPDATE users SET active = ? WHERE user_id = ?",
                               (int(active), user_id))

    async def delete_user(self, user_id: int) -> None:
        """Delete everything tied to this user id (only the users row holds one)."""
        await self._db.execute("DELETE FROM users WHERE user_id = ?", (user_id,))

    async def count_active_users(self, since: dt.date) -> int:
        """Users not marked inactive whose last visit was on ``since`` or later."""
        async with self._db.execute("SELECT COUNT(*) FROM users WHERE active = 1 "
                                    "AND last_seen >= ?", (since.isoformat(),)) as cur:
            row = await cur.fetchone()
        return int(row[0]) if row else 0

    # -- daily activity counters -------------------------------------------------
    async def add_activity(self, kind: str, language: str | None, topic: str | None = None,
                           day: dt.date | None = None, count: int = 1) -> None:
        """Add ``count`` to a daily counter (``day`` defaults to today, UTC)."""
        await self._db.execute(
            "INSERT INTO activity (day, language, kind, topic, count) VALUES (?, ?, ?, ?, ?) "
            "ON CONFLICT (day, language, kind, topic) DO UPDATE SET count = count + excluded.count",
            ((day or utc_today()).isoformat(), language or "", kind, topic or "", count))

    async def activity(self, since: dt.date, until: dt.date | None = None,
                       ) -> list[ActivityCount]:
        """The daily counters from ``since`` to ``until`` (both included; default: today)."""
        async with self._db.execute(
                "SELECT day, language, kind, topic, count FROM activity "
                "WHERE day >= ? AND day <= ? ORDER BY day, language, kind, topic",
                (since.isoformat(), (until or utc_today()).isoformat())) as cur:
            rows = await cur.fetchall()
        return [ActivityCount(dt.date.fromisoformat(r[0]), r[1] or None, r[2], r[3] or None,
                              int(r[4])) for r in rows]

    # -- feedback ----------------------------------------------------------------
    async def add_feedback(self, topic: str, language: str, value: int,
                           day: dt.date | None = None) -> None:
        """Count one vote (+1 up, -1 down) for a topic in a language, on ``day`` (today)."""
        up, down = (1, 0) if value > 0 else (0, 1)
        await self._db.execute(
            "INSERT INTO feedback_daily (day, topic, language, up, down) VALUES (?, ?, ?, ?, ?) "
            "ON CONFLICT (day, topic, language) DO UPDATE SET up = up + excluded.up, "
            "down = down + excluded.down",
            ((day or utc_today()).isoformat(), topic, language, up, down))

    async def feedback_counts(self, since: dt.date | None = None) -> list[FeedbackCount]:
        """Feedback totals by topic then language: all time, or from ``since`` on."""
        # '' (votes from before days were kept) sorts before every date.
        async with self._db.execute(
                "SELECT topic, language, SUM(up), SUM(down) FROM feedback_daily WHERE day >= ? "
                "GROUP BY topic, language ORDER BY topic, language",
                (since.isoformat() if since else "",)) as cur:
            rows = await cur.fetchall()
        return [FeedbackCount(r[0], r[1], int(r[2]), int(r[3])) for r in rows]

    # -- unmatched messages ------------------------------------------------------
    async def add_unmatched(self, text: str, language: str | None,
                            at: dt.datetime | None = None) -> None:
        """Record one message the bot could not match (normalised text, no user id)."""
        now = at or _utcnow()
        await self._db.execute("INSERT INTO unmatched (text, language, at) VALUES (?, ?, ?)",
                               (text[:_MAX_UNMATCHED_CHARS], language, _iso(now)))
        # No job queue is installed, so the daily purge rides on inserts.
        if self._last_purge is None or _utcnow() - self._last_purge >= _PURGE_EVERY:
            await self.purge_unmatched()

    async def purge_unmatched(self, now: dt.datetime | None = None) -> int:
        """Delete unmatched entries older than 90 days; return how many."""
        moment = now or _utcnow()
        cur = await self._db.execute("DELETE FROM unmatched WHERE at < ?",
                                     (_iso(moment - UNMATCHED_RETENTION),))
        deleted = cur.rowcount
        await cur.close()
        self._last_purge = _utcnow()
        if deleted:
            log.info("purged %d unmatched message(s) older than %d days", deleted,
                     UNMATCHED_RETENTION.days)
        return max(deleted, 0)

    async def top_unmatched(self, language: str | None = None, days: int | None = None,
                            limit: int = 30, now: dt.datetime | None = None,
                            ) -> list[UnmatchedCount]:
        """The most frequent unmatched messages, optionally for one language / period."""
        where, params = [], []
        if language:
            where.append("language = ?")
            params.append(language)
        if days is not None:
            where.append("at >= ?")
            params.append(_iso((now or _utcnow()) - dt.timedelta(days=days)))
        sql = ("SELECT text, language, COUNT(*) AS n, MAX(at) FROM unmatched "
               + (f"WHERE {' AND '.join(where)} " if where else "")
               + "GROUP BY text, language ORDER BY n DESC, MAX(at) DESC, text LIMIT ?")
        async with self._db.execute(sql, (*params, limit)) as cur:
            rows = await cur.fetchall()
        return [UnmatchedCount(r[0], r[1], int(r[2]),
                               dt.datetime.fromisoformat(r[3]).replace(tzinfo=dt.UTC))
                for r in rows]

    # -- durable inbox ---------------------------------------------------------------
    async def inbox_add(self, updates: Sequence[tuple[int, str]]) -> list[int]:
        """Store updates (id, payload) in one transaction; return the ids not seen before."""
        if not updates:
            return []
        received = _iso(_utcnow())
        new: list[int] = []
        await self._db.execute("BEGIN IMMEDIATE")
        try:
            for update_id, payload in updates:
                cur = await self._db.execute(
                    "INSERT INTO inbox (update_id, payload, state, received) "
                    "VALUES (?, ?, 'pending', ?) ON CONFLICT (update_id) DO NOTHING",
                    (update_id, payload, received))
                if cur.rowcount > 0:
                    new.append(update_id)
                await cur.close()
        except BaseException:
            await self._db.execute("ROLLBACK")
            raise
        await self._db.execute("COMMIT")
        return new

    async def inbox_finish(self, update_ids: Sequence[int], state: str = "done") -> None:
        """Mark updates handled (``done``) or unreadable (``skipped``); drop their payload."""
        ids = list(update_ids)
        for start in range(0, len(ids), 500):  # SQLite allows ~1000 parameters
            chunk = ids[start:start + 500]
            await self._db.execute(
                f"UPDATE inbox SET state = ?, payload = NULL WHERE update_id IN "
                f"({','.join('?' * len(chunk))})", (state, *chunk))

    async def inbox_pending(self) -> list[tuple[int, str]]:
        """Updates stored but not yet handled (after a crash), oldest first."""
        async with self._db.execute("SELECT update_id, payload FROM inbox WHERE state = "
                                    "'pending' ORDER BY update_id") as cur:
            rows = await cur.fetchall()
        return [(int(r[0]), str(r[1])) for r in rows]

    async def inbox_purge(self, now: dt.datetime | None = None) -> int:
        """Forget handled update ids older than ``INBOX_RETENTION``; return how many."""
        cutoff = _iso((now or _utcnow()) - INBOX_RETENTION)
        cur = await self._db.execute("DELETE FROM inbox WHERE state != 'pending' AND "
                                     "received < ?", (cutoff,))
        deleted = cur.rowcount
        await cur.close()
        return max(deleted, 0)

    async def forget_traces(self) -> None:
        """Copy the write-ahead log into the database and empty it: with secure_delete
        the deleted rows are then gone from both files."""
        async with self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)") as cur:
            row = await cur.fetchone()
        if row is not None and row[0]:  # busy: a reader (backup, report) holds the log
            log.warning("the write-ahead log could not be emptied now (a reader is "
                        "open); it is emptied at the next checkpoint")

    async def ping(self) -> None:
        """Raise unless the database answers ``SELECT 1`` (ValueError once closed)."""
        async with self._db.execute("SELECT 1") as cursor:
            await cursor.fetchone()

    async def close(self) -> None:
        """Release the connection."""
        await self._db.close()
