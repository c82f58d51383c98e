"""Talk to a person: the case logic between a worker and the NGO's caseworkers.

A worker asks (/human, the 🙋 button, "I want to talk to a person"), reads what
is shared and with whom, and agrees; a case opens with a topic in the staff
group of their language. From then until /end, /forget or a caseworker's
/close, what the worker sends is copied into the topic and what a caseworker
writes there is copied back under "Caseworker:". The database keeps the case
(pseudonym number ↔ user id, topic id, state, times) and an audit without
text; Telegram keeps the conversation. Everything channel-specific is behind
the ``StaffDesk`` port (bot/app/handoff/port.py).

State machine: (no case) → waiting (consented, topic open, no caseworker has
answered) → open (a caseworker answered) → closed (/end, /close). /forget
deletes the user's cases and their topics from any state.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import html
import logging
from collections import OrderedDict, deque
from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING

from bot.app.handoff import texts
from bot.app.handoff.hours import BANGKOK, OfficeHours
from bot.app.handoff.port import (
    CannotCopy,
    MessageRef,
    StaffDesk,
    StaffDeskError,
    StaffMessage,
    TopicGone,
    WorkerUnreachable,
)
from bot.dialogue import callbacks
from bot.dialogue.keyboards import Keyboards
from bot.dialogue.types import (
    Button,
    ButtonInput,
    CommandInput,
    Input,
    NonTextInput,
    Reply,
    TextInput,
    Turn,
    UserState,
)
from bot.i18n.languages import native_name
from bot.storage.handoff import AuditEntry, Case, CaseStore

if TYPE_CHECKING:
    from bot.app.service import BotService, UserRef

__all__ = ["Handoff"]

log = logging.getLogger(__name__)

_RECENT_TOPICS = 3  # topics a caseworker sees the worker looked at last (memory only)
_STAFF_LANGUAGE = "en"  # what the bot writes in the staff group


def case_number(case_id: int) -> str:
    """The pseudonym caseworkers see: never the worker's name or id."""
    return f"#{case_id:06d}"


