"""``migrant-bot run`` with TELEGRAM_BOT_TOKEN set: wiring only.

Settings -> logging -> brain -> application -> ``serve`` (polling or webhook,
the HTTP server, the live lock, the signals). Problems a person can fix (a bad
setting, a database that cannot be opened or is in use by another bot, content
that does not load, a port that is taken) end with one line on stderr and exit
code 2, never a traceback.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from pathlib import Path

from telegram.error import InvalidToken, NetworkError

from bot.adapters.telegram.application import build_application
from bot.adapters.telegram.logs import configure_logging
from bot.adapters.telegram.runner import AlreadyRunning
from bot.adapters.telegram.serve import serve
from bot.brain import BrainHolder, ContentError, default_paths, load_brain
from bot.config import ConfigError, Settings, load_settings
from bot.reminders.schedule import parse_hours
from bot.storage import StorageError

__all__ = ["run_from_cli"]

log = logging.getLogger(__name__)


def run_from_cli(args: argparse.Namespace) -> int:
    """Run the Telegram bot until interrupted; return the process exit code."""
    try:
        settings = load_settings()
        settings.check_for_run()
        if not settings.shared_database:
            settings.ensure_database_folder()
    except ConfigError as exc:
        print(f"migrant-bot: {exc}", file=sys.stderr)
        return 2
    configure_logging(settings.log_level, settings.log_format,
                      secrets=[settings.token(), settings.secret_token() or "",
                               settings.database() if settings.shared_database else ""])
    holder = _load_brain(args, settings)
    if holder is None:
        return 2
    app = build_application(settings, holder)
    try:
        asyncio.run(serve(app))
    except (ConfigError, AlreadyRunning) as exc:
        print(f"migrant-bot: {exc}", file=sys.stderr)
        return 2
    except StorageError as exc:
        variable = "DATABASE_URL" if settings.shared_database else "DATABASE_PATH"
        print(f"migrant-bot: {variable}: {exc}", file=sys.stderr)
        return 2
    except InvalidToken:
        print("migrant-bot: TELEGRAM_BOT_TOKEN: the Bot API rejected this token",
              file=sys.stderr)
        return 2
    except NetworkError as exc:
        print(f"migrant-bot: cannot reach the Bot API at TELEGRAM_BASE_URL "
              f"({type(exc).__name__}); check the network and try again", file=sys.stderr)
        return 1
    return 0


def _load_brain(args: argparse.Namespace, settings: Settings) -> BrainHolder | None:
    """The content, from --content/--locales, else the settings, else the defaults."""
    default_content, default_locales = default_paths()
    content: Path = getattr(args, "content", None) or settings.content_dir or default_content
    locales: Path = getattr(args, "locales", None) or settings.locales_dir or default_locales
    try:
        brain = load_brain(content, locales, reminder_steps=settings.reminder_steps or None,
                           reminder_hours=parse_hours(settings.reminder_send_hours))
    except ContentError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        print(f"migrant-bot: CONTENT_DIR: the content in {content} cannot be loaded "
              f"({len(exc.problems)} problem(s)); run: migrant-bot validate", file=sys.stderr)
        return None
    if brain.problems:
        log.warning("the content has %d problem(s); run 'migrant-bot validate' to see them",
                    len(brain.problems))
    return BrainHolder(brain, content, locales, settings.reminder_steps or None,
                       parse_hours(settings.reminder_send_hours))
