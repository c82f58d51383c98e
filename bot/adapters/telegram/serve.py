"""Run the bot until a signal: SIGINT/SIGTERM stop it gracefully, SIGHUP reloads content.

``docker compose kill -s HUP bot`` is how staff apply a content edit without a
restart; a broken edit is logged and the old content keeps answering.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import functools
import logging
import signal
from collections.abc import Callable

from bot.adapters.telegram.application import POLL_TIMEOUT, App, service_of
from bot.adapters.telegram.runner import running
from bot.app import BotService, ReloadResult

__all__ = ["STOP_SIGNALS", "on_sighup", "serve"]

log = logging.getLogger(__name__)

STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


async def serve(app: App, *, stop: asyncio.Event | None = None,
                started: asyncio.Event | None = None,
                poll_timeout: dt.timedelta = POLL_TIMEOUT) -> None:
    """Run until ``stop`` is set or a stop signal arrives; ``started`` is set once serving."""
    loop = asyncio.get_running_loop()
    stop = stop or asyncio.Event()
    reloads: set[asyncio.Task[ReloadResult]] = set()
    service = service_of(app)

    def on_stop(number: int) -> None:
        log.info("received %s; stopping", signal.Signals(number).name)
        stop.set()
        # A second Ctrl-C / TERM while stopping acts as usual (a hard stop).
        loop.remove_signal_handler(number)

    def on_hup() -> None:
        task = loop.create_task(on_sighup(service))
        reloads.add(task)
        task.add_done_callback(reloads.discard)

    # Installed before starting, so a signal during start-up stops cleanly too.
    handlers: dict[signal.Signals, Callable[[], None]] = {
        number: functools.partial(on_stop, number) for number in STOP_SIGNALS}
    handlers[signal.SIGHUP] = on_hup
    installed = _install(loop, handlers)
    try:
        async with running(app, poll_timeout=poll_timeout):
            if started is not None:
                started.set()
            await stop.wait()
            if reloads:  # a reload in its thread finishes (and logs) before storage closes
                await asyncio.gather(*reloads)
    finally:
        for number in installed:
            loop.remove_signal_handler(number)


async def on_sighup(service: BotService) -> ReloadResult:
    """Reload the content; the result is logged, never raised (a bad edit must not stop us)."""
    return await service.reload("SIGHUP")


def _install(loop: asyncio.AbstractEventLoop,
             handlers: dict[signal.Signals, Callable[[], None]]) -> list[signal.Signals]:
    """Add the handlers the platform allows; return which were installed."""
    installed: list[signal.Signals] = []
    for number, callback in handlers.items():
        try:
            loop.add_signal_handler(number, callback)
        except (NotImplementedError, RuntimeError, ValueError):
            # Not the main thread (or not Unix): the caller stops us via ``stop``.
            log.debug("cannot handle %s here", number.name)
            continue
        installed.append(number)
    return installed
