"""Engine behaviour added for safety: More, the emergency entry, rendered placeholders."""

from __future__ import annotations

import html
import re

import pytest

from bot.brain import Brain
from bot.content.render import SCREEN, visible_length
from bot.dialogue import callbacks
from bot.dialogue.types import ButtonInput, CommandInput, TextInput, UserState

LANGS = ("en", "th", "my", "km", "lo", "vi")


def buttons(reply: object) -> list[tuple[str, str]]:
    return [(b.label, b.data) for row in reply.buttons for b in row]  # type: ignore[attr-defined]


@pytest.mark.parametrize("lang", LANGS)
def test_every_answer_fits_one_screen_and_more_holds_the_rest(brain: Brain, lang: str) -> None:
    """As Telegram counts it, with every placeholder filled in the reader's language."""
    for topic_id in brain.content.topics:
        turn = brain.engine.handle(UserState(language=lang),
                                   ButtonInput(callbacks.encode("topic", topic_id, lang=lang)))
        [reply] = turn.replies
        assert visible_length(reply.text) <= SCREEN, (lang, topic_id)
        assert "{" not in reply.text, (lang, topic_id)  # no placeholder left unfilled
        more = [d for _, d in buttons(reply) if callbacks.decode(d).kind == "more"]  # type: ignore[union-attr]
        text = brain.content.topic_text(lang, topic_id)
        assert text is not None
        assert bool(more) == (text.more is not None), (lang, topic_id)
        if more:
            [detail] = brain.engine.handle(UserState(language=lang), ButtonInput(more[0])).replies
            assert "{" not in detail.text
            assert visible_length(detail.text) <= 4096


def test_more_of_an_unknown_topic_is_a_polite_menu(brain: Brain) -> None:
    turn = brain.engine.handle(UserState(language="en"), ButtonInput("x:no_such_topic@en"))
    assert "no longer available" in turn.replies[0].text


def test_emergency_entry_of_the_menu_opens_the_numbers_in_one_tap(brain: Brain) -> None:
    menu = brain.engine.handle(UserState(language="en"), CommandInput("menu")).replies[0]
    [emergency] = [d for label, d in buttons(menu) if label == "Emergency"]
    reply = brain.engine.handle(UserState(language="en"), ButtonInput(emergency)).replies[0]
    assert "191" in reply.text and "1669" in reply.text
    # ...with the urgent topics (topics.yaml 'urgent: true') offered first.
    offered = [callbacks.decode(d).arg for _, d in buttons(reply)  # type: ignore[union-attr]
               if callbacks.decode(d).kind == "topic"]  # type: ignore[union-attr]
    urgent = [t for t in brain.content.urgent_topics() if t != "emergency"]
    assert offered[:len(urgent)] == urgent


def test_topic_placeholders_show_real_titles(brain: Brain) -> None:
    reply = brain.engine.handle(UserState(language="en"), ButtonInput("t:wages_unpaid@en"))
    shown = reply.replies[0].text
    more = [d for _, d in buttons(reply.replies[0]) if d.startswith("x:")]
    if more:
        shown += brain.engine.handle(UserState(language="en"), ButtonInput(more[0])).replies[0].text
    quoted = re.findall(r"“([^”]+)”", html.unescape(shown))
    titles = {brain.content.topic_title("en", t) for t in brain.content.topics}
    assert quoted and set(quoted) <= titles


@pytest.mark.parametrize("lang", LANGS)
def test_privacy_says_what_is_stored(brain: Brain, lang: str) -> None:
    text = brain.engine.handle(UserState(language=lang), CommandInput("privacy")).replies[0].text
    assert "90" in text and "/forget" in text


def test_danger_is_never_a_did_you_mean(brain: Brain) -> None:
    turn = brain.engine.handle(UserState(language="en"), TextInput("help he beat me"))
    assert [e.outcome for e in turn.events if e.kind == "matched"] == ["danger"]


@pytest.mark.parametrize("lang", LANGS)
def test_unsure_replies_carry_the_danger_numbers(brain: Brain, lang: str) -> None:
    """'Not understood' and 'did you mean' end with the safety line, rendered in the
    reader's language: one number for every danger category, in the text itself."""
    danger_numbers = [{brain.content.contacts[n].phone for n in c.numbers}
                      for c in brain.content.danger_categories]
    fallback = brain.engine.handle(UserState(language=lang), TextInput("qqq zzz xxx"))
    assert [e.outcome for e in fallback.events if e.kind == "matched"] == ["fallback"]
    unsure = [fallback.replies[0].text]
    for probe in ["permit", "money", "passport problem", "card", "help police"]:
        turn = brain.engine.handle(UserState(language=lang), TextInput(probe))
        if [e.outcome for e in turn.events if e.kind == "matched"] == ["did_you_mean"]:
            unsure.append(turn.replies[0].text)
            break
    assert len(unsure) == 2, "no probe gave a 'did you mean'"
    for text in unsure:
        assert "{" not in text
        for numbers in danger_numbers:
            assert any(n and n in text for n in numbers), (lang, numbers, text)


@pytest.mark.parametrize(("text", "script"), [
    ("boss ka nga ko yite nay tal, help", "\u1000-\u109f"),   # romanised Burmese: not vi
    ("nai jang dtee chan jon luead ok, chuay duay", "\u0e00-\u0e7f"),  # romanised Thai
    ("toi bi chong danh, cuu em voi", "\u1ea0-\u1ef9"),      # Vietnamese without marks
])
def test_danger_in_latin_letters_is_answered_in_the_language_of_its_signals(
        brain: Brain, text: str, script: str) -> None:
    """A worker who has not chosen a language and types Burmese or Thai in Latin
    letters: the words alone read as Vietnamese or nothing; the signals that fired
    name the language, and the numbers come in a script the worker can read."""
    turn = brain.engine.handle(UserState(), TextInput(text))
    assert [e.outcome for e in turn.events if e.kind == "matched"] == ["danger"]
    assert re.search(f"[{script}]", turn.replies[0].text)
    chosen = brain.engine.handle(UserState(language="en"), TextInput(text))
    assert not re.search(f"[{script}]", chosen.replies[0].text.split("Issara")[0])


def test_danger_inside_an_everyday_question_offers_that_question_too(brain: Brain) -> None:
    text = "how do i change employer? my boss beats me every day"
    asked = brain.matcher.match("how do i change employer").topic
    assert asked is not None
    turn = brain.engine.handle(UserState(language="en"), TextInput(text))
    assert [e.outcome for e in turn.events if e.kind == "matched"] == ["danger"]
    [reply] = turn.replies
    assert "191" in reply.text
    offered = [callbacks.decode(d).arg for _, d in buttons(reply)  # type: ignore[union-attr]
               if callbacks.decode(d).kind == "topic"]  # type: ignore[union-attr]
    assert asked in offered and len(offered) <= 4
