"""The conversation handlers: update → input → ``BotService.handle`` → the turn shown.

Translation only: everything a turn needs (the user's lock, state, engine,
events, /forget, flood limits, admin commands, metrics) is the application
layer's (bot/app/service.py). Callback queries are always answered, even when
the turn fails, so the button's spinner stops.
"""

from __future__ import annotations

import logging
from typing import Any

from telegram import CallbackQuery, Message, Update, User
from telegram.constants import ChatMemberStatus, ChatType
from telegram.error import Forbidden, TelegramError
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    ChatMemberHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from bot.adapters.telegram.errors import make_error_handler
from bot.adapters.telegram.inputs import is_private, to_input, user_ref
from bot.adapters.telegram.outputs import Target, show_turn
from bot.adapters.telegram.staff import message_ref
from bot.app import BotService, UserUnreachable
from bot.dialogue.types import ButtonInput, Turn

__all__ = ["Conversation", "register_handlers"]

log = logging.getLogger(__name__)

Context = ContextTypes.DEFAULT_TYPE


class Conversation:
    """The handlers PTB calls; all state lives in the ``BotService``."""

    def __init__(self, service: BotService) -> None:
        self.service = service

    async def on_message(self, update: Update, context: Context) -> None:
        """A message in a private chat or a group (commands, text, attachments)."""
        message, user = update.message, update.effective_user
        if message is None or user is None:
            return
        bot = context.bot
        message_input = to_input(message, bot.username, bot.id)
        if message_input is None:
            return
        private = is_private(message)
        target = Target(message.chat_id,
                        thread_id=message.message_thread_id if message.is_topic_message
                        else None,
                        reply_to=None if private else message.message_id)

        async def deliver(turn: Turn) -> None:
            await _show(context, target, turn, private)

        # In a private chat the message may belong to a hand-off case: the application
        # layer may have it copied to the caseworkers (bot/adapters/telegram/staff.py).
        # Only a bot with a staff desk reads it (its HTML costs a walk of the entities).
        ref = message_ref(message) if private and self.service.handoff is not None else None
        await self.service.handle(user_ref(user, private), message_input, deliver, ref=ref)

    async def on_callback(self, update: Update, context: Context) -> None:
        """A button press: menu navigation edits the message, answers arrive as new ones."""
        query, user = update.callback_query, update.effective_user
        if query is None or user is None:
            return
        target = _callback_target(query, user)
        private = target.chat_id == user.id
        answered = False

        async def deliver(turn: Turn) -> None:
            nonlocal answered
            await _answer(query, turn.notice)
            answered = True
            await _show(context, target, turn, private)

        try:
            await self.service.handle(user_ref(user, private), ButtonInput(query.data or ""),
                                      deliver)
        finally:
            if not answered:
                await _answer(query, None)  # stop the spinner; the error handler explains

    async def on_my_chat_member(self, update: Update, context: Context) -> None:
        """A user blocked (or unblocked) the bot in their private chat."""
        change = update.my_chat_member
        if change is None or change.chat.type != ChatType.PRIVATE:
            return
        if change.new_chat_member.status == ChatMemberStatus.BANNED:
            await self.service.user_blocked(change.from_user.id)


async def _show(context: Context, target: Target, turn: Turn, private: bool) -> None:
    """Show the turn; a user who blocked the bot is reported, not retried."""
    try:
        await show_turn(context.bot, target, turn)
    except Forbidden as exc:
        if private:
            raise UserUnreachable from exc
        log.info("cannot write to chat %d any more (removed from the group?)", target.chat_id)


def _callback_target(query: CallbackQuery, user: User) -> Target:
    """Edit the message that carried the button; without one, write to the user."""
    message = query.message
    if message is None:  # a button under an inline-mode message: no chat to edit in
        return Target(user.id)
    thread = message.message_thread_id if isinstance(message, Message) \
        and message.is_topic_message else None
    return Target(message.chat.id, edit_message_id=message.message_id, thread_id=thread)


async def _answer(query: CallbackQuery, notice: str | None) -> None:
    """Answer the callback query; an expired query is not worth an error message."""
    try:
        await query.answer(notice)
    except TelegramError as exc:
        log.info("could not answer a callback query: %s", type(exc).__name__)


def register_handlers(app: Application[Any, Any, Any, Any, Any, Any],
                      service: BotService) -> None:
    """Attach the conversation handlers and the error handler to the application."""
    conversation = Conversation(service)
    # UpdateType.MESSAGE: edited messages and channel posts are not answered.
    app.add_handler(MessageHandler(
        filters.UpdateType.MESSAGE & (filters.ChatType.PRIVATE | filters.ChatType.GROUPS),
        conversation.on_message))
    app.add_handler(CallbackQueryHandler(conversation.on_callback))
    app.add_handler(ChatMemberHandler(conversation.on_my_chat_member,
                                      ChatMemberHandler.MY_CHAT_MEMBER))
    app.add_error_handler(make_error_handler(service))
