"""Per-language conversation transcripts, checked step by step like Zulip's verify_dialog.

Each step is (input, fragment expected in the reply, button data expected).
Inputs: plain text, "/command arg", or "#N" to press the N-th button (1-based)
of the last reply, or "@data" to press a button by its payload.
"""

from __future__ import annotations

import pytest

from bot.brain import Brain
from bot.content.markup import strip_tags
from bot.dialogue import ButtonInput, CommandInput, NonTextInput, TextInput, UserState
from bot.dialogue.callbacks import MAX_CALLBACK_BYTES
from bot.dialogue.types import Input, Turn
from bot.matching.langdetect import detect_language

LANGS = ["en", "th", "my", "km", "lo", "vi"]


def run(brain: Brain, steps: list[tuple[str, str | None, list[str]]],
        state: UserState | None = None, client_language: str | None = None) -> list[Turn]:
    state = state or UserState()
    buttons: list[str] = []
    turns = []
    for step, fragment, expected_buttons in steps:
        message: Input
        if step.startswith("#"):
            message = ButtonInput(buttons[int(step[1:]) - 1])
        elif step.startswith("@"):
            message = ButtonInput(step[1:])
        elif step.startswith("/"):
            name, _, arg = step[1:].partition(" ")
            message = CommandInput(name, arg)
        elif step == "<sticker>":
            message = NonTextInput("sticker")
        else:
            message = TextInput(step)
        turn = brain.engine.handle(state, message, client_language)
        state = turn.state
        turns.append(turn)
        shown = "\n".join(r.text for r in turn.replies)
        if fragment is not None:
            assert fragment in shown, f"step {step!r}: {fragment!r} not in {shown[:300]!r}"
        raw = [b.data for r in turn.replies for row in r.buttons for b in row]
        datas = [d.partition("@")[0] for d in raw]  # without the "shown in" language
        for data in expected_buttons:
            assert data in datas, f"step {step!r}: button {data!r} not in {datas}"
        for data in raw:
            assert len(data.encode()) <= MAX_CALLBACK_BYTES
        if raw:
            buttons = raw
    return turns


@pytest.mark.parametrize("lang", LANGS)
def test_menu_navigation(brain: Brain, lang: str) -> None:
    content = brain.content
    tr = brain.catalogs.get(lang).gettext
    area = content.topics["permit_renew"].area
    renew = content.texts[lang]["permit_renew"]
    related = content.topics["permit_renew"].related[0]
    turns = run(brain, [
        ("/start", None, ["l:" + lang, "l:en"]),
        ("@l:" + lang, tr("What do you need help with? Choose a topic, or type your question."),
         ["a:" + area, "h", "L"]),
        ("@a:" + area, content.area_title(lang, area), ["t:permit_renew", "m"]),
        ("@t:permit_renew", None, ["t:" + related, "f:permit_renew:u", "a:" + area, "m", "h"]),
        ("@t:" + related, None, ["a:" + content.topics[related].area]),
        ("@a:" + area, None, ["t:permit_renew"]),
    ])
    assert turns[1].state.language == lang
    assert turns[1].replies[0].edit  # menus edit in place
    answer = turns[3].replies[0]
    assert not answer.edit  # answers arrive as new messages
    assert "{" not in answer.text  # every placeholder filled
    assert strip_tags(renew.answer.split("\n")[0].split("{")[0])[:20] in strip_tags(answer.text)
    assert turns[3].state.last_topic == "permit_renew"


@pytest.mark.parametrize("lang", LANGS)
def test_free_text_question_answered_in_its_language(brain: Brain, lang: str) -> None:
    example = next(e for e in reversed(brain.content.texts[lang]["wages_unpaid"].examples)
                   if detect_language(e) == lang and len(e) > 12)
    turn = run(brain, [(example, None, ["f:wages_unpaid:u"])])[0]
    assert turn.language == lang
    assert brain.content.texts[lang]["wages_unpaid"].title.split()[0] in turn.replies[0].text \
        or turn.replies[0].text.startswith("<b>")


@pytest.mark.parametrize("lang", LANGS)
def test_fallback_offers_menu_and_emergency(brain: Brain, lang: str) -> None:
    tr = brain.catalogs.get(lang).gettext
    turn = run(brain, [("zzqx qqzz", None, ["h", "L"])], UserState(language=lang))[0]
    assert tr("Emergency numbers") in str(turn.replies[0].buttons)
    assert turn.events[0].outcome == "fallback"
    assert turn.events[0].text == "zzqx qqzz"


