"""Start and stop the application inside an event loop that is already running.

The command line (``serve``), the tests and the benchmarks all need the same
start-up order, so it lives here once: take the live lock on the database,
initialise, open storage, start processing, start the HTTP server (health,
metrics, reload and, in webhook mode, the webhook), then fetch updates
(polling) or tell Telegram where to post them (webhook). Stopping runs the
same steps backwards, so queued updates are still answered.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from bot.adapters.telegram.application import (
    ALLOWED_UPDATES,
    POLL_TIMEOUT,
    App,
    service_of,
    settings_of,
)
from bot.adapters.telegram.web import WebServer
from bot.config import ConfigError, Settings
from bot.ops.dblock import AlreadyRunning, LiveLock, read_live_info

__all__ = ["AlreadyRunning", "running"]


@asynccontextmanager
async def running(app: App, *, poll_timeout: dt.timedelta = POLL_TIMEOUT,
                  ) -> AsyncIterator[App]:
    """Run the bot for the block: lock, start, serve HTTP, fetch updates; then undo all."""
    settings = settings_of(app)
    # The webhook must never accept updates from anyone who finds the URL: no secret,
    # no start (the same checks as `migrant-bot run`, for every caller).
    settings.check_for_run()
    listen, port, variable = _address(settings)
    # Two bots on one SQLite file would answer every update twice and race on writes.
    # (PostgreSQL: webhook replicas share it; polling takes a lock in the database.)
    lock = None if settings.shared_database else LiveLock(
        settings.database_path,
        {"health_port": port, "listen": listen, "mode": settings.bot_mode})
    if lock is not None and not lock.acquire():
        info = read_live_info(settings.database_path) or {}
        raise AlreadyRunning(info.get("pid", "unknown"))
    try:
        async with _listening(app, listen, port, variable) as web, \
                _started(app, poll_timeout, web):
            yield app
    finally:
        if lock is not None:
            lock.release()


@asynccontextmanager
async def _listening(app: App, listen: str, port: int | None,
                     variable: str) -> AsyncIterator[WebServer | None]:
    """The HTTP server for the block (None when HEALTH_PORT=0 in polling mode)."""
    if port is None:
        yield None
        return
    settings = settings_of(app)
    webhook = settings.bot_mode == "webhook"
    web = WebServer(app, webhook_path=settings.webhook_path() if webhook else None,
                    secret=settings.secret_token())
    # Listen before starting: a taken port fails before any Bot API call or database
    # open, and until the bot runs /healthz answers 503 ("bot: not running").
    try:
        await web.start(listen, port)
    except OSError as exc:
        raise ConfigError(variable, f"cannot listen on {listen}:{port}: "
                                    f"{exc.strerror or exc}") from None
    try:
        yield web
    finally:
        await web.stop()


@asynccontextmanager
async def _started(app: App, poll_timeout: dt.timedelta,
                   web: WebServer | None) -> AsyncIterator[None]:
    """Initialise and start the application, then fetch updates; undo it all afterwards."""
    settings = settings_of(app)
    updater = app.updater
    assert updater is not None
    try:
        await app.initialize()
    except BaseException:
        # PTB opened the connections, then failed (e.g. getMe: token rejected); the
        # Application will not shut down, so close them, or asyncio reports them unclosed.
        await app.bot.shutdown()
        raise
    try:
        if app.post_init:
            await app.post_init(app)
        service_of(app).metrics.set_content_version(service_of(app).brain.version)
        await app.start()
        try:
            if settings.bot_mode == "webhook":
                # Our server replaces PTB's webhook server: register the hook ourselves.
                await app.bot.set_webhook(url=settings.webhook_url or "",
                                          secret_token=settings.secret_token(),
                                          allowed_updates=ALLOWED_UPDATES)
            else:
                await updater.start_polling(timeout=poll_timeout,
                                            allowed_updates=ALLOWED_UPDATES)
            yield
        finally:
            if updater.running:
                await updater.stop()
            if web is not None:
                await web.stop()  # no new webhook updates; the queued ones still run
            if app.running:
                await app.stop()
    finally:
        await app.shutdown()
        if app.post_shutdown:
            await app.post_shutdown(app)


def _address(settings: Settings) -> tuple[str, int | None, str]:
    """(listen address, port or None for no server, the variable naming the port)."""
    if settings.bot_mode == "webhook":
        return settings.webhook_listen, settings.webhook_port, "WEBHOOK_PORT"
    return settings.health_listen, settings.health_port or None, "HEALTH_PORT"

