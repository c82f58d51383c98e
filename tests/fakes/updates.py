"""Build Bot API update dicts the way Telegram sends them (entities in UTF-16 units)."""

from __future__ import annotations

import itertools
import re
import time
from typing import Any

__all__ = ["Updates"]

JSON = dict[str, Any]

_COMMAND = re.compile(r"^/[A-Za-z0-9_]+(@\w+)?")
_MENTION = re.compile(r"@\w+")


def _utf16(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _entities(text: str) -> list[JSON]:
    found: list[JSON] = []
    command = _COMMAND.match(text)
    if command:
        found.append({"type": "bot_command", "offset": 0, "length": _utf16(command.group())})
    for mention in _MENTION.finditer(text):
        if command and mention.start() < command.end():
            continue
        found.append({"type": "mention", "offset": _utf16(text[:mention.start()]),
                      "length": _utf16(mention.group())})
    return found


class Updates:
    """Makes updates with unique message and callback ids."""

    def __init__(self) -> None:
        self._ids = itertools.count(1000)

    @staticmethod
    def user(user_id: int, lang: str | None = "en") -> JSON:
        """A human user as Telegram describes them."""
        user: JSON = {"id": user_id, "is_bot": False, "first_name": f"User{user_id}"}
        if lang:
            user["language_code"] = lang
        return user

    @staticmethod
    def chat(chat_id: int, kind: str = "private") -> JSON:
        """A private chat (id = user id) or a group."""
        if kind == "private":
            return {"id": chat_id, "type": "private", "first_name": f"User{chat_id}"}
        return {"id": chat_id, "type": kind, "title": "Workers group"}

    def message(self, user_id: int, text: str | None = None, *, lang: str | None = "en",
                chat: JSON | None = None, kind: str = "message", **extra: Any) -> JSON:
        """A message update (``kind``: message, edited_message, channel_post)."""
        body: JSON = {"message_id": next(self._ids), "date": int(time.time()),
                      "chat": chat or self.chat(user_id), **extra}
        if kind != "channel_post":
            body["from"] = self.user(user_id, lang)
        if kind == "edited_message":
            body["edit_date"] = int(time.time())
        if text is not None:
            body["text"] = text
            entities = _entities(text)
            if entities:
                body["entities"] = entities
        return {kind: body}

    def callback(self, user_id: int, data: str, message_id: int, *, lang: str | None = "en",
                 chat: JSON | None = None) -> JSON:
        """A button press on the bot's message ``message_id``."""
        return {"callback_query": {
            "id": str(next(self._ids)), "from": self.user(user_id, lang),
            "chat_instance": f"ci{user_id}", "data": data,
            "message": {"message_id": message_id, "date": int(time.time()),
                        "chat": chat or self.chat(user_id),
                        "from": {"id": 7000001, "is_bot": True, "first_name": "Bot"},
                        "text": "menu"}}}

    def blocked(self, user_id: int) -> JSON:
        """The my_chat_member update Telegram sends when a user blocks the bot."""
        bot = {"id": 7000001, "is_bot": True, "first_name": "Bot"}
        now = int(time.time())
        return {"my_chat_member": {
            "chat": self.chat(user_id), "from": self.user(user_id), "date": now,
            "old_chat_member": {"status": "member", "user": bot},
            "new_chat_member": {"status": "kicked", "until_date": 0, "user": bot}}}
