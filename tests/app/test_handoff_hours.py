"""Office hours: parsed from the setting, open or not, the next opening, in words."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.app.handoff.hours import BANGKOK, OfficeHours

HOURS = OfficeHours.parse("mon-fri 09:00-17:00; sat 09:00-12:00")


def at(day: int, hour: int, minute: int = 0) -> dt.datetime:
    """A moment in the week of Monday 7 December 2026, Bangkok time."""
    return dt.datetime(2026, 12, 7 + day, hour, minute, tzinfo=BANGKOK)


@pytest.mark.parametrize(("moment", "is_open"), [
    (at(0, 9), True), (at(0, 8, 59), False), (at(4, 16, 59), True), (at(4, 17), False),
    (at(5, 11), True), (at(5, 12), False), (at(6, 10), False),
])
def test_open_or_not(moment: dt.datetime, is_open: bool) -> None:
    assert HOURS.is_open(moment) is is_open


def test_utc_moments_are_read_in_bangkok_time() -> None:
    # 02:30 UTC on Monday is 09:30 in Bangkok.
    assert HOURS.is_open(dt.datetime(2026, 12, 7, 2, 30, tzinfo=dt.UTC))


@pytest.mark.parametrize(("moment", "expected"), [
    (at(5, 13), at(7, 9)),      # Saturday afternoon -> Monday 09:00
    (at(0, 7), at(0, 9)),       # Monday early -> Monday 09:00
    (at(4, 18), at(5, 9)),      # Friday evening -> Saturday 09:00
    (at(2, 10), at(2, 10)),     # open now -> now
])
def test_next_opening(moment: dt.datetime, expected: dt.datetime) -> None:
    assert HOURS.next_open(moment) == expected


def test_always_is_always_open() -> None:
    always = OfficeHours.parse("always")
    assert always.is_open(at(6, 3)) and always.describe("my") == "24/7"


def test_described_in_the_workers_language() -> None:
    assert HOURS.describe("en") == "Mon–Fri 09:00–17:00; Sat 09:00–12:00"
    assert HOURS.describe_moment(at(7, 9), "en") == "Monday 09:00"
    assert HOURS.describe_moment(at(7, 9), "th") == "วันจันทร์ 09:00"
    assert HOURS.describe_moment(at(7, 9), "km") == "ច័ន្ទ 09:00"


@pytest.mark.parametrize(("text", "problem"), [
    ("mon-fry 09:00-17:00", "unknown day"),
    ("weekdays", "cannot read"),
    ("mon 17:00-09:00", "ends before it starts"),
    ("mon 25:00-26:00", "impossible time"),
    ("", "no hours"),
])
def test_a_bad_setting_says_what_is_wrong(text: str, problem: str) -> None:
    with pytest.raises(ValueError, match=problem):
        OfficeHours.parse(text)


def test_a_range_across_the_weekend() -> None:
    weekend = OfficeHours.parse("fri-mon 20:00-23:00")
    assert [d for d, _, _ in weekend.spans] == [0, 4, 5, 6]
