"""The application layer: what every channel does with one input from one user.

``BotService.handle(user, input, deliver)`` is the whole way of a message
after its channel has translated it: flood limit → admin command or engine
turn (under the user's lock: load state, run the engine, record events,
``/forget``, save, count) → ``deliver`` (the channel shows the turn, still
under the lock, so one user's replies keep their order). The Telegram adapter,
the terminal chat and the tests all go through here, so what a tester sees in
``migrant-bot chat`` is what a worker gets on Telegram.

Nothing here imports a channel. A channel reports a user who blocked the bot
by raising :class:`UserUnreachable` from ``deliver``.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import os
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from bot.app import reminders
from bot.app.activity import ActivityBuffer
from bot.app.events import record_events
from bot.app.flood import FloodGuard, Verdict
from bot.app.handoff import texts as handoff_texts
from bot.app.handoff.desk import Handoff
from bot.app.handoff.port import MessageRef
from bot.app.inbox import Inbox
from bot.app.reload import ReloadResult, reload_content
from bot.app.sessions import Sessions
from bot.app.storage_health import StorageHealth
from bot.app.votes import VoteGuard
from bot.brain import Brain, BrainHolder
from bot.content.markup import strip_tags
from bot.content.render import render_answer
from bot.dialogue import callbacks, commands
from bot.dialogue.types import (
    ButtonInput,
    CommandInput,
    Input,
    Reply,
    TextInput,
    Turn,
    UserState,
)
from bot.i18n.ui import ERROR_MESSAGE, FLOOD_MESSAGE
from bot.ops.metrics import Metrics
from bot.reminders.schedule import BANGKOK
from bot.storage import Repository, open_repository

__all__ = ["RELOAD_CHANNEL", "BotService", "Deliver", "UserRef", "UserUnreachable"]

log = logging.getLogger(__name__)

RELOAD_CHANNEL = "migrantbot_reload"  # PostgreSQL NOTIFY channel: content reloaded


@dataclass(frozen=True)
class UserRef:
    """Who sent an input, as far as the bot needs to know."""

    id: int
    language_code: str | None = None  # the client's language, e.g. Telegram's "my-MM"
    private: bool = True  # a one-to-one chat (admin commands work only there)


class UserUnreachable(Exception):
    """Raised by ``deliver`` when the user has blocked the bot (the turn is not retried)."""


Deliver = Callable[[Turn], Awaitable[None]]
AdminHandler = Callable[["BotService", UserRef, str], Awaitable[str]]
AppHandler = Callable[["BotService", UserRef, str], Awaitable[Turn]]


class BotService:
    """The brain, storage, flood limits and metrics every channel shares."""

    def __init__(self, holder: BrainHolder, *, admin_ids: frozenset[int] = frozenset(),
                 database: str | os.PathLike[str] = ":memory:",
                 flood: FloodGuard | None = None, metrics: Metrics | None = None,
                 clock: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.UTC)) -> None:
        self.holder = holder
        self.clock = clock  # "today" for dates the worker types, and the reminder rounds
        self.admin_ids = admin_ids
        self.database = database
        self.flood = flood
        # One registry per service, so several bots in one process count apart.
        self.metrics = metrics or Metrics()
        self.repo: Repository | None = None
        self._sessions: Sessions | None = None
        self._activity: ActivityBuffer | None = None
        self._tasks: list[asyncio.Task[Any]] = []
        self.votes = VoteGuard()
        shared = str(database).startswith(("postgresql://", "postgres://"))
        self.storage_health = StorageHealth(
            None if shared or str(database) == ":memory:" else Path(database))
        self.inbox = Inbox(self._repo, self.metrics, self._storage_failed,
                           self.storage_health.succeeded, strict=shared)
        # Talk to a person: set by a channel that has a staff desk (bot/app/handoff/).
        self.handoff: Handoff | None = None

    # -- life cycle -------------------------------------------------------------
    async def start(self, repo: Repository | None = None) -> None:
        """Open the storage (``repo``, else ``database``) and start the counters."""
        self._attach(repo or await open_repository(self.database))
        self._tasks = [asyncio.create_task(self.activity.run()),
                       asyncio.create_task(self.inbox.run()),
                       asyncio.create_task(self._watch_storage()),
                       # What the engine builds on first use, built now beside the loop.
                       asyncio.create_task(self._warm_up())]
        self.metrics.set_content_version(self.brain.version)
        # Replicas: a reload on one reaches all (PostgreSQL LISTEN/NOTIFY; else a no-op).
        await self._repo().listen(RELOAD_CHANNEL, self._reload_notice)

    def _attach(self, repo: Repository) -> None:
        self.repo = repo
        self._sessions = Sessions(
            repo, on_write_failed=lambda exc: self._storage_failed("save_user", exc))
        self._activity = ActivityBuffer(repo)
        self.storage_health.opened()

    async def _warm_up(self) -> None:
        """Build in a worker thread what the engine would build on the first message."""
        try:
            await asyncio.to_thread(self.brain.engine.warm_up)
        except Exception:  # the first message will try again; answering goes on
            log.exception("could not warm up the engine")

    async def stop(self) -> None:
        """Write the last counters and close the storage; safe to call twice."""
        for task in self._tasks:
            task.cancel()
        self._tasks = []
        if self.repo is None:
            return  # never started (start-up failed before the storage opened)
        try:
            await self.sessions.close()  # states changed in the last tenth of a second
        except Exception:
            log.exception("could not write the users' last states at shutdown")
        try:
            await self.activity.flush()  # the last seconds of /stats counters
        except Exception:
            log.exception("could not write the activity counters at shutdown")
        await self.inbox.flush()  # handled updates: not handled again at the next start
        await self.repo.close()
        self.repo = None

    @property
    def brain(self) -> Brain:
        """The current brain (replaced whole on reload)."""
        return self.holder.brain

    @property
    def sessions(self) -> Sessions:
        """User state storage; only valid between start and stop."""
        if self._sessions is None:
            raise RuntimeError("storage is not open yet (the service was not started)")
        return self._sessions

    @property
    def activity(self) -> ActivityBuffer:
        """The anonymous /stats counters, written in batches; valid like ``sessions``."""
        if self._activity is None:
            raise RuntimeError("storage is not open yet (the service was not started)")
        return self._activity

    def is_admin(self, user_id: int) -> bool:
        return user_id in self.admin_ids

    def _repo(self) -> Repository:
        if self.repo is None:
            raise RuntimeError("storage is not open yet (the service was not started)")
        return self.repo

    # -- storage faults -------------------------------------------------------------
    def _storage_failed(self, operation: str, exc: BaseException) -> None:
        """A write failed: the reply still goes out; /healthz says degraded until a
        later write succeeds."""
        self.storage_health.failed(operation, exc)
        self.metrics.record_storage_error(operation)

    async def check_storage(self) -> str | None:
        """Reopen the database if its file was removed or replaced; the problem, if any."""
        changed = self.storage_health.file_changed()
        if changed is not None and self.repo is not None:
            log.error("the database file was %s while the bot runs; opening it again",
                      changed)
            self.metrics.record_storage_error(f"file_{changed}")
            try:
                fresh = await open_repository(self.database)
            except Exception as exc:
                log.error("could not open the database again: %s", exc)
            else:
                old, pending, states = self.repo, self._activity, self._sessions
                self._attach(fresh)
                if pending is not None:  # counters not written yet go to the new file
                    self.activity.merge(pending)
                if states is not None:  # and so do states not written yet
                    self.sessions.take_over(states)
                try:
                    await old.close()
                except Exception:
                    log.debug("closing the old database failed", exc_info=True)
        return self.storage_health.problem()

    async def _watch_storage(self, every: float = 10.0) -> None:
        while True:
            await asyncio.sleep(every)
            try:
                await self.check_storage()
            except Exception:
                log.exception("storage check failed")

    # -- the one entry point ----------------------------------------------------
    async def handle(self, user: UserRef, message: Input,
                     deliver: Deliver | None = None, *,
                     ref: MessageRef | None = None) -> Turn | None:
        """Answer one input; ``deliver`` shows the turn. None: dropped (a flood).

        ``ref`` names the channel's message, so that a worker in a hand-off case can
        have it copied to the caseworkers (nothing of it is stored)."""
        verdict = self._flood_verdict(user)
        if verdict is Verdict.DROP:
            return None
        if verdict is Verdict.NOTICE:
            notice = await self._flood_notice(user, message)
            if deliver is not None:
                await self._deliver(user, deliver, notice)
            return notice
        admin = await self._admin_turn(user, message)
        async with self.sessions.lock(user.id):
            turn = admin or await self._app_turn(user, message) \
                or await self._turn(user, message, ref)
            if deliver is not None:
                await self._deliver(user, deliver, turn)
        return turn

    async def _app_turn(self, user: UserRef, message: Input) -> Turn | None:
        """Commands and buttons that need storage (``/reminders``, deleting a reminder),
        or None for the engine."""
        if isinstance(message, CommandInput):
            spec = commands.lookup(message.name)
            if spec is None or not spec.app or spec.admin:
                return None
            handler: AppHandler = spec.handler
            return await handler(self, user, message.arg)
        if isinstance(message, ButtonInput):
            action = callbacks.decode(message.data)
            if action is not None and action.kind in ("reminders", "remind_delete"):
                return await reminders.list_turn(self, user, action)
        return None

    async def _turn(self, user: UserRef, message: Input,
                    ref: MessageRef | None = None) -> Turn:
        """Run the engine on the stored state, record events, store the new state.

        Storage faults never cost the worker their answer: a state that cannot be
        read is taken as new, one that cannot be saved is lost (logged, counted,
        /healthz degraded). Only /forget fails loudly: deletion was promised."""
        started = time.perf_counter()
        try:
            state = await self.sessions.load(user.id)
        except Exception as exc:
            log.error("storage: could not read a user's state (%s); answering without it",
                      type(exc).__name__)
            self._storage_failed("load_user", exc)
            state = UserState()
        today = self.clock().astimezone(BANGKOK).date()
        turn = await self._handoff_turn(user, message, state, ref, today)
        turn = self._one_vote_each(user, turn)
        for event in turn.events:  # the worker is told "Done": failing to store raises
            if event.kind == "reminder_set":
                await reminders.record_event(self, user, event, today)
        forgot = await record_events(self.sessions, user.id, turn.events, self.activity,
                                     self._storage_failed)
        if forgot:
            turn = await self._forget_cases(user, turn, state)
            if self.flood is not None:
                self.flood.forget(user.id)
            self.votes.forget(user.id)
            # No id here: the log must not remember whom /forget was for.
            log.info("a user asked to be forgotten; their data was deleted")
        else:
            if self.storage_health.file_changed():  # a stat: cheap, and no row is lost
                await self.check_storage()
            try:
                if await self.sessions.save(user.id, turn.state):
                    # Back after blocking the bot: their paused reminders go on.
                    await self._repo().reminders_pause(user.id, False)
            except Exception as exc:
                log.error("storage: could not save a user's state (%s); the reply is sent "
                          "anyway", type(exc).__name__)
                self._storage_failed("save_user", exc)
        # Engine and storage only: showing the turn is the channel's time, not ours.
        self.metrics.record_update(_kind(message), time.perf_counter() - started,
                                   turn.events)
        return turn

    # -- talk to a person (bot/app/handoff/) ---------------------------------------
    async def _handoff_turn(self, user: UserRef, message: Input, state: UserState,
                            ref: MessageRef | None, today: dt.date) -> Turn:
        """The hand-off's turn when the input belongs to a case or asks for one, else
        the engine's (which the hand-off may turn into an offer of a person)."""
        if self.handoff is not None:
            turn = await self.handoff.intercept(user, message, state, ref)
            if turn is not None:
                return turn
        turn = self.brain.engine.handle(state, message, user.language_code, today)
        if self.handoff is not None:
            turn = await self.handoff.offer_instead(user, self.handoff.after_turn(user, turn))
        return turn

    async def _forget_cases(self, user: UserRef, turn: Turn, state: UserState) -> Turn:
        """/forget also ends and deletes the user's cases and their topics."""
        if self.handoff is None or not await self.handoff.forget(user.id):
            return turn
        # In the language the confirmation was written in (the turn's is the reset one).
        lang = self.brain.engine.reply_language(state, None, user.language_code)
        line = self.interface_text(lang, handoff_texts.FORGOTTEN)
        return replace(turn, replies=[*turn.replies, Reply(line)])

    def _one_vote_each(self, user: UserRef, turn: Turn) -> Turn:
        """A second vote of the same user on the same answer is thanked, not counted."""
        events = [e for e in turn.events if e.kind != "feedback"
                  or self.votes.first_vote(user.id, e.topic or "")]
        return turn if len(events) == len(turn.events) else replace(turn, events=events)

    async def _deliver(self, user: UserRef, deliver: Deliver, turn: Turn) -> None:
        try:
            await deliver(turn)
        except UserUnreachable:
            await self.user_blocked(user.id)

    # -- flood limits -------------------------------------------------------------
    def _flood_verdict(self, user: UserRef) -> Verdict:
        """Spend one input of the user's budget (admins have no limit)."""
        if self.flood is None or self.is_admin(user.id):
            return Verdict.ALLOW
        verdict = self.flood.check(user.id)
        if verdict is not Verdict.ALLOW:
            self.metrics.record_flood(verdict.value)
        return verdict

    async def _flood_notice(self, user: UserRef, message: Input) -> Turn:
        """Told once when over the limit; later inputs are dropped until it refills."""
        log.info("user %d is over the flood limit; their updates are paused", user.id)
        lang = await self.user_language(user)
        text = self.interface_text(lang, FLOOD_MESSAGE)
        if isinstance(message, ButtonInput):
            # After a button press the notice is a pop-up: plain text, no markup.
            return Turn([], UserState(), lang, notice=strip_tags(text))
        return Turn([Reply(text)], UserState(), lang)

    # -- admin commands ------------------------------------------------------------
    async def _admin_turn(self, user: UserRef, message: Input) -> Turn | None:
        """The reply to an admin command, or None (not one, or not allowed: then the
        engine answers as it does for any unknown command, so it stays invisible)."""
        if not isinstance(message, CommandInput):
            return None
        spec = commands.lookup(message.name)
        if spec is None or not spec.admin:
            return None
        if not self.is_admin(user.id) or not user.private:
            # Id and command name only: the argument is text the user typed.
            log.warning("refused admin command /%s from user %d (%s)", message.name, user.id,
                        "not a private chat" if self.is_admin(user.id) else "not an admin")
            return None
        log.info("admin %d: /%s", user.id, message.name)
        handler: AdminHandler = spec.handler
        text = await handler(self, user, message.arg)
        return Turn([Reply(text)], UserState(), self.brain.content.default_language)

    # -- what channels ask outside a turn ---------------------------------------------
    async def user_language(self, user: UserRef) -> str:
        """The user's chosen language, else their client's, else the default."""
        stored: str | None = None
        try:
            record = await self.sessions.record(user.id)
            stored = record.language if record else None
        except Exception:  # storage may be what failed; the message still goes out
            stored = None
        return self.brain.engine.reply_language(UserState(language=stored), None,
                                                user.language_code)

    async def error_text(self, user: UserRef) -> str:
        """"Something went wrong", in the user's language, with the emergency numbers."""
        return self.interface_text(await self.user_language(user), ERROR_MESSAGE)

    def interface_text(self, lang: str, message: str) -> str:
        """An interface string translated, its {phone:…} placeholders filled from content."""
        brain = self.brain
        translated = brain.catalogs.gettext(lang, message)
        return render_answer(brain.content, lang, translated, brain.catalogs.get(lang))

    async def user_blocked(self, user_id: int) -> None:
        """The user blocked the bot: keep their row, stop counting them as active."""
        await self.sessions.mark_inactive(user_id)
        log.info("user %d has blocked the bot; marked inactive", user_id)
        if self.handoff is not None:
            try:
                await self.handoff.worker_blocked(user_id)
            except Exception:
                log.exception("could not tell the caseworkers that a worker blocked the bot")

    async def reload(self, source: str, tell_replicas: bool = True) -> ReloadResult:
        """Validate and swap in the content on disk; ``source`` names the trigger. With a
        shared database, the other replicas are told to reload theirs too."""
        result = await reload_content(self, source)
        if result.ok and tell_replicas and self.repo is not None:
            try:
                await self.repo.notify(RELOAD_CHANNEL, result.version)
            except Exception:
                log.exception("could not tell the other replicas to reload")
        return result

    def _reload_notice(self, version: str) -> None:
        """Another replica reloaded: reload here too, unless already at that version."""
        if version != self.brain.version:
            task = asyncio.create_task(self.reload("another replica reloaded",
                                                   tell_replicas=False))
            self._tasks.append(task)


def _kind(message: Input) -> str:
    """The metrics label of an input: text, command, button or other."""
    if isinstance(message, TextInput):
        return "text"
    if isinstance(message, CommandInput):
        return "command"
    if isinstance(message, ButtonInput):
        return "button"
    return "other"


# Admin commands register themselves with the command registry on import.
from bot.app import admin as _admin  # noqa: E402,F401  (import for its side effect)
