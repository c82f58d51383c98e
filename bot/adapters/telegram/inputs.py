"""Turn a Telegram message into the engine's input, or None when the bot stays quiet.

Private chats: every text, command and attachment is answered. Groups: only
commands (bare or addressed to this bot) and messages that mention the bot;
the mention is cut out before matching so it does not disturb the matcher.
"""

from __future__ import annotations

from telegram import Message, MessageEntity, User
from telegram.constants import ChatType

from bot.app import UserRef
from bot.dialogue.types import CommandInput, Input, NonTextInput, TextInput

__all__ = ["attachment_kind", "is_private", "to_input", "user_ref"]

# Checked in this order; the first present attribute names the kind.
_ATTACHMENTS = ("photo", "sticker", "voice", "audio", "video", "video_note", "animation",
                "document", "location", "venue", "contact", "poll", "dice")


def is_private(message: Message) -> bool:
    """True in a one-to-one chat with the bot."""
    return message.chat.type == ChatType.PRIVATE


def user_ref(user: User, private: bool) -> UserRef:
    """The sender as the application layer knows them: id, client language, chat kind."""
    return UserRef(user.id, user.language_code, private)


def attachment_kind(message: Message) -> str | None:
    """What the message carries instead of text (photo, sticker, voice, ...)."""
    for kind in _ATTACHMENTS:
        if getattr(message, kind, None):
            return kind
    return None


def to_input(message: Message, bot_username: str, bot_id: int | None = None) -> Input | None:
    """The engine input for ``message``; None means: not for us, do not answer."""
    if message.from_user is None or message.from_user.is_bot:
        return None  # channel-style senders and other bots are never answered
    private = is_private(message)
    text = message.text
    if text is not None:
        if _is_command(message):
            return _command(text, message, bot_username)
        if private:
            return TextInput(text)
        stripped = _strip_mentions(message, text, bot_username, bot_id)
        if stripped is None:
            return None
        # "@bot" alone is a call for attention: show the menu.
        return TextInput(stripped) if stripped.strip() else CommandInput("menu")
    if not private:
        return None
    if message.caption:
        return TextInput(message.caption)  # a photo of a document with a question
    kind = attachment_kind(message)
    return NonTextInput(kind) if kind else None


def _is_command(message: Message) -> bool:
    """True when the text starts with a /command entity."""
    return any(e.offset == 0 and e.type == MessageEntity.BOT_COMMAND
               for e in message.entities)


def _command(text: str, message: Message, bot_username: str) -> CommandInput | None:
    """The command, or None when it is addressed to another bot (/start@other_bot)."""
    first = next(e for e in message.entities if e.offset == 0)
    name, _, target = _utf16_slice(text, 0, first.length)[1:].partition("@")
    if target and target.lower() != bot_username.lower():
        return None
    arg = _utf16_slice(text, first.offset + first.length, None).strip()
    return CommandInput(name.lower(), arg)


def _strip_mentions(message: Message, text: str, bot_username: str,
                    bot_id: int | None) -> str | None:
    """``text`` without the mentions of this bot, or None if it does not mention it."""
    spans: list[tuple[int, int]] = []
    for entity in message.entities:
        if entity.type == MessageEntity.MENTION:
            mention = _utf16_slice(text, entity.offset, entity.offset + entity.length)
            if mention[1:].lower() == bot_username.lower():
                spans.append((entity.offset, entity.offset + entity.length))
        elif entity.type == MessageEntity.TEXT_MENTION and entity.user is not None \
                and bot_id is not None and entity.user.id == bot_id:
            spans.append((entity.offset, entity.offset + entity.length))
    if not spans:
        return None
    pieces, position = [], 0
    for start, end in sorted(spans):
        pieces.append(_utf16_slice(text, position, start))
        position = end
    pieces.append(_utf16_slice(text, position, None))
    return " ".join(" ".join(pieces).split())


def _utf16_slice(text: str, start: int, end: int | None) -> str:
    """Slice by UTF-16 code units, the unit of Telegram's entity offsets."""
    encoded = text.encode("utf-16-le")
    stop = None if end is None else end * 2
    # An entity whose edge splits an emoji (a surrogate pair) is malformed: keep what
    # can be read instead of failing the whole message.
    return encoded[start * 2:stop].decode("utf-16-le", errors="ignore")
