"""Every slash command, declared once, where its handler is written.

A handler carries its own row: ``@command("menu", N_("Show the main menu"))``
on the engine method that answers /menu, or ``admin=True`` on an application
function that needs storage (/stats). From these rows come the engine's
dispatch, the application's admin dispatch, ``/help``'s list and the command
menus a channel shows (Telegram's ``set_my_commands`` per language, the admin
menu for admins only). Adding a command is writing one decorated function.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

__all__ = ["CommandSpec", "admin_commands", "command", "lookup", "public_commands"]

F = TypeVar("F", bound=Callable[..., Any])


@dataclass(frozen=True)
class CommandSpec:
    """One command: its name (no slash), menu text, who may use it, and its handler."""

    name: str
    description: str  # marked with N_(); translated where a menu is shown
    handler: Callable[..., Any]
    admin: bool = False  # only for ADMIN_IDS, in a private chat; invisible to others
    listed: bool = True  # shown in command menus and /help
    app: bool = False  # run by the application layer (it needs storage), not the engine


_REGISTRY: dict[str, CommandSpec] = {}


def command(name: str, description: str, *, admin: bool = False,
            listed: bool = True, app: bool = False) -> Callable[[F], F]:
    """Declare the decorated function as the handler of ``/name``."""
    if not name.isascii() or not name.islower() or not name.replace("_", "").isalnum():
        raise ValueError(f"command names are lower-case letters, digits and _: {name!r}")

    def register(handler: F) -> F:
        if name in _REGISTRY:
            raise ValueError(f"/{name} is declared twice")
        _REGISTRY[name] = CommandSpec(name, description, handler, admin, listed,
                                      app or admin)
        return handler

    return register


def lookup(name: str) -> CommandSpec | None:
    return _REGISTRY.get(name)


def public_commands() -> list[CommandSpec]:
    """Everyone's commands, in the order they were declared (app commands once
    ``bot.app`` is imported)."""
    return [spec for spec in _REGISTRY.values() if not spec.admin]


def admin_commands() -> list[CommandSpec]:
    """Commands for ADMIN_IDS only (registered when ``bot.app`` is imported)."""
    return [spec for spec in _REGISTRY.values() if spec.admin]