class Handoff:
    """Cases and relays for one bot; ``routes`` maps a language ('' = any) to a group."""

    def __init__(self, service: BotService, desk: StaffDesk, routes: dict[str, int],
                 hours: OfficeHours, staff_languages: tuple[str, ...] = (),
                 clock: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.UTC)) -> None:
        self.service = service
        self.desk = desk
        self.routes = routes
        self.hours = hours
        self.staff_languages = staff_languages
        self.clock = clock
        # The last topics each worker opened, so a caseworker knows what they read.
        # In memory only, never stored: lost at a restart (the stored last topic remains).
        self._recent: OrderedDict[int, deque[str]] = OrderedDict()
        self._told_closed: dict[int, dt.datetime] = {}  # case -> opening it was told of
        self._topic_locks: dict[int, asyncio.Lock] = {}

    # -- what the service asks -----------------------------------------------------
    @property
    def cases(self) -> CaseStore:
        repo = self.service.repo
        if repo is None:
            raise RuntimeError("storage is not open")
        return repo.cases

    def chat_for(self, lang: str) -> int | None:
        """The staff group for a language, else the default one, else None."""
        return self.routes.get(lang, self.routes.get(""))

    def staff_chats(self) -> set[int]:
        return set(self.routes.values())

    async def intercept(self, user: UserRef, message: Input, state: UserState,
                        ref: MessageRef | None) -> Turn | None:
        """The turn when the input belongs to the hand-off; None: the engine answers."""
        engine = self.service.brain.engine
        action = callbacks.decode(message.data) if isinstance(message, ButtonInput) else None
        lang = engine.reply_language(state, action.lang if action else None,
                                     user.language_code)
        asks = (isinstance(message, CommandInput) and message.name == "human") \
            or (action is not None and action.kind == "human")
        if asks:
            return await self._offer(user, state, lang)
        if action is not None and action.kind == "handoff":
            if self.chat_for(lang) is None:
                return None  # not (or no longer) configured: the engine's stale answer
            if action.arg == "yes":
                return await self._accept(user, state, lang)
            return Turn([Reply(self._t(lang, texts.DECLINED),
                               self._kb(lang).main_menu(), edit=True)], state, lang)
        case = await self.cases.live_case(user.id)
        if case is None:
            return None
        if isinstance(message, CommandInput) and message.name == "end":
            await self._close(case, by=None)
            return Turn([Reply(self._t(case.language, texts.ENDED),
                               self._kb(lang).main_menu())], state, lang)
        if isinstance(message, TextInput | NonTextInput) and ref is not None:
            return await self._from_worker(user, case, message, state, lang, ref)
        return None  # commands and buttons: the bot answers as always, nothing relayed

    def after_turn(self, user: UserRef, turn: Turn) -> Turn:
        """Note the topics shown; "I want to talk to a person" typed → the offer."""
        for event in turn.events:
            if event.kind == "topic_shown" and event.topic:
                recent = self._recent.setdefault(user.id, deque(maxlen=_RECENT_TOPICS))
                if event.topic in recent:
                    recent.remove(event.topic)
                recent.append(event.topic)
                self._recent.move_to_end(user.id)
                while len(self._recent) > 10_000:
                    self._recent.popitem(last=False)
        return turn

    async def offer_instead(self, user: UserRef, turn: Turn) -> Turn:
        """The typed intent 'talk to a person' gets the consent screen when configured."""
        asked = any(e.kind == "matched" and e.topic == "talk_to_human" for e in turn.events)
        if not asked or self.chat_for(turn.language) is None:
            return turn
        offer = await self._offer(user, turn.state, turn.language)
        return turn if offer is None else replace(turn, replies=offer.replies)

    async def forget(self, user_id: int) -> bool:
        """/forget: every case of the user, live or closed, and their topics; True if any."""
        self._recent.pop(user_id, None)
        found = False
        while True:
            case = await self.cases.live_case(user_id)
            if case is None:
                case = await self._any_case(user_id)
            if case is None:
                return found
            found = True
            if case.topic_id is not None:
                try:
                    await self.desk.delete_topic(case.chat_id, case.topic_id)
                except StaffDeskError as exc:
                    log.warning("case %s: could not delete its topic (%s)",
                                case_number(case.case_id), exc)
            await self.cases.audit(case.case_id, "forgotten", self.clock())
            await self.cases.delete(case.case_id)
            self._told_closed.pop(case.case_id, None)
            self._update_gauges_later()

    async def worker_blocked(self, user_id: int) -> None:
        """The worker blocked the bot: the caseworkers are told in the topic."""
        case = await self.cases.live_case(user_id)
        if case is not None:
            await self._note(case, "⛔ The worker has blocked the bot: messages cannot reach "
                                   "them any more. Close the case with /close.")
            await self.cases.audit(case.case_id, "blocked", self.clock())

    # -- the worker's side ---------------------------------------------------------
    async def _offer(self, user: UserRef, state: UserState, lang: str) -> Turn | None:
        if self.chat_for(lang) is None:
            return None  # not configured for this language: the engine lists the hotlines
        if await self.cases.live_case(user.id) is not None:
            return Turn([Reply(self._t(lang, texts.ALREADY))], state, lang)
        text = self._t(lang, texts.CONSENT)
        if self.staff_languages and lang not in self.staff_languages:
            names = ", ".join(native_name(code) for code in self.staff_languages)
            text += "\n\n" + self._t(lang, texts.STAFF_LANGUAGES).replace("{languages}", names)
        buttons = ((Button("✅ " + self._t(lang, texts.YES),
                           callbacks.encode("handoff", "yes", lang=lang)),),
                   (Button(self._t(lang, texts.NO),
                           callbacks.encode("handoff", "no", lang=lang)),))
        return Turn([Reply(text, buttons)], state, lang)

    async def _accept(self, user: UserRef, state: UserState, lang: str) -> Turn:
        chat_id = self.chat_for(lang)
        assert chat_id is not None
        now = self.clock()
        existing = await self.cases.live_case(user.id)
        if existing is not None:
            return Turn([Reply(self._t(lang, texts.ALREADY), edit=True)], state, lang)
        case = await self.cases.open_case(user.id, lang, chat_id, now)
        try:
            case = await self._new_topic(case, state, recreated=False)
        except StaffDeskError as exc:
            log.error("case %s: cannot open a topic in the staff group (%s); the worker "
                      "gets the hotlines", case_number(case.case_id), exc)
            await self.cases.audit(case.case_id, "failed", now)
            await self.cases.delete(case.case_id)
            hotlines = self.service.brain.engine.handle(state, CommandInput("human"), lang)
            text = self._t(lang, texts.UNAVAILABLE) + "\n\n" + hotlines.replies[0].text
            return Turn([Reply(text, self._kb(lang).main_menu())], state, lang)
        await self.cases.audit(case.case_id, "opened", now)
        self.service.metrics.handoff_opened(lang)
        self._update_gauges_later()
        replies = [Reply(self._t(lang, texts.CONNECTED), edit=True)]
        closed = self._closed_notice(case, lang)
        if closed:
            replies.append(Reply(closed))
        log.info("case %s opened (%s)", case_number(case.case_id), lang)
        return Turn(replies, state, lang)

    async def _from_worker(self, user: UserRef, case: Case, message: TextInput | NonTextInput,
                           state: UserState, lang: str, ref: MessageRef) -> Turn:
        """Copy the worker's message into the topic; danger is escalated and answered."""
        engine = self.service.brain.engine
        categories = engine.find_danger(message.text).categories \
            if isinstance(message, TextInput) else []
        first = case.worker_at is None
        copy_id = await self._to_staff(case, ref, state)
        case = await self.cases.get(case.case_id) or case  # the topic may be new
        case = replace(case, worker_at=self.clock())
        await self.cases.update(case)
        replies: list[Reply] = []
        events = []
        if copy_id is None:
            replies.append(Reply(self._t(lang, texts.CANNOT_RELAY)))
        elif categories:
            await self._escalate(case, copy_id, categories)
        if categories:
            # Danger first, in a case too: the numbers in the first reply.
            danger = engine.handle(state, message, user.language_code)
            replies = [*danger.replies, *replies]
            events = danger.events
        elif first and copy_id is not None:
            replies.append(Reply(self._t(lang, texts.FIRST_SENT)))
        closed = self._closed_notice(case, lang)
        if closed and copy_id is not None:
            replies.append(Reply(closed))
        self.service.metrics.handoff_relayed("to_staff")
        return Turn(replies, state, lang, events)

    async def worker_edited(self, user_id: int, ref: MessageRef) -> None:
        """The worker edited a message they had sent into the case."""
        case = await self.cases.live_case(user_id)
        if case is None or case.topic_id is None:
            return
        copy_id = await self.cases.copy_of(case.case_id, "worker", ref.message_id)
        if copy_id is not None and await self.desk.edit_copy(case.chat_id, copy_id, ref):
            return
        await self._note(case, "✏️ The worker edited an earlier message; the new version "
                               "could not be shown here. Ask them to send it again if needed.")

    def _closed_notice(self, case: Case, lang: str) -> str | None:
        """Outside office hours: when someone will answer, told once per closed period."""
        now = self.clock()
        if self.hours.is_open(now):
            return None
        opening = self.hours.next_open(now)
        if self._told_closed.get(case.case_id) == opening:
            return None
        self._told_closed[case.case_id] = opening
        return (self._t(lang, texts.OUTSIDE_HOURS)
                .replace("{hours}", self.hours.describe(lang))
                .replace("{when}", self.hours.describe_moment(opening, lang)))

    # -- the caseworkers' side -------------------------------------------------------
    async def from_staff(self, message: StaffMessage) -> None:
        """A message in a staff group: a command, or an answer to copy to the worker."""
        if message.topic_id is None:
            if message.command == "status":
                await self._group_status(message)
            return  # the general chat is the caseworkers' own
        case = await self.cases.case_by_topic(message.chat_id, message.topic_id)
        if case is None:
            return  # a topic the bot did not open: staff talk
        if message.sender_id is None:
            await self._note(case, "Answer as yourself, not anonymously as the group: each "
                                   "answer is recorded with its caseworker. This message was "
                                   "not sent.")
            return
        if not await self.desk.is_staff(message.chat_id, message.sender_id):
            log.warning("case %s: a message from %d, who is not a member of the staff group, "
                        "was not relayed", case_number(case.case_id), message.sender_id)
            return
        if message.command is not None:
            await self._staff_command(case, message)
            return
        async with self.service.sessions.lock(case.user_id):
            fresh = await self.cases.get(case.case_id)
            if fresh is None:
                return  # forgotten meanwhile
            if message.edited:
                await self._staff_edited(fresh, message)
            elif not fresh.live:
                await self._note(fresh, "This case is closed: the worker does not receive "
                                        "messages here any more.")
            else:
                await self._to_worker(fresh, message)

    async def _to_worker(self, case: Case, message: StaffMessage) -> None:
        label = self._t(case.language, texts.CASEWORKER)
        try:
            copy_id = await self.desk.copy_to_worker(case.user_id, message.ref, label)
        except WorkerUnreachable:
            await self._note(case, "⛔ The worker has blocked the bot: this message did not "
                                   "reach them. Close the case with /close.")
            await self.cases.audit(case.case_id, "blocked", self.clock())
            await self.service.sessions.mark_inactive(case.user_id)
            return
        except CannotCopy:
            await self._note(case, f"⚠️ This {message.ref.kind} cannot be copied to the "
                                   "worker; send it another way (text, photo, file).")
            return
        await self.cases.add_copy(case.case_id, "staff", message.ref.message_id, copy_id)
        self.service.metrics.handoff_relayed("to_worker")
        now = self.clock()
        answered = {e.caseworker_id for e in await self.cases.audit_of(case.case_id)
                    if e.event == "answered"}
        if message.sender_id not in answered:
            await self.cases.audit(case.case_id, "answered", now, message.sender_id)
        if case.first_reply_at is None:
            await self.cases.update(replace(case, state="open", first_reply_at=now))
            self.service.metrics.handoff_first_reply((now - case.opened_at).total_seconds())
            self._update_gauges_later()

    async def _staff_edited(self, case: Case, message: StaffMessage) -> None:
        copy_id = await self.cases.copy_of(case.case_id, "staff", message.ref.message_id)
        if copy_id is None or not case.live:
            return
        label = self._t(case.language, texts.CASEWORKER)
        if not await self.desk.edit_copy(case.user_id, copy_id, message.ref, label):
            await self._note(case, "✏️ The edit could not reach the worker; send the "
                                   "corrected message again.")

    async def _staff_command(self, case: Case, message: StaffMessage) -> None:
        command = message.command
        if command == "close":
            if case.live:
                await self._close(case, by=message.sender_id)
                keyboard = self._kb(case.language).main_menu()
                try:
                    await self.desk.notify_worker(
                        case.user_id, Reply(self._t(case.language, texts.CLOSED_BY_STAFF),
                                            keyboard))
                except WorkerUnreachable:
                    await self.service.sessions.mark_inactive(case.user_id)
            else:
                await self._note(case, "This case is closed already.")
        elif command == "note":
            # Internal: never sent; the audit says a note was made, not what it says.
            await self.cases.audit(case.case_id, "note", self.clock(), message.sender_id)
        elif command == "status":
            await self._note(case, self._status(case, await self.cases.audit_of(case.case_id)))
        else:
            await self._note(case, "Not sent. Commands here: /close (end the case and tell "
                                   "the worker), /note … (internal, never sent), /status.")

    async def _group_status(self, message: StaffMessage) -> None:
        """/status in the general chat: the live cases of this group, for the supervisor."""
        live = [c for c in await self.cases.live_cases() if c.chat_id == message.chat_id]
        if message.sender_id is None or not await self.desk.is_staff(message.chat_id,
                                                                     message.sender_id):
            return
        lines = [f"{len(live)} case(s) open."]
        now = self.clock()
        for case in live:
            since = case.worker_at or case.opened_at
            lines.append(f"{'🚨 ' if case.danger else ''}{case_number(case.case_id)} "
                         f"{case.language} · {case.state} · last from the worker "
                         f"{_ago(now - since)} ago")
        log.info("staff /status in the general chat: %d live case(s)", len(live))
        await self.desk.post(message.chat_id, None, "\n".join(lines))

    def _status(self, case: Case, audit: list[AuditEntry]) -> str:
        now = self.clock()
        first = "not yet" if case.first_reply_at is None else \
            f"after {_ago(case.first_reply_at - case.opened_at)}"
        workers = sorted({str(e.caseworker_id) for e in audit if e.event == "answered"})
        return (f"<b>Case {case_number(case.case_id)}</b> · {html.escape(case.language)} · "
                f"{case.state}{' · 🚨 danger' if case.danger else ''}\n"
                f"Opened {_bangkok(case.opened_at)} ({_ago(now - case.opened_at)} ago); "
                f"first answer {first}\n"
                f"Caseworkers who answered (ids): {', '.join(workers) or 'none'}\n"
                f"Office hours: {html.escape(self.hours.describe('en'))} – "
                f"{'open now' if self.hours.is_open(now) else 'closed now'}")

    # -- topics --------------------------------------------------------------------
    async def _to_staff(self, case: Case, ref: MessageRef, state: UserState) -> int | None:
        """Copy into the case's topic, opening a new topic if it was deleted; the copy's
        id, or None when this message cannot be copied (the topic is told)."""
        for _attempt in range(2):
            if case.topic_id is None:
                case = await self._new_topic(case, state, recreated=True)
            assert case.topic_id is not None
            try:
                copy_id = await self.desk.copy_to_staff(case.chat_id, case.topic_id, ref)
            except TopicGone:
                log.info("case %s: its topic was deleted; opening a new one",
                         case_number(case.case_id))
                case = replace(case, topic_id=None)
                continue
            except CannotCopy:
                await self._note(case, f"⚠️ The worker sent a {ref.kind} that cannot be "
                                       "copied here. They were asked to send it another way.")
                return None
            await self.cases.add_copy(case.case_id, "worker", ref.message_id, copy_id)
            return copy_id
        raise StaffDeskError("the topic could not be opened again")

    async def _new_topic(self, case: Case, state: UserState | None, *, recreated: bool) -> Case:
        """A topic for the case, its first message saying what a caseworker needs."""
        lock = self._topic_locks.setdefault(case.case_id, asyncio.Lock())
        async with lock:
            topic_id = await self.desk.open_topic(case.chat_id, self._title(case))
            case = replace(case, topic_id=topic_id)
            await self.cases.update(case)
            if recreated:
                await self.cases.audit(case.case_id, "topic_recreated", self.clock())
            await self.desk.post(case.chat_id, topic_id, self._intro(case, state, recreated))
        return case

    def _title(self, case: Case) -> str:
        mark = "✅ " if case.state == "closed" else "🚨 " if case.danger else ""
        return f"{mark}{case_number(case.case_id)} · {native_name(case.language)} " \
               f"({case.language})"

    def _intro(self, case: Case, state: UserState | None, recreated: bool) -> str:
        content = self.service.brain.content
        recent = list(self._recent.get(case.user_id, ()))
        if not recent and state is not None and state.last_topic:
            recent = [state.last_topic]
        topics = ", ".join(html.escape(content.topic_title(_STAFF_LANGUAGE, t))
                           for t in reversed(recent) if t in content.topics) or "none"
        now = self.clock()
        lines = [f"<b>Case {case_number(case.case_id)}</b> · language: "
                 f"{html.escape(native_name(case.language))} ({case.language})",
                 f"Topics the worker looked at last: {topics}",
                 f"Opened {_bangkok(case.opened_at)} Bangkok time · "
                 f"{'inside' if self.hours.is_open(now) else 'OUTSIDE'} office hours"]
        if recreated:
            lines.insert(0, "The previous topic of this case was deleted; the case goes on "
                            "here.")
        lines.append("Write in this topic to answer: a copy reaches the worker as "
                     "“Caseworker:”, never your name. /close ends the case, /note … is "
                     "internal, /status shows the case.")
        return "\n".join(lines)

    async def _escalate(self, case: Case, copy_id: int, categories: list[str]) -> None:
        """A danger message in a case: 🚨 in the title, the message pinned, audited."""
        if not case.danger:
            case = replace(case, danger=True)
            await self.cases.update(case)
        assert case.topic_id is not None
        try:
            await self.desk.rename_topic(case.chat_id, case.topic_id, self._title(case))
            await self.desk.pin(case.chat_id, copy_id)
        except StaffDeskError as exc:
            log.warning("case %s: could not mark the danger (%s)", case_number(case.case_id),
                        exc)
        await self._note(case, f"🚨 The safety check flagged this message: "
                               f"{', '.join(categories)}. The worker was shown the emergency "
                               "numbers.")
        await self.cases.audit(case.case_id, "danger", self.clock())
        self.service.metrics.handoff_danger()

    async def _close(self, case: Case, by: int | None) -> None:
        now = self.clock()
        case = replace(case, state="closed", closed_at=now, closed_by=by)
        await self.cases.update(case)
        await self.cases.audit(case.case_id, "closed", now, by)
        self._told_closed.pop(case.case_id, None)
        self._update_gauges_later()
        if case.topic_id is None:
            return
        who = "the worker" if by is None else f"caseworker {by}"
        try:
            await self.desk.post(case.chat_id, case.topic_id,
                                 f"✅ Case closed by {who}. Messages here no longer reach "
                                 "the worker.")
            await self.desk.rename_topic(case.chat_id, case.topic_id, self._title(case))
            await self.desk.close_topic(case.chat_id, case.topic_id)
        except StaffDeskError as exc:
            log.info("case %s: topic not marked closed (%s)", case_number(case.case_id), exc)

    async def _note(self, case: Case, text: str) -> None:
        """A line from the bot in the case's topic; a deleted topic is not reopened for it."""
        if case.topic_id is None:
            return
        try:
            await self.desk.post(case.chat_id, case.topic_id, text)
        except StaffDeskError as exc:
            log.info("case %s: note not posted (%s)", case_number(case.case_id), exc)

    async def _any_case(self, user_id: int) -> Case | None:
        cases = await self.cases.cases_of(user_id)
        return cases[0] if cases else None

    # -- metrics ---------------------------------------------------------------------
    def _update_gauges_later(self) -> None:
        task = asyncio.get_running_loop().create_task(self.refresh_gauges())
        task.add_done_callback(lambda t: t.exception() if not t.cancelled() else None)

    async def refresh_gauges(self) -> None:
        """Open cases per language and cases waiting for a first answer, for /metrics."""
        stats = await self.cases.stats()
        self.service.metrics.handoff_gauges(stats.live_by_language, stats.waiting)

    # -- helpers -------------------------------------------------------------------
    def _t(self, lang: str, message: str) -> str:
        return self.service.interface_text(lang, message)

    def _kb(self, lang: str) -> Keyboards:
        brain = self.service.brain
        return Keyboards(brain.content, lang, brain.catalogs.get(lang).gettext)


def _bangkok(moment: dt.datetime) -> str:
    return moment.astimezone(BANGKOK).strftime("%a %d %b %H:%M")


def _ago(delta: dt.timedelta) -> str:
    minutes = max(int(delta.total_seconds() // 60), 0)
    if minutes < 60:
        return f"{minutes} min"
    hours, minutes = divmod(minutes, 60)
    if hours < 48:
        return f"{hours} h {minutes} min"
    return f"{hours // 24} days"
