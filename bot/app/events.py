"""Record what a turn reports: daily counters, unmatched questions, votes, /forget.

Nothing here stores a user id: the counters behind /stats, unmatched messages
and votes are anonymous by design (see /privacy). Failing to store a statistic must not
stop the answer; failing to forget must (the user was promised deletion).
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from bot.app.activity import ActivityBuffer
from bot.app.sessions import Sessions
from bot.dialogue.types import Event

__all__ = ["record_events"]

log = logging.getLogger(__name__)


async def record_events(sessions: Sessions, user_id: int, events: list[Event],
                        activity: ActivityBuffer,
                        failed: Callable[[str, BaseException], None] | None = None) -> bool:
    """Store the turn's events; True when the user asked to be forgotten.

    The daily counters are added up in ``activity``, in memory (see activity.py).
    A statistic that cannot be stored is reported to ``failed`` and the turn goes
    on; a failed /forget raises (the worker must not be told it was done)."""
    forgot = False
    for event in events:
        if event.kind == "forget":
            await sessions.forget(user_id)  # errors propagate: the promise must hold
            forgot = True
            continue
        try:
            await _record(sessions, event, activity)
        except Exception as exc:
            log.error("could not record a %s event (%s)", event.kind, type(exc).__name__)
            if failed is not None:
                failed(f"record_{event.kind}", exc)
    return forgot


async def _record(sessions: Sessions, event: Event, activity: ActivityBuffer) -> None:
    repo = sessions.repo

    if event.kind == "matched":
        log.debug("matched: outcome=%s topic=%s language=%s", event.outcome, event.topic,
                  event.language)
        if event.outcome == "fallback" and event.text:
            await repo.add_unmatched(event.text, event.language)
        if event.outcome:  # always set on "matched"; the check is for the type
            # The topic only for an answer: a fallback has none, and the best guess
            # behind "did you mean" is not what the user got.
            activity.add(event.outcome, event.language,
                         event.topic if event.outcome == "answer" else None)
    elif event.kind == "topic_shown":
        log.debug("topic_shown: topic=%s language=%s", event.topic, event.language)
        activity.add("topic_shown", event.language, event.topic)
    elif event.kind == "feedback":
        if event.topic and event.language and event.value:
            await repo.add_feedback(event.topic, event.language, event.value)
    else:
        log.debug("%s: topic=%s language=%s", event.kind, event.topic, event.language)
