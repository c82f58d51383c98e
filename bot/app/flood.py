"""One user's flood must not slow the bot down for everyone else.

Telegram lets a bot send about 30 messages a second in all. A user whose
phone resends a queue of messages, or a script on an account, sending
hundreds at once would take that budget from every other worker (and the
CPU that matches their messages). Each user has a bucket of ``burst``
updates that refills by one every ``refill_seconds``: people tapping through
menus quickly never reach the bottom, a flood does. The first update over the
limit gets a kind notice; the rest are dropped without a reply until the
bucket refills, so a flood is never answered by a flood of notices.
"""

from __future__ import annotations

import enum
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

__all__ = ["FloodGuard", "Verdict"]


class Verdict(enum.Enum):
    ALLOW = "allow"  # handle the update
    NOTICE = "notice"  # over the limit: tell the user once, do not handle
    DROP = "drop"  # still over the limit and already told: ignore


@dataclass
class _Bucket:
    tokens: float
    at: float
    told: bool = False


class FloodGuard:
    """Per-user token buckets (kept for at most ``max_users`` recent users)."""

    def __init__(self, burst: int = 20, refill_seconds: float = 1.5, *,
                 max_users: int = 10_000, clock: Callable[[], float] = time.monotonic) -> None:
        self.burst = burst
        self.refill_seconds = refill_seconds
        self._max_users = max_users
        self._clock = clock
        self._buckets: OrderedDict[int, _Bucket] = OrderedDict()

    def forget(self, user_id: int) -> None:
        """Drop what is kept about this user (for /forget; it is only a counter)."""
        self._buckets.pop(user_id, None)

    def __contains__(self, user_id: int) -> bool:
        return user_id in self._buckets

    def check(self, user_id: int) -> Verdict:
        """Spend one update of this user's budget, if there is one left."""
        now = self._clock()
        bucket = self._buckets.get(user_id)
        if bucket is None:
            bucket = self._buckets[user_id] = _Bucket(float(self.burst), now)
            if len(self._buckets) > self._max_users:
                # The least recent user: forgetting them only gives them a full bucket.
                self._buckets.popitem(last=False)
        else:
            self._buckets.move_to_end(user_id)
            bucket.tokens = min(float(self.burst),
                                bucket.tokens + (now - bucket.at) / self.refill_seconds)
            bucket.at = now
        if bucket.tokens >= 1:
            bucket.tokens -= 1
            bucket.told = False
            return Verdict.ALLOW
        if bucket.told:
            return Verdict.DROP
        bucket.told = True
        return Verdict.NOTICE
