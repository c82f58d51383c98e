"""Telegram's command menus are built from the command registry."""

from __future__ import annotations

import bot.app  # noqa: F401  (registers the admin commands)
from bot.adapters.telegram.commands import command_list
from bot.brain import Brain
from bot.dialogue import commands


def test_menus_come_from_the_registry(brain: Brain) -> None:
    public = [c.command for c in command_list(brain, "th")]
    assert public == [c.name for c in commands.public_commands() if c.listed]
    admin = [c.command for c in command_list(brain, "en", admin=True)]
    assert admin == public + [c.name for c in commands.admin_commands()]
    # Descriptions are translated where they are shown.
    [menu] = [c for c in command_list(brain, "th") if c.command == "menu"]
    assert menu.description != "Show the main menu"
