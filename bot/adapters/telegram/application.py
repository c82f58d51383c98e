"""Build the PTB ``Application``: token, base URL, defaults, rate limiter, handlers."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from typing import Any

from telegram import LinkPreviewOptions
from telegram.constants import ParseMode
from telegram.error import Forbidden
from telegram.ext import Application, BaseRateLimiter, Defaults

from bot.adapters.telegram.commands import register_commands
from bot.adapters.telegram.handlers import register_handlers
from bot.adapters.telegram.intake import InboxApplication, InboxBot, resume
from bot.adapters.telegram.logs import add_log_context
from bot.adapters.telegram.outputs import Target, show_turn
from bot.adapters.telegram.ratelimit import ResilientRateLimiter
from bot.adapters.telegram.request import AiohttpRequest
from bot.adapters.telegram.staff import (
    TelegramStaffDesk,
    check_staff_groups,
    register_staff_handlers,
)
from bot.app import BotService, UserUnreachable
from bot.app.flood import FloodGuard
from bot.app.handoff import Handoff, OfficeHours
from bot.app.reminders import ReminderScheduler
from bot.brain import BrainHolder
from bot.config import Settings
from bot.dialogue.types import Reply, Turn, UserState
from bot.ops.dblock import AlreadyRunning
from bot.reminders.schedule import parse_hours

__all__ = ["ALLOWED_UPDATES", "CONCURRENT_UPDATES", "POLL_TIMEOUT", "App", "build_application",
           "service_of", "settings_of"]

log = logging.getLogger(__name__)

App = Application[Any, Any, Any, Any, Any, Any]

# Channel posts are not asked for (and ignored if they come). Edited messages are
# only relayed within a hand-off case (staff.py); the bot never answers an edit.
ALLOWED_UPDATES = ["message", "edited_message", "callback_query", "my_chat_member"]
POLL_TIMEOUT = dt.timedelta(seconds=25)  # long-poll wait inside getUpdates
# Updates of different users processed at once. Enough to hide Bot API round trips
# (Telegram allows ~30 messages/s per bot anyway); more only adds pool contention.
CONCURRENT_UPDATES = 16
REPLY_CONNECTIONS = 256  # python-telegram-bot's default pool for the bot's own requests
SEND_READ_TIMEOUT = 15.0  # seconds: longer than a slow Bot API takes (~10 s)


def build_application(settings: Settings, holder: BrainHolder, *,
                      rate_limiter: BaseRateLimiter[Any] | None = None,
                      concurrency: int = CONCURRENT_UPDATES, flood_limits: bool = True) -> App:
    """A ready-to-start Application; storage opens in its post_init hook."""
    service = BotService(holder, admin_ids=frozenset(settings.admin_ids),
                         database=settings.database(),
                         flood=FloodGuard() if flood_limits else None)

    limiter = rate_limiter or ResilientRateLimiter(
        give_up_after=settings.send_give_up_seconds,
        on_give_up=service.metrics.record_send_given_up)
    defaults = Defaults(parse_mode=ParseMode.HTML,
                        link_preview_options=LinkPreviewOptions(is_disabled=True))
    bot = InboxBot(
        settings.token(),
        base_url=settings.telegram_base_url,
        base_file_url=_file_url(settings.telegram_base_url),
        # aiohttp with JSON bodies (request.py); pool sizes as PTB's own defaults:
        # getUpdates runs one at a time, replies as many as are in flight. A reply
        # waits up to SEND_READ_TIMEOUT for its answer: a slow but working Bot API
        # must not make it time out and be sent twice.
        request=AiohttpRequest(REPLY_CONNECTIONS, read_timeout=SEND_READ_TIMEOUT),
        get_updates_request=AiohttpRequest(1),
        defaults=defaults,
        rate_limiter=limiter,
    )

    async def send_reminder(user_id: int, reply: Reply) -> None:
        try:
            await show_turn(bot, Target(user_id), Turn([reply], UserState(), ""))
        except Forbidden as exc:  # blocked: the scheduler pauses their reminders
            raise UserUnreachable from exc

    scheduler = ReminderScheduler(service, send_reminder,
                                  hours=parse_hours(settings.reminder_send_hours))
    tasks: list[asyncio.Task[None]] = []

    async def startup(app: App) -> None:
        await service.start()
        # Telegram gives each update to one getUpdates caller: two pollers on a shared
        # database would split the updates and fight over the offset (webhook replicas
        # are fine; SQLite has its own live lock, so this always holds there).
        if settings.bot_mode == "polling" and not await service._repo().hold_polling_lock():
            await service.stop()
            raise AlreadyRunning(None, "DATABASE_URL in polling mode (use webhook mode "
                                       "for several replicas)")
        # From here on, updates are stored before Telegram is told they arrived.
        bot.intake.inbox, bot.intake.metrics = service.inbox, service.metrics
        resumed = await resume(app)
        if resumed:
            log.info("%d update(s) from before the last stop queued again", resumed)
        await register_commands(app.bot, service.brain, service.admin_ids)
        await _start_handoff(app, service, settings)
        # Reminders due while the bot was down go out now (one per reminder), then
        # every minute; nothing of it lives only in memory.
        tasks.append(asyncio.create_task(scheduler.run()))
        log.info("bot @%s started (%s): content %s (%s), languages %s, storage %s",
                 app.bot.username, settings.bot_mode, service.brain.version,
                 _how_built(service.brain.timings), " ".join(service.brain.content.languages),
                 "PostgreSQL" if settings.shared_database else settings.database_path)

    async def shutdown(app: App) -> None:
        for task in tasks:
            task.cancel()
        tasks.clear()
        await service.stop()

    app: App = (
        Application.builder()
        .bot(bot)
        .application_class(InboxApplication)
        # Different users in parallel; one user's turns are serialised by Sessions.lock.
        .concurrent_updates(concurrency)
        .post_init(startup)
        .post_shutdown(shutdown)
        .build()
    )
    app.bot_data["service"] = service
    app.bot_data["reminders"] = scheduler
    app.bot_data["settings"] = settings
    register_staff_handlers(app, service, settings.handoff_routes())  # before the rest
    register_handlers(app, service)
    # Log lines carry the content version and the update being handled.
    add_log_context(app, lambda: service.brain.version)
    return app


async def _start_handoff(app: App, service: BotService, settings: Settings) -> None:
    """Talk to a person, when a staff group is set: check the group, then open the desk.
    A group the bot cannot run stops the start with one line saying what is missing."""
    routes = settings.handoff_routes()
    if not routes:
        return
    await check_staff_groups(app.bot, routes)
    service.handoff = Handoff(service, TelegramStaffDesk(app.bot), routes,
                              OfficeHours.parse(settings.handoff_hours),
                              settings.handoff_languages)
    await service.handoff.refresh_gauges()
    log.info("talk to a person: staff group(s) %s, hours %s",
             " ".join(f"{lang or '*'}={chat}" for lang, chat in routes.items()),
             settings.handoff_hours)


def service_of(app: App) -> BotService:
    """The application layer behind an application built here."""
    service = app.bot_data["service"]
    assert isinstance(service, BotService)
    return service


def settings_of(app: App) -> Settings:
    """The settings an application was built with."""
    settings = app.bot_data["settings"]
    assert isinstance(settings, Settings)
    return settings


def _file_url(base_url: str) -> str:
    """Bot API file URL beside the method URL (``.../bot`` -> ``.../file/bot``)."""
    if base_url.endswith("/bot"):
        return base_url[: -len("bot")] + "file/bot"
    return base_url


def _how_built(timings: dict[str, float]) -> str:
    """How the content came to be ready: read from the start-up cache, or built."""
    cached = timings.get("from_cache")
    if cached is not None:
        return f"read from the start-up cache in {cached:.2f} s"
    return f"built in {sum(timings.values()):.2f} s"
