"""Per-user state between turns: storage, a small write-through cache, per-user locks.

Updates are processed concurrently, but one user's updates must run one after
another (state is read, changed and written back, and replies must keep their
order), so every turn holds that user's lock. The cache spares a database read
per update; a write happens only when something stored actually changed.
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

__all__ = ["Sessions"]

_MISSING = object()


class Sessions:
    """Load and save ``UserState`` for Telegram user ids."""

    def __init__(self, repo: Repository, cache_size: int = 10_000,
                 today: Callable[[], dt.date] = utc_today) -> None:
        self.repo = repo
        self._cache: OrderedDict[int, UserRecord | None] = OrderedDict()
        # Replicas sharing a database each change users: a cached record could be
        # stale, so with a shared database (it has a user_lock) nothing is cached.
        self._cache_size = 0 if repo.shared else cache_size
        self._today = today
        self._locks: dict[int, tuple[asyncio.Lock, list[int]]] = {}

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
            await self.repo.save_user(new)
            self._remember(user_id, new)
        return old is not None and not old.active

    async def forget(self, user_id: int) -> None:
        """Delete everything stored about the user, in the files and in memory."""
        await self.repo.delete_user(user_id)
        self._cache.pop(user_id, None)
        try:
            await self.repo.forget_traces()  # the deleted row out of the write-ahead log
        except Exception:  # deleted already; the log is emptied at the next checkpoint
            log.exception("could not empty the write-ahead log after /forget")

    async def mark_inactive(self, user_id: int) -> None:
        """The user blocked the bot: keep the row, stop counting them as active."""
        record = await self.record(user_id)
        if record is None or not record.active:
            return
        await self.repo.set_active(user_id, False)
        self._remember(user_id, replace(record, active=False))

    def _remember(self, user_id: int, record: UserRecord | None) -> None:
        self._cache[user_id] = record
        self._cache.move_to_end(user_id)
        while len(self._cache) > self._cache_size:
            self._cache.popitem(last=False)
