"""Which step is due, when the next one comes, send hours, repeating reports."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.reminders.schedule import (
    BANGKOK,
    due_step,
    in_send_hours,
    next_due,
    parse_hours,
    roll_forward,
)

STEPS = (120, 60, 30, 14, 7, 1)
END = dt.date(2027, 3, 31)


def day(days_before_end: int) -> dt.date:
    return END - dt.timedelta(days=days_before_end)


@pytest.mark.parametrize("step", STEPS)
def test_every_step_is_due_on_its_day_once(step: int) -> None:
    assert due_step(END, day(step), STEPS, None) == step
    assert due_step(END, day(step), STEPS, step) is None  # sent: not again
    assert due_step(END, day(step + 1), STEPS, None if step == 120 else
                    min(s for s in STEPS if s > step)) is None  # the day before: nothing


def test_nothing_before_the_first_step() -> None:
    assert due_step(END, day(121), STEPS, None) is None
    assert next_due(END, STEPS, None) == day(120)


def test_set_late_only_the_latest_reached_step_is_sent() -> None:
    # Set 45 days ahead: the 60-day message, once; not 120 and 60 together.
    assert due_step(END, day(45), STEPS, None) == 60
    assert due_step(END, day(45), STEPS, 60) is None
    assert next_due(END, STEPS, 60) == day(30)


def test_a_week_down_sends_one_catch_up_not_a_burst() -> None:
    # Last sent: 30 days before. The bot was down from 16 to 6 days before the end.
    assert due_step(END, day(6), STEPS, 30) == 7
    assert next_due(END, STEPS, 7) == day(1)


def test_on_the_day_and_after_the_end_message_once() -> None:
    assert due_step(END, END, STEPS, 1) == 0
    assert due_step(END, END + dt.timedelta(days=40), STEPS, 1) == 0
    assert due_step(END, END + dt.timedelta(days=40), STEPS, 0) is None
    assert next_due(END, STEPS, 0) is None


def test_a_repeating_report_has_no_end_message_and_rolls_forward() -> None:
    assert due_step(END, END, (7, 1), 1, with_end=False) is None
    assert next_due(END, (7, 1), 1, with_end=False) is None
    assert roll_forward(END, END + dt.timedelta(days=1), 90) == END + dt.timedelta(days=90)
    assert roll_forward(END, END + dt.timedelta(days=200), 90) == END + dt.timedelta(days=270)
    assert roll_forward(END, END, 90) == END


def test_send_hours_are_bangkok_time() -> None:
    hours = parse_hours("8-20")
    assert hours == (8, 20)
    utc = dt.UTC
    assert in_send_hours(dt.datetime(2027, 1, 1, 1, 0, tzinfo=utc), hours)  # 08:00 BKK
    assert not in_send_hours(dt.datetime(2027, 1, 1, 0, 59, tzinfo=utc), hours)  # 07:59
    assert not in_send_hours(dt.datetime(2027, 1, 1, 13, 0, tzinfo=utc), hours)  # 20:00
    assert in_send_hours(dt.datetime(2027, 1, 1, 19, 59, tzinfo=BANGKOK), hours)


@pytest.mark.parametrize("bad", ["", "8", "20-8", "8-25", "a-b", "8-8"])
def test_bad_hours_say_how_to_write_them(bad: str) -> None:
    with pytest.raises(ValueError, match="START-END"):
        parse_hours(bad)
