"""Per-user state between turns: storage, a small cache, per-user locks.

Updates are processed concurrently, but one user's updates must run one after
another (state is read, changed and written back, and replies must keep their
order), so every turn holds that user's lock. The cache spares a database read
per update; a write happens only when something stored actually changed.

One process (SQLite): changed states are written in batches, ``WRITE_DELAY``
after the first change, in one transaction. A write per turn was a third of a
button press's time in the process (a thread hand-off and a commit each). What
is not written yet is read from memory, ``/forget`` deletes it there too before
the rows, and shutdown writes it; a crash can lose the last tenth of a second of
languages and last topics chosen, never a reminder or a case (written at once,
elsewhere). Several replicas (a shared database): every change is written at
once, as another replica may answer the user's next update.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections import OrderedDict
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import replace

from bot.dialogue.types import UserState
from bot.storage.base import Repository, UserRecord, utc_today

log = logging.getLogger(__name__)

__all__ = ["WRITE_DELAY", "Sessions"]

_MISSING = object()
WRITE_DELAY = 0.1  # seconds from a first unwritten change to its batch
_RETRY_DELAY = 2.0  # after a failed batch (the database is away; no busy loop)


class Sessions:
    """Load and save ``UserState`` for Telegram user ids."""

    def __init__(self, repo: Repository, cache_size: int = 10_000,
                 today: Callable[[], dt.date] = utc_today,
                 write_delay: float = WRITE_DELAY,
                 on_write_failed: Callable[[Exception], None] | None = None) -> None:
        """``write_delay``: seconds a changed state may wait to be written with
        others (one process only); ``on_write_failed``: told when a batch fails
        (it is kept and tried again)."""
        self.repo = repo
        self._cache: OrderedDict[int, UserRecord | None] = OrderedDict()
        # Replicas sharing a database each change users: a cached record could be
        # stale, so with a shared database (it has a user_lock) nothing is cached,
        # and nothing waits to be written.
        self._cache_size = 0 if repo.shared else cache_size
        self._write_delay = None if repo.shared else write_delay
        self._on_write_failed = on_write_failed
        self._today = today
        self._locks: dict[int, tuple[asyncio.Lock, list[int]]] = {}
        self._unwritten: dict[int, UserRecord] = {}
        self._writing = asyncio.Lock()  # one batch at a time; /forget waits for it
        self._writer: asyncio.Task[None] | None = None

    @asynccontextmanager
    async def lock(self, user_id: int) -> AsyncIterator[None]:
        """Hold this user's lock; the lock is dropped when nobody waits for it."""
        entry = self._locks.get(user_id)
        if entry is None:
            entry = self._locks[user_id] = (asyncio.Lock(), [0])
        lock, users = entry
        users[0] += 1
        try:
            async with lock, self.repo.user_lock(user_id):
                yield
        finally:
            users[0] -= 1
            if users[0] == 0:
                del self._locks[user_id]

    async def record(self, user_id: int) -> UserRecord | None:
        """The stored record (cached), or None for a new or forgotten user."""
        unwritten = self._unwritten.get(user_id)
        if unwritten is not None:
            return unwritten
        cached = self._cache.get(user_id, _MISSING)
        if cached is not _MISSING:
            self._cache.move_to_end(user_id)
            return cached  # type: ignore[return-value]
        record = await self.repo.get_user(user_id)
        self._remember(user_id, record)
        return record

    async def load(self, user_id: int) -> UserState:
        """The user's dialogue state (empty for a new user)."""
        record = await self.record(user_id)
        if record is None:
            return UserState()
        return UserState(language=record.language, last_topic=record.last_topic,
                         pending=record.pending)

    async def save(self, user_id: int, state: UserState) -> bool:
        """Store the state, today's date and active=True, if any of it changed; True
        when the user had been marked inactive (they blocked the bot, now they are back)."""
        old = await self.record(user_id)
        today = self._today()
        new = UserRecord(user_id, state.language, state.last_topic,
                         old.first_seen if old else today, today, True, state.pending)
        if new != old:
            if self._write_delay is None:
                await self.repo.save_user(new)
            else:
                self._unwritten[user_id] = new
                self._write_soon(self._write_delay)
            self._remember(user_id, new)
        return old is not None and not old.active

    @property
    def unwritten(self) -> int:
        """Users whose changed state waits to be written."""
        return len(self._unwritten)

    async def flush(self) -> None:
        """Write every changed state now, in one transaction; on failure keep them
        (a later change of the same user wins) and raise."""
        async with self._writing:
            batch, self._unwritten = self._unwritten, {}
            if not batch:
                return
            try:
                await self.repo.save_users(list(batch.values()))
            except BaseException:
                for user_id, record in batch.items():
                    self._unwritten.setdefault(user_id, record)
                raise

    def take_over(self, other: Sessions) -> None:
        """Take over changes not written yet (the database was opened again)."""
        for user_id, record in other._unwritten.items():
            self._unwritten.setdefault(user_id, record)
        other._unwritten.clear()
        if self._unwritten and self._write_delay is not None:
            self._write_soon(self._write_delay)

    async def close(self) -> None:
        """Stop the timer and write what is left (at shutdown)."""
        if self._writer is not None:
            self._writer.cancel()
            self._writer = None
        await self.flush()

    def _write_soon(self, delay: float) -> None:
        if self._writer is None or self._writer.done():
            self._writer = asyncio.get_running_loop().create_task(self._write_later(delay))

    async def _write_later(self, delay: float) -> None:
        await asyncio.sleep(delay)
        try:
            await self.flush()
        except Exception as exc:
            log.error("storage: could not write %d users' state (%s); will retry",
                      len(self._unwritten), type(exc).__name__)
            if self._on_write_failed is not None:
                self._on_write_failed(exc)
            self._writer = None
            self._write_soon(_RETRY_DELAY)

    async def forget(self, user_id: int) -> None:
        """Delete everything stored about the user, in the files and in memory."""
        async with self._writing:  # a batch under way lands first, then is deleted
            self._unwritten.pop(user_id, None)
            await self.repo.delete_user(user_id)
        self._cache.pop(user_id, None)
        try:
            await self.repo.forget_traces()  # the deleted row out of the write-ahead log
        except Exception:  # deleted already; the log is emptied at the next checkpoint
            log.exception("could not empty the write-ahead log after /forget")

    async def mark_inactive(self, user_id: int) -> None:
        """The user blocked the bot: keep the row, stop counting them as active."""
        async with self._writing:  # in order with a batch under way
            record = await self.record(user_id)
            if record is None or not record.active:
                return
            inactive = replace(record, active=False)
            if user_id in self._unwritten:  # its row may not exist yet: the batch says it
                self._unwritten[user_id] = inactive
            else:
                await self.repo.set_active(user_id, False)
            self._remember(user_id, inactive)

    def _remember(self, user_id: int, record: UserRecord | None) -> None:
        self._cache[user_id] = record
        self._cache.move_to_end(user_id)
        while len(self._cache) > self._cache_size:
            self._cache.popitem(last=False)
