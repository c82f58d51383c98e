"""The conversation: each update becomes an engine turn, stored and shown.

One user's turns are serialised by their session lock (state is read,
changed and written back; replies keep their order). Callback queries are
always answered, even when the turn fails, so the button's spinner stops.
"""

from __future__ import annotations

import logging
import time
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

from bot.adapters.telegram.admin import handle_admin_command
from bot.adapters.telegram.errors import make_error_handler, user_language
from bot.adapters.telegram.events import record_events
from bot.adapters.telegram.flood import Verdict
from bot.adapters.telegram.inputs import is_private, to_input
from bot.adapters.telegram.outputs import Target, send_text, show_turn
from bot.adapters.telegram.services import Services
from bot.dialogue.types import ButtonInput, CommandInput, Input, TextInput, Turn
from bot.i18n.ui import FLOOD_MESSAGE

__all__ = ["Conversation", "register_handlers"]

log = logging.getLogger(__name__)

Context = ContextTypes.DEFAULT_TYPE


class Conversation:
    """The handlers PTB calls; all state lives in ``Services``."""

    def __init__(self, services: Services) -> None:
        self.services = services

    async def on_message(self, update: Update, context: Context) -> None:
        """A message in a private chat or a group (commands, text, attachments)."""
        message, user = update.message, update.effective_user
        if message is None or user is None:
            return
        bot = context.bot
        message_input = to_input(message, bot.username, bot.id)
        if message_input is None:
            return
        target = Target(message.chat_id,
                        thread_id=message.message_thread_id if message.is_topic_message
                        else None,
                        reply_to=None if is_private(message) else message.message_id)
        if await self._over_limit(update, context, user, target=target):
            return
        if isinstance(message_input, CommandInput) and await handle_admin_command(
                self.services, bot, message, user, message_input):
            return
        async with self.services.sessions.lock(user.id):
            turn = await self._turn(user, message_input)
            await self._show(context, target, turn, user, is_private(message))

    async def on_callback(self, update: Update, context: Context) -> None:
        """A button press: menu navigation edits the message, answers arrive as new ones."""
        query, user = update.callback_query, update.effective_user
        if query is None or user is None:
            return
        if await self._over_limit(update, context, user, query=query):
            return
        target = _callback_target(query, user)
        answered = False
        try:
            async with self.services.sessions.lock(user.id):
                turn = await self._turn(user, ButtonInput(query.data or ""))
                await _answer(query, turn.notice)
                answered = True
                await self._show(context, target, turn, user, target.chat_id == user.id)
        finally:
            if not answered:
                await _answer(query, None)  # stop the spinner; the error handler explains

    async def on_my_chat_member(self, update: Update, context: Context) -> None:
        """A user blocked (or unblocked) the bot in their private chat."""
        change = update.my_chat_member
        if change is None or change.chat.type != ChatType.PRIVATE:
            return
        status = change.new_chat_member.status
        if status == ChatMemberStatus.BANNED:
            await self.services.sessions.mark_inactive(change.from_user.id)
            log.info("user %d blocked the bot; marked inactive", change.from_user.id)

    async def _over_limit(self, update: Update, context: Context, user: User, *,
                          query: CallbackQuery | None = None,
                          target: Target | None = None) -> bool:
        """True when the user is over their flood limit: told once, then ignored.

        The notice is the button's answer for a press (``query``), else a message to
        ``target`` (quoting the member's message in a group, like any answer)."""
        flood = self.services.flood
        if flood is None or self.services.is_admin(user.id):
            return False
        verdict = flood.check(user.id)
        if verdict is Verdict.ALLOW:
            return False
        self.services.metrics.record_flood(verdict.value)
        if verdict is Verdict.NOTICE:
            log.info("user %d is over the flood limit; their updates are paused", user.id)
            text = self.services.brain.catalogs.gettext(
                await user_language(self.services, update), FLOOD_MESSAGE)
            if query is not None:
                await _answer(query, text)
            elif target is not None:
                try:
                    await send_text(context.bot, target, text)
                except TelegramError as exc:  # a notice is not worth an error message
                    log.info("could not send the flood notice: %s", type(exc).__name__)
        elif query is not None:
            await _answer(query, None)  # stop the button's spinner, say nothing
        return True

    async def _turn(self, user: User, message_input: Input) -> Turn:
        """Run the engine on the stored state, record events, store the new state."""
        sessions = self.services.sessions
        started = time.perf_counter()
        state = await sessions.load(user.id)
        turn = self.services.brain.engine.handle(state, message_input, user.language_code)
        forgot = await record_events(sessions, user.id, turn.events, self.services.activity)
        if forgot:
            if self.services.flood is not None:
                self.services.flood.forget(user.id)
            # No id here: the log must not remember whom /forget was for.
            log.info("a user asked to be forgotten; their data was deleted")
        else:
            await sessions.save(user.id, turn.state)
        # Engine and storage only: sending is the Bot API's time, not ours.
        self.services.metrics.record_update(_kind(message_input),
                                            time.perf_counter() - started, turn.events)
        return turn

    async def _show(self, context: Context, target: Target, turn: Turn, user: User,
                    private: bool) -> None:
        """Show the turn; a user who blocked the bot is marked inactive, not retried."""
        try:
            await show_turn(context.bot, target, turn)
        except Forbidden:
            if private:
                await self.services.sessions.mark_inactive(user.id)
                log.info("user %d has blocked the bot; marked inactive", user.id)
            else:
                log.info("cannot write to chat %d any more (removed from the group?)",
                         target.chat_id)


def _kind(message_input: Input) -> str:
    """The metrics label of an input: text, command, button or other."""
    if isinstance(message_input, TextInput):
        return "text"
    if isinstance(message_input, CommandInput):
        return "command"
    if isinstance(message_input, ButtonInput):
        return "button"
    return "other"


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
                      services: Services) -> None:
    """Attach the conversation handlers and the error handler to the application."""
    conversation = Conversation(services)
    # UpdateType.MESSAGE: edited messages and channel posts are not answered.
    app.add_handler(MessageHandler(
        filters.UpdateType.MESSAGE & (filters.ChatType.PRIVATE | filters.ChatType.GROUPS),
        conversation.on_message))
    app.add_handler(CallbackQueryHandler(conversation.on_callback))
    app.add_handler(ChatMemberHandler(conversation.on_my_chat_member,
                                      ChatMemberHandler.MY_CHAT_MEMBER))
    app.add_error_handler(make_error_handler(services))
