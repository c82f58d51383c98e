"""Showing a Turn: long answers split with buttons last; edits and their fallbacks."""

from __future__ import annotations

from typing import Any

import pytest
from telegram.error import BadRequest

from bot.adapters.telegram.outputs import MAX_MESSAGE, Target, keyboard, show_turn
from bot.dialogue.types import Button, Reply, Turn, UserState

BUTTONS = ((Button("👍", "f:x:u"), Button("👎", "f:x:d")), (Button("Menu", "m"),))


class StubBot:
    """Records send/edit calls; can refuse edits."""

    def __init__(self, edit_error: Exception | None = None) -> None:
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.edit_error = edit_error

    async def send_message(self, chat_id: int, text: str, **kwargs: Any) -> None:
        self.calls.append(("send", {"chat_id": chat_id, "text": text, **kwargs}))

    async def edit_message_text(self, text: str, **kwargs: Any) -> None:
        self.calls.append(("edit", {"text": text, **kwargs}))
        if self.edit_error is not None:
            raise self.edit_error


def turn(*replies: Reply) -> Turn:
    return Turn(list(replies), UserState(), "en")


async def test_a_long_answer_is_split_with_buttons_on_the_last_part() -> None:
    paragraph = "• " + "word " * 150 + "\n\n"
    text = "<b>Title</b>\n\n" + paragraph * 20
    assert len(text) > 2 * MAX_MESSAGE
    bot = StubBot()
    await show_turn(bot, Target(5), turn(Reply(text, BUTTONS)))  # type: ignore[arg-type]
    sends = [kw for kind, kw in bot.calls if kind == "send"]
    assert len(sends) >= 3
    assert all(len(kw["text"]) <= MAX_MESSAGE for kw in sends)
    assert [kw["reply_markup"] is not None for kw in sends] == [False] * (len(sends) - 1) + [True]
    assert "".join(kw["text"] for kw in sends).replace("\n", "").replace(" ", "") == \
        text.replace("\n", "").replace(" ", "")


async def test_menu_navigation_edits_in_place() -> None:
    bot = StubBot()
    await show_turn(bot, Target(5, edit_message_id=9),  # type: ignore[arg-type]
                    turn(Reply("menu", BUTTONS, edit=True)))
    [(kind, kw)] = bot.calls
    assert kind == "edit" and kw["message_id"] == 9 and kw["chat_id"] == 5
    assert kw["reply_markup"] == keyboard(Reply("menu", BUTTONS))


async def test_an_answer_to_a_button_is_a_new_message() -> None:
    bot = StubBot()
    await show_turn(bot, Target(5, edit_message_id=9), turn(Reply("answer")))  # type: ignore[arg-type]
    assert [kind for kind, _ in bot.calls] == ["send"]


@pytest.mark.parametrize("error,then_sent", [
    (BadRequest("Message can't be edited"), True),
    (BadRequest("Message to edit not found"), True),
    (BadRequest("Message is not modified: specified new message content and reply markup "
                "are exactly the same"), False),
])
async def test_a_refused_edit_falls_back_to_a_new_message(error: Exception,
                                                          then_sent: bool) -> None:
    bot = StubBot(edit_error=error)
    await show_turn(bot, Target(5, edit_message_id=9),  # type: ignore[arg-type]
                    turn(Reply("menu", BUTTONS, edit=True)))
    assert [kind for kind, _ in bot.calls] == (["edit", "send"] if then_sent else ["edit"])


async def test_an_edit_too_long_for_one_message_is_sent_instead() -> None:
    bot = StubBot()
    await show_turn(bot, Target(5, edit_message_id=9),  # type: ignore[arg-type]
                    turn(Reply("x " * MAX_MESSAGE, BUTTONS, edit=True)))
    assert [kind for kind, _ in bot.calls] == ["send", "send"]


async def test_in_groups_the_first_part_quotes_the_question() -> None:
    bot = StubBot()
    await show_turn(bot, Target(-100, reply_to=77),  # type: ignore[arg-type]
                    turn(Reply("one"), Reply("two")))
    quotes = [kw["reply_parameters"] for _, kw in bot.calls]
    assert quotes[0].message_id == 77 and quotes[1] is None


def test_no_buttons_no_keyboard() -> None:
    assert keyboard(Reply("text")) is None
    markup = keyboard(Reply("text", BUTTONS))
    assert markup is not None
    assert [[b.callback_data for b in row] for row in markup.inline_keyboard] == \
        [["f:x:u", "f:x:d"], ["m"]]
