"""Talk to a person, end to end: the real bot, a worker's private chat and the staff
group with topics, all against the fake Bot API.

One bot serves the module with HANDOFF_CHAT_ID set; each test has its own
worker. Restarts and the start-up check are in test_handoff_restart.py (they
need bots of their own).
"""

from __future__ import annotations

import datetime as dt
import itertools
import sqlite3
from collections.abc import AsyncIterator
from typing import Any

import pytest
import pytest_asyncio

from bot.adapters.telegram.application import App, build_application, service_of, settings_of
from bot.adapters.telegram.ratelimit import ResilientRateLimiter
from bot.adapters.telegram.runner import running
from bot.adapters.telegram.staff import TelegramStaffDesk
from bot.app.handoff import BANGKOK, Handoff, OfficeHours, texts
from bot.brain import BrainHolder
from tests.adapters.driver import POLL, Chat, message_id, repo_of, sent, settings_for
from tests.fakes.bot_api import Call, FakeBotAPI
from tests.fakes.updates import Updates

pytestmark = [pytest.mark.asyncio(loop_scope="module"), pytest.mark.timeout(60)]

STAFF = -1001500
CASEWORKER, SUPERVISOR, STRANGER = 900_001, 900_002, 900_003
_workers = itertools.count(60_001)
VOICE = {"file_id": "voice-file", "file_unique_id": "voice-u", "duration": 4,
         "mime_type": "audio/ogg"}


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def app(fake: FakeBotAPI, holder: BrainHolder,
              tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[App]:
    fake.make_forum(STAFF, {CASEWORKER: "member", SUPERVISOR: "administrator"})
    db = tmp_path_factory.mktemp("handoff") / "bot.sqlite3"
    # Telegram allows a bot 20 messages a minute in one group (PTB's limiter waits
    # for it); this module writes more than that into the staff group.
    settings = settings_for(fake, db, handoff_chat_id=STAFF, handoff_hours="always")
    limiter = ResilientRateLimiter(group_max_rate=1000, give_up_after=10)
    async with running(build_application(settings, holder, rate_limiter=limiter),
                       poll_timeout=POLL) as running_app:
        yield running_app


def handoff_of(app: App) -> Handoff:
    handoff = service_of(app).handoff
    assert handoff is not None, "HANDOFF_CHAT_ID is set: the hand-off must be running"
    return handoff


def text_of(app: App, lang: str, message: str) -> str:
    return service_of(app).interface_text(lang, message)


class Staff:
    """A person in the staff group, writing in a case's topic."""

    def __init__(self, fake: FakeBotAPI, updates: Updates, user_id: int) -> None:
        self.fake, self.updates, self.user_id = fake, updates, user_id
        self.chat = updates.chat(STAFF, "supergroup")

    def update(self, topic: int, text: str | None = None, **extra: Any) -> dict[str, Any]:
        return self.updates.message(self.user_id, text, chat=self.chat, lang="th",
                                    message_thread_id=topic, is_topic_message=True, **extra)

    async def say(self, worker: Chat, topic: int, text: str | None = None,
                  **extra: Any) -> list[Call]:
        """Write in the topic; the bot's calls to the worker's chat."""
        mark = self.fake.call_count()
        self.fake.add_update(self.update(topic, text, **extra))
        return await self.fake.settle(worker.chat_id, since=mark)

    async def command(self, topic: int, text: str) -> list[Call]:
        """A command in the topic; the bot's calls to the staff group."""
        mark = self.fake.call_count()
        self.fake.add_update(self.update(topic, text))
        return await self.fake.settle(STAFF, since=mark)


async def connect(app: App, fake: FakeBotAPI, worker: Chat) -> int:
    """/human, read the consent, agree; the case's topic id."""
    calls = await worker.send("/human")
    [consent] = sent(calls)
    assert consent.text.startswith(text_of(app, worker.lang or "en", texts.CONSENT))
    assert consent.button_data() == ["H:yes", "H:no"]
    mark = fake.call_count()
    await worker.press("H:yes", message_id(consent))
    created = await fake.wait_for(lambda c: c.method == "createForumTopic" and c.ok,
                                  since=mark)
    return int(created.result["message_thread_id"])


def staff_calls(fake: FakeBotAPI, since: int, method: str | None = None) -> list[Call]:
    return [c for c in fake.calls(method, since=since) if c.chat_id == STAFF]


def database_values(app: App) -> str:
    """Every value in every hand-off table, as one string (to look for text in it)."""
    db = sqlite3.connect(settings_of(app).database_path)
    try:
        rows = [str(v) for table in ("handoff_cases", "handoff_audit", "handoff_copies")
                for row in db.execute(f"SELECT * FROM {table}") for v in row]
    finally:
        db.close()
    return " ".join(rows)


@pytest.mark.parametrize("lang", ["my", "km", "en"])
async def test_consent_then_relay_both_ways_then_close(
        app: App, fake: FakeBotAPI, updates: Updates, lang: str) -> None:
    worker = Chat(fake, updates, next(_workers), lang=lang)
    caseworker = Staff(fake, updates, CASEWORKER)

    mark = fake.call_count()
    topic = await connect(app, fake, worker)
    case = await repo_of(app).cases.live_case(worker.user_id)
    assert case is not None and case.state == "waiting" and case.topic_id == topic
    title = fake.topics(STAFF)[topic]["name"]
    assert f"#{case.case_id:06d}" in title and f"({lang})" in title
    assert f"User{worker.user_id}" not in title and str(worker.user_id) not in title
    [intro] = staff_calls(fake, mark, "sendMessage")
    assert intro.params["message_thread_id"] == topic
    assert f"({lang})" in intro.text and str(worker.user_id) not in intro.text
    connected = [c for c in fake.calls(since=mark) if c.chat_id == worker.chat_id
                 and c.method == "editMessageText"]
    assert connected[-1].text == text_of(app, lang, texts.CONNECTED)

    # The worker writes: a copy (not a forward) lands in the topic.
    mark = fake.call_count()
    question = "my boss has not paid me for two months, what can I do"
    calls = await worker.send(question)
    [copy] = staff_calls(fake, mark, "copyMessage")
    assert copy.params["from_chat_id"] == worker.chat_id
    assert copy.params["message_thread_id"] == topic
    assert not fake.calls("forwardMessage", since=mark)
    assert [c.text for c in sent(calls)] == [text_of(app, lang, texts.FIRST_SENT)]

    # A caseworker answers in the topic: the worker reads "Caseworker:", no account.
    answer = "We can help. Which province do you work in?"
    calls = await caseworker.say(worker, topic, answer)
    [reply] = sent(calls)
    label = text_of(app, lang, texts.CASEWORKER)
    assert reply.text == f"<b>{label}:</b>\n{answer}"
    assert reply.params["protect_content"] is True
    assert str(CASEWORKER) not in reply.text and "forward_from" not in reply.params
    case = await repo_of(app).cases.live_case(worker.user_id)
    assert case is not None and case.state == "open" and case.first_reply_at is not None

    # The case is closed in the topic; the worker is told politely, in their language.
    calls = await caseworker.say(worker, topic, "/close")
    assert [c.text for c in sent(calls)] == [text_of(app, lang, texts.CLOSED_BY_STAFF)]
    assert fake.topics(STAFF)[topic]["closed"]
    assert fake.topics(STAFF)[topic]["name"].startswith("✅")
    assert await repo_of(app).cases.live_case(worker.user_id) is None
    audit = await repo_of(app).cases.audit_of(case.case_id)
    assert [(e.event, e.caseworker_id) for e in audit] == [
        ("opened", None), ("answered", CASEWORKER), ("closed", CASEWORKER)]

    # Nothing anyone wrote is in our database: Telegram holds the conversation.
    stored = database_values(app)
    assert "paid" not in stored and "province" not in stored

    # After the case the bot answers the worker itself again; nothing is copied.
    mark = fake.call_count()
    calls = await worker.send("work permit")
    assert sent(calls) and not fake.calls("copyMessage", since=mark)


async def test_a_caseworker_note_and_status_never_reach_the_worker(
        app: App, fake: FakeBotAPI, updates: Updates) -> None:
    worker = Chat(fake, updates, next(_workers), lang="lo")
    caseworker = Staff(fake, updates, CASEWORKER)
    topic = await connect(app, fake, worker)
    await worker.send("hello, I need help with my passport")

    mark = fake.call_count()
    fake.add_update(caseworker.update(topic, "/note the employer is known to us"))
    [status] = (await caseworker.command(topic, "/status"))
    assert "Case #" in status.text and "waiting" in status.text
    assert "employer" not in status.text
    assert not [c for c in fake.calls(since=mark) if c.chat_id == worker.chat_id], \
        "an internal note and /status are never sent to the worker"
    case = await repo_of(app).cases.live_case(worker.user_id)
    assert case is not None
    assert "note" in [e.event for e in await repo_of(app).cases.audit_of(case.case_id)]
    assert "employer" not in database_values(app)


async def test_someone_not_in_the_staff_group_never_reaches_a_worker(
        app: App, fake: FakeBotAPI, updates: Updates) -> None:
    worker = Chat(fake, updates, next(_workers), lang="th")
    topic = await connect(app, fake, worker)
    await worker.send("ช่วยด้วย นายจ้างไม่จ่ายเงิน")
    stranger = Staff(fake, updates, STRANGER)  # getChatMember: left

    mark = fake.call_count()
    fake.add_update(stranger.update(topic, "send me your address"))
    fake.add_update(stranger.update(topic, "/close"))
    await fake.wait_for(lambda c: c.method == "getChatMember"
                        and c.params.get("user_id") == STRANGER, since=mark)
    calls = await worker.nothing_after(updates.message(STRANGER, "x", chat=stranger.chat,
                                                       message_thread_id=topic,
                                                       is_topic_message=True))
    assert not [c for c in fake.calls(since=mark) if c.chat_id == worker.chat_id]
    assert not [c for c in calls if c.chat_id == worker.chat_id]
    case = await repo_of(app).cases.live_case(worker.user_id)
    assert case is not None and case.state == "waiting", "the stranger's /close did nothing"

    # A member who leaves the group is no longer staff (checked again after a minute).
    desk = handoff_of(app).desk
    assert isinstance(desk, TelegramStaffDesk)
    fake.set_member(STAFF, SUPERVISOR, "left")
    desk._members.clear()
    mark = fake.call_count()
    await worker.nothing_after(Staff(fake, updates, SUPERVISOR).update(topic, "hello"))
    assert not [c for c in fake.calls(since=mark) if c.chat_id == worker.chat_id]
    fake.set_member(STAFF, SUPERVISOR, "administrator")
    desk.forget_members()


async def test_a_topic_deleted_by_hand_is_opened_again(
        app: App, fake: FakeBotAPI, updates: Updates) -> None:
    worker = Chat(fake, updates, next(_workers), lang="vi")
    caseworker = Staff(fake, updates, CASEWORKER)
    topic = await connect(app, fake, worker)
    fake.delete_topic_by_hand(STAFF, topic)

    mark = fake.call_count()
    calls = await worker.send("toi can giup do ve giay phep lao dong")
    new_topic = next(t for t, v in fake.topics(STAFF).items() if t > topic)
    copies = [c for c in staff_calls(fake, mark, "copyMessage") if c.ok]
    assert [c.params["message_thread_id"] for c in copies] == [new_topic]
    intro = [c for c in staff_calls(fake, mark, "sendMessage") if c.ok]
    assert "deleted" in intro[0].text
    assert sent(calls), "the worker is answered as usual"
    case = await repo_of(app).cases.live_case(worker.user_id)
    assert case is not None and case.topic_id == new_topic

    calls = await caseworker.say(worker, new_topic, "Xin chào, chúng tôi ở đây.")
    assert sent(calls)[0].text.endswith("Xin chào, chúng tôi ở đây.")


async def test_voice_notes_are_relayed_both_ways(
        app: App, fake: FakeBotAPI, updates: Updates) -> None:
    worker = Chat(fake, updates, next(_workers), lang="my")
    caseworker = Staff(fake, updates, CASEWORKER)
    topic = await connect(app, fake, worker)

    mark = fake.call_count()
    calls = await worker.inject(updates.message(worker.user_id, lang="my", voice=VOICE))
    [copy] = staff_calls(fake, mark, "copyMessage")
    assert copy.params["message_thread_id"] == topic
    assert [c.text for c in sent(calls)] == [text_of(app, "my", texts.FIRST_SENT)]

    calls = await caseworker.say(worker, topic, voice=VOICE)
    [back] = [c for c in calls if c.method == "copyMessage"]
    assert back.params["from_chat_id"] == STAFF and back.params["protect_content"] is True
    assert back.params["caption"] == f"<b>{text_of(app, 'my', texts.CASEWORKER)}:</b>"


@pytest.mark.parametrize("lang", ["my", "km", "lo", "vi", "th", "en"])
async def test_a_voice_note_outside_a_case_gets_a_kind_reply(
        app: App, fake: FakeBotAPI, updates: Updates, lang: str, holder: BrainHolder) -> None:
    worker = Chat(fake, updates, next(_workers), lang=lang)
    calls = await worker.inject(updates.message(worker.user_id, lang=lang, voice=VOICE))
    [reply] = sent(calls)
    gettext = holder.brain.catalogs.get(lang).gettext
    assert reply.text == gettext("I cannot listen to voice messages, sorry. Tap a topic "
                                 "below, or tap 🙋 Talk to a person.")
    assert "p" in reply.button_data(), "a person is one tap away"


async def test_danger_in_a_case_is_marked_pinned_and_answered_with_numbers(
        app: App, fake: FakeBotAPI, updates: Updates) -> None:
    worker = Chat(fake, updates, next(_workers), lang="en")
    topic = await connect(app, fake, worker)
    mark = fake.call_count()
    calls = await worker.send("my boss hit me with a pipe and says he will kill me")
    first = sent(calls)[0].text
    assert "191" in first, "danger first: the numbers in the first reply"
    assert fake.topics(STAFF)[topic]["name"].startswith("🚨")
    [copy] = staff_calls(fake, mark, "copyMessage")
    assert (STAFF, int(copy.result["message_id"])) in fake.pins()
    case = await repo_of(app).cases.live_case(worker.user_id)
    assert case is not None and case.danger


async def test_danger_in_words_no_signal_has_is_marked_in_a_case_too(
        app: App, fake: FakeBotAPI, updates: Updates) -> None:
    """The case desk asks the same danger check as the bot: the examples' vote too."""
    text = "the owner son come in my room at night and do bad thing to me, i say no many times"
    worker = Chat(fake, updates, next(_workers), lang="en")
    topic = await connect(app, fake, worker)
    first = sent(await worker.send(text))[0].text
    assert "191" in first and "1300" in first
    assert fake.topics(STAFF)[topic]["name"].startswith("🚨")
    case = await repo_of(app).cases.live_case(worker.user_id)
    assert case is not None and case.danger


async def test_danger_without_a_case_offers_a_person_next_to_the_numbers(
        app: App, fake: FakeBotAPI, updates: Updates) -> None:
    worker = Chat(fake, updates, next(_workers), lang="en")
    calls = await worker.send("my boss hit me with a pipe and says he will kill me")
    [reply] = sent(calls)
    assert "191" in reply.text and "p" in reply.button_data()
    calls = await worker.press("p", message_id(reply))
    assert sent(calls)[0].text.startswith(text_of(app, "en", texts.CONSENT))


async def test_typing_i_want_a_person_gets_the_consent_and_no_is_respected(
        app: App, fake: FakeBotAPI, updates: Updates) -> None:
    worker = Chat(fake, updates, next(_workers), lang="en")
    calls = await worker.send("i want to talk to a person")
    [consent] = sent(calls)
    assert consent.text.startswith(text_of(app, "en", texts.CONSENT))
    mark = fake.call_count()
    await worker.press("H:no", message_id(consent))
    assert not fake.calls("createForumTopic", since=mark)
    assert await repo_of(app).cases.live_case(worker.user_id) is None


async def test_outside_office_hours_the_worker_is_told_when(
        app: App, fake: FakeBotAPI, updates: Updates) -> None:
    handoff = handoff_of(app)
    saturday = dt.datetime(2026, 12, 5, 20, 0, tzinfo=BANGKOK)
    old = handoff.hours, handoff.clock
    handoff.hours, handoff.clock = OfficeHours.parse("mon-fri 09:00-17:00"), lambda: saturday
    try:
        worker = Chat(fake, updates, next(_workers), lang="km")
        calls = await worker.send("/human")
        await worker.press("H:yes", message_id(sent(calls)[0]))
        mark = fake.call_count()
        calls = await worker.send("ខ្ញុំត្រូវការជំនួយ")
        told = [c.text for c in sent(calls)]
        del mark
    finally:
        handoff.hours, handoff.clock = old
    # Told once, at the consent; the first message is only acknowledged.
    assert told == [text_of(app, "km", texts.FIRST_SENT)]
    history = [c.text for c in fake.calls("sendMessage") if c.chat_id == worker.chat_id]
    notice = next(t for t in history if "191" in t)
    assert "ចន្ទ" in notice, "Monday, in Khmer: when someone will answer"
    assert "09:00" in notice and "1300" in notice


async def test_forget_mid_case_deletes_the_case_and_its_topic(
        app: App, fake: FakeBotAPI, updates: Updates) -> None:
    worker = Chat(fake, updates, next(_workers), lang="my")
    topic = await connect(app, fake, worker)
    await worker.send("help me please")
    case = await repo_of(app).cases.live_case(worker.user_id)
    assert case is not None

    calls = await worker.send("/forget")
    assert sent(calls)[-1].text == text_of(app, "my", texts.FORGOTTEN)
    assert fake.topics(STAFF)[topic]["deleted"]
    assert await repo_of(app).cases.cases_of(worker.user_id) == []
    assert str(worker.user_id) not in database_values(app)
    # The audit stays, without anything that leads back to the worker.
    events = [e.event for e in await repo_of(app).cases.audit_of(case.case_id)]
    assert events[0] == "opened" and events[-1] == "forgotten"


async def test_a_worker_who_blocked_the_bot_is_reported_in_the_topic(
        app: App, fake: FakeBotAPI, updates: Updates) -> None:
    worker = Chat(fake, updates, next(_workers), lang="en")
    caseworker = Staff(fake, updates, CASEWORKER)
    topic = await connect(app, fake, worker)
    fake.fail("sendMessage", 403, "Forbidden: bot was blocked by the user",
              chat_id=worker.chat_id)
    calls = await caseworker.command(topic, "Hello, are you safe?")
    assert any("blocked" in c.text for c in calls if c.method == "sendMessage")


async def test_edits_are_relayed_as_edits(app: App, fake: FakeBotAPI,
                                          updates: Updates) -> None:
    worker = Chat(fake, updates, next(_workers), lang="en")
    topic = await connect(app, fake, worker)
    mark = fake.call_count()
    original = updates.message(worker.user_id, "I work in Chonburi", lang="en")
    await worker.inject(original)
    [copy] = staff_calls(fake, mark, "copyMessage")
    del topic

    edited = updates.message(worker.user_id, "I work in Rayong", lang="en",
                             kind="edited_message")
    edited["edited_message"]["message_id"] = original["message"]["message_id"]
    mark = fake.call_count()
    fake.add_update(edited)
    edit = await fake.wait_for(lambda c: c.method == "editMessageText" and c.chat_id == STAFF,
                               since=mark)
    assert edit.params["message_id"] == copy.result["message_id"]
    assert edit.text == "I work in Rayong"


async def test_metrics_count_cases_and_time_to_first_reply(
        app: App, fake: FakeBotAPI, updates: Updates) -> None:
    worker = Chat(fake, updates, next(_workers), lang="lo")
    topic = await connect(app, fake, worker)
    await worker.send("ຂ້ອຍຕ້ອງການຄວາມຊ່ວຍເຫຼືອ")
    await Staff(fake, updates, SUPERVISOR).say(worker, topic, "ສະບາຍດີ")
    await handoff_of(app).refresh_gauges()
    text = service_of(app).metrics.exposition().decode()
    assert 'migrantbot_handoff_cases_total{language="lo"}' in text
    assert "migrantbot_handoff_first_reply_seconds_count" in text
    assert 'migrantbot_handoff_open_cases{language="lo"}' in text


async def test_media_that_cannot_be_copied_is_explained_on_both_sides(
        app: App, fake: FakeBotAPI, updates: Updates) -> None:
    worker = Chat(fake, updates, next(_workers), lang="th")
    topic = await connect(app, fake, worker)
    update = updates.message(worker.user_id, lang="th",
                             dice={"emoji": "🎲", "value": 3})
    fake.make_uncopyable(worker.chat_id, update["message"]["message_id"])
    mark = fake.call_count()
    calls = await worker.inject(update)
    assert [c.text for c in sent(calls)] == [text_of(app, "th", texts.CANNOT_RELAY)]
    notes = [c.text for c in staff_calls(fake, mark, "sendMessage")
             if c.params.get("message_thread_id") == topic]
    assert any("cannot be copied" in n for n in notes)
