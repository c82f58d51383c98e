"""The command menus Telegram shows beside the text box, from the command registry.

Everyone gets the public commands in their language (one ``set_my_commands``
per content language, plus the default). Each admin also gets the admin
commands, in their private chat only, so others never see them.
"""

from __future__ import annotations

import logging

from telegram import Bot, BotCommand, BotCommandScopeChat
from telegram.error import TelegramError

from bot.brain import Brain
from bot.dialogue.commands import CommandSpec, admin_commands, public_commands

__all__ = ["command_list", "register_commands"]

log = logging.getLogger(__name__)


def command_list(brain: Brain, lang: str, *, admin: bool = False) -> list[BotCommand]:
    """The listed commands with descriptions translated into ``lang``."""
    specs: list[CommandSpec] = [c for c in public_commands() if c.listed]
    if admin:
        specs += [c for c in admin_commands() if c.listed]
    # Telegram allows 256 characters per description.
    return [BotCommand(c.name, brain.catalogs.gettext(lang, c.description)[:256])
            for c in specs]


async def register_commands(bot: Bot, brain: Brain, admin_ids: frozenset[int] = frozenset()
                            ) -> None:
    """set_my_commands for the default, each language and each admin; failures only log."""
    default = brain.content.default_language
    menus: list[tuple[str | None, list[BotCommand]]] = [(None, command_list(brain, default))]
    menus += [(lang, command_list(brain, lang)) for lang in brain.content.languages]
    for lang, commands in menus:
        try:
            await bot.set_my_commands(commands, language_code=lang)
        except TelegramError as exc:
            # A missing menu is cosmetic; the bot must still start.
            log.warning("could not set the command menu for %s: %s", lang or "default", exc)
    for admin_id in sorted(admin_ids):
        try:
            await bot.set_my_commands(command_list(brain, default, admin=True),
                                      scope=BotCommandScopeChat(admin_id))
        except TelegramError as exc:  # e.g. the admin never opened a chat with the bot
            log.warning("could not set the admin command menu for %d: %s", admin_id,
                        type(exc).__name__)
