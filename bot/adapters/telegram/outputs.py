"""Show an engine ``Turn`` on Telegram: new messages for answers, edits for menus.

Long texts are split with the core's ``split_message``; the buttons go on the
last part. An edit that Telegram refuses (message too old, deleted, or the
new text too long for one message) falls back to sending a new message.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from contextvars import ContextVar
from functools import lru_cache
from typing import Any

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, ReplyParameters
from telegram.error import BadRequest

from bot.adapters.telegram.split import split_message, telegram_length
from bot.content.render import MAX_MESSAGE
from bot.dialogue.types import Button, Reply, Turn

__all__ = ["MAX_MESSAGE", "RESULT_UNUSED", "Target", "keyboard", "send_text", "show_turn"]

log = logging.getLogger(__name__)

# True while a turn is shown: nothing reads the Message that sendMessage and
# editMessageText return, so the bot (intake.InboxBot) need not build it from
# the answer's JSON, which cost about as much as building the request.
RESULT_UNUSED: ContextVar[bool] = ContextVar("result_unused", default=False)


class Target:
    """Where replies go: a chat, maybe a forum thread, maybe a message to edit."""

    def __init__(self, chat_id: int, edit_message_id: int | None = None,
                 thread_id: int | None = None, reply_to: int | None = None) -> None:
        self.chat_id = chat_id
        self.edit_message_id = edit_message_id
        self.thread_id = thread_id
        self.reply_to = reply_to  # in groups, answer the message that asked


def keyboard(reply: Reply) -> InlineKeyboardMarkup | None:
    """The inline keyboard of a reply, or None when it has no buttons."""
    return _markup(reply.buttons) if reply.buttons else None


class _Keyboard(InlineKeyboardMarkup):
    """An inline keyboard that keeps its JSON form: python-telegram-bot converts a
    markup with ``to_dict`` on every request, a walk over every button."""

    __slots__ = ("_as_dict",)

    def __init__(self, inline_keyboard: Sequence[Sequence[InlineKeyboardButton]]) -> None:
        super().__init__(inline_keyboard)
        with self._unfrozen():
            self._as_dict = super().to_dict()

    def to_dict(self, recursive: bool = True) -> dict[str, Any]:
        """The same as ``InlineKeyboardMarkup.to_dict``, built once (read it, never
        change it: it is shared by every request that shows this keyboard)."""
        return self._as_dict if recursive else super().to_dict(recursive)


# The same few hundred keyboards (menus, topics x languages) are shown again and
# again; Telegram objects are immutable, so one built markup can be reused.
@lru_cache(maxsize=2048)
def _markup(buttons: tuple[tuple[Button, ...], ...]) -> InlineKeyboardMarkup:
    return _Keyboard(
        [[InlineKeyboardButton(b.label, callback_data=b.data) for b in row]
         for row in buttons])


async def show_turn(bot: Bot, target: Target, turn: Turn) -> None:
    """Send or edit every reply of the turn, in order."""
    unused = RESULT_UNUSED.set(True)
    try:
        for reply in turn.replies:
            if reply.edit and target.edit_message_id is not None \
                    and await _edit(bot, target, reply):
                continue
            await _send(bot, target, reply)
            target.reply_to = None  # quote the question once, not under every part
    finally:
        RESULT_UNUSED.reset(unused)


async def _edit(bot: Bot, target: Target, reply: Reply) -> bool:
    """Edit the pressed message in place; False when a new message is needed."""
    if telegram_length(reply.text) > MAX_MESSAGE or target.edit_message_id is None:
        return False
    try:
        await bot.edit_message_text(reply.text, chat_id=target.chat_id,
                                    message_id=target.edit_message_id,
                                    reply_markup=keyboard(reply))
    except BadRequest as exc:
        if "not modified" in exc.message.lower():
            return True  # the same menu pressed twice: nothing to change
        log.info("cannot edit message (%s); sending a new one", exc.message)
        return False
    return True


async def send_text(bot: Bot, target: Target, text: str) -> None:
    """One plain message (a notice) to the target, sent like any answer."""
    await _send(bot, target, Reply(text))


async def _send(bot: Bot, target: Target, reply: Reply) -> None:
    """Send the reply as one or more messages; buttons on the last part."""
    parts = split_message(reply.text, MAX_MESSAGE)
    for number, part in enumerate(parts, start=1):
        last = number == len(parts)
        quote = ReplyParameters(target.reply_to, allow_sending_without_reply=True) \
            if target.reply_to is not None and number == 1 else None
        await bot.send_message(target.chat_id, part,
                               reply_markup=keyboard(reply) if last else None,
                               message_thread_id=target.thread_id,
                               reply_parameters=quote)
