"""The ``migrant-bot`` command: ``main`` parses arguments (main.py) and runs one
subcommand (commands.py)."""

from bot.cli.main import main

__all__ = ["main"]
