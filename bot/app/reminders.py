"""Expiry reminders in the application layer: storing what the engine set, the
``/reminders`` list, and the scheduler that sends each step once.

The scheduler is durable and exact: reminders live in the database with a row
per step; a step is claimed there (atomically) before it is sent and marked
sent after, so a restart, a crash or a second bot process never sends a step
twice, and a claim a crash left behind is taken over after ``STALE_CLAIM``
(at least once: a step whose send was in flight at the crash may come twice).
Nothing lives only in memory: at start, everything due is picked up. Steps go
out only within the send hours (Bangkok time), one per reminder per round, as
fast as Telegram's limits allow (the channel's rate limiter). A worker who
blocked the bot is marked inactive and their reminders paused.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Protocol

from bot.content.markup import escape_html
from bot.content.render import render_answer
from bot.dialogue import callbacks
from bot.dialogue.commands import command
from bot.dialogue.keyboards import Keyboards
from bot.dialogue.types import Button, Event, Reply, Turn
from bot.i18n.ui import N_
from bot.reminders.dates import format_date
from bot.reminders.schedule import BANGKOK, due_step, in_send_hours, next_due, roll_forward
from bot.reminders.texts import Document
from bot.storage.base import Reminder, utcnow

if TYPE_CHECKING:
    from bot.app.service import BotService, UserRef

__all__ = ["STALE_CLAIM", "ReminderScheduler", "ReminderSender", "list_turn", "record_event"]

log = logging.getLogger(__name__)

STALE_CLAIM = dt.timedelta(minutes=10)  # a claim not sent by then was lost in a crash
Clock = Callable[[], dt.datetime]


class ReminderSender(Protocol):
    """How a channel delivers a reminder to a user (raise UserUnreachable if blocked)."""

    def __call__(self, user_id: int, reply: Reply) -> Awaitable[None]: ...


# -- storing what the engine set --------------------------------------------------
async def record_event(service: BotService, user: UserRef, event: Event,
                       today: dt.date) -> None:
    """Store a reminder the worker confirmed; errors propagate (they were told "Done")."""
    if event.kind != "reminder_set" or event.topic is None or event.value is None:
        return
    document = service.brain.reminders.documents.get(event.topic)
    if document is None:
        return
    ends = dt.datetime.strptime(str(event.value), "%Y%m%d").date()
    due = _following(document, ends, None)
    await service._repo().reminder_set(user.id, event.topic, ends, event.language or "en",
                                       due)
    service.metrics.record_reminder("set")
    log.info("a reminder was set (%s)", event.topic)  # no user id: the log must not tie them


def _following(document: Document, ends: dt.date, last_sent: int | None) -> dt.date | None:
    """The day the scheduler looks at the reminder next; for a repeating report, the
    day after its date once every step is sent (then it moves to the next date)."""
    due = next_due(ends, document.steps, last_sent, with_end=document.repeat_days is None)
    if due is None and document.repeat_days:
        return ends + dt.timedelta(days=1)
    return due


# -- /reminders -------------------------------------------------------------------------
@command("reminders", N_("My reminders: see, change or delete"), app=True)
async def _reminders_command(service: BotService, user: UserRef, arg: str) -> Turn:
    return await list_turn(service, user, None)


async def list_turn(service: BotService, user: UserRef, action: callbacks.Action | None,
                    ) -> Turn:
    """The user's reminders with buttons to change or delete each; deletes first when
    ``action`` is a delete button."""
    state = await service.sessions.load(user.id)
    brain = service.brain
    lang = brain.engine.reply_language(state, action.lang if action else None,
                                       user.language_code)
    tr = brain.catalogs.get(lang)
    _ = tr.gettext
    kb = Keyboards(brain.content, lang, _)
    repo = service._repo()
    notice = None
    deleting = action is not None and action.kind == "remind_delete" and action.arg.isdigit()
    if deleting and action is not None and await repo.reminder_delete(user.id, int(action.arg)):
        notice = _("Deleted.")
        service.metrics.record_reminder("deleted")
    reminders = await repo.reminders_of(user.id)
    if not reminders:
        text = _("You have no reminders. Tap below to add one.")
        rows: tuple[tuple[Button, ...], ...] = (
            (Button("➕ " + _("Add a reminder"), callbacks.encode("remind", lang=lang)),),
            (kb.menu(),))
        return Turn([Reply(text, rows, edit=action is not None)], state, lang, notice=notice)
    default = brain.content.default_language
    lines = [f"• {escape_html(brain.reminders.name(lang, r.document, default))}: "
             f"{format_date(r.ends, lang)}" for r in reminders]
    text = "⏰ " + _("Your reminders:") + "\n" + "\n".join(lines)
    items = [(r.id, r.document, brain.reminders.name(lang, r.document, default)[:24])
             for r in reminders]
    return Turn([Reply(text, kb.reminder_list(items), edit=action is not None)], state, lang,
                notice=notice)


# -- sending ----------------------------------------------------------------------------
class ReminderScheduler:
    """Sends every due step once, within the send hours; ``run`` loops, ``run_once``
    does one round (tests move ``clock`` instead of waiting)."""

    def __init__(self, service: BotService, send: ReminderSender, *,
                 hours: tuple[int, int] = (8, 20), clock: Clock = utcnow,
                 interval: float = 60.0, concurrency: int = 16, batch: int = 500) -> None:
        self.service = service
        self.send = send
        self.hours = hours
        self.clock = clock
        self.interval = interval
        self._slots = asyncio.Semaphore(concurrency)
        self.batch = batch

    async def run(self) -> None:
        """A round at once (what was due while the bot was down), then every minute."""
        try:
            # One bot per SQLite database (the live lock): a claim found at start was
            # left by a crash, so it is free again now rather than in STALE_CLAIM. With
            # PostgreSQL another replica may be sending it: wait for STALE_CLAIM there.
            repo = self.service._repo()
            released = 0 if repo.shared else await repo.reminder_claims_release()
            if released:
                log.info("%d reminder step(s) claimed before a crash are sent again",
                         released)
        except Exception:
            log.exception("could not release the claims of a crash")
        while True:
            try:
                await self.run_once()
            except Exception:
                log.exception("reminder round failed; trying again in a minute")
            await asyncio.sleep(self.interval)

    async def run_once(self) -> int:
        """Send what is due now; return how many steps were sent."""
        now = self.clock()
        today = now.astimezone(BANGKOK).date()
        repo = self.service._repo()
        self.service.metrics.reminders_pending.set(await repo.reminders_due_count(today))
        if not in_send_hours(now, self.hours):
            return 0
        sent = 0
        while True:
            due = await self.service._repo().reminders_due(today, self.batch)
            if not due:
                break
            results = await asyncio.gather(*(self._one(r, today) for r in due))
            sent += sum(results)
            if not any(results):  # nothing moved (claimed elsewhere, or failing): next round
                break
        return sent

    async def _one(self, reminder: Reminder, today: dt.date) -> int:
        async with self._slots:
            return await self._step(reminder, today)

    async def _step(self, reminder: Reminder, today: dt.date) -> int:
        brain = self.service.brain
        repo = self.service._repo()
        document = brain.reminders.documents.get(reminder.document)
        if document is None:  # the document was removed from the content
            await repo.reminder_reschedule(reminder.id, reminder.ends, None)
            return 0
        repeating = document.repeat_days is not None
        if repeating and reminder.ends < today and document.repeat_days:
            ends = roll_forward(reminder.ends, today, document.repeat_days)
            await repo.reminder_reschedule(reminder.id, ends, _following(document, ends, None))
            return 0
        step = due_step(reminder.ends, today, document.steps, reminder.last_sent,
                        with_end=not repeating)
        following = _following(document, reminder.ends,
                               step if step is not None else reminder.last_sent)
        if step is None:  # listed as due, but nothing is: set the right day
            await repo.reminder_next(reminder.id, following)
            return 0
        now = self.clock()
        if not await repo.reminder_claim(reminder, step, now, STALE_CLAIM):
            return 0  # another process (or an earlier round) has it
        return await self._deliver(reminder, step, today, following)

    async def _deliver(self, reminder: Reminder, step: int, today: dt.date,
                       following: dt.date | None) -> int:
        from bot.app.service import UserUnreachable

        service = self.service
        repo = service._repo()
        reply = self.message(reminder, step, today)
        try:
            async with service.sessions.lock(reminder.user_id):  # in order with their turns
                await self.send(reminder.user_id, reply)
        except UserUnreachable:
            await repo.reminder_release(reminder, step)
            await repo.reminders_pause(reminder.user_id)
            await service.user_blocked(reminder.user_id)
            service.metrics.record_reminder("paused")
            return 0
        except Exception as exc:  # given up after the channel's retries: next round
            await repo.reminder_release(reminder, step)
            service.metrics.record_reminder("failed")
            log.error("a reminder could not be sent (%s); it is tried again later",
                      type(exc).__name__)
            return 0
        await repo.reminder_sent(reminder, step, following, self.clock())
        service.metrics.record_reminder("sent")
        return 1

    def message(self, reminder: Reminder, step: int, today: dt.date) -> Reply:
        """The step's text in the reminder's language, with its topic and the hotlines."""
        brain = self.service.brain
        lang = reminder.language if reminder.language in brain.content.languages \
            else brain.content.default_language
        default = brain.content.default_language
        tr = brain.catalogs.get(lang)
        text = render_answer(brain.content, lang,
                             brain.reminders.step_text(lang, step, default), tr)
        days = (reminder.ends - today).days
        text = (text.replace("{document}", escape_html(brain.reminders.name(
                    lang, reminder.document, default)))
                .replace("{date}", format_date(reminder.ends, lang))
                .replace("{days}", str(max(days, 0))))
        document = brain.reminders.documents[reminder.document]
        kb = Keyboards(brain.content, lang, tr.gettext)
        topics = [document.topic] + (["permit_expired"] if step == 0 else [])
        rows = [row for row in kb.danger([t for t in topics if t in brain.content.topics])]
        rows.insert(len(rows) - 1, (Button("⏰ " + tr.gettext("My reminders"),
                                           callbacks.encode("reminders", lang=lang)),))
        return Reply(text, tuple(rows))
