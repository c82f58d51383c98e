"""Talk to a person across restarts, the start-up check of the staff group, and the
bot without a staff group. Each test runs bots of its own (one at a time)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.adapters.telegram.application import build_application, service_of
from bot.adapters.telegram.ratelimit import ResilientRateLimiter
from bot.adapters.telegram.runner import running
from bot.app.handoff import texts
from bot.brain import BrainHolder
from bot.config import ConfigError
from bot.dialogue.types import CommandInput, UserState
from tests.adapters.driver import POLL, Chat, message_id, repo_of, sent, settings_for
from tests.fakes.bot_api import FakeBotAPI
from tests.fakes.updates import Updates

pytestmark = [pytest.mark.asyncio(loop_scope="module"), pytest.mark.timeout(60)]

STAFF = -1002600
CASEWORKER = 910_001


def _bot(fake: FakeBotAPI, holder: BrainHolder, db: Path, **overrides: object):  # type: ignore[no-untyped-def]
    values = {"handoff_chat_id": STAFF, "handoff_hours": "always", **overrides}
    settings = settings_for(fake, db, **values)
    limiter = ResilientRateLimiter(group_max_rate=1000, give_up_after=10)
    return running(build_application(settings, holder, rate_limiter=limiter),
                   poll_timeout=POLL)


async def test_a_case_survives_a_restart(fake: FakeBotAPI, updates: Updates,
                                         holder: BrainHolder, tmp_path: Path) -> None:
    fake.make_forum(STAFF, {CASEWORKER: "member"})
    db = tmp_path / "bot.sqlite3"
    worker = Chat(fake, updates, 70_001, lang="my")
    async with _bot(fake, holder, db):
        calls = await worker.send("/human")
        mark = fake.call_count()
        await worker.press("H:yes", message_id(sent(calls)[0]))
        created = await fake.wait_for(lambda c: c.method == "createForumTopic", since=mark)
        topic = int(created.result["message_thread_id"])
        await worker.send("ကျွန်တော့်ကို ကူညီပါ")

    async with _bot(fake, holder, db) as app:
        # The caseworker answers after the restart: the case is found in the database.
        mark = fake.call_count()
        fake.add_update(updates.message(CASEWORKER, "ဟုတ်ကဲ့၊ ကူညီပါမယ်",
                                        chat=updates.chat(STAFF, "supergroup"),
                                        message_thread_id=topic, is_topic_message=True))
        calls = await fake.settle(worker.chat_id, since=mark)
        label = service_of(app).interface_text("my", texts.CASEWORKER)
        assert sent(calls)[0].text == f"<b>{label}:</b>\nဟုတ်ကဲ့၊ ကူညီပါမယ်"
        # ... and the worker's next message still goes to the same topic.
        mark = fake.call_count()
        fake.add_update(updates.message(worker.user_id, "ကျေးဇူးပါ", lang="my"))
        copy = await fake.wait_for(lambda c: c.method == "copyMessage" and c.chat_id == STAFF,
                                   since=mark)
        assert copy.params["message_thread_id"] == topic
        case = await repo_of(app).cases.live_case(worker.user_id)
        assert case is not None and case.state == "open"


@pytest.mark.parametrize(("rights", "expected"), [
    ({"can_manage_topics": False}, "'Manage topics'"),
    ({"can_pin_messages": False, "can_delete_messages": False}, "'Pin messages'"),
    ({"status": "member"}, "make the bot an admin"),
])
async def test_the_start_says_in_one_line_what_the_bot_lacks_in_the_group(
        fake: FakeBotAPI, holder: BrainHolder, tmp_path: Path, rights: dict[str, object],
        expected: str) -> None:
    fake.make_forum(STAFF)
    status = str(rights.pop("status", "administrator"))
    fake.set_bot_rights(status, **{k: bool(v) for k, v in rights.items()})
    try:
        with pytest.raises(ConfigError) as error:
            async with _bot(fake, holder, tmp_path / "bot.sqlite3"):
                pass
    finally:
        fake.set_bot_rights()
    message = str(error.value)
    assert message.startswith("HANDOFF_CHAT_ID: ") and expected in message
    assert "\n" not in message


async def test_a_group_without_topics_is_refused_at_start(
        fake: FakeBotAPI, holder: BrainHolder, tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="turn on Topics"):
        async with _bot(fake, holder, tmp_path / "bot.sqlite3", handoff_chat_id=None,
                        handoff_chat_id_km=-1009999):
            pass


async def test_without_a_staff_group_talk_to_a_person_lists_the_hotlines(
        fake: FakeBotAPI, updates: Updates, holder: BrainHolder, tmp_path: Path) -> None:
    worker = Chat(fake, updates, 70_002, lang="km")
    async with _bot(fake, holder, tmp_path / "bot.sqlite3", handoff_chat_id=None) as app:
        assert service_of(app).handoff is None
        calls = await worker.send("/human")
        hotlines = holder.brain.engine.handle(UserState(), CommandInput("human"), "km")
        assert [c.text for c in sent(calls)] == [hotlines.replies[0].text]
        assert "1300" in sent(calls)[0].text
