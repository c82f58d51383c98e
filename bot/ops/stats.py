"""The numbers behind /stats, from the anonymous counters (no user ids involved).

Days are UTC calendar days, as stored: "7 days" is today and the six days
before it, "30 days" today and the 29 before.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from typing import get_args

from bot.dialogue.types import DANGER_OUTCOME
from bot.matching.matcher import Outcome
from bot.storage.base import Repository, utc_today

__all__ = ["ACTIVE_DAYS", "FEEDBACK_DAYS", "MATCH_OUTCOMES", "WEEK_DAYS", "LanguageStats", "Stats",
           "collect_stats"]

ACTIVE_DAYS = 30
FEEDBACK_DAYS = 30
WEEK_DAYS = 7
# Every typed message gets exactly one of these outcomes: the danger check's, or
# the matcher's.
MATCH_OUTCOMES: tuple[str, ...] = (DANGER_OUTCOME, *get_args(Outcome))
_TOP_TOPICS = 10


@dataclass(frozen=True)
class LanguageStats:
    """One language: typed messages and fallbacks (7 days), feedback (30 days)."""

    language: str | None
    messages: int
    fallbacks: int
    up: int
    down: int

    @property
    def fallback_rate(self) -> float | None:
        """Share of typed messages not understood; None when there were none."""
        return self.fallbacks / self.messages if self.messages else None


@dataclass(frozen=True)
class Stats:
    """What /stats shows."""

    today: dt.date
    active_users: int
    messages_today: int
    messages_week: int
    top_topics: list[tuple[str, int]]
    languages: list[LanguageStats]


async def collect_stats(repo: Repository, today: dt.date | None = None,
                        languages: tuple[str, ...] = ()) -> Stats:
    """Query the counters; ``languages`` are listed even when they have no numbers yet."""
    day = today or utc_today()
    active = await repo.count_active_users(day - dt.timedelta(days=ACTIVE_DAYS - 1))
    rows = await repo.activity(day - dt.timedelta(days=WEEK_DAYS - 1), day)
    messages: Counter[str | None] = Counter()
    fallbacks: Counter[str | None] = Counter()
    topics: Counter[str] = Counter()
    today_total = 0
    for row in rows:
        if row.kind in MATCH_OUTCOMES:
            messages[row.language] += row.count
            if row.day == day:
                today_total += row.count
            if row.kind == "fallback":
                fallbacks[row.language] += row.count
        elif row.kind == "topic_shown" and row.topic:
            topics[row.topic] += row.count
    up: Counter[str | None] = Counter()
    down: Counter[str | None] = Counter()
    # Feedback over the same 30 days as active users: recent enough to show the
    # effect of a rewritten answer (`report feedback` gives all time).
    for vote in await repo.feedback_counts(since=day - dt.timedelta(days=FEEDBACK_DAYS - 1)):
        up[vote.language] += vote.up
        down[vote.language] += vote.down
    seen = set(messages) | set(up) | set(down)
    # Content order first (the order staff know), then anything else seen.
    order: list[str | None] = [*languages, *sorted((x for x in seen if x not in languages),
                                                   key=lambda x: x or "~")]
    per_language = [LanguageStats(lang, messages[lang], fallbacks[lang], up[lang], down[lang])
                    for lang in order]
    # Most shown first; ties by name so the list is stable.
    top = sorted(topics.items(), key=lambda item: (-item[1], item[0]))[:_TOP_TOPICS]
    return Stats(day, active, today_total, sum(messages.values()), top, per_language)
