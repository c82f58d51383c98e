"""Logging set-up: one line per event (text or JSON), quiet libraries, secrets redacted.

httpx logs every request URL at INFO, and Bot API URLs contain the token, so
the HTTP libraries' loggers (httpx for `migrant-bot reload`, aiohttp for the
Bot API) are held at WARNING; a filter on our handlers also removes the
token (and the webhook secret) from any record that reaches them. PTB logs
whole updates (a user's id beside their text) at DEBUG, so it is held at INFO.

JSON lines carry the content version and, while an update is handled, its id:
``add_log_context`` registers a handler in group -1 that sets them in context
variables, which follow the update's task through every later handler.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import sys
from collections.abc import Callable, Iterable
from contextvars import ContextVar
from typing import Any, TextIO

from telegram import Update
from telegram.ext import Application, ContextTypes, TypeHandler

__all__ = [
    "LOG_CONTEXT_GROUP",
    "JsonFormatter",
    "OneLineFormatter",
    "RedactingFilter",
    "add_log_context",
    "configure_logging",
    "log_context",
]

REDACTED = "[REDACTED]"
# Loggers that would print request URLs (and so the token) at INFO or DEBUG.
NOISY_LOGGERS = ("httpx", "httpcore", "aiohttp")
# Loggers that print updates and API or SQL parameters (user ids beside text) at DEBUG.
PRIVATE_LOGGERS = ("telegram", "aiosqlite")
# Before every other handler (the conversation is in group 0).
LOG_CONTEXT_GROUP = -1
_REGISTERED = "log_context_registered"

_update_id: ContextVar[int | None] = ContextVar("update_id", default=None)
_content_version: ContextVar[str | None] = ContextVar("content_version", default=None)
# Outside updates (start-up, reloads) the version comes from here; with one bot per
# process (production) the last registered application is the one.
_version_source: list[Callable[[], str | None]] = []


def log_context() -> dict[str, object]:
    """The content version and update id to add to a line logged now (if known)."""
    context: dict[str, object] = {}
    version = _content_version.get()
    if version is None and _version_source:
        try:
            version = _version_source[-1]()
        except Exception:  # logging must never fail because the bot is half started
            version = None
    if version:
        context["content_version"] = version
    update_id = _update_id.get()
    if update_id is not None:
        context["update_id"] = update_id
    return context


def add_log_context(app: Application[Any, Any, Any, Any, Any, Any],
                    content_version: Callable[[], str | None]) -> None:
    """Stamp log lines with ``content_version()`` and the id of the update being handled."""
    _version_source[:] = [content_version]
    if app.bot_data.get(_REGISTERED):
        return  # registered once per application, however often this is called

    async def set_context(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        # Concurrent updates each run in a task of their own, so this stays with this
        # update (one at a time, the next update's handler overwrites it).
        _update_id.set(update.update_id)
        _content_version.set(content_version())

    app.add_handler(TypeHandler(Update, set_context), group=LOG_CONTEXT_GROUP)
    app.bot_data[_REGISTERED] = True


class RedactingFilter(logging.Filter):
    """Replace every secret in a record's message, exception and stack text."""

    def __init__(self, secrets: Iterable[str]) -> None:
        super().__init__()
        # Longest first, so a secret that contains another is removed whole.
        self._secrets = sorted({s for s in secrets if s}, key=len, reverse=True)

    def _clean(self, text: str) -> str:
        for secret in self._secrets:
            text = text.replace(secret, REDACTED)
        return text

    def filter(self, record: logging.LogRecord) -> bool:
        """Redact in place; never drops a record."""
        if not self._secrets:
            return True
        message = record.getMessage()
        cleaned = self._clean(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        if record.exc_info and not record.exc_text:
            # Format the traceback now so the formatter uses the redacted copy.
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self._clean(record.exc_text)
        if record.stack_info:
            record.stack_info = self._clean(record.stack_info)
        return True


class OneLineFormatter(logging.Formatter):
    """Text lines; newlines in messages and tracebacks are escaped, one line per event."""

    def format(self, record: logging.LogRecord) -> str:
        """Format as usual, then escape line breaks (log collectors split on them)."""
        return super().format(record).replace("\r", "\\r").replace("\n", "\\n")


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, content version, update id."""

    def format(self, record: logging.LogRecord) -> str:
        """Render the record as a JSON line."""
        entry: dict[str, object] = {
            "time": dt.datetime.fromtimestamp(record.created, dt.UTC)
            .isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            **log_context(),
        }
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            entry["exception"] = record.exc_text
        if record.stack_info:
            entry["stack"] = record.stack_info
        return json.dumps(entry, ensure_ascii=False)


def configure_logging(level: str = "INFO", fmt: str = "text", secrets: Iterable[str] = (),
                      stream: TextIO | None = None) -> logging.Handler:
    """Install one handler on the root logger; return it (tests remove it again)."""
    handler = logging.StreamHandler(stream or sys.stderr)
    if fmt == "json":
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(OneLineFormatter(
            "%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(RedactingFilter(secrets))
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(level)
    # max(): a logger's own level is the only check its records pass (root's level
    # does not filter propagated records), so never go below LOG_LEVEL either.
    for name in NOISY_LOGGERS:
        logging.getLogger(name).setLevel(max(logging.WARNING, root.level))
    for name in PRIVATE_LOGGERS:
        logging.getLogger(name).setLevel(max(logging.INFO, root.level))
    return handler
