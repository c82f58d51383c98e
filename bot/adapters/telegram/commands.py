"""The command menu Telegram shows beside the text box, in every content language."""

from __future__ import annotations

import logging

from telegram import Bot, BotCommand
from telegram.error import TelegramError

from bot.brain import Brain
from bot.i18n.ui import COMMANDS

__all__ = ["command_list", "register_commands"]

log = logging.getLogger(__name__)


def command_list(brain: Brain, lang: str) -> list[BotCommand]:
    """The bot's commands with descriptions translated into ``lang``."""
    # Telegram allows 256 characters per description.
    return [BotCommand(name, brain.catalogs.gettext(lang, description)[:256])
            for name, description in COMMANDS]


async def register_commands(bot: Bot, brain: Brain) -> None:
    """set_my_commands for the default and for each language; failures only log."""
    menus: list[tuple[str | None, list[BotCommand]]] = [
        (None, command_list(brain, brain.content.default_language))]
    menus += [(lang, command_list(brain, lang)) for lang in brain.content.languages]
    for lang, commands in menus:
        try:
            await bot.set_my_commands(commands, language_code=lang)
        except TelegramError as exc:
            # A missing menu is cosmetic; the bot must still start.
            log.warning("could not set the command menu for %s: %s", lang or "default", exc)
