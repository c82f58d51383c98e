"""Expiry reminders through the application layer: set one as a worker would, then move
the clock and watch each step go out once (no channel, no waiting)."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_asyncio

from bot.app import BotService, UserRef, UserUnreachable
from bot.app.reminders import ReminderScheduler
from bot.brain import BrainHolder
from bot.dialogue import callbacks
from bot.dialogue.types import ButtonInput, CommandInput, Reply, TextInput, Turn
from bot.reminders.schedule import BANGKOK

pytestmark = pytest.mark.timeout(60)

WORKER = 4242
ENDS = dt.date(2027, 3, 31)


class Clock:
    """Bangkok wall-clock time the test moves."""

    def __init__(self, day: dt.date, hour: int = 10) -> None:
        self.now = dt.datetime(day.year, day.month, day.day, hour, tzinfo=BANGKOK)

    def __call__(self) -> dt.datetime:
        return self.now

    def to(self, day: dt.date, hour: int = 10) -> None:
        self.now = dt.datetime(day.year, day.month, day.day, hour, tzinfo=BANGKOK)


class Inbox:
    """Reminders delivered, per user; raises for users who blocked the bot."""

    def __init__(self) -> None:
        self.got: list[tuple[int, Reply]] = []
        self.blocked: set[int] = set()

    async def __call__(self, user_id: int, reply: Reply) -> None:
        if user_id in self.blocked:
            raise UserUnreachable
        self.got.append((user_id, reply))


@pytest_asyncio.fixture
async def service(holder: BrainHolder, tmp_path: Path) -> AsyncIterator[BotService]:
    found = BotService(holder, database=tmp_path / "bot.sqlite3",
                       clock=Clock(dt.date(2026, 12, 7)))
    await found.start()
    yield found
    await found.stop()


def buttons(turn: Turn | None) -> list[tuple[str, str]]:
    assert turn is not None
    return [(b.label, b.data) for r in turn.replies for row in r.buttons for b in row]


async def set_reminder(service: BotService, user: int, document: str, typed: str,
                       lang: str = "en") -> Turn:
    """/remind → pick the document → type the date → ✅."""
    who = UserRef(user, lang)
    picker = await service.handle(who, CommandInput("remind"))
    [pick] = [d for _, d in buttons(picker) if d.startswith(f"r:{document}")]
    asked = await service.handle(who, ButtonInput(pick))
    assert asked is not None and asked.state.pending == f"remind:{document}"
    echoed = await service.handle(who, TextInput(typed))
    [confirm] = [d for _, d in buttons(echoed) if d.startswith("R:")]
    done = await service.handle(who, ButtonInput(confirm))
    assert done is not None
    return done


async def test_setting_a_reminder_stores_only_the_document_and_date(
        service: BotService) -> None:
    done = await set_reminder(service, WORKER, "work_permit", "31/03/2570")  # B.E. year
    assert "31 March 2027" in done.replies[0].text
    [reminder] = await service._repo().reminders_of(WORKER)
    assert (reminder.document, reminder.ends, reminder.language) == ("work_permit", ENDS, "en")
    assert reminder.next_due == ENDS - dt.timedelta(days=120)
    assert done.state.pending is None


async def test_a_date_in_thai_is_echoed_in_thai_with_the_buddhist_era(
        service: BotService) -> None:
    who = UserRef(WORKER, "th")
    await service.handle(who, ButtonInput(callbacks.encode("set_language", "th")))
    await service.handle(who, ButtonInput(callbacks.encode("remind", "passport", lang="th")))
    echoed = await service.handle(who, TextInput("31 มี.ค. 2570"))
    assert echoed is not None and "พ.ศ. 2570" in echoed.replies[0].text


@pytest.mark.parametrize(("typed", "says"), [
    ("31/02/2027", "does not exist"),
    ("01/01/2020", "already passed"),
    ("12/12/2099", "20 years"),
    ("31.13.2027", "does not exist"),
])
async def test_a_bad_date_gets_a_kind_message_with_an_example(
        service: BotService, typed: str, says: str) -> None:
    who = UserRef(WORKER, "en")
    await service.handle(who, ButtonInput(callbacks.encode("remind", "visa", lang="en")))
    turn = await service.handle(who, TextInput(typed))
    assert turn is not None and says in turn.replies[0].text
    assert "31/03/2027" in turn.replies[0].text  # an example of what to type
    assert turn.state.pending == "remind:visa"  # still waiting for a date


async def test_a_question_instead_of_a_date_is_answered_as_usual(service: BotService) -> None:
    who = UserRef(WORKER, "en")
    await service.handle(who, ButtonInput(callbacks.encode("remind", "visa", lang="en")))
    turn = await service.handle(who, TextInput("my boss keeps my passport"))
    assert turn is not None and turn.state.pending is None
    assert "documents_held" in str(turn.events)
    danger = await service.handle(who, TextInput("he beat me"))  # danger first, always
    assert danger is not None and "191" in danger.replies[0].text


async def test_each_step_goes_out_once_in_send_hours(service: BotService) -> None:
    await set_reminder(service, WORKER, "work_permit", "31/03/2027")
    clock, inbox = service.clock, Inbox()
    assert isinstance(clock, Clock)
    scheduler = ReminderScheduler(service, inbox, clock=clock)
    for step in (120, 60, 30, 14, 7, 1, 0):
        day = ENDS - dt.timedelta(days=step)
        clock.to(day, hour=6)  # before 08:00: nothing
        assert await scheduler.run_once() == 0
        clock.to(day, hour=9)
        assert await scheduler.run_once() == 1, step
        assert await scheduler.run_once() == 0  # not twice
    texts = [reply.text for _, reply in inbox.got]
    assert len(texts) == 7
    assert "120 days" in texts[0] and "1694" in texts[2] and "ended" in texts[-1]
    last = [label for row in inbox.got[-1][1].buttons for label in
            [b.label for b in row]]
    assert any("expired" in label.lower() for label in last)


async def test_after_a_week_down_one_catch_up_not_a_burst(service: BotService) -> None:
    await set_reminder(service, WORKER, "work_permit", "31/03/2027")
    clock, inbox = service.clock, Inbox()
    assert isinstance(clock, Clock)
    scheduler = ReminderScheduler(service, inbox, clock=clock)
    clock.to(ENDS - dt.timedelta(days=5))  # down since before the 120-day step
    assert await scheduler.run_once() == 1
    assert await scheduler.run_once() == 0
    assert "5 days" in inbox.got[0][1].text


async def test_a_blocked_worker_is_paused_not_retried(service: BotService) -> None:
    await set_reminder(service, WORKER, "passport", "31/03/2027")
    clock, inbox = service.clock, Inbox()
    assert isinstance(clock, Clock)
    inbox.blocked.add(WORKER)
    scheduler = ReminderScheduler(service, inbox, clock=clock)
    clock.to(ENDS - dt.timedelta(days=30))
    assert await scheduler.run_once() == 0
    [reminder] = await service._repo().reminders_of(WORKER)
    assert reminder.paused
    record = await service.sessions.record(WORKER)
    assert record is not None and not record.active
    assert await scheduler.run_once() == 0
    # They unblock the bot and write again: their reminders go on.
    inbox.blocked.clear()
    await service.handle(UserRef(WORKER), CommandInput("menu"))
    [reminder] = await service._repo().reminders_of(WORKER)
    assert not reminder.paused
    assert await scheduler.run_once() == 1


async def test_forget_deletes_every_reminder(service: BotService) -> None:
    await set_reminder(service, WORKER, "passport", "31/03/2027")
    await set_reminder(service, WORKER, "visa", "01/06/2027")
    assert len(await service._repo().reminders_of(WORKER)) == 2
    await service.handle(UserRef(WORKER), CommandInput("forget"))
    assert await service._repo().reminders_of(WORKER) == []
    assert await service._repo().reminders_due(ENDS + dt.timedelta(days=400)) == []


async def test_reminders_lists_changes_and_deletes(service: BotService) -> None:
    await set_reminder(service, WORKER, "passport", "31/03/2027")
    await set_reminder(service, WORKER, "passport", "30/04/2027")  # changed, not doubled
    listed = await service.handle(UserRef(WORKER), CommandInput("reminders"))
    assert listed is not None and "30 April 2027" in listed.replies[0].text
    assert "31 March" not in listed.replies[0].text
    [delete] = [d for _, d in buttons(listed) if d.startswith("D:")]
    after = await service.handle(UserRef(WORKER), ButtonInput(delete))
    assert after is not None and after.notice == "Deleted."
    assert await service._repo().reminders_of(WORKER) == []
    # Someone else's reminder id cannot be deleted by a forged button.
    await set_reminder(service, WORKER + 1, "visa", "01/06/2027")
    [theirs] = await service._repo().reminders_of(WORKER + 1)
    await service.handle(UserRef(WORKER), ButtonInput(f"D:{theirs.id}@en"))
    assert len(await service._repo().reminders_of(WORKER + 1)) == 1


async def test_the_90_day_report_repeats(service: BotService) -> None:
    await set_reminder(service, WORKER, "report_90", "31/03/2027")
    clock, inbox = service.clock, Inbox()
    assert isinstance(clock, Clock)
    scheduler = ReminderScheduler(service, inbox, clock=clock)
    for step in (7, 1):
        clock.to(ENDS - dt.timedelta(days=step))
        assert await scheduler.run_once() == 1
    clock.to(ENDS + dt.timedelta(days=1))
    await scheduler.run_once()  # moves to the next date
    [reminder] = await service._repo().reminders_of(WORKER)
    assert reminder.ends == ENDS + dt.timedelta(days=90)
    clock.to(reminder.ends - dt.timedelta(days=7))
    assert await scheduler.run_once() == 1


async def test_two_processes_on_one_database_send_each_step_once(
        holder: BrainHolder, tmp_path: Path) -> None:
    clock = Clock(dt.date(2026, 12, 7))
    first = BotService(holder, database=tmp_path / "shared.sqlite3", clock=clock)
    second = BotService(holder, database=tmp_path / "shared.sqlite3", clock=clock)
    await first.start()
    await second.start()
    try:
        for user in range(100, 160):
            await set_reminder(first, user, "visa", "31/03/2027")
        inbox = Inbox()
        clock.to(ENDS - dt.timedelta(days=30))
        sent = await asyncio.gather(ReminderScheduler(first, inbox, clock=clock).run_once(),
                                    ReminderScheduler(second, inbox, clock=clock).run_once())
        assert sum(sent) == 60
        assert sorted(u for u, _ in inbox.got) == list(range(100, 160))
        # A restart on the same database: nothing again.
        third = BotService(holder, database=tmp_path / "shared.sqlite3", clock=clock)
        await third.start()
        assert await ReminderScheduler(third, inbox, clock=clock).run_once() == 0
        await third.stop()
    finally:
        await first.stop()
        await second.stop()
