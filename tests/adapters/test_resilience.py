"""End to end: odd updates, groups, flood limits, blocked users and failing API calls."""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import AsyncIterator
from typing import Any

import pytest
import pytest_asyncio

from bot.adapters.telegram.application import App, service_of
from bot.app.flood import FloodGuard
from bot.brain import Brain, BrainHolder
from bot.dialogue.types import ButtonInput, CommandInput, NonTextInput, TextInput, UserState
from bot.i18n.ui import ERROR_MESSAGE, FLOOD_MESSAGE
from tests.adapters.driver import (
    LANGS,
    Chat,
    answered,
    bot_running,
    message_id,
    pick_language,
    repo_of,
    sent,
)
from tests.adapters.samples import answered_example
from tests.adapters.web import samples, value
from tests.conftest import ROOT
from tests.fakes.bot_api import FakeBotAPI
from tests.fakes.updates import Updates

pytestmark = [
    pytest.mark.asyncio(loop_scope="module"),
    pytest.mark.timeout(60),
    # PTB itself reads RetryAfter.retry_after, which warns about its future type.
    pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning"),
]

ADMIN = 424242
GROUP = -1001234567
_user_ids = itertools.count(20_001)


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def app(fake: FakeBotAPI, brain: Brain,
              tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[App]:
    # A holder of its own: /reload here must not swap the brain other modules use.
    holder = BrainHolder(brain, ROOT / "content", ROOT / "locales")
    db = tmp_path_factory.mktemp("resilience") / "bot.sqlite3"
    async with bot_running(fake, holder, db, admin_ids=(ADMIN,)) as running_app:
        yield running_app


def chat(fake: FakeBotAPI, updates: Updates, lang: str = "en",
         group: int | None = None) -> Chat:
    return Chat(fake, updates, next(_user_ids), lang=lang, group=group)


# -- what the bot must not answer ------------------------------------------------------
async def test_edited_messages_and_channel_posts_are_ignored(
        app: App, fake: FakeBotAPI, updates: Updates) -> None:
    user = chat(fake, updates)
    assert not await user.nothing_after(
        updates.message(user.user_id, "renew work permit", kind="edited_message"))
    channel = updates.chat(-100777, "channel")
    assert not await user.nothing_after(
        updates.message(user.user_id, "renew work permit", chat=channel, kind="channel_post"))
    # ...and the bot is still alive.
    assert sent(await user.send("/menu"))


@pytest.mark.parametrize("kind,payload", [
    ("photo", {"photo": [{"file_id": "p1", "file_unique_id": "u1", "width": 90,
                          "height": 90}]}),
    ("sticker", {"sticker": {"file_id": "s1", "file_unique_id": "u2", "type": "regular",
                             "width": 512, "height": 512, "is_animated": False,
                             "is_video": False}}),
    ("voice", {"voice": {"file_id": "v1", "file_unique_id": "u3", "duration": 3}}),
    ("location", {"location": {"latitude": 13.75, "longitude": 100.5}}),
])
async def test_non_text_messages_get_a_polite_answer(
        app: App, fake: FakeBotAPI, updates: Updates, brain: Brain, kind: str,
        payload: dict[str, Any]) -> None:
    user = chat(fake, updates, "th")
    calls = await user.inject(updates.message(user.user_id, None, lang="th", **payload))
    expected = brain.engine.handle(UserState(), NonTextInput(kind), "th")
    assert [c.text for c in sent(calls)] == [expected.replies[0].text]


async def test_photo_with_a_caption_is_read_as_text(
        app: App, fake: FakeBotAPI, updates: Updates, brain: Brain) -> None:
    sample = answered_example(brain, "en")
    assert sample is not None
    user = chat(fake, updates)
    photo = [{"file_id": "p1", "file_unique_id": "u1", "width": 90, "height": 90}]
    calls = await user.inject(updates.message(user.user_id, None, photo=photo,
                                              caption=sample[0]))
    expected = brain.engine.handle(UserState(), TextInput(sample[0]), "en")
    assert sent(calls)[0].text == expected.replies[0].text


# -- groups ----------------------------------------------------------------------------
async def test_in_groups_only_commands_and_mentions_are_answered(
        app: App, fake: FakeBotAPI, updates: Updates, brain: Brain) -> None:
    user = chat(fake, updates, group=GROUP)
    assert not await user.nothing_after(
        updates.message(user.user_id, "renew work permit", chat=user.chat))
    assert not await user.nothing_after(
        updates.message(user.user_id, "/menu@some_other_bot", chat=user.chat))
    photo = [{"file_id": "p1", "file_unique_id": "u1", "width": 90, "height": 90}]
    assert not await user.nothing_after(
        updates.message(user.user_id, None, chat=user.chat, photo=photo))

    calls = await user.send("/menu")
    [menu] = sent(calls)
    assert menu.chat_id == GROUP
    assert menu.params["reply_parameters"]["allow_sending_without_reply"] is True
    calls = await user.send("/menu@migrant_test_bot")
    assert sent(calls)


@pytest.mark.parametrize("lang", LANGS)
async def test_a_mention_in_a_group_is_answered_without_the_mention(
        app: App, fake: FakeBotAPI, updates: Updates, brain: Brain, lang: str) -> None:
    sample = answered_example(brain, lang)
    if sample is None:
        pytest.skip(f"content/{lang}/ has no loaded topic with an answered example yet")
    user = chat(fake, updates, lang, group=GROUP)
    calls = await user.send(f"@migrant_test_bot {sample[0]}")
    expected = brain.engine.handle(UserState(), TextInput(sample[0]), lang)
    assert sent(calls)[0].text == expected.replies[0].text
    assert f"f:{sample[1]}:u" in sent(calls)[-1].button_data()


# -- buttons -------------------------------------------------------------------------
@pytest.mark.parametrize("data", ["t:no_such_topic", "zz:forged", "a:nowhere", "f:x:q", ""])
async def test_stale_or_forged_buttons_get_the_menu_and_an_answer(
        app: App, fake: FakeBotAPI, updates: Updates, brain: Brain, data: str) -> None:
    user = chat(fake, updates)
    calls = await user.press(data, 5)
    assert len(answered(calls)) == 1
    expected = brain.engine.handle(UserState(), ButtonInput(data), "en")
    assert [c.text for c in sent(calls)] == [expected.replies[0].text]


async def test_user_text_is_never_echoed_unescaped(
        app: App, fake: FakeBotAPI, updates: Updates) -> None:
    user = chat(fake, updates)
    hostile = "<script>alert(1)</script> & <b>bold"
    calls = await user.send(hostile)
    assert sent(calls)
    assert all("<script>" not in c.text for c in calls)


# -- flood limits, blocked users, failing calls -----------------------------------
async def test_retry_after_is_waited_out_in_every_language(
        app: App, fake: FakeBotAPI, updates: Updates, brain: Brain) -> None:
    users = [chat(fake, updates, lang) for lang in LANGS]
    for user in users:
        fake.fail("sendMessage", 429, "Too Many Requests: retry after 1",
                  parameters={"retry_after": 1}, chat_id=user.user_id)
    mark = fake.call_count()
    for user in users:
        fake.add_update(updates.message(user.user_id, "/menu", lang=user.lang))
    for user in users:
        await fake.wait_for(lambda c, u=user: c.method == "sendMessage" and c.ok  # type: ignore[misc]
                            and c.chat_id == u.user_id, since=mark, timeout=10)
        attempts = fake.calls("sendMessage", user.user_id, since=mark)
        assert [c.status for c in attempts] == [429, 200], user.lang
        assert attempts[1].at - attempts[0].at >= 1.0, "retry_after=1 was waited out"
        expected = brain.engine.handle(UserState(), CommandInput("menu"), user.lang)
        assert attempts[1].text == expected.replies[0].text


@pytest.mark.parametrize("lang", LANGS)
async def test_a_user_who_blocked_the_bot_is_marked_inactive(
        app: App, fake: FakeBotAPI, updates: Updates, lang: str) -> None:
    user = chat(fake, updates, lang)
    assert sent(await user.send("/menu"))
    fake.fail("sendMessage", 403, "Forbidden: bot was blocked by the user",
              chat_id=user.user_id)
    mark = fake.call_count()
    await user.send("/help")
    await asyncio.sleep(0.2)
    assert [c.status for c in fake.calls("sendMessage", user.user_id, since=mark)] == [403], \
        "no error message is sent to a user who blocked the bot"
    await service_of(app).sessions.flush()  # states are written within a tenth of a second
    record = await repo_of(app).get_user(user.user_id)
    assert record is not None and record.active is False
    # Unblocking and writing again makes them active again.
    assert sent(await user.send("/menu"))
    await service_of(app).sessions.flush()
    record = await repo_of(app).get_user(user.user_id)
    assert record is not None and record.active is True


async def test_the_block_notification_marks_the_user_inactive(
        app: App, fake: FakeBotAPI, updates: Updates) -> None:
    user = chat(fake, updates)
    assert sent(await user.send("/menu"))
    fake.add_update(updates.blocked(user.user_id))
    for _ in range(100):
        record = await repo_of(app).get_user(user.user_id)
        if record is not None and not record.active:
            break
        await asyncio.sleep(0.02)
    assert record is not None and record.active is False


async def test_network_errors_are_retried(app: App, fake: FakeBotAPI,
                                          updates: Updates) -> None:
    user = chat(fake, updates)
    fake.fail("sendMessage", 502, "Bad Gateway", chat_id=user.user_id, times=2)
    mark = fake.call_count()
    fake.add_update(updates.message(user.user_id, "/menu"))
    await fake.wait_for(lambda c: c.method == "sendMessage" and c.ok
                        and c.chat_id == user.user_id, since=mark, timeout=10)
    attempts = [c.status for c in fake.calls("sendMessage", user.user_id, since=mark)]
    assert attempts == [502, 502, 200]


@pytest.mark.parametrize("lang", LANGS)
async def test_an_error_is_logged_and_the_user_told_in_their_language(
        app: App, fake: FakeBotAPI, updates: Updates, brain: Brain, lang: str,
        caplog: pytest.LogCaptureFixture) -> None:
    user = chat(fake, updates, lang)
    fake.fail("sendMessage", 400, "Bad Request: can't parse entities", chat_id=user.user_id)
    mark = fake.call_count()
    fake.add_update(updates.message(user.user_id, "/menu", lang=lang))
    error_text = service_of(app).interface_text(
        brain.engine.reply_language(UserState(), None, lang), ERROR_MESSAGE)
    call = await fake.wait_for(lambda c: c.method == "sendMessage" and c.ok
                               and c.chat_id == user.user_id, since=mark)
    assert call.text == error_text
    assert "Traceback" not in call.text
    assert any("error while handling update" in r.getMessage() for r in caplog.records)


async def test_a_failing_button_is_still_answered(app: App, fake: FakeBotAPI,
                                                  updates: Updates, brain: Brain) -> None:
    user = chat(fake, updates)
    fake.fail("sendMessage", 400, "Bad Request: chat not found", chat_id=user.user_id)
    calls = await user.press(f"t:{next(iter(brain.content.topics))}", 3)
    assert len(answered(calls)) == 1
    await fake.wait_for(lambda c: c.method == "sendMessage" and c.ok
                        and c.chat_id == user.user_id, since=0)


# -- admin ---------------------------------------------------------------------------
async def test_reload_is_for_admins_only(app: App, fake: FakeBotAPI, updates: Updates,
                                         brain: Brain) -> None:
    stranger = chat(fake, updates)
    [reply] = sent(await stranger.send("/reload"))
    assert reply.text == brain.engine.handle(UserState(), CommandInput("reload"),
                                             "en").replies[0].text
    admin = Chat(fake, updates, ADMIN)
    [reply] = sent(await admin.send("/reload"))
    assert reply.text.startswith(("Reloaded", "<b>Not reloaded</b>"))



# -- one user's flood ------------------------------------------------------------------------
async def test_a_flooding_user_is_told_once_then_ignored_and_others_are_not_slowed(
        app: App, fake: FakeBotAPI, updates: Updates, brain: Brain) -> None:
    service = service_of(app)
    saved = service.flood
    try:
        flooder, bystander = chat(fake, updates, "km"), chat(fake, updates, "vi")
        await pick_language(flooder, "km")  # the notice comes in the chosen language
        service.flood = FloodGuard(burst=3, refill_seconds=600)
        mark = fake.call_count()
        for _ in range(8):
            fake.add_update(updates.message(flooder.user_id, "/menu", lang="km"))
        calls = await fake.settle(flooder.user_id, since=mark, quiet=0.3)
        notice = service.interface_text("km", FLOOD_MESSAGE)
        texts = [c.text for c in sent(calls)]
        assert texts.count(notice) == 1 and notice != service.interface_text("en", FLOOD_MESSAGE)
        assert "<b>191</b>" in notice  # the number from content, not from the .po file
        # Updates run concurrently, so the notice may come before the last menu.
        assert len(texts) == 3 + 1, "three answered, one notice, four ignored"
        # Someone else is not affected...
        assert sent(await bystander.send("/menu"))
        # ...nor is an admin.
        admin = Chat(fake, updates, ADMIN)
        for _ in range(5):
            assert sent(await admin.send("/menu"))
        # A button pressed while over the limit: the spinner stops, nothing is done.
        pressed = await flooder.press("m", message_id(sent(calls)[0]))
        assert [c.method for c in pressed] == ["answerCallbackQuery"]
        # In a group the notice answers the message, so the others see whom it is for.
        service.flood = FloodGuard(burst=1, refill_seconds=600)
        member = chat(fake, updates, "th", group=GROUP)
        assert sent(await member.send("/menu"))
        [group_notice] = sent(await member.send("/menu"))
        assert group_notice.text == service.interface_text("th", FLOOD_MESSAGE)
        assert group_notice.chat_id == GROUP and "reply_parameters" in group_notice.params
        found = samples(service.metrics.exposition().decode())
        assert value(found, "migrantbot_flood_limited_total", action="notice") >= 1
        assert value(found, "migrantbot_flood_limited_total", action="drop") >= 5
    finally:
        service.flood = saved
