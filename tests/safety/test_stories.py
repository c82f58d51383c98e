"""Story words: a message that tells of a film, a drama or a video game only makes
the violence and trafficking signals doubted; self-harm and injuries always count."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.brain import Brain
from bot.dialogue.types import TextInput, UserState
from bot.matching.normalize import normalize
from bot.safety.stories import StoryDoubt, story_word_problem

DATA = Path(__file__).resolve().parent.parent / "data"
DOUBTED = ("violence", "trafficking")


LAUGHTER = ["555", "haha", "lol", "😂", "=))", "ฮ่าๆ"]


@pytest.fixture(scope="module")
def stories() -> StoryDoubt:
    return StoryDoubt(["movie", "horror film", "ละคร", "ဂိမ်း"], DOUBTED, laughter=LAUGHTER)


@pytest.mark.parametrize(("text", "categories", "doubted"), [
    ("in the movie they sold the girl across the border", ["trafficking"], True),
    ("that horror film, he shot everyone", ["violence"], True),
    ("ละครเมื่อคืน พระเอกโดนตีหัว", ["violence"], True),           # unspaced: inside a word run
    ("ဂိမ်းထဲမှာ သတ်ခံရတယ်", ["violence"], True),
    # Exact words only: "movie" with one typo is "move", and this worker is in danger.
    ("they move us to another boat at night, we cannot go to land", ["trafficking"], False),
    ("a film about my boss? he films me in the shower", ["violence"], False),
    # Self-harm and injuries always count, story or not.
    ("after this movie i want to die", ["self_harm"], False),
    ("in the movie scene my friend fell from the roof, bleeding", ["medical", "violence"],
     False),
    ("my boss beat me", ["violence"], False),                        # no story word
    ("in the movie", [], False),                                       # nothing to doubt
])
def test_a_story_doubts_only_the_categories_it_may(stories: StoryDoubt, text: str,
                                                   categories: list[str],
                                                   doubted: bool) -> None:
    assert stories.doubts(text, normalize(text), categories) is doubted


@pytest.mark.parametrize(("text", "categories", "doubted"), [
    ("my wife will kill me if i forget her birthday again hahaha", ["violence"], True),
    ("boss say he sell me to the highest bidder lol", ["trafficking"], True),
    ("เพื่อนบอกจะขายผมให้สาวลาว 55555", ["trafficking"], True),
    ("เพื่อนบอกจะขายผมให้สาวลาว555", ["trafficking"], True),  # written against the word
    ("he is going to murder me 😂 i broke his phone", ["violence"], True),
    ("vo oi anh ve tre la em giet anh ha =)))", ["violence"], True),   # an emoticon
    ("เพื่อนจะขายฉันให้เถ้าแก่ ฮ่าๆๆ", ["trafficking"], True),
    # A number that holds 555 is no laugh; nor is a word that only starts like one.
    ("he beat me, call me back on 0815559999", ["violence"], False),
    ("the lollipop man beat me at the gate", ["violence"], False),
    # Self-harm and injuries count even with a laugh.
    ("haha i want to die", ["self_harm"], False),
    ("lol my friend fell from the scaffold, he is not moving", ["medical"], False),
])
def test_laughter_doubts_only_the_categories_it_may(stories: StoryDoubt, text: str,
                                                    categories: list[str],
                                                    doubted: bool) -> None:
    assert stories.doubts(text, normalize(text), categories) is doubted


@pytest.mark.parametrize(("word", "problem"), [
    ("movie", None),
    ("movie*", "words in this list match exactly: no '*' and no placeholders"),
    ("{age} film", "words in this list match exactly: no '*' and no placeholders"),
    ("!!", "a word in this list needs letters, not only punctuation"),
])
def test_story_word_problems(word: str, problem: str | None) -> None:
    assert story_word_problem(word) == problem


def test_a_film_told_gets_the_usual_answer_with_the_numbers(brain: Brain) -> None:
    """Doubted, not dismissed: no danger reply, but every number under the answer."""
    engine = brain.engine
    text = "we watched a thai film last night, the gang sold the girl to a fishing boat"
    assert engine.danger.detect(text) == ["trafficking"]
    turn = engine.handle(UserState(language="en"), TextInput(text))
    assert not [e for e in turn.events if e.kind == "danger"]
    first = turn.replies[0].text
    for contact in ("police", "prachabodi", "ambulance", "mental_health"):  # the safety line
        phone = engine.content.contacts[contact].phone
        assert phone and phone in first, contact
    real = engine.handle(UserState(language="en"), TextInput(
        "the broker sold me to a fishing boat, i cannot go to land"))
    assert [e.topic for e in real.events if e.kind == "danger"] == ["trafficking"]


def test_no_danger_message_of_the_dev_sets_is_doubted_by_a_story_a_laugh_or_a_lesson(
        brain: Brain) -> None:
    """Why stories and laughter may doubt: up to dev18 no danger message held a story
    word or laughed (2,244 of them). dev19 was written to: of its 90 danger messages,
    10 did ("haha everyone thinks I am fine but ..."): 8 of self-harm and injuries,
    which are never doubted, and 2 of trafficking that say it is real ("like a jail
    movie haha but real"), which are believed. Of 2,779 look-alikes, 495 held a story
    word or laughed. Lessons too (a class, a training, a history lesson): no danger
    message of dev to dev23 holds one ('volunteer' is none: volunteers report what
    they saw). A word added that a worker in danger writes ("song": Vietnamese
    'sống', to live) fails here."""
    stories = brain.engine.stories
    doubted = []
    for path in sorted(DATA.glob("danger_dev*.jsonl")):
        for row in map(json.loads, path.read_text(encoding="utf-8").splitlines()):
            if row["kind"] != "danger":
                continue
            # Asked as if the signals had found the message's own category.
            if stories.doubts(row["text"], normalize(row["text"]), [row["category"]]):
                doubted.append(f"{path.name}: {row['category']}")
    assert doubted == []


@pytest.mark.parametrize(("text", "doubted"), [
    ("its like a jail movie haha but real, they took my id card", False),
    ("i'm not joking lol, the broker sold me to the boat", False),
    ("เหมือนอยู่คุกในหนัง555 แต่จริงๆคือออกไปไหนไม่ได้", False),
    ("in the movie they sold the girl haha", True),        # a story, no word of reality
    ("this is not a movie, they sold me", True),           # 'not a movie' is no such word
])
def test_a_message_that_says_it_is_real_is_believed(text: str, doubted: bool) -> None:
    stories = StoryDoubt(["movie", "หนัง"], DOUBTED, laughter=LAUGHTER,
                         serious=["but real", "not joking", "แต่จริงๆคือ"])
    assert stories.doubts(text, normalize(text), ["trafficking"]) is doubted


@pytest.mark.parametrize(("text", "categories", "doubted"), [
    ("first aid class today, we learned how to stop the bleeding", ["medical"], True),
    ("history class: when did thailand abolish slavery", ["trafficking"], True),
    ("fell from a ladder last year, broke my leg, already healed, can i claim",
     ["medical"], True),
    # Self-harm is never doubted; a lesson word beside another category's signal neither.
    ("after the first aid class i want to die", ["self_harm"], False),
    ("first aid class, my friend collapsed, i want to die", ["medical", "self_harm"], False),
    ("my friend fell from the scaffold, he is not moving", ["medical"], False),  # no lesson
    ("first aid class? no, it is real, he is bleeding, not joking", ["medical"], False),
])
def test_a_lesson_doubts_only_the_categories_it_may(text: str, categories: list[str],
                                                   doubted: bool) -> None:
    """dev23: 7 of its 150 look-alikes were classes, trainings and history lessons."""
    stories = StoryDoubt(["movie"], DOUBTED, laughter=LAUGHTER, serious=["not joking"],
                         lessons=["first aid class", "history class", "already healed"],
                         lesson_categories=["medical", *DOUBTED])
    assert stories.doubts(text, normalize(text), categories) is doubted


def test_a_message_that_says_it_is_real_is_not_doubted_by_the_examples_either(
        brain: Brain) -> None:
    """The look-alike examples doubt nothing in a message that says it is real."""
    engine = brain.engine
    text = "its like a jail movie haha but real, the broker sold me to a fishing boat"
    found = engine.find_danger(text)
    assert found.categories == ["trafficking"] and not found.doubted
    joke = "its like a jail movie haha, the broker sold me to a fishing boat"
    assert engine.find_danger(joke).doubted
