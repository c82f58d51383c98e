"""Every query of ``Repository``, written once, in SQL that SQLite and PostgreSQL both run.

A backend gives four primitives: ``_exec`` (a statement; the rows it touched),
``_one`` and ``_all`` (rows), ``_transaction`` (statements inside it run in
one transaction, on one connection). Queries use ``?`` placeholders; the
PostgreSQL backend turns them into ``$1, $2...``. Dates and times are stored as
ISO text in both (sortable, and the same rows in both), flags as 0/1.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Sequence
from contextlib import AbstractAsyncContextManager, nullcontext
from typing import Any

from bot.storage.base import (
    INBOX_RETENTION,
    UNMATCHED_RETENTION,
    ActivityCount,
    FeedbackCount,
    Reminder,
    UnmatchedCount,
    UserRecord,
    iso,
    utc_today,
    utcnow,
)
from bot.storage.handoff import SqlCaseStore

__all__ = ["Params", "SqlRepository"]

log = logging.getLogger(__name__)

Params = Sequence[Any]
# Purge old unmatched entries on insert at most this often (there is no job queue).
_PURGE_EVERY = dt.timedelta(hours=24)
_MAX_UNMATCHED_CHARS = 200
_CHUNK = 500  # ids per IN (...): SQLite allows about 1,000 parameters


def _day(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


_SAVE_USER = (
    "INSERT INTO users (user_id, language, last_topic, first_seen, last_seen, active, "
    "pending) VALUES (?, ?, ?, ?, ?, ?, ?) "
    "ON CONFLICT (user_id) DO UPDATE SET language = excluded.language, "
    "last_topic = excluded.last_topic, last_seen = excluded.last_seen, "
    "active = excluded.active, pending = excluded.pending")


def _user_row(user: UserRecord) -> Params:
    return (user.user_id, user.language, user.last_topic, user.first_seen.isoformat(),
            user.last_seen.isoformat(), int(user.active), user.pending)


class SqlRepository:
    """The queries; subclasses connect, migrate and provide the primitives.

    What several replicas need (a lock per user across processes, one poller,
    reloads told to the others) is a no-op here, for the single-process backend;
    PostgreSQL overrides it. Callers never ask which backend they have."""

    schema_version = 0
    shared = False  # True: other processes use this database at the same time

    def __init__(self) -> None:
        self._last_purge: dt.datetime | None = None

    # -- primitives (the backend's) ---------------------------------------------------
    async def _exec(self, sql: str, params: Params = ()) -> int:
        raise NotImplementedError

    async def _one(self, sql: str, params: Params = ()) -> Sequence[Any] | None:
        raise NotImplementedError

    async def _all(self, sql: str, params: Params = ()) -> list[Sequence[Any]]:
        raise NotImplementedError

    def _transaction(self) -> AbstractAsyncContextManager[None]:
        raise NotImplementedError

    async def _exec_each(self, sql: str, rows: Sequence[Params]) -> list[int]:
        """The statement once per row, in one transaction; the rows each one touched.
        (A backend may do it in fewer round trips: SQLite in one.)"""
        async with self._transaction():
            return [await self._exec(sql, row) for row in rows]

    @property
    def cases(self) -> SqlCaseStore:
        """Hand-off cases (bot/storage/handoff.py), on this repository."""
        return SqlCaseStore(self)

    # -- replicas (no-ops for one process) ----------------------------------------------
    def user_lock(self, user_id: int) -> AbstractAsyncContextManager[None]:
        """This user's lock across processes (one process: the in-process lock is enough)."""
        return nullcontext()

    async def hold_polling_lock(self) -> bool:
        """Be the one process that polls (one process: it always is)."""
        return True

    async def listen(self, channel: str, callback: Callable[[str], None]) -> None:
        """Call ``callback(payload)`` when another process notifies ``channel``."""

    async def notify(self, channel: str, payload: str) -> None:
        """Tell the other processes (there are none)."""

    # -- users -------------------------------------------------------------------
    async def get_user(self, user_id: int) -> UserRecord | None:
        """The stored user, or None if unknown (or forgotten)."""
        row = await self._one("SELECT user_id, language, last_topic, first_seen, last_seen, "
                              "active, pending FROM users WHERE user_id = ?", (user_id,))
        if row is None:
            return None
        return UserRecord(int(row[0]), row[1], row[2], dt.date.fromisoformat(row[3]),
                          dt.date.fromisoformat(row[4]), bool(row[5]), row[6])

    async def save_user(self, user: UserRecord) -> None:
        """Insert or update a user; an existing ``first_seen`` is kept."""
        await self._exec(_SAVE_USER, _user_row(user))

    async def save_users(self, users: Sequence[UserRecord]) -> None:
        """``save_user`` for each, in one transaction (a batch of changed states)."""
        await self._exec_each(_SAVE_USER, [_user_row(user) for user in users])

    async def set_active(self, user_id: int, active: bool) -> None:
        """Mark a user (in)active, e.g. inactive after they blocked the bot."""
        await self._exec("UPDATE users SET active = ? WHERE user_id = ?",
                         (int(active), user_id))

    async def delete_user(self, user_id: int) -> None:
        """Delete everything tied to this user id: their row and their reminders."""
        async with self._transaction():
            await self._exec("DELETE FROM reminder_steps WHERE reminder_id IN "
                             "(SELECT id FROM reminders WHERE user_id = ?)", (user_id,))
            await self._exec("DELETE FROM reminders WHERE user_id = ?", (user_id,))
            await self._exec("DELETE FROM users WHERE user_id = ?", (user_id,))

    async def count_active_users(self, since: dt.date) -> int:
        """Users not marked inactive whose last visit was on ``since`` or later."""
        row = await self._one("SELECT COUNT(*) FROM users WHERE active = 1 "
                              "AND last_seen >= ?", (since.isoformat(),))
        return int(row[0]) if row else 0

    # -- daily activity counters -------------------------------------------------
    async def add_activity(self, kind: str, language: str | None, topic: str | None = None,
                           day: dt.date | None = None, count: int = 1) -> None:
        """Add ``count`` to a daily counter (``day`` defaults to today, UTC)."""
        await self._exec(
            "INSERT INTO activity (day, language, kind, topic, count) VALUES (?, ?, ?, ?, ?) "
            "ON CONFLICT (day, language, kind, topic) DO UPDATE SET "
            "count = activity.count + excluded.count",
            ((day or utc_today()).isoformat(), language or "", kind, topic or "", count))

    async def activity(self, since: dt.date, until: dt.date | None = None,
                       ) -> list[ActivityCount]:
        """The daily counters from ``since`` to ``until`` (both included; default: today)."""
        rows = await self._all(
            "SELECT day, language, kind, topic, count FROM activity "
            "WHERE day >= ? AND day <= ? ORDER BY day, language, kind, topic",
            (since.isoformat(), (until or utc_today()).isoformat()))
        return [ActivityCount(dt.date.fromisoformat(r[0]), r[1] or None, r[2], r[3] or None,
                              int(r[4])) for r in rows]

    # -- feedback ----------------------------------------------------------------
    async def add_feedback(self, topic: str, language: str, value: int,
                           day: dt.date | None = None) -> None:
        """Count one vote (+1 up, -1 down) for a topic in a language, on ``day`` (today)."""
        up, down = (1, 0) if value > 0 else (0, 1)
        await self._exec(
            "INSERT INTO feedback_daily (day, topic, language, up, down) VALUES (?, ?, ?, ?, ?) "
            "ON CONFLICT (day, topic, language) DO UPDATE SET "
            "up = feedback_daily.up + excluded.up, down = feedback_daily.down + excluded.down",
            ((day or utc_today()).isoformat(), topic, language, up, down))

    async def feedback_counts(self, since: dt.date | None = None) -> list[FeedbackCount]:
        """Feedback totals by topic then language: all time, or from ``since`` on."""
        # '' (votes from before days were kept) sorts before every date.
        rows = await self._all(
            "SELECT topic, language, SUM(up), SUM(down) FROM feedback_daily WHERE day >= ? "
            "GROUP BY topic, language ORDER BY topic, language",
            (since.isoformat() if since else "",))
        return [FeedbackCount(r[0], r[1], int(r[2]), int(r[3])) for r in rows]

    # -- unmatched messages ------------------------------------------------------
    async def add_unmatched(self, text: str, language: str | None,
                            at: dt.datetime | None = None) -> None:
        """Record one message the bot could not match (normalised text, no user id)."""
        await self._exec("INSERT INTO unmatched (text, language, at) VALUES (?, ?, ?)",
                         (text[:_MAX_UNMATCHED_CHARS], language, iso(at or utcnow())))
        # No job queue is installed, so the daily purge rides on inserts.
        if self._last_purge is None or utcnow() - self._last_purge >= _PURGE_EVERY:
            await self.purge_unmatched()

    async def purge_unmatched(self, now: dt.datetime | None = None) -> int:
        """Delete unmatched entries older than 90 days; return how many."""
        moment = now or utcnow()
        deleted = await self._exec("DELETE FROM unmatched WHERE at < ?",
                                   (iso(moment - UNMATCHED_RETENTION),))
        self._last_purge = utcnow()
        if deleted:
            log.info("purged %d unmatched message(s) older than %d days", deleted,
                     UNMATCHED_RETENTION.days)
        return max(deleted, 0)

    async def top_unmatched(self, language: str | None = None, days: int | None = None,
                            limit: int = 30, now: dt.datetime | None = None,
                            ) -> list[UnmatchedCount]:
        """The most frequent unmatched messages, optionally for one language / period."""
        where: list[str] = []
        params: list[Any] = []
        if language:
            where.append("language = ?")
            params.append(language)
        if days is not None:
            where.append("at >= ?")
            params.append(iso((now or utcnow()) - dt.timedelta(days=days)))
        sql = ("SELECT text, language, COUNT(*) AS n, MAX(at) FROM unmatched "
               + (f"WHERE {' AND '.join(where)} " if where else "")
               + "GROUP BY text, language ORDER BY n DESC, MAX(at) DESC, text LIMIT ?")
        rows = await self._all(sql, (*params, limit))
        return [UnmatchedCount(r[0], r[1], int(r[2]),
                               dt.datetime.fromisoformat(r[3]).replace(tzinfo=dt.UTC))
                for r in rows]

    # -- reminders ------------------------------------------------------------------
    _REMINDER = ("SELECT id, user_id, document, ends, language, last_sent, next_due, paused "
                 "FROM reminders ")

    @staticmethod
    def _reminder(row: Sequence[Any]) -> Reminder:
        return Reminder(int(row[0]), int(row[1]), row[2], dt.date.fromisoformat(row[3]),
                        row[4], None if row[5] is None else int(row[5]),
                        dt.date.fromisoformat(row[6]) if row[6] else None, bool(row[7]))

    async def reminder_set(self, user_id: int, document: str, ends: dt.date, language: str,
                           next_due: dt.date | None) -> int:
        """Add or replace the user's reminder for ``document``; return its id."""
        row = await self._one(
            "INSERT INTO reminders (user_id, document, ends, language, last_sent, "
            "next_due, paused, created) VALUES (?, ?, ?, ?, NULL, ?, 0, ?) "
            "ON CONFLICT (user_id, document) DO UPDATE SET ends = excluded.ends, "
            "language = excluded.language, last_sent = NULL, "
            "next_due = excluded.next_due, paused = 0 RETURNING id",
            (user_id, document, ends.isoformat(), language, _day(next_due), iso(utcnow())))
        assert row is not None
        return int(row[0])

    async def reminders_of(self, user_id: int) -> list[Reminder]:
        """The user's reminders, soonest end date first."""
        rows = await self._all(self._REMINDER + "WHERE user_id = ? ORDER BY ends, id",
                               (user_id,))
        return [self._reminder(r) for r in rows]

    async def reminder_delete(self, user_id: int, reminder_id: int) -> bool:
        """Delete one of the user's reminders; False if there was none."""
        async with self._transaction():
            await self._exec("DELETE FROM reminder_steps WHERE reminder_id IN (SELECT id "
                             "FROM reminders WHERE id = ? AND user_id = ?)",
                             (reminder_id, user_id))
            deleted = await self._exec("DELETE FROM reminders WHERE id = ? AND user_id = ?",
                                       (reminder_id, user_id))
        return deleted > 0

    async def reminders_due(self, today: dt.date, limit: int = 500) -> list[Reminder]:
        """Reminders not paused whose next step is reached by ``today``."""
        rows = await self._all(self._REMINDER + "WHERE paused = 0 AND next_due <= ? "
                               "ORDER BY next_due, id LIMIT ?", (today.isoformat(), limit))
        return [self._reminder(r) for r in rows]

    async def reminders_due_count(self, today: dt.date) -> int:
        """How many reminders have a step reached and not sent (for metrics)."""
        row = await self._one("SELECT COUNT(*) FROM reminders WHERE paused = 0 AND "
                              "next_due <= ?", (today.isoformat(),))
        return int(row[0]) if row else 0

    async def reminder_claim(self, reminder: Reminder, step: int, now: dt.datetime,
                             stale_after: dt.timedelta) -> bool:
        """Claim a step before sending it (atomic: one process wins); a claim older than
        ``stale_after`` without a send was lost in a crash and is taken over."""
        won = await self._exec(
            "INSERT INTO reminder_steps (reminder_id, step, ends, state, claimed_at) "
            "VALUES (?, ?, ?, 'claimed', ?) ON CONFLICT (reminder_id, ends, step) DO UPDATE "
            "SET claimed_at = excluded.claimed_at WHERE reminder_steps.state = 'claimed' "
            "AND reminder_steps.claimed_at < ?",
            (reminder.id, step, reminder.ends.isoformat(), iso(now), iso(now - stale_after)))
        return won > 0

    async def reminder_sent(self, reminder: Reminder, step: int, next_due: dt.date | None,
                            now: dt.datetime) -> None:
        """The step was delivered: record it and when the next one is due."""
        async with self._transaction():
            await self._exec(
                "UPDATE reminder_steps SET state = 'sent', sent_at = ? WHERE reminder_id = ? "
                "AND ends = ? AND step = ?",
                (iso(now), reminder.id, reminder.ends.isoformat(), step))
            await self._exec(
                "UPDATE reminders SET last_sent = ?, next_due = ? WHERE id = ? AND ends = ?",
                (step, _day(next_due), reminder.id, reminder.ends.isoformat()))

    async def reminder_claims_release(self) -> int:
        """Free every claimed, unsent step (at start, when no other process can hold one)."""
        return max(await self._exec("DELETE FROM reminder_steps WHERE state = 'claimed'"), 0)

    async def reminder_release(self, reminder: Reminder, step: int) -> None:
        """Sending failed for a passing reason: drop the claim, so it is tried again."""
        await self._exec("DELETE FROM reminder_steps WHERE reminder_id = ? AND ends = ? "
                         "AND step = ? AND state = 'claimed'",
                         (reminder.id, reminder.ends.isoformat(), step))

    async def reminder_reschedule(self, reminder_id: int, ends: dt.date,
                                  next_due: dt.date | None) -> None:
        """A repeating report moved to its next date: its steps start over."""
        await self._exec("UPDATE reminders SET ends = ?, last_sent = NULL, next_due = ? "
                         "WHERE id = ?", (ends.isoformat(), _day(next_due), reminder_id))

    async def reminder_next(self, reminder_id: int, next_due: dt.date | None) -> None:
        """Set the day the reminder's next step is reached."""
        await self._exec("UPDATE reminders SET next_due = ? WHERE id = ?",
                         (_day(next_due), reminder_id))

    async def reminders_pause(self, user_id: int, paused: bool = True) -> None:
        """Stop (or resume) the user's reminders, e.g. after they blocked the bot."""
        await self._exec("UPDATE reminders SET paused = ? WHERE user_id = ?",
                         (int(paused), user_id))

    async def reminder_counts(self) -> list[tuple[str, str, int, int]]:
        """(document, language, reminders, steps sent) for reports; no user ids."""
        rows = await self._all(
            "SELECT r.document, r.language, COUNT(DISTINCT r.id), COUNT(s.step) "
            "FROM reminders r LEFT JOIN reminder_steps s "
            "ON s.reminder_id = r.id AND s.state = 'sent' "
            "GROUP BY r.document, r.language ORDER BY r.document, r.language")
        return [(r[0], r[1], int(r[2]), int(r[3])) for r in rows]

    # -- durable inbox ---------------------------------------------------------------
    async def inbox_add(self, updates: Sequence[tuple[int, str]]) -> list[int]:
        """Store updates (id, payload) in one transaction; return the ids not seen before."""
        if not updates:
            return []
        received = iso(utcnow())
        counts = await self._exec_each(
            "INSERT INTO inbox (update_id, payload, state, received) "
            "VALUES (?, ?, 'pending', ?) ON CONFLICT (update_id) DO NOTHING",
            [(update_id, payload, received) for update_id, payload in updates])
        return [update_id for (update_id, _), count in zip(updates, counts, strict=True)
                if count > 0]

    async def inbox_finish(self, update_ids: Sequence[int], state: str = "done") -> None:
        """Mark updates handled (``done``) or unreadable (``skipped``); drop their payload."""
        ids = list(update_ids)
        for start in range(0, len(ids), _CHUNK):
            chunk = ids[start:start + _CHUNK]
            await self._exec(f"UPDATE inbox SET state = ?, payload = NULL WHERE update_id "
                             f"IN ({','.join('?' * len(chunk))})", (state, *chunk))

    async def inbox_pending(self) -> list[tuple[int, str]]:
        """Updates stored but not yet handled (after a crash), oldest first."""
        rows = await self._all("SELECT update_id, payload FROM inbox WHERE state = "
                               "'pending' ORDER BY update_id")
        return [(int(r[0]), str(r[1])) for r in rows]

    async def inbox_purge(self, now: dt.datetime | None = None) -> int:
        """Forget handled update ids older than ``INBOX_RETENTION``; return how many."""
        cutoff = iso((now or utcnow()) - INBOX_RETENTION)
        return max(await self._exec("DELETE FROM inbox WHERE state != 'pending' AND "
                                    "received < ?", (cutoff,)), 0)

    async def purge_expired(self) -> None:
        """At opening: drop what is kept no longer than promised (unmatched messages,
        handled inbox ids), whichever backend, before the first update."""
        await self.purge_unmatched()
        await self.inbox_purge()

    async def ping(self) -> None:
        """Raise unless the database answers ``SELECT 1``."""
        await self._one("SELECT 1")
