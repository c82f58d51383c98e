"""Office hours of the caseworkers, in Bangkok time: ``mon-fri 09:00-17:00; sat 09:00-12:00``.

Thailand has no daylight saving time, so a fixed UTC+7 needs no time-zone
database in the container.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass

from babel.dates import format_datetime, get_day_names

__all__ = ["BANGKOK", "OfficeHours"]

BANGKOK = dt.timezone(dt.timedelta(hours=7), "ICT")
_DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_SPAN = re.compile(r"^([a-z]{3})(?:-([a-z]{3}))?\s+(\d{1,2}):(\d{2})-(\d{1,2}):(\d{2})$")
_ALWAYS = ("always", "24/7")


@dataclass(frozen=True)
class OfficeHours:
    """Open spans per weekday (0 = Monday), each a start and end time in Bangkok."""

    spans: tuple[tuple[int, dt.time, dt.time], ...]
    always: bool = False

    @classmethod
    def parse(cls, text: str) -> OfficeHours:
        """Read the setting; ValueError says what is wrong in plain words."""
        text = text.strip().lower()
        if text in _ALWAYS:
            return cls((), always=True)
        spans: list[tuple[int, dt.time, dt.time]] = []
        for part in filter(None, (p.strip() for p in text.split(";"))):
            match = _SPAN.match(part)
            if match is None:
                raise ValueError(f"cannot read {part!r}: write e.g. 'mon-fri 09:00-17:00; "
                                 "sat 09:00-12:00' or 'always'")
            first, last, h1, m1, h2, m2 = match.groups()
            if first not in _DAYS or (last or first) not in _DAYS:
                raise ValueError(f"unknown day in {part!r}: use {', '.join(_DAYS)}")
            try:
                start, end = dt.time(int(h1), int(m1)), dt.time(int(h2), int(m2))
            except ValueError:
                raise ValueError(f"impossible time in {part!r}") from None
            if end <= start:
                raise ValueError(f"{part!r} ends before it starts")
            a, b = _DAYS.index(first), _DAYS.index(last or first)
            days = range(a, b + 1) if a <= b else [*range(a, 7), *range(0, b + 1)]
            spans += [(day, start, end) for day in days]
        if not spans:
            raise ValueError("no hours given: write e.g. 'mon-fri 09:00-17:00' or 'always'")
        return cls(tuple(sorted(spans)))

    def is_open(self, now: dt.datetime) -> bool:
        if self.always:
            return True
        local = now.astimezone(BANGKOK)
        return any(day == local.weekday() and start <= local.time() < end
                   for day, start, end in self.spans)

    def next_open(self, now: dt.datetime) -> dt.datetime:
        """When caseworkers are next at work (``now`` if they are), in Bangkok time."""
        local = now.astimezone(BANGKOK)
        if self.is_open(now):
            return local
        for ahead in range(8):
            date = local.date() + dt.timedelta(days=ahead)
            for day, start, _end in self.spans:
                moment = dt.datetime.combine(date, start, BANGKOK)
                if day == date.weekday() and moment > local:
                    return moment
        return local  # unreachable: parse() requires at least one span

    def describe(self, lang: str) -> str:
        """The hours for a worker, e.g. 'Mon–Fri 09:00–17:00' with the language's day names."""
        if self.always:
            return "24/7"
        names = get_day_names("abbreviated", locale=_locale(lang))
        parts: list[str] = []
        by_time: dict[tuple[dt.time, dt.time], list[int]] = {}
        for day, start, end in self.spans:
            by_time.setdefault((start, end), []).append(day)
        for (start, end), days in by_time.items():
            runs: list[str] = []
            run = [days[0]]
            for day in days[1:]:
                if day == run[-1] + 1:
                    run.append(day)
                else:
                    runs.append(_run(run, names))
                    run = [day]
            runs.append(_run(run, names))
            parts.append(f"{', '.join(runs)} {start:%H:%M}–{end:%H:%M}")
        return "; ".join(parts)

    def describe_moment(self, moment: dt.datetime, lang: str) -> str:
        """A moment for a worker: the weekday and time, e.g. 'Monday 09:00'."""
        return format_datetime(moment.astimezone(BANGKOK), "EEEE HH:mm", tzinfo=BANGKOK,
                               locale=_locale(lang))


def _run(days: list[int], names: Mapping[int, str]) -> str:
    return names[days[0]] if len(days) == 1 else f"{names[days[0]]}–{names[days[-1]]}"


def _locale(lang: str) -> str:
    return lang if lang in ("en", "th", "my", "km", "lo", "vi") else "en"
