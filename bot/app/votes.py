"""One 👍/👎 per user per answer: a forged or repeated button press is not counted twice.

Votes are stored without a user id (see /privacy), so the guard lives in
memory: which topics each recent user voted on today. It is bounded (the least
recent users are dropped) and ``/forget`` removes the user from it. A restart
forgets it too; at worst a user can vote once more after a restart.
"""

from __future__ import annotations

import datetime as dt
from collections import OrderedDict
from collections.abc import Callable

from bot.storage.base import utc_today

__all__ = ["VoteGuard"]


class VoteGuard:
    """``first_vote(user, topic)`` is True once per user, topic and day."""

    def __init__(self, max_users: int = 10_000,
                 today: Callable[[], dt.date] = utc_today) -> None:
        self._max_users = max_users
        self._today = today
        self._voted: OrderedDict[int, tuple[dt.date, set[str]]] = OrderedDict()

    def first_vote(self, user_id: int, topic: str) -> bool:
        today = self._today()
        day, topics = self._voted.get(user_id, (today, set()))
        if day != today:
            topics = set()
        if topic in topics:
            self._voted.move_to_end(user_id)
            return False
        topics.add(topic)
        self._voted[user_id] = (today, topics)
        self._voted.move_to_end(user_id)
        while len(self._voted) > self._max_users:
            self._voted.popitem(last=False)
        return True

    def forget(self, user_id: int) -> None:
        self._voted.pop(user_id, None)

    def __contains__(self, user_id: int) -> bool:
        return user_id in self._voted
