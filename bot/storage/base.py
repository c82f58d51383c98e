"""What the bot stores, and the small interface every storage backend implements.

The adapter only talks to ``Repository``; SQLite is the first backend, and a
server database can be added later without touching the adapter.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from bot.storage.handoff import CaseStore

__all__ = [
    "INBOX_RETENTION",
    "UNMATCHED_RETENTION",
    "ActivityCount",
    "FeedbackCount",
    "Reminder",
    "Repository",
    "StorageError",
    "UnmatchedCount",
    "UserRecord",
    "iso",
    "utc_today",
    "utcnow",
]



def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def iso(moment: dt.datetime) -> str:
    """UTC, to the second: how every backend stores a moment (sortable as text)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S")


def utc_today() -> dt.date:
    """Today as stored: a UTC calendar day (dates, never message times)."""
    return dt.datetime.now(dt.UTC).date()


# Unmatched questions are kept at most this long (the /privacy text promises 90 days).
# Handled update ids are kept this long to recognise a re-delivered update (Telegram
# keeps an unconfirmed update for 24 hours).
INBOX_RETENTION = dt.timedelta(hours=48)
UNMATCHED_RETENTION = dt.timedelta(days=90)


class StorageError(Exception):
    """The database cannot be opened or is from a newer version of the bot."""


@dataclass(frozen=True)
class UserRecord:
    """Everything kept about one user: dates, not message times, on purpose."""

    user_id: int
    language: str | None
    last_topic: str | None
    first_seen: dt.date
    last_seen: dt.date
    active: bool = True
    pending: str | None = None  # what the bot waits for from the user (a short key)


@dataclass(frozen=True)
class Reminder:
    """A worker's reminder: a document kind and the date it ends, nothing more."""

    id: int
    user_id: int
    document: str
    ends: dt.date
    language: str
    last_sent: int | None = None
    next_due: dt.date | None = None
    paused: bool = False


@dataclass(frozen=True)
class FeedbackCount:
    """👍/👎 totals for one topic in one language; no user ids."""

    topic: str
    language: str
    up: int
    down: int


@dataclass(frozen=True)
class UnmatchedCount:
    """How often one normalised unmatched message was seen."""

    text: str
    language: str | None
    count: int
    last_at: dt.datetime


@dataclass(frozen=True)
class ActivityCount:
    """How often something happened on one UTC day in one language; no user ids."""

    day: dt.date
    language: str | None
    # A match outcome of a typed message (answer, did_you_mean, fallback), or
    # topic_shown for every answer shown (typed, tapped or deep-linked).
    kind: str
    topic: str | None
    count: int


