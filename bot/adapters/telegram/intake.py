"""Telegram's side of the durable inbox (bot/app/inbox.py): polling and webhook.

Polling: ``InboxBot.get_updates`` stores each batch in the inbox before it
returns, and python-telegram-bot's Updater confirms a batch (the next
``offset``) only after that, so a crash never loses a confirmed update. Each
update is read on its own: one that this version of python-telegram-bot cannot
parse (a self-hosted Bot API of another version) is logged once by id, counted,
stored as skipped and passed over, so polling goes on. Network errors are
retried here every few seconds, so polling answers within seconds after the Bot
API recovers, however long the outage (PTB's own backoff grows to 30 s).

Handling: ``InboxApplication.process_update`` marks an update done when its
handlers (and the error handler) are through. At start, ``resume`` queues what
the inbox still holds from before a crash.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from telegram import Update
from telegram._utils.defaultvalue import DEFAULT_NONE
from telegram._utils.types import ODVInput
from telegram.error import BadRequest, Conflict, Forbidden, InvalidToken, NetworkError
from telegram.ext import Application, ExtBot

from bot.adapters.telegram.outputs import RESULT_UNUSED
from bot.app.inbox import Inbox, InboxUnavailable
from bot.ops.metrics import Metrics

__all__ = ["InboxApplication", "InboxBot", "IntakeState", "read_update", "resume"]

log = logging.getLogger(__name__)

JSONDict = dict[str, Any]
# Methods whose answer is the Message sent or edited (outputs.RESULT_UNUSED).
_MESSAGE_RESULTS = frozenset({"sendMessage", "editMessageText"})
POLL_RETRY_MAX = 3.0  # seconds between getUpdates attempts while the Bot API is down


class _Known(Update):
    """Stands for an update that must not be handled now (already in the inbox, or
    unreadable): it only moves the polling offset past its id."""

    __slots__ = ()


@dataclass
class IntakeState:
    """What the bot's intake knows; mutable (the bot object itself is frozen)."""

    inbox: Inbox | None = None  # set at start-up, once storage is open
    metrics: Metrics | None = None
    last_poll_ok: float = field(default_factory=time.monotonic)  # getUpdates answered
    poll_error: str | None = None  # the error of the failing getUpdates, while it fails


