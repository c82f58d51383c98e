"""Talk to a person on Telegram: the staff desk is a supergroup with forum topics.

``TelegramStaffDesk`` implements the application's ``StaffDesk`` port
(bot/app/handoff/port.py) with Bot API calls: a topic per case, messages
copied (never forwarded, so no account is revealed) and, towards the worker,
protected from forwarding and saving. ``StaffHandlers`` turns messages in the
staff group(s) and a worker's edits into calls of the application's
``Handoff``. ``check_staff_groups`` runs at start: the bot must be an admin
allowed to manage topics, pin and delete messages.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from telegram import Bot, Message, MessageEntity, Update
from telegram.constants import ChatMemberStatus
from telegram.error import BadRequest, Forbidden, TelegramError
from telegram.ext import Application, ContextTypes, MessageHandler, filters

from bot.adapters.telegram.inputs import attachment_kind
from bot.adapters.telegram.outputs import Target, show_turn
from bot.app import BotService
from bot.app.handoff.port import (
    CannotCopy,
    MessageRef,
    StaffDeskError,
    StaffMessage,
    TopicGone,
    WorkerUnreachable,
)
from bot.config import ConfigError
from bot.dialogue.types import Reply, Turn, UserState

__all__ = ["StaffHandlers", "TelegramStaffDesk", "check_staff_groups", "message_ref",
           "register_staff_handlers"]

log = logging.getLogger(__name__)

Context = ContextTypes.DEFAULT_TYPE

# Kinds whose copy can carry a caption (the "Caseworker:" label goes there).
_CAPTIONED = frozenset({"photo", "video", "document", "audio", "voice", "animation"})
_STAFF = frozenset({ChatMemberStatus.OWNER, ChatMemberStatus.ADMINISTRATOR,
                    ChatMemberStatus.MEMBER})
_MEMBER_CACHE_SECONDS = 60.0  # who is staff is asked again after a minute


def message_ref(message: Message) -> MessageRef:
    """The message as the application layer refers to it (its text only in passing)."""
    kind = "text" if message.text is not None else attachment_kind(message) or "message"
    text = message.text_html if message.text is not None else \
        message.caption_html if message.caption else None
    return MessageRef(message.chat.id, message.message_id, kind, text)


def _topic_gone(exc: BadRequest) -> bool:
    text = exc.message.lower()
    return "thread not found" in text or "topic_deleted" in text \
        or "topic_id_invalid" in text or "topic not found" in text


class TelegramStaffDesk:
    """The ``StaffDesk`` port on the Bot API."""

    def __init__(self, bot: Bot) -> None:
        self.bot = bot
        self._members: dict[tuple[int, int], tuple[float, bool]] = {}

    async def open_topic(self, chat_id: int, title: str) -> int:
        try:
            topic = await self.bot.create_forum_topic(chat_id, title[:128])
        except TelegramError as exc:
            raise StaffDeskError(f"createForumTopic: {exc}") from exc
        return topic.message_thread_id

    async def rename_topic(self, chat_id: int, topic_id: int, title: str) -> None:
        try:
            await self.bot.edit_forum_topic(chat_id, topic_id, name=title[:128])
        except BadRequest as exc:
            if "not modified" in exc.message.lower():
                return
            raise TopicGone(exc.message) if _topic_gone(exc) else StaffDeskError(exc.message) \
                from exc
        except TelegramError as exc:
            raise StaffDeskError(str(exc)) from exc

    async def close_topic(self, chat_id: int, topic_id: int) -> None:
        try:
            await self.bot.close_forum_topic(chat_id, topic_id)
        except TelegramError as exc:
            raise StaffDeskError(str(exc)) from exc

    async def delete_topic(self, chat_id: int, topic_id: int) -> None:
        try:
            await self.bot.delete_forum_topic(chat_id, topic_id)
        except BadRequest as exc:
            if not _topic_gone(exc):  # deleted by hand already: nothing left to do
                raise StaffDeskError(exc.message) from exc
        except TelegramError as exc:
            raise StaffDeskError(str(exc)) from exc

    async def post(self, chat_id: int, topic_id: int | None, html: str) -> int:
        try:
            sent = await self.bot.send_message(chat_id, html, message_thread_id=topic_id)
        except BadRequest as exc:
            raise TopicGone(exc.message) if _topic_gone(exc) else StaffDeskError(exc.message) \
                from exc
        except TelegramError as exc:
            raise StaffDeskError(str(exc)) from exc
        return sent.message_id

    async def pin(self, chat_id: int, message_id: int) -> None:
        try:
            await self.bot.pin_chat_message(chat_id, message_id)
        except TelegramError as exc:
            raise StaffDeskError(str(exc)) from exc

    async def copy_to_staff(self, chat_id: int, topic_id: int, ref: MessageRef) -> int:
        try:
            copied = await self.bot.copy_message(chat_id, ref.chat_id, ref.message_id,
                                                 message_thread_id=topic_id)
        except BadRequest as exc:
            if _topic_gone(exc):
                raise TopicGone(exc.message) from exc
            raise CannotCopy(exc.message) from exc
        return copied.message_id

    async def copy_to_worker(self, user_id: int, ref: MessageRef, label: str) -> int:
        head = f"<b>{label}:</b>"
        try:
            if ref.kind == "text":
                sent = await self.bot.send_message(user_id, f"{head}\n{ref.html or ''}",
                                                   protect_content=True)
                return sent.message_id
            if ref.kind in _CAPTIONED:
                caption = f"{head}\n{ref.html}" if ref.html else head
                copied = await self.bot.copy_message(user_id, ref.chat_id, ref.message_id,
                                                     caption=caption, protect_content=True)
                return copied.message_id
            # Stickers, round videos, places...: no caption, so the label goes first.
            await self.bot.send_message(user_id, head, protect_content=True)
            copied = await self.bot.copy_message(user_id, ref.chat_id, ref.message_id,
                                                 protect_content=True)
            return copied.message_id
        except Forbidden as exc:
            raise WorkerUnreachable(str(exc)) from exc
        except BadRequest as exc:
            raise CannotCopy(exc.message) from exc

    async def edit_copy(self, chat_id: int, copy_id: int, ref: MessageRef,
                        label: str = "") -> bool:
        if ref.html is None:
            return False  # the media itself changed: a note instead
        text = f"<b>{label}:</b>\n{ref.html}" if label else ref.html
        try:
            if ref.kind == "text":
                await self.bot.edit_message_text(text, chat_id=chat_id, message_id=copy_id)
            elif ref.kind in _CAPTIONED:
                await self.bot.edit_message_caption(chat_id=chat_id, message_id=copy_id,
                                                    caption=text)
            else:
                return False
        except BadRequest as exc:
            return "not modified" in exc.message.lower()
        except TelegramError as exc:
            log.info("an edit could not be relayed: %s", type(exc).__name__)
            return False
        return True

    async def notify_worker(self, user_id: int, reply: Reply) -> None:
        try:
            await show_turn(self.bot, Target(user_id), Turn([reply], UserState(), ""))
        except Forbidden as exc:
            raise WorkerUnreachable(str(exc)) from exc

    def forget_members(self) -> None:
        """Ask Telegram again at the next message (after a change of members)."""
        self._members.clear()

    async def is_staff(self, chat_id: int, user_id: int) -> bool:
        now = time.monotonic()
        cached = self._members.get((chat_id, user_id))
        if cached is not None and now - cached[0] < _MEMBER_CACHE_SECONDS:
            return cached[1]
        try:
            member = await self.bot.get_chat_member(chat_id, user_id)
        except TelegramError as exc:
            log.warning("cannot check a staff member (%s); not relayed", type(exc).__name__)
            return False
        staff = member.status in _STAFF or (member.status == ChatMemberStatus.RESTRICTED
                                            and bool(getattr(member, "is_member", False)))
        self._members[(chat_id, user_id)] = (now, staff)
        return staff


async def check_staff_groups(bot: Bot, routes: dict[str, int]) -> None:
    """ConfigError (one line) unless the bot can run every staff group it is given."""
    problems: list[str] = []
    for chat_id in sorted(set(routes.values())):
        variable = _variable(routes, chat_id)
        try:
            chat = await bot.get_chat(chat_id)
            me = await bot.get_chat_member(chat_id, bot.id)
        except TelegramError as exc:
            problems.append(f"{variable}: the bot cannot see group {chat_id} ({exc}); add "
                            "the bot to the group as an admin")
            continue
        missing: list[str] = []
        if not getattr(chat, "is_forum", False):
            missing.append("turn on Topics in the group's settings")
        if me.status != ChatMemberStatus.ADMINISTRATOR:
            missing.append("make the bot an admin")
        else:
            for right, name in (("can_manage_topics", "Manage topics"),
                                ("can_pin_messages", "Pin messages"),
                                ("can_delete_messages", "Delete messages")):
                if not getattr(me, right, False):
                    missing.append(f"give the bot the admin right '{name}'")
        if missing:
            problems.append(f"{variable}: group {chat_id}: {', '.join(missing)}")
    if problems:
        first = problems[0]
        variable, _, message = first.partition(": ")
        rest = f" (and {len(problems) - 1} more group(s))" if len(problems) > 1 else ""
        raise ConfigError(variable, message + rest)


def _variable(routes: dict[str, int], chat_id: int) -> str:
    lang = next((lang for lang, chat in routes.items() if chat == chat_id), "")
    return f"HANDOFF_CHAT_ID_{lang.upper()}" if lang else "HANDOFF_CHAT_ID"


class StaffHandlers:
    """Messages in the staff groups, and a worker's edits, to the application's Handoff."""

    def __init__(self, service: BotService) -> None:
        self.service = service

    async def on_staff_message(self, update: Update, context: Context) -> None:
        handoff = self.service.handoff
        message = update.effective_message
        if handoff is None or message is None:
            return
        staff = _staff_message(message, context.bot.username,
                               edited=update.edited_message is not None)
        if staff is not None:
            await handoff.from_staff(staff)

    async def on_worker_edit(self, update: Update, context: Context) -> None:
        handoff = self.service.handoff
        message, user = update.edited_message, update.effective_user
        if handoff is None or message is None or user is None:
            return
        async with self.service.sessions.lock(user.id):
            await handoff.worker_edited(user.id, message_ref(message))


def _staff_message(message: Message, bot_username: str, edited: bool) -> StaffMessage | None:
    """The staff message, or None for what is not for a worker (service messages,
    other bots, commands for other bots)."""
    user = message.from_user
    anonymous = message.sender_chat is not None  # as the group itself, or a channel
    if not anonymous and (user is None or user.is_bot):
        return None
    if message.text is None and attachment_kind(message) is None:
        return None  # topic created, member joined, pinned...: nothing to relay
    command: str | None = None
    arg = ""
    text = message.text or ""
    if message.text is not None and any(e.offset == 0 and e.type == MessageEntity.BOT_COMMAND
                                        for e in message.entities):
        word, _, arg = text.partition(" ")
        name, _, target = word[1:].partition("@")
        if target and target.lower() != bot_username.lower():
            return None
        command = name.lower()
    topic = message.message_thread_id if message.is_topic_message else None
    return StaffMessage(message.chat.id, topic, None if anonymous or user is None else user.id,
                        message_ref(message), command, arg.strip(), edited)


def register_staff_handlers(app: Application[Any, Any, Any, Any, Any, Any],
                            service: BotService, routes: dict[str, int]) -> None:
    """Before the conversation's handlers: the staff groups are never answered as workers."""
    handlers = StaffHandlers(service)
    if routes:
        app.add_handler(MessageHandler(
            filters.Chat(chat_id=sorted(set(routes.values())))
            & (filters.UpdateType.MESSAGE | filters.UpdateType.EDITED_MESSAGE),
            handlers.on_staff_message))
    app.add_handler(MessageHandler(
        filters.UpdateType.EDITED_MESSAGE & filters.ChatType.PRIVATE, handlers.on_worker_edit))