@pytest.mark.parametrize("lang", LANGS)
def test_emergency_is_one_tap_from_everywhere(brain: Brain, lang: str) -> None:
    turns = run(brain, [("/menu", None, ["h"]), ("@h", None, ["t:hotlines"])],
                UserState(language=lang))
    assert "191" in turns[1].replies[0].text and "1669" in turns[1].replies[0].text


def test_did_you_mean_then_pick(brain: Brain) -> None:
    matcher = brain.matcher
    for text in ["permit", "money", "passport problem", "card", "help police"]:
        if matcher.match(text).outcome == "did_you_mean":
            break
    else:
        pytest.skip("no ambiguous probe in the current content")
    turn = run(brain, [(text, None, ["m"])], UserState(language="en"))[0]
    first = turn.replies[0].buttons[0][0].data
    assert first.startswith("t:")
    follow = brain.engine.handle(turn.state, ButtonInput(first))
    assert follow.state.last_topic == first[2:].partition("@")[0]


def test_conversation_intents(brain: Brain) -> None:
    state = UserState(language="en")
    assert "welcome" in brain.engine.handle(state, TextInput("thank you")).replies[0].text
    picker = brain.engine.handle(state, TextInput("change language")).replies[0]
    assert any(b.data.startswith("l:my") for row in picker.buttons for b in row)
    human = brain.engine.handle(state, TextInput("i want to talk to a real person")).replies[0]
    assert "1694" in human.text or "Issara" in human.text


def test_reply_language_rule(brain: Brain) -> None:
    engine = brain.engine
    # Telegram client language negotiated with babel when nothing else is known.
    assert engine.handle(UserState(), CommandInput("menu"), "my-MM").language == "my"
    assert engine.handle(UserState(), CommandInput("menu"), "xx-YY").language == "en"
    # The message's language beats the client's.
    th = brain.content.texts["th"]["permit_renew"].examples[0]
    assert engine.handle(UserState(), TextInput(th), "vi").language == "th"
    # An explicit choice beats both.
    assert engine.handle(UserState(language="km"), TextInput(th), "vi").language == "km"


def test_non_text_input_gets_kind_reply_and_menu(brain: Brain) -> None:
    turn = run(brain, [("<sticker>", "text", ["h"])], UserState(language="en"))[0]
    assert turn.replies[0].buttons


def test_stale_or_forged_button(brain: Brain) -> None:
    for data in ["t:no_such_topic", "zz", "", "l:xx", "f:permit_renew:x", "a:nowhere"]:
        turn = brain.engine.handle(UserState(language="en"), ButtonInput(data))
        assert "no longer available" in turn.replies[0].text
        assert turn.replies[0].buttons


def test_deep_link_opens_topic(brain: Brain) -> None:
    turn = brain.engine.handle(UserState(), CommandInput("start", "permit_renew"), "vi")
    assert turn.state.last_topic == "permit_renew"
    assert turn.language == "vi"


def test_forget_resets_state(brain: Brain) -> None:
    turn = brain.engine.handle(UserState(language="th", last_topic="x"), CommandInput("forget"))
    assert turn.state == UserState()
    assert [e.kind for e in turn.events] == ["forget"]


def test_feedback_event(brain: Brain) -> None:
    turn = brain.engine.handle(UserState(language="en"), ButtonInput("f:permit_renew:d"))
    assert turn.events[0].kind == "feedback" and turn.events[0].value == -1
    assert turn.notice


def test_unknown_command(brain: Brain) -> None:
    turn = brain.engine.handle(UserState(language="en"), CommandInput("frobnicate"))
    assert "do not know that command" in turn.replies[0].text


@pytest.mark.parametrize("lang", LANGS)
def test_buttons_keep_the_language_the_worker_wrote_in(brain: Brain, lang: str) -> None:
    """No language chosen: a reply in Burmese has buttons that answer in Burmese."""
    example = next(e for e in brain.content.texts[lang]["documents_held"].examples
                   if detect_language(e) == lang and len(e) > 8)
    turns = run(brain, [(example, None, []), ("#1", None, [])], client_language="en")
    assert turns[0].language == lang
    assert turns[1].language == lang
    assert turns[1].state.language is None  # nothing was "chosen" on the user's behalf
