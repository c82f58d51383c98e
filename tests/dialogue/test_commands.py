"""Each command is declared once; dispatch, /help and the menus all follow the registry."""

from __future__ import annotations

import pytest

import bot.app  # noqa: F401  (registers the admin commands)
from bot.brain import Brain
from bot.dialogue import commands
from bot.dialogue.types import CommandInput, UserState


def test_every_public_command_is_answered_by_the_engine(brain: Brain) -> None:
    unknown = brain.engine.handle(UserState(), CommandInput("no_such_command"), "en")
    for spec in commands.public_commands():
        if spec.app:  # needs storage: answered by the application layer (tests/app)
            continue
        turn = brain.engine.handle(UserState(language="en"), CommandInput(spec.name))
        assert turn.replies and turn.replies[0].text != unknown.replies[0].text, spec.name


def test_admin_commands_never_reach_the_engine(brain: Brain) -> None:
    unknown = brain.engine.handle(UserState(), CommandInput("no_such_command"), "en")
    assert commands.admin_commands()
    for spec in commands.admin_commands():
        turn = brain.engine.handle(UserState(), CommandInput(spec.name), "en")
        assert turn.replies[0].text == unknown.replies[0].text


@pytest.mark.parametrize("lang", ["en", "th", "my", "km", "lo", "vi"])
def test_help_lists_the_registered_commands(brain: Brain, lang: str) -> None:
    text = brain.engine.handle(UserState(language=lang), CommandInput("help")).replies[0].text
    for spec in commands.public_commands():
        if spec.listed and spec.name not in ("start", "help"):
            assert f"/{spec.name}" in text, (lang, spec.name)
    for spec in commands.admin_commands():
        assert f"/{spec.name}" not in text
    assert "{commands}" not in text


def test_a_command_cannot_be_declared_twice() -> None:
    with pytest.raises(ValueError, match="declared twice"):
        commands.command("menu", "again")(lambda *args: None)
    with pytest.raises(ValueError, match="lower-case"):
        commands.command("Menu", "bad name")
