"""The bot's own HTTP server (tornado, in the bot's event loop).

GET /healthz and GET /metrics for the operator, POST /reload from loopback
only, and in webhook mode the Telegram webhook itself, guarded by the secret
token. One server instead of PTB's webhook server plus a second one, so a
container exposes a single port in webhook mode.
"""

from __future__ import annotations

import asyncio
import hmac
import ipaddress
import json
import logging
import re
import socket
import time
from dataclasses import dataclass
from typing import Any

import tornado.web
from telegram.ext import ExtBot
from tornado.httpserver import HTTPServer
from tornado.netutil import bind_sockets

from bot.adapters.telegram.application import App, service_of
from bot.adapters.telegram.intake import InboxBot, read_update
from bot.app import BotService
from bot.app.inbox import InboxUnavailable
from bot.ops.metrics import CONTENT_TYPE
from bot.storage.base import Repository

__all__ = ["SECRET_HEADER", "WebServer", "database_problem", "is_loopback"]

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
PING_TIMEOUT = 2.0  # seconds; a health check must answer before the prober gives up
MAX_BODY = 1 << 20  # Telegram updates are a few KB; refuse anything absurd early


@dataclass
class _Shared:
    """What every handler of one server needs."""

    app: App
    service: BotService
    started: float
    secret: str | None = None


class _Handler(tornado.web.RequestHandler):
    """Base: the shared objects and JSON replies."""

    shared: _Shared

    def initialize(self, shared: _Shared) -> None:
        """Called by tornado for each request with the route's arguments."""
        self.shared = shared

    def reply(self, status: int, body: dict[str, Any]) -> None:
        """Finish with a JSON body."""
        self.set_status(status)
        self.set_header("Content-Type", "application/json; charset=utf-8")
        self.finish(json.dumps(body, ensure_ascii=False))


class HealthHandler(_Handler):
    """GET /healthz: 200 when content is loaded and the database answers, else 503."""

    async def get(self) -> None:
        """Check the database and that the bot runs; list every reason when unhealthy."""
        service = self.shared.service
        reasons: list[str] = []
        problem = await database_problem(service.repo)
        if problem:
            reasons.append(f"database: {problem}")
        if not self.shared.app.running:
            reasons.append("bot: not running")
        if reasons:
            self.reply(503, {"status": "unavailable", "reasons": reasons})
            return
        # Degraded: the bot answers, but something an operator must look at is wrong.
        degraded: list[str] = []
        storage = await service.check_storage()  # also reopens a replaced database file
        if storage:
            degraded.append(f"database: {storage}")
        polling = polling_problem(self.shared.app)
        if polling:
            degraded.append(f"polling: {polling}")
        # Content is always loaded: the bot does not start without it, and a failed
        # reload keeps the previous content.
        body: dict[str, Any] = {
            "status": "degraded" if degraded else "ok",
            "content_version": service.brain.version,
            "database": "degraded" if storage else "ok",
            "uptime_seconds": round(time.monotonic() - self.shared.started, 1)}
        if degraded:
            body["reasons"] = degraded
        self.reply(200, body)


class MetricsHandler(_Handler):
    """GET /metrics: the Prometheus text exposition of this bot's registry."""

    def get(self) -> None:
        """Serve the registry (start-up and reload_content keep the version gauge current)."""
        self.set_header("Content-Type", CONTENT_TYPE)
        self.finish(self.shared.service.metrics.exposition())


class ReloadHandler(_Handler):
    """POST /reload (loopback only): 200 with the new version or 422 with the problems."""

    async def post(self) -> None:
        """Reload in a worker thread; the old content serves until the new one is valid."""
        if not is_loopback(self.request.remote_ip):
            log.warning("refused POST /reload from %s (loopback only)", self.request.remote_ip)
            self.reply(403, {"ok": False, "error": "reload is only allowed from loopback"})
            return
        result = await self.shared.service.reload("POST /reload")
        if result.ok:
            self.reply(200, {"ok": True, "version": result.version})
        else:
            self.reply(422, {"ok": False, "problems": result.problems,
                             "version": result.version})


