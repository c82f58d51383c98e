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

from bot.adapters.telegram.services import Services
from bot.dialogue.types import UserState
from bot.i18n.ui import ERROR_MESSAGE

__all__ = ["make_error_handler", "user_language"]

log = logging.getLogger(__name__)

ErrorHandler = Callable[[object, ContextTypes.DEFAULT_TYPE], Coroutine[Any, Any, None]]


def make_error_handler(services: Services) -> ErrorHandler:
    """An error handler bound to the services (for the user's language)."""

    async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        error = context.error
        if error is not None:
            services.metrics.record_error(error)
        if not isinstance(update, Update):
            # Polling and job errors have no user to tell.
            log.error("error outside an update: %s", type(error).__name__, exc_info=error)
            return
        user = update.effective_user
        chat = update.effective_chat
        if isinstance(error, Forbidden):
            if user is not None and chat is not None and chat.id == user.id:
                await services.sessions.mark_inactive(user.id)
                log.info("user %d has blocked the bot; marked inactive", user.id)
            return
        # The update id, not the update: the update holds the user's text.
        log.error("error while handling update %d: %s", update.update_id,
                  type(error).__name__, exc_info=error)
        if chat is None:
            return
        lang = await user_language(services, update)
        text = services.brain.catalogs.gettext(lang, ERROR_MESSAGE)
        try:
            await context.bot.send_message(chat.id, text)
        except TelegramError as exc:
            log.warning("could not send the error message: %s", type(exc).__name__)

    return on_error


async def user_language(services: Services, update: Update) -> str:
    """The user's chosen language, else their client's, else the default."""
    user = update.effective_user
    stored: str | None = None
    if user is not None:
        try:
            record = await services.sessions.record(user.id)
            stored = record.language if record else None
        except Exception:  # storage may be what failed; the message still goes out
            stored = None
    client = user.language_code if user else None
    return services.brain.engine.reply_language(UserState(language=stored), None, client)
