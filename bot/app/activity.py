"""Anonymous daily counters (behind /stats), added up in memory and written in batches.

Counting every answer with its own database write doubled the storage round
trips of a typed question. The counters are statistics, not promises: a few
seconds of them may be lost in a crash, so they are flushed every few seconds,
before /stats reads them, and at shutdown.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections import Counter
from collections.abc import Callable

from bot.storage.base import Repository, utc_today

__all__ = ["ActivityBuffer"]

log = logging.getLogger(__name__)

Key = tuple[dt.date, str, str | None, str | None]  # day, kind, language, topic


class ActivityBuffer:
    """``add`` counts in memory; ``flush`` writes the totals; ``run`` flushes periodically."""

    def __init__(self, repo: Repository, interval: float = 5.0,
                 today: Callable[[], dt.date] = utc_today) -> None:
        self.repo = repo
        self.interval = interval
        self._today = today
        self._counts: Counter[Key] = Counter()
        self._lock = asyncio.Lock()

    def add(self, kind: str, language: str | None, topic: str | None = None) -> None:
        self._counts[(self._today(), kind, language, topic)] += 1

    def merge(self, other: ActivityBuffer) -> None:
        """Take over counts not written yet (the database was opened again)."""
        self._counts.update(other._counts)
        other._counts.clear()

    @property
    def pending(self) -> int:
        return sum(self._counts.values())

    async def flush(self) -> None:
        """Write what was counted so far; on failure keep it for the next flush."""
        async with self._lock:
            counts, self._counts = self._counts, Counter()
            try:
                for (day, kind, language, topic), count in counts.items():
                    await self.repo.add_activity(kind, language, topic, day, count)
            except Exception:
                self._counts.update(counts)  # retried next time (may double a row, rarely)
                raise

    async def run(self) -> None:
        """Flush every ``interval`` seconds until cancelled."""
        while True:
            await asyncio.sleep(self.interval)
            try:
                await self.flush()
            except Exception:
                log.exception("could not write the activity counters; will retry")