class Repository(Protocol):
    """The storage operations the bot needs; all are coroutines."""

    async def get_user(self, user_id: int) -> UserRecord | None:
        """The stored user, or None if unknown (or forgotten)."""
        ...

    async def save_user(self, user: UserRecord) -> None:
        """Insert or update a user; an existing ``first_seen`` is kept."""
        ...

    async def save_users(self, users: Sequence[UserRecord]) -> None:
        """``save_user`` for each, in one transaction (a batch of changed states)."""
        ...

    async def set_active(self, user_id: int, active: bool) -> None:
        """Mark a user (in)active, e.g. inactive after they blocked the bot."""
        ...

    async def delete_user(self, user_id: int) -> None:
        """Delete everything tied to this user id."""
        ...

    async def add_feedback(self, topic: str, language: str, value: int,
                           day: dt.date | None = None) -> None:
        """Count one vote (+1 up, -1 down) for a topic in a language, on ``day`` (today)."""
        ...

    async def feedback_counts(self, since: dt.date | None = None) -> list[FeedbackCount]:
        """Feedback totals by topic then language: all time, or from ``since`` on."""
        ...

    async def add_unmatched(self, text: str, language: str | None,
                            at: dt.datetime | None = None) -> None:
        """Record one message the bot could not match (normalised text, no user id)."""
        ...

    async def purge_unmatched(self, now: dt.datetime | None = None) -> int:
        """Delete unmatched entries older than the retention; return how many."""
        ...

    async def top_unmatched(self, language: str | None = None, days: int | None = None,
                            limit: int = 30, now: dt.datetime | None = None,
                            ) -> list[UnmatchedCount]:
        """The most frequent unmatched messages, optionally for one language / period."""
        ...

    async def count_active_users(self, since: dt.date) -> int:
        """Users not marked inactive whose last visit was on ``since`` or later."""
        ...

    async def add_activity(self, kind: str, language: str | None, topic: str | None = None,
                           day: dt.date | None = None, count: int = 1) -> None:
        """Add ``count`` to a daily counter (``day`` defaults to today, UTC)."""
        ...

    async def activity(self, since: dt.date, until: dt.date | None = None,
                       ) -> list[ActivityCount]:
        """The daily counters from ``since`` to ``until`` (both included; default: today)."""
        ...

    async def inbox_add(self, updates: Sequence[tuple[int, str]]) -> list[int]:
        """Store updates (id, payload) durably; return the ids not seen before."""
        ...

    async def inbox_finish(self, update_ids: Sequence[int], state: str = "done") -> None:
        """Mark updates handled (``done``) or unreadable (``skipped``); drop their payload."""
        ...

    async def inbox_pending(self) -> list[tuple[int, str]]:
        """Updates stored but not yet handled (after a crash), oldest first."""
        ...

    async def inbox_purge(self, now: dt.datetime | None = None) -> int:
        """Forget handled update ids older than ``INBOX_RETENTION``; return how many."""
        ...

    async def forget_traces(self) -> None:
        """Make deleted rows unrecoverable from the files (write-ahead log included)."""
        ...

    # -- reminders ---------------------------------------------------------------
    async def reminder_set(self, user_id: int, document: str, ends: dt.date, language: str,
                           next_due: dt.date | None) -> int:
        """Add or replace the user's reminder for ``document``; return its id."""
        ...

    async def reminders_of(self, user_id: int) -> list[Reminder]:
        """The user's reminders, soonest end date first."""
        ...

    async def reminder_delete(self, user_id: int, reminder_id: int) -> bool:
        """Delete one of the user's reminders; False if there was none."""
        ...

    async def reminders_due(self, today: dt.date, limit: int = 500) -> list[Reminder]:
        """Reminders not paused whose next step is reached by ``today``."""
        ...

    async def reminders_due_count(self, today: dt.date) -> int:
        """How many reminders have a step reached and not sent (for metrics)."""
        ...

    async def reminder_claim(self, reminder: Reminder, step: int, now: dt.datetime,
                             stale_after: dt.timedelta) -> bool:
        """Claim a step before sending it; False when it is sent or claimed already
        (a claim older than ``stale_after`` was lost in a crash and is taken over)."""
        ...

    async def reminder_sent(self, reminder: Reminder, step: int, next_due: dt.date | None,
                            now: dt.datetime) -> None:
        """The step was delivered: record it and when the next one is due."""
        ...

    async def reminder_claims_release(self) -> int:
        """Free every claimed, unsent step (at start, when no other process can hold one)."""
        ...

    async def reminder_release(self, reminder: Reminder, step: int) -> None:
        """Sending failed for a passing reason: drop the claim, so it is tried again."""
        ...

    async def reminder_reschedule(self, reminder_id: int, ends: dt.date,
                                  next_due: dt.date | None) -> None:
        """A repeating report moved to its next date: its steps start over."""
        ...

    async def reminder_next(self, reminder_id: int, next_due: dt.date | None) -> None:
        """Set the day the reminder's next step is reached."""
        ...

    async def reminders_pause(self, user_id: int, paused: bool = True) -> None:
        """Stop (or resume) the user's reminders, e.g. after they blocked the bot."""
        ...

    async def reminder_counts(self) -> list[tuple[str, str, int, int]]:
        """(document, language, reminders, steps sent) for reports; no user ids."""
        ...

    @property
    def cases(self) -> CaseStore:
        """Hand-off cases (bot/storage/handoff.py)."""
        ...

    shared: bool  # other processes use the database too (PostgreSQL replicas)

    def user_lock(self, user_id: int) -> AbstractAsyncContextManager[None]:
        """This user's lock across processes."""
        ...

    async def hold_polling_lock(self) -> bool:
        """Be the one process that polls; False when another one is."""
        ...

    async def listen(self, channel: str, callback: Callable[[str], None]) -> None:
        """Call ``callback(payload)`` on each notification on ``channel``."""
        ...

    async def notify(self, channel: str, payload: str) -> None:
        """Notify the other processes on ``channel``."""
        ...

    async def ping(self) -> None:
        """Raise unless the database answers a trivial query (for /healthz)."""
        ...

    async def close(self) -> None:
        """Release the connection."""
        ...
