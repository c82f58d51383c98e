"""When is a reminder due? Pure date arithmetic, no clock and no storage.

A reminder has an end date and steps (days before it: 120, 60, 30, 14, 7, 1)
plus the day itself (step 0, "it has ended", sent once). A step is reached on
``end - step``. Only the latest reached step is ever sent: a worker who sets a
reminder 45 days ahead gets the 60-day message once, not the 120- and 60-day
ones together, and after the bot was down for a week the missed steps are not
sent as a burst. Once a step is sent, the earlier (larger) ones count as done.
"""

from __future__ import annotations

import datetime as dt

__all__ = ["BANGKOK", "due_step", "in_send_hours", "next_due", "parse_hours", "roll_forward"]

BANGKOK = dt.timezone(dt.timedelta(hours=7), "Asia/Bangkok")  # no daylight saving


def _pending(steps: tuple[int, ...], last_sent: int | None, with_end: bool) -> list[int]:
    """Steps not sent yet, largest (earliest) first."""
    all_steps = sorted(set(steps) | ({0} if with_end else set()), reverse=True)
    return [s for s in all_steps if last_sent is None or s < last_sent]


def due_step(end: dt.date, today: dt.date, steps: tuple[int, ...], last_sent: int | None,
             with_end: bool = True) -> int | None:
    """The step to send today (the latest one reached and not sent), or None."""
    days_left = (end - today).days
    reached = [s for s in _pending(steps, last_sent, with_end) if days_left <= s]
    return min(reached) if reached else None


def next_due(end: dt.date, steps: tuple[int, ...], last_sent: int | None,
             with_end: bool = True) -> dt.date | None:
    """The day the next step is reached, or None when every step has been sent."""
    pending = _pending(steps, last_sent, with_end)
    return end - dt.timedelta(days=pending[0]) if pending else None


def roll_forward(end: dt.date, today: dt.date, repeat_days: int) -> dt.date:
    """A report due every ``repeat_days`` (TM.47): the next date after ``today``."""
    while end < today:
        end += dt.timedelta(days=repeat_days)
    return end


def parse_hours(value: str) -> tuple[int, int]:
    """``"8-20"`` -> (8, 20): reminders go out from 08:00 until 19:59, Bangkok time."""
    start, sep, stop = value.partition("-")
    try:
        hours = (int(start), int(stop))
    except ValueError:
        hours = (-1, -1)
    if not sep or not 0 <= hours[0] < hours[1] <= 24:
        raise ValueError("write the hours as START-END in Bangkok time, e.g. 8-20")
    return hours


def in_send_hours(moment: dt.datetime, hours: tuple[int, int]) -> bool:
    """True when ``moment`` (any time zone) falls inside ``hours`` in Bangkok."""
    local = moment.astimezone(BANGKOK)
    return hours[0] <= local.hour < hours[1]