class WebhookHandler(_Handler):
    """POST /<webhook path>: Telegram's updates, only with the right secret token."""

    async def post(self) -> None:
        """Check the secret, queue the update for the application, answer 200."""
        secret = self.shared.secret or ""
        given = self.request.headers.get(SECRET_HEADER, "")
        # Constant time: the comparison must not tell an attacker how much was right.
        if not secret or not hmac.compare_digest(given.encode("latin-1"),
                                                 secret.encode("latin-1")):
            log.warning("webhook: refused a request from %s without the right secret token",
                        self.request.remote_ip)
            self.reply(403, {"ok": False})
            return
        app = self.shared.app
        try:
            data = json.loads(self.request.body)
            update_id = data["update_id"]
            if not isinstance(update_id, int):
                raise TypeError("update_id")
        except Exception as exc:  # bad JSON or not an update; never the body in the log
            log.warning("webhook: could not read an update: %s", type(exc).__name__)
            self.reply(400, {"ok": False})
            return
        inbox = self.shared.service.inbox
        bot = app.bot
        update = read_update(data, bot, self.shared.service.metrics)
        # Stored before the 200: Telegram forgets the update once it has the answer.
        try:
            new = await inbox.accept([(update_id, json.dumps(data, ensure_ascii=False))])
        except InboxUnavailable:
            self.reply(503, {"ok": False})  # Telegram delivers it again later
            return
        if update is None:  # logged and counted; answering 200 stops the re-deliveries
            await inbox.finish(update_id, "skipped")
            self.reply(200, {"ok": True})
            return
        if update_id in new:
            if isinstance(bot, ExtBot):
                bot.insert_callback_data(update)  # as PTB's own webhook server does
            await app.update_queue.put(update)
        self.reply(200, {"ok": True})


class WebServer:
    """The HTTP server of one application; ``start`` binds, ``stop`` closes."""

    def __init__(self, app: App, *, webhook_path: str | None = None,
                 secret: str | None = None) -> None:
        self.shared = _Shared(app, service_of(app), time.monotonic(), secret)
        routes: list[Any] = [
            (r"/healthz", HealthHandler, {"shared": self.shared}),
            (r"/metrics", MetricsHandler, {"shared": self.shared}),
            (r"/reload", ReloadHandler, {"shared": self.shared}),
        ]
        if webhook_path is not None:
            # Tornado matches the raw request path: escape it as a regex, not as a URL.
            pattern = "/" + re.escape(webhook_path.strip("/")) + "/?"
            routes.append((pattern.replace("//?", "/"), WebhookHandler,
                           {"shared": self.shared}))
        self._web = tornado.web.Application(routes, log_function=_log_request)
        self._server: HTTPServer | None = None
        self.port: int | None = None

    async def start(self, listen: str, port: int) -> int:
        """Listen on ``listen:port`` (0 = any free port); returns the port. OSError if taken."""
        sockets = bind_sockets(port, address=listen, family=socket.AF_UNSPEC)
        server = HTTPServer(self._web, max_body_size=MAX_BODY)
        server.add_sockets(sockets)
        self._server = server
        self.port = int(sockets[0].getsockname()[1])
        log.info("HTTP server on %s:%d (/healthz, /metrics, /reload)", listen, self.port)
        return self.port

    async def stop(self) -> None:
        """Stop accepting, then close open connections (keep-alive clients)."""
        if self._server is None:
            return
        server, self._server = self._server, None
        server.stop()
        await server.close_all_connections()


async def database_problem(repo: Repository | None) -> str | None:
    """None when the database answers its ping; else a short reason."""
    if repo is None:
        return "not open"
    try:
        async with asyncio.timeout(PING_TIMEOUT):
            await repo.ping()
    except TimeoutError:
        return "not answering"
    except ValueError:  # aiosqlite: "Connection closed" / "no active connection"
        return "closed"
    except Exception as exc:
        return f"{type(exc).__name__}"
    return None


# Polling counts as stuck when getUpdates has not answered for this long (its own
# wait is 25 s; a few failed attempts in a row are normal on a bad network).
POLL_STALL_SECONDS = 90.0


def polling_problem(app: App) -> str | None:
    """Why polling makes no progress, or None (also None in webhook mode)."""
    updater = app.updater
    bot = app.bot
    if updater is None or not updater.running or not isinstance(bot, InboxBot):
        return None
    silent = time.monotonic() - bot.intake.last_poll_ok
    if silent < POLL_STALL_SECONDS:
        return None
    error = bot.intake.poll_error or "no answer"
    return f"getUpdates has not answered for {silent:.0f} s ({error})"


def is_loopback(address: str | None) -> bool:
    """True for 127.0.0.0/8, ::1 and IPv4-mapped loopback (``::ffff:127.0.0.1``)."""
    try:
        ip = ipaddress.ip_address((address or "").split("%", 1)[0])
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        return ip.ipv4_mapped.is_loopback
    return ip.is_loopback


def _log_request(handler: tornado.web.RequestHandler) -> None:
    """One DEBUG line per request (tornado's access log would be INFO for every probe)."""
    request = handler.request
    log.debug("%s %s %d %.1f ms", request.method, request.path, handler.get_status(),
              1000 * request.request_time())
