"""Properties of the dialogue engine and the callback codec, over any input.

Whatever a worker types, whatever command or forged button payload arrives, in
whatever remembered state and client language, the engine answers with
something Telegram accepts: non-empty HTML it can parse, buttons whose payload
decodes and fits in 64 bytes, in one of the content languages.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.brain import Brain
from bot.content.markup import html_problems
from bot.content.tree import INTENT_IDS
from bot.dialogue import callbacks, commands
from bot.dialogue.callbacks import MAX_CALLBACK_BYTES, Action
from bot.dialogue.types import (
    DANGER_OUTCOME,
    ButtonInput,
    CommandInput,
    Input,
    NonTextInput,
    TextInput,
    Turn,
    UserState,
)

ENGINE = settings(max_examples=250, deadline=None)
CODEC = settings(max_examples=400, deadline=None)

KINDS = ("menu", "area", "topic", "languages", "set_language", "emergency", "feedback", "more",
         "remind", "remind_confirm", "reminders", "remind_delete", "human", "handoff")
# Admin commands are declared in bot/app/admin.py; they must never reach the engine.
ADMIN_COMMANDS = ("reload", "stats", "unmatched")
OUTCOMES = ("answer", "did_you_mean", "fallback", DANGER_OUTCOME)
STALE = "Sorry, that button is no longer available. Here is the menu:"
# Text that would break Telegram's HTML or look like a content placeholder if echoed.
TRAPS = ("{", "}", "{contact:doe}", "{phone:x}", "{reviewed}", "<b>", "</i>", "<", ">", "&",
         "&amp;", "<a href='x'>", "0812345678", "a.b@example.com", "https://t.me/x", "👍🏽",
         "\u200b", "\x00", "ျမန္မာ", "\u0301")
junk = st.text(max_size=30)


@dataclass(frozen=True)
class World:
    """Strategies for everything the engine can be handed, drawn from the content."""

    states: st.SearchStrategy[UserState]
    clients: st.SearchStrategy[str | None]
    texts: st.SearchStrategy[str]
    inputs: st.SearchStrategy[Input]


@pytest.fixture(scope="module")
def world(brain: Brain) -> World:
    content = brain.content
    langs = list(content.languages)
    topics = sorted(content.topics)
    ids = st.sampled_from([*topics, *content.areas, *langs, *INTENT_IDS, "emergency", "u", "d"])
    states = st.builds(UserState,
                       language=st.one_of(st.none(), st.sampled_from(langs), junk),
                       last_topic=st.one_of(st.none(), st.sampled_from(topics), junk))
    clients = st.one_of(st.none(), st.sampled_from(langs),
                        st.sampled_from(["my-MM", "th_TH", "km-KH", "lo", "vi-VN", "en-US",
                                         "zh-hans", "pt-br", "", "-", "_", "x-", "--"]),
                        junk)
    examples = sorted({e.text for e in brain.matcher.index.entries})
    # Danger signals as a worker would type them: gaps left out, an age filled in.
    signals = sorted({s.replace(" * ", " ").replace("*", "").replace("{age}", "12")
                      for texts in content.danger_texts.values()
                      for text in texts.values() for s in text.signals})
    piece = st.one_of(st.sampled_from(examples), st.sampled_from(signals),
                      st.sampled_from(TRAPS), st.text(max_size=30))
    texts = st.one_of(st.text(), st.lists(piece, min_size=1, max_size=4).map(" ".join),
                      st.text(min_size=1, max_size=20).map(lambda s: s * 100))

    def payload(kind: str, arg: str, extra: str, lang: str) -> str:
        try:
            return callbacks.encode(kind, arg, extra, lang)
        except ValueError:  # over 64 bytes: only a forger would send it, as junk
            return f"{kind[0]}:{arg}:{extra}@{lang}"

    buttons = st.one_of(
        st.builds(payload, st.sampled_from(KINDS), st.one_of(ids, junk),
                  st.one_of(st.sampled_from(["", "u", "d"]), junk),
                  st.one_of(st.just(""), st.sampled_from(langs), junk)),
        junk)
    names = st.one_of(st.sampled_from([c.name for c in commands.public_commands()]),
                      st.sampled_from(ADMIN_COMMANDS), junk)
    inputs: st.SearchStrategy[Input] = st.one_of(
        st.builds(TextInput, texts),
        st.builds(CommandInput, names, st.one_of(st.just(""), ids, junk)),
        st.builds(ButtonInput, buttons),
        st.builds(NonTextInput, st.one_of(st.sampled_from(["sticker", "photo", "voice"]), junk)),
    )
    return World(states, clients, texts, inputs)


def check_turn(brain: Brain, before: UserState, turn: Turn) -> None:
    content = brain.content
    assert turn.replies or turn.notice
    assert turn.language in content.languages
    if turn.notice is not None:
        assert turn.notice.strip()
    for reply in turn.replies:
        assert reply.text.strip()
        # Content placeholders are all filled in (the engine never echoes what was typed).
        assert "{" not in reply.text, reply.text
        assert html_problems(reply.text) == [], reply.text
        for row in reply.buttons:
            assert row
            for button in row:
                assert button.label.strip()
                assert "{" not in button.label
                assert len(button.data.encode()) <= MAX_CALLBACK_BYTES
                assert callbacks.decode(button.data) is not None, button
    # The state changes only to values from the content (or back to nothing: /forget).
    if turn.state.language != before.language:
        assert turn.state.language in (None, *content.languages)
    if turn.state.last_topic != before.last_topic:
        assert turn.state.last_topic in (None, *content.topics)
    for event in turn.events:
        if event.kind == "matched":
            assert event.outcome in OUTCOMES
        if event.kind == "danger":
            assert event.topic in [c.id for c in content.danger_categories]
        if event.text is not None:  # kept for editors: short, and redacted
            assert len(event.text) <= 200
            assert not re.search(r"\d{6,}", event.text), event.text


@ENGINE
@given(data=st.data())
def test_every_turn_is_one_telegram_accepts(brain: Brain, world: World,
                                            data: st.DataObject) -> None:
    state = data.draw(world.states)
    turn = brain.engine.handle(state, data.draw(world.inputs), data.draw(world.clients))
    check_turn(brain, state, turn)


@ENGINE
@given(data=st.data())
def test_typed_text_of_any_kind_is_answered(brain: Brain, world: World,
                                            data: st.DataObject) -> None:
    """Text inputs on their own (examples, danger signals, traps), the most common case."""
    state = data.draw(world.states)
    turn = brain.engine.handle(state, TextInput(data.draw(world.texts)),
                               data.draw(world.clients))
    check_turn(brain, state, turn)
    matched = [e for e in turn.events if e.kind == "matched"]
    assert len(matched) == 1


@ENGINE
@given(data=st.data())
def test_every_button_the_bot_shows_works(brain: Brain, world: World,
                                          data: st.DataObject) -> None:
    """Pressing any button of any reply gives a proper turn, never "no longer available"."""
    state, client = data.draw(world.states), data.draw(world.clients)
    turn = brain.engine.handle(state, data.draw(world.inputs), client)
    pressed = [b for reply in turn.replies for row in reply.buttons for b in row]
    if not pressed:
        return
    button = data.draw(st.sampled_from(pressed))
    after = brain.engine.handle(turn.state, ButtonInput(button.data), client)
    check_turn(brain, turn.state, after)
    stale = brain.catalogs.get(after.language).gettext(STALE)
    assert not any(reply.text == stale for reply in after.replies), button


@ENGINE
@given(data=st.data(), marker=st.from_regex(r"qz[a-z0-9]{10}", fullmatch=True))
def test_what_a_worker_typed_is_never_shown_back(brain: Brain, world: World,
                                                 data: st.DataObject, marker: str) -> None:
    before, after = data.draw(world.texts), data.draw(world.texts)
    turn = brain.engine.handle(data.draw(world.states), TextInput(f"{before} {marker} {after}"),
                               data.draw(world.clients))
    for reply in turn.replies:
        assert marker not in reply.text
        assert all(marker not in b.label and marker not in b.data
                   for row in reply.buttons for b in row)


# -- the callback codec ----------------------------------------------------------------

# What encode can carry back intact: an argument without ':' or '@' (the separators),
# an extra without '@' (it may hold ':'), only after an argument; any language tag.
args = st.text(st.characters(exclude_categories=["Cs"], exclude_characters=":@"), max_size=70)
extras = st.text(st.characters(exclude_categories=["Cs"], exclude_characters="@"), max_size=20)


@CODEC
@given(kind=st.sampled_from(KINDS), arg=args, extra=extras, lang=st.text(max_size=20))
def test_encode_then_decode_gives_back_the_action(kind: str, arg: str, extra: str,
                                                  lang: str) -> None:
    if not arg:
        extra = ""
    size = 1 + sum(1 + len(part.encode()) for part in (arg, extra, lang) if part)
    if size > MAX_CALLBACK_BYTES:
        with pytest.raises(ValueError):
            callbacks.encode(kind, arg, extra, lang)
        return
    data = callbacks.encode(kind, arg, extra, lang)
    assert len(data.encode()) == size
    assert callbacks.decode(data) == Action(kind, arg, extra, lang)


@CODEC
@given(data=st.one_of(
    st.none(), st.text(),
    st.builds(str.__add__, st.sampled_from([*"maLtlhfx", "", "M", "T", "@", ":"]),
              st.text(st.sampled_from(":@ab_ไทย👍\x00"), max_size=80))))
def test_decode_of_anything_is_none_or_a_known_action(data: str | None) -> None:
    action = callbacks.decode(data)
    if action is None:
        return
    assert data is not None and len(data.encode()) <= MAX_CALLBACK_BYTES
    assert action.kind in KINDS
    assert ":" not in action.arg and "@" not in action.arg and "@" not in action.extra