class InboxBot(ExtBot[Any]):
    """An ``ExtBot`` whose ``get_updates`` goes through the inbox (set at start-up)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        with self._unfrozen():
            self.intake = IntakeState()

    async def get_updates(
        self,
        offset: int | None = None,
        limit: int | None = None,
        timeout: int | Any | None = None,
        allowed_updates: Sequence[str] | None = None,
        *,
        read_timeout: ODVInput[float] = DEFAULT_NONE,
        write_timeout: ODVInput[float] = DEFAULT_NONE,
        connect_timeout: ODVInput[float] = DEFAULT_NONE,
        pool_timeout: ODVInput[float] = DEFAULT_NONE,
        api_kwargs: JSONDict | None = None,
    ) -> tuple[Update, ...]:
        raw = await self._fetch(offset, limit, timeout, allowed_updates, api_kwargs)
        return await self._intake(raw)

    async def _post(
        self,
        endpoint: str,
        data: JSONDict | None = None,
        *,
        read_timeout: ODVInput[float] = DEFAULT_NONE,
        write_timeout: ODVInput[float] = DEFAULT_NONE,
        connect_timeout: ODVInput[float] = DEFAULT_NONE,
        pool_timeout: ODVInput[float] = DEFAULT_NONE,
        api_kwargs: JSONDict | None = None,
    ) -> Any:
        """PTB's request; a sent or edited message that nobody will read (a turn being
        shown, outputs.RESULT_UNUSED) is answered with True, as for an inline message,
        so PTB does not build a Message object from it."""
        result = await super()._post(endpoint, data, read_timeout=read_timeout,
                                     write_timeout=write_timeout,
                                     connect_timeout=connect_timeout,
                                     pool_timeout=pool_timeout, api_kwargs=api_kwargs)
        if endpoint in _MESSAGE_RESULTS and RESULT_UNUSED.get() and isinstance(result, dict):
            return True
        return result

    async def _fetch(self, offset: int | None, limit: int | None, timeout: Any,
                     allowed_updates: Sequence[str] | None,
                     api_kwargs: JSONDict | None) -> list[JSONDict]:
        """Raw updates; transient errors are retried here with a short, capped wait."""
        seconds = timeout.total_seconds() if hasattr(timeout, "total_seconds") \
            else float(timeout or 0)
        data: JSONDict = {"timeout": timeout, "offset": offset, "limit": limit,
                          "allowed_updates": allowed_updates}
        read_timeout = (self._request[0].read_timeout or 0) + seconds
        delay = 0.5
        while True:
            try:
                result = await self._post("getUpdates", data, read_timeout=read_timeout,
                                          api_kwargs=api_kwargs)
            except (BadRequest, Conflict, Forbidden, InvalidToken):
                raise  # not transient: PTB's updater logs it
            except NetworkError as exc:  # timeouts, resets, 5xx (and 429)
                if self.intake.poll_error is None:
                    log.warning("getUpdates failed (%s); retrying every few seconds",
                                type(exc).__name__)
                self.intake.poll_error = type(exc).__name__
                await asyncio.sleep(delay)
                delay = min(delay * 2, POLL_RETRY_MAX)
                continue
            if self.intake.poll_error is not None:
                log.info("getUpdates works again")
            self.intake.poll_error = None
            self.intake.last_poll_ok = time.monotonic()
            return list(result) if isinstance(result, list) else []

    async def _intake(self, raw: list[JSONDict]) -> tuple[Update, ...]:
        """Store the batch, then return what to handle (placeholders for the rest)."""
        readable: list[tuple[int, str, Update | None]] = []
        for item in raw:
            update_id = item.get("update_id") if isinstance(item, dict) else None
            if not isinstance(update_id, int):
                log.error("getUpdates returned an entry without an update id; skipped")
                continue
            readable.append((update_id, json.dumps(item, ensure_ascii=False),
                             read_update(item, self, self.intake.metrics)))
        inbox = self.intake.inbox
        if inbox is None:  # not started yet (or a test without storage)
            return tuple(u if u is not None else _Known(i) for i, _, u in readable)
        try:
            new = set(await inbox.accept([(i, payload) for i, payload, _ in readable]))
        except InboxUnavailable as exc:
            # Not confirmed: the next getUpdates (after PTB's backoff) gets them again.
            raise NetworkError(f"storage unavailable ({exc}); updates fetched again "
                               "later") from exc
        out: list[Update] = []
        for update_id, _, update in readable:
            if update is None:
                await inbox.finish(update_id, "skipped")
                out.append(_Known(update_id))
            elif update_id in new:
                self.insert_callback_data(update)
                out.append(update)
            else:  # stored before: handled already, or resumed from the inbox
                out.append(_Known(update_id))
        return tuple(out)


def read_update(data: object, bot: ExtBot[Any], metrics: Metrics | None) -> Update | None:
    """The update, or None when this python-telegram-bot cannot read it (logged by id
    only: the update holds a worker's message)."""
    try:
        update = Update.de_json(data if isinstance(data, dict) else {}, bot)
    except Exception as exc:
        update = None
        error = type(exc).__name__
    else:
        error = "" if update is not None else "empty"
    if update is None:
        update_id = data.get("update_id") if isinstance(data, dict) else None
        log.error("update %s cannot be read by this version of python-telegram-bot (%s); "
                  "skipped", update_id, error)
        if metrics is not None:
            metrics.record_intake("skipped")
    return update


class InboxApplication(Application[Any, Any, Any, Any, Any, Any]):
    """Marks each update done in the inbox once it has been handled."""

    async def process_update(self, update: object) -> None:
        if isinstance(update, _Known):
            return
        try:
            await super().process_update(update)
        finally:
            bot = self.bot
            if isinstance(update, Update) and isinstance(bot, InboxBot) \
                    and bot.intake.inbox is not None:
                await bot.intake.inbox.finish(update.update_id)


async def resume(app: Application[Any, Any, Any, Any, Any, Any]) -> int:
    """Queue the updates a crash left in the inbox; return how many."""
    bot = app.bot
    if not isinstance(bot, InboxBot) or bot.intake.inbox is None:
        return 0
    inbox = bot.intake.inbox
    count = 0
    for update_id, payload in await inbox.pending():
        try:
            data = json.loads(payload)
        except ValueError:
            data = None
        update = read_update(data, bot, bot.intake.metrics)
        if update is None:
            await inbox.finish(update_id, "skipped")
            continue
        bot.insert_callback_data(update)
        await app.update_queue.put(update)
        count += 1
    return count
