"""End to end, per language: the real PTB Application against the fake Bot API.

One application (long polling) serves the whole module; every test uses its
own user ids, so the tests do not see each other's state.
"""

from __future__ import annotations

import asyncio
import itertools
import sqlite3
import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_asyncio

from bot.adapters.telegram.application import App, service_of, settings_of
from bot.adapters.telegram.split import split_message
from bot.brain import Brain, BrainHolder
from bot.dialogue.types import ButtonInput, CommandInput, Input, TextInput, Turn, UserState
from tests.adapters.driver import (
    LANGS,
    Chat,
    answered,
    bot_running,
    edited,
    message_id,
    pick_language,
    repo_of,
    sent,
    stored_user,
)
from tests.adapters.samples import answered_example, did_you_mean_text, out_of_scope_text
from tests.fakes.bot_api import FakeBotAPI
from tests.fakes.updates import Updates

pytestmark = [pytest.mark.asyncio(loop_scope="module"), pytest.mark.timeout(60)]

_user_ids = itertools.count(10_001)


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def app(fake: FakeBotAPI, holder: BrainHolder,
              tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[App]:
    db = tmp_path_factory.mktemp("conversation") / "bot.sqlite3"
    async with bot_running(fake, holder, db) as running_app:
        yield running_app


def chat(fake: FakeBotAPI, updates: Updates, lang: str) -> Chat:
    """A new user whose Telegram client is set to ``lang``."""
    return Chat(fake, updates, next(_user_ids), lang=lang)


def expect(brain: Brain, message: Input, lang: str | None = None,
           client: str | None = None) -> Turn:
    """What the engine itself answers, to compare with what reached Telegram."""
    return brain.engine.handle(UserState(language=lang), message, client)


def texts(brain: Brain, turn: Turn) -> list[str]:
    """The message texts a turn should produce on Telegram (long ones split)."""
    return [part for reply in turn.replies for part in split_message(reply.text, 4096)]


@pytest.mark.parametrize("lang", LANGS)
async def test_start_picker_menu_area_topic_related_back(
        app: App, fake: FakeBotAPI, updates: Updates, holder: BrainHolder, lang: str) -> None:
    brain = holder.brain
    user = chat(fake, updates, lang)

    calls = await user.send("/start")
    [picker] = sent(calls)
    assert picker.button_data() == [f"l:{code}" for code in brain.content.languages]
    assert picker.params["parse_mode"] == "HTML"
    assert picker.params["link_preview_options"] == {"is_disabled": True}
    assert picker.text == expect(brain, CommandInput("start"), client=lang).replies[0].text

    calls = await user.press(f"l:{lang}", message_id(picker))
    assert len(answered(calls)) == 1, "every button press is answered"
    [menu] = edited(calls)
    assert menu.params["message_id"] == message_id(picker)
    chosen = expect(brain, ButtonInput(f"l:{lang}"))
    assert menu.text == chosen.replies[0].text
    stored = await stored_user(app, user.user_id)
    assert stored is not None and stored.language == lang

    area = brain.content.areas[0]
    calls = await user.press(f"a:{area}", message_id(picker))
    [area_menu] = edited(calls)
    assert area_menu.text == expect(brain, ButtonInput(f"a:{area}"), lang).replies[0].text
    topic = brain.content.topics_in_area(area)[0]
    assert f"t:{topic}" in area_menu.button_data()

    calls = await user.press(f"t:{topic}", message_id(picker))
    answer = sent(calls)
    assert not edited(calls), "answers arrive as new messages"
    assert [c.text for c in answer] == texts(brain, expect(brain, ButtonInput(f"t:{topic}"),
                                                           lang))
    buttons = answer[-1].button_data()
    assert f"f:{topic}:u" in buttons and f"f:{topic}:d" in buttons

    related = next(d for d in buttons if d.startswith("t:"))
    calls = await user.press(related, message_id(answer[-1]))
    related_answer = sent(calls)
    assert [c.text for c in related_answer] == texts(brain, expect(brain, ButtonInput(related),
                                                                   lang))
    stored = await stored_user(app, user.user_id)
    assert stored is not None and stored.last_topic == related.removeprefix("t:")

    back = next(d for d in related_answer[-1].button_data() if d.startswith("a:"))
    calls = await user.press(back, message_id(related_answer[-1]))
    [back_menu] = edited(calls)
    assert back_menu.params["message_id"] == message_id(related_answer[-1])
    assert back_menu.text == expect(brain, ButtonInput(back), lang).replies[0].text


@pytest.mark.parametrize("lang", LANGS)
async def test_free_text_question_is_answered_and_feedback_counted(
        app: App, fake: FakeBotAPI, updates: Updates, holder: BrainHolder, lang: str) -> None:
    brain = holder.brain
    sample = answered_example(brain, lang)
    if sample is None:
        pytest.skip(f"content/{lang}/ has no loaded topic with an answered example yet")
    question, topic = sample
    user = chat(fake, updates, lang)

    calls = await user.send(question)
    expected = expect(brain, TextInput(question), client=lang)
    answer = sent(calls)
    assert [c.text for c in answer] == texts(brain, expected)
    assert f"f:{topic}:u" in answer[-1].button_data()

    before = {(f.topic, f.language): f for f in await repo_of(app).feedback_counts()}
    calls = await user.press(f"f:{topic}:u", message_id(answer[-1]))
    [ack] = answered(calls)
    assert ack.params.get("text") == expected_notice(brain, expected.language)
    assert not sent(calls), "a vote is acknowledged with a pop-up, not a message"
    after = {(f.topic, f.language): f for f in await repo_of(app).feedback_counts()}
    old = before.get((topic, expected.language))
    assert after[(topic, expected.language)].up == (old.up if old else 0) + 1


def expected_notice(brain: Brain, lang: str) -> str | None:
    return brain.engine.handle(UserState(language=lang),
                               ButtonInput(f"f:{next(iter(brain.content.topics))}:u")).notice


@pytest.mark.parametrize("lang", LANGS)
async def test_did_you_mean_then_pick(app: App, fake: FakeBotAPI, updates: Updates,
                                      holder: BrainHolder, lang: str) -> None:
    brain = holder.brain
    text = did_you_mean_text(brain, lang)
    if text is None:
        pytest.skip(f"no message in content/{lang}/ makes the matcher ask 'did you mean'")
    user = chat(fake, updates, lang)

    calls = await user.send(text)
    expected = expect(brain, TextInput(text), client=lang)
    [question] = sent(calls)
    assert question.text == expected.replies[0].text
    suggestions = [d for d in question.button_data() if d.startswith("t:")]
    assert suggestions

    calls = await user.press(suggestions[0], message_id(question))
    assert [c.text for c in sent(calls)] == texts(
        brain, expect(brain, ButtonInput(suggestions[0]), expected.language))


@pytest.mark.parametrize("lang", LANGS)
async def test_out_of_scope_falls_back_and_is_recorded_without_user_id(
        app: App, fake: FakeBotAPI, updates: Updates, holder: BrainHolder, lang: str,
        tmp_path: Path) -> None:
    brain = holder.brain
    user = chat(fake, updates, lang)
    await pick_language(user, lang)
    text = out_of_scope_text(brain, lang)

    calls = await user.send(text)
    expected = expect(brain, TextInput(text), lang)
    assert [c.text for c in sent(calls)] == texts(brain, expected)
    [event] = [e for e in expected.events if e.kind == "matched"]
    assert event.outcome == "fallback" and event.text

    rows = await repo_of(app).top_unmatched(language=event.language, days=1)
    assert event.text in [r.text for r in rows]
    # Nothing in the unmatched table can lead back to the user.
    db = sqlite3.connect(settings_of(app).database_path)
    try:
        columns = {row[1] for row in db.execute("PRAGMA table_info(unmatched)")}
        values = [str(v) for row in db.execute("SELECT * FROM unmatched") for v in row]
    finally:
        db.close()
    assert columns == {"id", "text", "language", "at"}
    assert not any(str(user.user_id) in v for v in values)


# What a worker who is beaten and threatened might type, one per language.
_IN_DANGER = {
    "en": "my boss hit me with a pipe and says he will kill me if i tell anyone",
    "th": "นายจ้างตบหน้าผมแล้วบอกว่าจะฆ่าทิ้งถ้าไปแจ้งความ",
    "my": "သူဌေးက ကျွန်တော့်ကို ရိုက်တယ် သတ်မယ်လို့ ခြိမ်းခြောက်တယ်",
    "km": "ថៅកែវាយខ្ញុំ ហើយគំរាមថានឹងសម្លាប់",
    "lo": "ນາຍຈ້າງຕີຂ້ອຍ ແລະ ຂູ່ວ່າຈະຂ້າ",
    "vi": "chu danh toi va doa giet neu toi bao cong an",
}


@pytest.mark.parametrize("lang", LANGS)
async def test_danger_gets_the_numbers_in_the_first_message(
        app: App, fake: FakeBotAPI, updates: Updates, holder: BrainHolder, lang: str) -> None:
    user = chat(fake, updates, lang)
    await pick_language(user, lang)
    calls = await user.send(_IN_DANGER[lang])
    first = sent(calls)[0].text
    assert "191" in first and "1300" in first
    assert first == texts(holder.brain, expect(holder.brain, TextInput(_IN_DANGER[lang]),
                                                lang))[0]
    rows = await repo_of(app).top_unmatched(language=lang, days=1)
    assert not any(_IN_DANGER[lang][:10] in r.text for r in rows)  # never kept


async def test_danger_in_words_no_signal_has_still_gets_the_numbers_at_once(
        app: App, fake: FakeBotAPI, updates: Updates, holder: BrainHolder) -> None:
    """The second check: a message like the danger examples (content/<lang>/
    _danger_examples.yaml), though it holds no signal phrase."""
    text = "the owner son come in my room at night and do bad thing to me, i say no many times"
    user = chat(fake, updates, "en")
    await pick_language(user, "en")
    first = sent(await user.send(text))[0].text
    assert "191" in first and "1300" in first
    # The violence reply itself, not the safety line under "did you mean"/"not understood".
    assert first.startswith(texts(holder.brain, expect(holder.brain, TextInput(
        "he threatens to kill me"), "en"))[0][:40])
    assert "did you mean" not in first.lower() and "not understand" not in first
    rows = await repo_of(app).top_unmatched(language="en", days=1)
    assert not any("owner son" in r.text for r in rows)  # never kept


async def test_a_joke_the_signals_flag_is_answered_with_the_numbers_under_it(
        app: App, fake: FakeBotAPI, updates: Updates, holder: BrainHolder) -> None:
    """'locked in' holds a trafficking signal, but the message is most like an
    everyday look-alike (an escape room): no danger reply, yet the safety line, and
    the text is not kept (the signals flagged it)."""
    text = "we got locked in the escape room game for an hour with friends, so much fun"
    assert holder.brain.engine.danger.detect(text) == ["trafficking"]
    user = chat(fake, updates, "en")
    await pick_language(user, "en")
    first = sent(await user.send(text))[0].text
    assert "In danger?" in first and "1300" in first  # the safety line
    trafficking = texts(holder.brain, expect(holder.brain, TextInput(
        "they locked us in the factory and took our passports"), "en"))[0]
    assert first[:40] != trafficking[:40]              # not the trafficking reply
    rows = await repo_of(app).top_unmatched(language="en", days=1)
    assert not any("escape room" in r.text for r in rows)


_PRIVATE = {"name": "Zarni Htet", "address": "45 moo 7", "phone": "081-234-5678",
            "email": "zarni.h@mail.com", "passport": "MB7654321"}


async def test_unmatched_message_is_kept_without_what_identifies_the_worker(
        app: App, fake: FakeBotAPI, updates: Updates) -> None:
    """/privacy promises that numbers, names, addresses, e-mail and links are removed
    before a not-understood message is kept: look for them in the database files."""
    user = chat(fake, updates, "en")
    await pick_language(user, "en")
    text = (f"my name is {_PRIVATE['name']}, I live at {_PRIVATE['address']} Bang Pakong, "
            f"phone {_PRIVATE['phone']}, email {_PRIVATE['email']}, passport "
            f"{_PRIVATE['passport']}. who won the football last night")
    await user.send(text)
    rows = await repo_of(app).top_unmatched(language="en", days=1)
    assert any("football" in r.text and "[phone]" in r.text for r in rows)
    path = Path(settings_of(app).database_path)
    # The message waited in the durable inbox while it was handled; within about a
    # second of the answer it is erased from the database and its write-ahead log.
    deadline = time.monotonic() + 3
    while True:
        stored = b"".join(p.read_bytes() for p in (path, path.with_name(path.name + "-wal"))
                          if p.exists())
        found = [what for what, value in _PRIVATE.items()
                 for piece in {value, value.replace("-", "")} if piece.encode() in stored]
        if not found or time.monotonic() > deadline:
            break
        await asyncio.sleep(0.1)
    assert found == []


@pytest.mark.parametrize("lang", LANGS)
async def test_forget_then_start_starts_clean(app: App, fake: FakeBotAPI, updates: Updates,
                                              holder: BrainHolder, lang: str) -> None:
    brain = holder.brain
    user = chat(fake, updates, lang)
    await pick_language(user, lang)
    assert await stored_user(app, user.user_id) is not None
    flood = service_of(app).flood
    assert flood is not None and user.user_id in flood

    calls = await user.send("/forget")
    [confirmation] = sent(calls)
    assert confirmation.text == expect(brain, CommandInput("forget"), lang).replies[0].text
    assert await stored_user(app, user.user_id) is None
    assert user.user_id not in flood, "not even the flood counter is kept"

    calls = await user.send("/start")
    [picker] = sent(calls)
    assert picker.button_data() == [f"l:{code}" for code in brain.content.languages], \
        "after /forget the user chooses a language again"


@pytest.mark.parametrize("lang", LANGS)
async def test_deep_link_opens_the_topic(app: App, fake: FakeBotAPI, updates: Updates,
                                         holder: BrainHolder, lang: str) -> None:
    brain = holder.brain
    if "permit_renew" not in brain.content.topics:
        pytest.skip("the content has no permit_renew topic")
    user = chat(fake, updates, lang)
    await pick_language(user, lang)

    calls = await user.send("/start permit_renew")
    answer = sent(calls)
    assert [c.text for c in answer] == texts(
        brain, expect(brain, CommandInput("start", "permit_renew"), lang))
    assert "f:permit_renew:u" in answer[-1].button_data()


@pytest.mark.parametrize("lang", LANGS)
async def test_every_command_answers(app: App, fake: FakeBotAPI, updates: Updates,
                                     holder: BrainHolder, lang: str) -> None:
    brain = holder.brain
    user = chat(fake, updates, lang)
    await pick_language(user, lang)
    for command in ("menu", "help", "language", "hotlines", "about", "privacy"):
        calls = await user.send(f"/{command}")
        assert [c.text for c in sent(calls)] == texts(
            brain, expect(brain, CommandInput(command), lang)), command


async def test_command_menus_for_every_language(app: App, fake: FakeBotAPI,
                                                holder: BrainHolder) -> None:
    brain = holder.brain
    menus = fake.commands()
    assert set(menus) == {"", *brain.content.languages}
    for lang in brain.content.languages:
        names = [c["command"] for c in menus[lang]]
        assert names == ["start", "menu", "hotlines", "human", "language", "help", "about",
                         "privacy", "forget", "remind", "reminders"]
        assert all(c["description"] for c in menus[lang])
