"""Start and stop the application inside an event loop that is already running.

``run_polling``/``run_webhook`` own the loop and the signals, which suits the
command line (``main``); tests and benchmarks need the same start-up order
inside their own loop, so it lives here once.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from bot.adapters.telegram.application import (
    ALLOWED_UPDATES,
    POLL_TIMEOUT,
    App,
    services_of,
)

__all__ = ["running"]


@asynccontextmanager
async def running(app: App, *, poll_timeout: dt.timedelta = POLL_TIMEOUT,
                  ) -> AsyncIterator[App]:
    """Initialise, run post_init, start the updater (polling or webhook), then stop all."""
    settings = services_of(app).settings
    updater = app.updater
    assert updater is not None
    await app.initialize()
    try:
        if app.post_init:
            await app.post_init(app)
        if settings.bot_mode == "webhook":
            await updater.start_webhook(
                listen=settings.webhook_listen, port=settings.webhook_port,
                url_path=settings.webhook_path(), webhook_url=settings.webhook_url,
                secret_token=settings.secret_token(), allowed_updates=ALLOWED_UPDATES)
        else:
            await updater.start_polling(timeout=poll_timeout, allowed_updates=ALLOWED_UPDATES)
        await app.start()
        try:
            yield app
        finally:
            if updater.running:
                await updater.stop()
            if app.running:
                await app.stop()
    finally:
        await app.shutdown()
        if app.post_shutdown:
            await app.post_shutdown(app)
