"""The durable inbox: an update is stored before its arrival is confirmed, so no crash
loses it, and its id recognises a second delivery.

A channel calls ``accept`` with the raw updates it received *before* it
confirms them (the polling offset, the webhook's 200), ``finish`` once an
update was handled, and ``pending`` at start to resume what a crash (kill -9,
power loss of the container) left unhandled. Updates in flight at the crash
may be answered twice after the restart (at least once, never lost); see
docs/operations.md.

The stored payload holds the worker's message and id, so it is kept only until
the update is handled: handled updates are written in batches (every
``interval`` seconds) with their payload erased, and the write-ahead log is
then emptied, so the message is gone from the database files within about a
second of the answer. The id alone is kept for ``INBOX_RETENTION`` to tell a
re-delivery. When storage fails, updates are still handled (answering matters
more than durability for that moment); the failure is logged and counted.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence

from bot.ops.metrics import Metrics
from bot.storage.base import Repository

__all__ = ["Inbox", "InboxUnavailable"]

log = logging.getLogger(__name__)

_BATCH = 200  # handled updates written at once at most (one transaction)


class InboxUnavailable(Exception):
    """The inbox could not store updates and must not confirm them (a shared database
    that is down: another replica, or this one later, handles them)."""


class Inbox:
    """``accept`` → handle → ``finish``; ``pending`` after a restart."""

    def __init__(self, repo: Callable[[], Repository], metrics: Metrics,
                 on_failure: Callable[[str, BaseException], None] | None = None,
                 on_success: Callable[[], None] | None = None, *,
                 strict: bool = False) -> None:
        # strict (PostgreSQL, several replicas): when updates cannot be stored they are
        # not confirmed (InboxUnavailable), so Telegram delivers them again later.
        # Otherwise (SQLite, one bot) they are handled anyway: answering matters more.
        self.strict = strict
        self._repo = repo  # a callable: the service may reopen its storage
        self._metrics = metrics
        self._on_failure = on_failure or (lambda operation, exc: None)
        self._on_success = on_success or (lambda: None)
        self._finished: dict[int, str] = {}  # handled, not written yet: id -> state
        self._waiting: list[tuple[list[tuple[int, str]], asyncio.Future[list[int]]]] = []
        self._writer: asyncio.Task[None] | None = None
        self._flushing = asyncio.Lock()

    async def accept(self, updates: Sequence[tuple[int, str]]) -> list[int]:
        """Store the updates; return the ids to handle (those not seen before).

        Group commit: updates arriving together (webhook requests in parallel) are
        written in one transaction; each caller waits for the write of its own."""
        if not updates:
            return []
        future: asyncio.Future[list[int]] = asyncio.get_running_loop().create_future()
        self._waiting.append((list(updates), future))
        if self._writer is None or self._writer.done():
            self._writer = asyncio.create_task(self._write_waiting())
        return await future

    async def _write_waiting(self) -> None:
        while self._waiting:
            await asyncio.sleep(0)  # let the requests of this moment join the batch
            batch, self._waiting = self._waiting, []
            items = [item for updates, _ in batch for item in updates]
            try:
                new = set(await self._repo().inbox_add(items))
            except Exception as exc:
                self._failed("inbox_add", exc)
                if self.strict:
                    for _, future in batch:
                        if not future.done():
                            future.set_exception(InboxUnavailable(type(exc).__name__))
                    continue
                new = {update_id for update_id, _ in items}  # handle them, not durably
            else:
                self._on_success()
                self._metrics.record_intake("stored", len(new))
            duplicates = 0
            for updates, future in batch:
                # An id is handled once, even when it came twice in one batch.
                mine = [update_id for update_id, _ in updates if update_id in new]
                new.difference_update(mine)
                duplicates += len(updates) - len(mine)
                if not future.done():
                    future.set_result(mine)
            if duplicates:
                log.info("%d update(s) delivered again; not handled twice", duplicates)
                self._metrics.record_intake("duplicate", duplicates)

    async def finish(self, update_id: int, state: str = "done") -> None:
        """The update was handled (``done``) or could not be read (``skipped``); it is
        written with the next batch (``flush``)."""
        self._finished[update_id] = state
        if len(self._finished) >= _BATCH:
            await self.flush()

    async def flush(self) -> None:
        """Write the handled updates, erase their payloads, empty the write-ahead log."""
        async with self._flushing:
            if not self._finished:
                return
            batch, self._finished = self._finished, {}
            try:
                repo = self._repo()
                for state in sorted(set(batch.values())):
                    await repo.inbox_finish([i for i, s in batch.items() if s == state],
                                            state)
                await repo.forget_traces()
            except Exception as exc:
                # Kept for the next flush; a crash before it means a double, not a loss.
                self._finished = {**batch, **self._finished}
                self._failed("inbox_finish", exc)
            else:
                self._on_success()

    async def run(self, interval: float = 0.5) -> None:
        """Flush every ``interval`` seconds until cancelled."""
        while True:
            await asyncio.sleep(interval)
            try:
                await self.flush()
            except Exception:
                log.exception("could not write handled updates; will retry")

    async def pending(self) -> list[tuple[int, str]]:
        """What a crash left unhandled, oldest first (empty when storage fails)."""
        try:
            found = await self._repo().inbox_pending()
        except Exception as exc:
            self._failed("inbox_pending", exc)
            return []
        if found:
            log.info("resuming %d update(s) received before the last stop", len(found))
            self._metrics.record_intake("resumed", len(found))
        return found

    def _failed(self, operation: str, exc: BaseException) -> None:
        log.error("storage: %s failed (%s); updates are handled without the inbox",
                  operation, type(exc).__name__)
        self._metrics.record_storage_error(operation)
        self._on_failure(operation, exc)
