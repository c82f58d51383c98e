"""The error handler: log the failure (never the message text), tell the user kindly.

The user gets ``ERROR_MESSAGE`` in their language, never silence and never a
stack trace. A user who blocked the bot is marked inactive instead. Callback
queries are answered by their handler on every path, so not here.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Coroutine
from typing import Any

from telegram import Update
from telegram.error import Forbidden, TelegramError
from telegram.ext import ContextTypes

from bot.app import BotService, UserRef

__all__ = ["make_error_handler"]

log = logging.getLogger(__name__)

ErrorHandler = Callable[[object, ContextTypes.DEFAULT_TYPE], Coroutine[Any, Any, None]]


def make_error_handler(service: BotService) -> ErrorHandler:
    """An error handler bound to the service (for the user's language)."""

    async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        error = context.error
        if error is not None:
            service.metrics.record_error(error)
        if not isinstance(update, Update):
            # Polling and job errors have no user to tell.
            log.error("error outside an update: %s", type(error).__name__, exc_info=error)
            return
        user = update.effective_user
        chat = update.effective_chat
        if isinstance(error, Forbidden):
            if user is not None and chat is not None and chat.id == user.id:
                await service.user_blocked(user.id)
            return
        # The update id, not the update: the update holds the user's text.
        log.error("error while handling update %d: %s", update.update_id,
                  type(error).__name__, exc_info=error)
        if chat is None:
            return
        sender = UserRef(user.id, user.language_code) if user is not None else UserRef(0)
        text = await service.error_text(sender)
        try:
            await context.bot.send_message(chat.id, text)
        except TelegramError as exc:
            log.warning("could not send the error message: %s", type(exc).__name__)

    return on_error
