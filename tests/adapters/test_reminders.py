"""Expiry reminders end to end through Telegram: from /remind to the delivered reminder,
against the fake Bot API (the scheduler's clock is moved, not waited for)."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_asyncio

from bot.adapters.telegram.application import App, service_of
from bot.app.reminders import ReminderScheduler
from bot.brain import BrainHolder
from bot.reminders.schedule import BANGKOK
from tests.adapters.driver import Chat, bot_running, message_id, sent
from tests.fakes.bot_api import FakeBotAPI
from tests.fakes.updates import Updates

pytestmark = [pytest.mark.asyncio(loop_scope="module"), pytest.mark.timeout(60)]

ENDS = dt.date(2027, 3, 31)


@pytest_asyncio.fixture(loop_scope="module")
async def app(fake: FakeBotAPI, holder: BrainHolder, tmp_path: Path) -> AsyncIterator[App]:
    async with bot_running(fake, holder, tmp_path / "bot.sqlite3") as running_app:
        yield running_app


def at(day: dt.date, hour: int = 9) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, tzinfo=BANGKOK)


def scheduler_of(app: App) -> ReminderScheduler:
    found = app.bot_data["reminders"]
    assert isinstance(found, ReminderScheduler)
    return found


async def test_from_remind_to_the_delivered_reminder(app: App, fake: FakeBotAPI,
                                                     updates: Updates) -> None:
    service = service_of(app)
    service.clock = lambda: at(dt.date(2026, 12, 7))
    user = Chat(fake, updates, 61_001, lang="en")
    [picker] = sent(await user.send("/remind"))
    assert "Which document?" in picker.text
    [pick] = [d for d in picker.button_data() if d.startswith("r:work_permit")]
    [asked] = sent(await user.press(pick, message_id(picker)))
    assert "31/03/2027" in asked.text  # an example of what to type
    [echo] = sent(await user.send("31 Mar 2027"))
    assert "31 March 2027" in echo.text
    [confirm] = [d for d in echo.button_data() if d.startswith("R:")]
    [done] = sent(await user.press(confirm, message_id(echo)))
    assert "Done" in done.text

    scheduler = scheduler_of(app)
    moment = at(ENDS - dt.timedelta(days=30))
    scheduler.clock = lambda: moment
    mark = fake.call_count()
    assert await scheduler.run_once() == 1
    [reminder] = [c for c in sent(fake.calls(since=mark)) if c.chat_id == user.user_id]
    assert "30 days" in reminder.text and "1694" in reminder.text
    assert any(d.startswith("t:permit_renew") for d in reminder.button_data())
    assert await scheduler.run_once() == 0  # once


async def test_a_worker_who_blocked_the_bot_is_paused(app: App, fake: FakeBotAPI,
                                                      updates: Updates) -> None:
    service = service_of(app)
    service.clock = lambda: at(dt.date(2026, 12, 7))
    user = Chat(fake, updates, 61_002, lang="en")
    await user.send("/remind visa")
    [echo] = sent(await user.send("31/03/2027"))
    [confirm] = [d for d in echo.button_data() if d.startswith("R:")]
    await user.press(confirm, message_id(echo))
    fake.fail("sendMessage", 403, "Forbidden: bot was blocked by the user",
              chat_id=user.user_id, times=5)
    scheduler = scheduler_of(app)
    moment = at(ENDS - dt.timedelta(days=7))
    scheduler.clock = lambda: moment
    await scheduler.run_once()
    [stored] = await service._repo().reminders_of(user.user_id)
    assert stored.paused
    record = await service.sessions.record(user.user_id)
    assert record is not None and not record.active
