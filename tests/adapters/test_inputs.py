"""Telegram messages to engine inputs: commands, mentions in groups, attachments."""

from __future__ import annotations

from typing import Any

import pytest
from telegram import Message, Update

from bot.adapters.telegram.inputs import to_input
from bot.dialogue.types import CommandInput, Input, NonTextInput, TextInput
from tests.fakes.updates import Updates

BOT = "migrant_test_bot"
BOT_ID = 7000001
GROUP = Updates.chat(-100555, "supergroup")


def message(text: str | None, *, chat: dict[str, Any] | None = None, **extra: Any) -> Message:
    update = Update.de_json({"update_id": 1, **Updates().message(42, text, chat=chat,
                                                                   **extra)}, None)
    assert update is not None and update.message is not None
    return update.message


def convert(text: str | None, **kwargs: Any) -> Input | None:
    return to_input(message(text, **kwargs), BOT, BOT_ID)


@pytest.mark.parametrize("text,expected", [
    ("hello", TextInput("hello")),
    ("/start", CommandInput("start")),
    ("/start permit_renew", CommandInput("start", "permit_renew")),
    ("/START@Migrant_Test_Bot  permit_renew ", CommandInput("start", "permit_renew")),
    ("/menu@some_other_bot", None),
    ("<b>not html</b>", TextInput("<b>not html</b>")),
])
def test_private_chat(text: str, expected: Input | None) -> None:
    assert convert(text) == expected


@pytest.mark.parametrize("text,expected", [
    ("renew work permit", None),
    ("/menu", CommandInput("menu")),
    ("/menu@migrant_test_bot", CommandInput("menu")),
    ("/menu@other_bot", None),
    ("@migrant_test_bot renew work permit", TextInput("renew work permit")),
    ("renew @MIGRANT_TEST_BOT work permit", TextInput("renew work permit")),
    ("😀🇹🇭 @migrant_test_bot ຕໍ່ໃບອະນຸຍາດ", TextInput("😀🇹🇭 ຕໍ່ໃບອະນຸຍາດ")),
    ("@migrant_test_bot", CommandInput("menu")),
    ("@someone_else hello", None),
])
def test_group_chat_answers_commands_and_mentions_only(text: str,
                                                       expected: Input | None) -> None:
    assert convert(text, chat=GROUP) == expected


def test_a_text_mention_of_the_bot_counts() -> None:
    text = "Bot please: wages"
    entity = {"type": "text_mention", "offset": 0, "length": 3,
              "user": {"id": BOT_ID, "is_bot": True, "first_name": "Bot"}}
    assert convert(text, chat=GROUP, entities=[entity]) == TextInput("please: wages")


def test_an_entity_that_splits_an_emoji_does_not_raise() -> None:
    """Offsets are UTF-16 code units; a client (or a forger) may cut a surrogate pair."""
    text = "😀@migrant_test_bot wages"
    for offset, length in [(0, 1), (1, 1), (1, 30), (40, 5)]:
        split = {"type": "mention", "offset": offset, "length": length}
        result = convert(text, chat=GROUP, entities=[split])
        assert result is None or isinstance(result, (TextInput, CommandInput))
    command = {"type": "bot_command", "offset": 0, "length": 2}
    assert isinstance(convert("/😀 hi", entities=[command]), (CommandInput, type(None)))


PHOTO = [{"file_id": "p", "file_unique_id": "u", "width": 1, "height": 1}]


def test_attachments() -> None:
    assert convert(None, photo=PHOTO) == NonTextInput("photo")
    assert convert(None, location={"latitude": 1.0, "longitude": 2.0}) == \
        NonTextInput("location")
    assert convert(None, voice={"file_id": "v", "file_unique_id": "u", "duration": 1}) == \
        NonTextInput("voice")
    assert convert(None, photo=PHOTO, caption="my permit") == TextInput("my permit")
    assert convert(None, photo=PHOTO, chat=GROUP) is None
    assert convert(None) is None, "a message with nothing we know is ignored"


def test_messages_from_bots_are_ignored() -> None:
    msg = message("hello")
    bot_message = Message.de_json({**msg.to_dict(), "from": {"id": 9, "is_bot": True,
                                                             "first_name": "B"}}, None)
    assert to_input(bot_message, BOT, BOT_ID) is None
