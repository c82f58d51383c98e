"""Record what a turn reports: unmatched questions, feedback votes, /forget.

Nothing here stores a user id next to text: unmatched messages and votes are
anonymous by design (see /privacy). Failing to store a statistic must not
stop the answer; failing to forget must (the user was promised deletion).
"""

from __future__ import annotations

import logging

from bot.adapters.telegram.sessions import Sessions
from bot.dialogue.types import Event

__all__ = ["record_events"]

log = logging.getLogger(__name__)


async def record_events(sessions: Sessions, user_id: int, events: list[Event]) -> bool:
    """Store the turn's events; True when the user asked to be forgotten."""
    forgot = False
    for event in events:
        if event.kind == "forget":
            await sessions.forget(user_id)  # errors propagate: the promise must hold
            forgot = True
            continue
        try:
            await _record(sessions, event)
        except Exception:
            log.exception("could not record a %s event", event.kind)
    return forgot


async def _record(sessions: Sessions, event: Event) -> None:
    repo = sessions.repo
    if event.kind == "matched":
        log.debug("matched: outcome=%s topic=%s language=%s", event.outcome, event.topic,
                  event.language)
        if event.outcome == "fallback" and event.text:
            await repo.add_unmatched(event.text, event.language)
    elif event.kind == "feedback":
        if event.topic and event.language and event.value:
            await repo.add_feedback(event.topic, event.language, event.value)
    else:
        log.debug("%s: topic=%s language=%s", event.kind, event.topic, event.language)
