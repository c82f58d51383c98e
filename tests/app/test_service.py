"""The application layer without any channel: what every channel gets from ``handle``."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator

import pytest
import pytest_asyncio

from bot.app import BotService, UserRef, UserUnreachable
from bot.app.flood import FloodGuard
from bot.brain import BrainHolder
from bot.dialogue import callbacks
from bot.dialogue.types import ButtonInput, CommandInput, TextInput, Turn, UserState
from bot.i18n.ui import FLOOD_MESSAGE

pytestmark = pytest.mark.timeout(30)

ADMIN = 42
WORKER = 7


@pytest_asyncio.fixture
async def service(holder: BrainHolder) -> AsyncIterator[BotService]:
    found = BotService(holder, admin_ids=frozenset({ADMIN}),
                       flood=FloodGuard(burst=3, refill_seconds=600))
    await found.start()  # in-memory SQLite, as the terminal chat uses
    yield found
    await found.stop()


async def test_a_turn_is_stored_and_the_next_one_sees_it(service: BotService) -> None:
    pick = callbacks.encode("set_language", "km")
    turn = await service.handle(UserRef(WORKER), ButtonInput(pick))
    assert turn is not None and turn.state.language == "km"
    record = await service.sessions.record(WORKER)
    assert record is not None and record.language == "km"
    menu = await service.handle(UserRef(WORKER, "en"), CommandInput("menu"))
    assert menu is not None and menu.language == "km"  # the stored choice wins


async def test_forget_deletes_the_user_and_their_flood_counter(service: BotService) -> None:
    await service.handle(UserRef(WORKER), TextInput("work permit"))
    assert await service.sessions.record(WORKER) is not None
    assert service.flood is not None and WORKER in service.flood
    await service.handle(UserRef(WORKER), CommandInput("forget"))
    assert await service.repo.get_user(WORKER) is None  # type: ignore[union-attr]
    assert WORKER not in service.flood


async def test_over_the_limit_the_user_is_told_once_then_ignored(service: BotService) -> None:
    user = UserRef(WORKER, "th")
    answered = [await service.handle(user, CommandInput("menu")) for _ in range(3)]
    assert all(t is not None and t.replies for t in answered)
    notice = await service.handle(user, CommandInput("menu"))
    assert notice is not None
    [reply] = notice.replies
    assert reply.text == service.interface_text("th", FLOOD_MESSAGE)
    assert "<b>191</b>" in reply.text  # numbers from content/contacts.yaml
    assert await service.handle(user, CommandInput("menu")) is None  # dropped


async def test_a_flood_notice_after_a_button_is_a_plain_popup(service: BotService) -> None:
    user = UserRef(WORKER, "en")
    for _ in range(3):
        await service.handle(user, ButtonInput("m"))
    notice = await service.handle(user, ButtonInput("m"))
    assert notice is not None and notice.replies == []
    assert notice.notice is not None and "191" in notice.notice and "<" not in notice.notice


async def test_admins_have_no_flood_limit(service: BotService) -> None:
    for _ in range(10):
        turn = await service.handle(UserRef(ADMIN), CommandInput("menu"))
        assert turn is not None and turn.replies


async def test_admin_commands_run_for_admins_in_private_only(
        service: BotService, caplog: pytest.LogCaptureFixture) -> None:
    stats = await service.handle(UserRef(ADMIN), CommandInput("stats"))
    assert stats is not None and "Statistics" in stats.replies[0].text
    unknown = service.brain.engine.handle(UserState(), CommandInput("stats"), "en")
    caplog.set_level(logging.WARNING, logger="bot.app.service")
    for user in (UserRef(WORKER), UserRef(ADMIN, private=False)):
        turn = await service.handle(user, CommandInput("stats", "typed words"))
        assert turn is not None and turn.replies[0].text == unknown.replies[0].text
    assert "typed words" not in caplog.text  # refused attempts log the name, not the text
    assert caplog.text.count("refused admin command /stats") == 2


async def test_a_user_who_blocked_the_bot_is_marked_inactive(service: BotService) -> None:
    await service.handle(UserRef(WORKER), CommandInput("menu"))

    async def blocked(turn: Turn) -> None:
        raise UserUnreachable

    await service.handle(UserRef(WORKER), CommandInput("menu"), blocked)
    record = await service.sessions.record(WORKER)
    assert record is not None and not record.active


async def test_one_users_replies_are_delivered_in_order(service: BotService) -> None:
    """Two inputs of one user at once: the second waits until the first is shown."""
    shown: list[str] = []

    async def slow(turn: Turn) -> None:
        await asyncio.sleep(0.05)
        shown.append("first")

    async def fast(turn: Turn) -> None:
        shown.append("second")

    first = asyncio.create_task(service.handle(UserRef(ADMIN), CommandInput("menu"), slow))
    await asyncio.sleep(0)  # the first takes the lock
    await service.handle(UserRef(ADMIN), CommandInput("help"), fast)
    await first
    assert shown == ["first", "second"]


async def test_the_error_text_has_the_numbers_in_the_users_language(
        service: BotService) -> None:
    await service.handle(UserRef(WORKER), ButtonInput(callbacks.encode("set_language", "lo")))
    text = await service.error_text(UserRef(WORKER, "en"))
    assert text == service.interface_text("lo", "Sorry, something went wrong on my side. "
                                          "Please try again in a minute, or tap /menu. "
                                          "In an emergency call {phone:police} (police) or "
                                          "{phone:ambulance} (ambulance).")
    assert "<b>1669</b>" in text


async def test_handle_before_start_says_what_is_wrong(holder: BrainHolder) -> None:
    with pytest.raises(RuntimeError, match="not started"):
        await BotService(holder).handle(UserRef(WORKER), CommandInput("menu"))


async def test_one_vote_per_user_per_answer(service: BotService) -> None:
    vote = callbacks.encode("feedback", "wages_unpaid", "u", lang="en")
    for _ in range(30):
        turn = await service.handle(UserRef(ADMIN), ButtonInput(vote))  # no flood limit
        assert turn is not None and turn.notice  # always thanked
    await service.activity.flush()
    counts = await service.repo.feedback_counts()  # type: ignore[union-attr]
    assert [(c.topic, c.up, c.down) for c in counts] == [("wages_unpaid", 1, 0)]
    # Another answer, or another user, counts again.
    other = callbacks.encode("feedback", "hotlines", "d", lang="en")
    await service.handle(UserRef(ADMIN), ButtonInput(other))
    await service.handle(UserRef(WORKER), ButtonInput(vote))
    counts = await service.repo.feedback_counts()  # type: ignore[union-attr]
    assert sorted((c.topic, c.up, c.down) for c in counts) == [("hotlines", 0, 1),
                                                               ("wages_unpaid", 2, 0)]
    # /forget drops the in-memory record of who voted.
    await service.handle(UserRef(WORKER), CommandInput("forget"))
    assert WORKER not in service.votes
