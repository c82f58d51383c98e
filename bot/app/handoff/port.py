"""The port between the hand-off logic and a staff channel (Telegram forum topics today).

The application layer decides who is in a case, when, and what is said; a
``StaffDesk`` only moves messages: it opens a topic per case, copies a
worker's message into it and a caseworker's message back, renames, pins,
closes and deletes topics. A second channel (another messenger's staff inbox)
implements this protocol and reuses the case logic unchanged.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from bot.dialogue.types import Reply

__all__ = ["CannotCopy", "MessageRef", "StaffDesk", "StaffDeskError", "StaffMessage",
           "TopicGone", "WorkerUnreachable"]


@dataclass(frozen=True)
class MessageRef:
    """A message in a channel, to be copied: where it is and what kind it is.

    ``html`` is the channel's rendering of its text or caption, handed along for
    the one call that relays it; it is never stored or logged."""

    chat_id: int
    message_id: int
    kind: str = "text"  # text, photo, voice, document, sticker, ...
    html: str | None = None

    def __repr__(self) -> str:  # never the text, should a ref reach a log line
        return f"MessageRef({self.chat_id}, {self.message_id}, {self.kind!r})"


@dataclass(frozen=True)
class StaffMessage:
    """A message written in a staff group (a topic, or the group's general chat)."""

    chat_id: int
    topic_id: int | None
    sender_id: int | None  # None: sent anonymously (as the group) or by a channel
    ref: MessageRef
    command: str | None = None  # close, note, status, ... (without the slash)
    arg: str = ""
    edited: bool = False


class StaffDeskError(Exception):
    """The staff channel refused an operation (rights, a bad request)."""


class TopicGone(StaffDeskError):
    """The case's topic no longer exists (deleted by hand)."""


class CannotCopy(StaffDeskError):
    """This message cannot be copied (a kind the channel does not copy)."""


class WorkerUnreachable(StaffDeskError):
    """The worker blocked the bot."""


class StaffDesk(Protocol):
    async def open_topic(self, chat_id: int, title: str) -> int:
        """Create a topic; return its id."""
        ...

    async def rename_topic(self, chat_id: int, topic_id: int, title: str) -> None: ...

    async def close_topic(self, chat_id: int, topic_id: int) -> None: ...

    async def delete_topic(self, chat_id: int, topic_id: int) -> None: ...

    async def post(self, chat_id: int, topic_id: int | None, html: str) -> int:
        """A note from the bot in the topic (None: the general chat); its id (TopicGone)."""
        ...

    async def pin(self, chat_id: int, message_id: int) -> None: ...

    async def copy_to_staff(self, chat_id: int, topic_id: int, ref: MessageRef) -> int:
        """Copy a worker's message into the topic; the copy's id (TopicGone, CannotCopy)."""
        ...

    async def copy_to_worker(self, user_id: int, ref: MessageRef, label: str) -> int:
        """Copy a caseworker's message to the worker under ``label``, protected from
        forwarding and saving; the copy's id (WorkerUnreachable, CannotCopy)."""
        ...

    async def edit_copy(self, chat_id: int, copy_id: int, ref: MessageRef,
                        label: str = "") -> bool:
        """Put an edited original's new text into its copy; False if it cannot be."""
        ...

    async def notify_worker(self, user_id: int, reply: Reply) -> None:
        """A message from the bot to the worker (WorkerUnreachable)."""
        ...

    async def is_staff(self, chat_id: int, user_id: int) -> bool:
        """True when ``user_id`` is a member of the staff group now."""
        ...
