"""Button layouts for menus, topics, answers and the language picker."""

from __future__ import annotations

from collections.abc import Callable

from bot.content.tree import ContentTree
from bot.dialogue import callbacks
from bot.dialogue.types import Button
from bot.i18n.languages import native_name

__all__ = ["Keyboards"]

Rows = tuple[tuple[Button, ...], ...]


class Keyboards:
    def __init__(self, content: ContentTree, lang: str, gettext: Callable[[str], str]) -> None:
        self.content = content
        self.lang = lang
        self._ = gettext

    def _data(self, kind: str, arg: str = "", extra: str = "") -> str:
        return callbacks.encode(kind, arg, extra, self.lang)

    def sos(self) -> Button:
        return Button("🆘 " + self._("Emergency numbers"), self._data("emergency"))

    def human(self) -> Button:
        """Talk to a person: a caseworker when the hand-off is set up, else the hotlines."""
        return Button("🙋 " + self._("Talk to a person"), self._data("human"))

    def menu(self) -> Button:
        return Button("☰ " + self._("Menu"), self._data("menu"))

    def main_menu(self) -> Rows:
        # The emergency area opens the numbers at once: one tap, not a list first.
        areas = [Button(self.content.area_title(self.lang, a),
                        self._data("emergency") if a == "emergency" else self._data("area", a))
                 for a in self.content.areas]
        rows: list[tuple[Button, ...]] = [tuple(areas[i:i + 2])
                                          for i in range(0, len(areas), 2)]
        rows.append((self.human(),))
        rows.append((Button("🌐 " + self._("Language"), self._data("languages")), self.sos()))
        return tuple(rows)

    def area(self, area: str) -> Rows:
        rows: list[tuple[Button, ...]] = [
            (Button(self.content.topic_title(self.lang, t), self._data("topic", t)),)
            for t in self.content.topics_in_area(area)]
        rows.append((Button("⬅️ " + self._("Back"), self._data("menu")), self.sos()))
        return tuple(rows)

    def answer(self, topic_id: str, area: str, related: list[str], more: bool = False,
               remind: bool = False) -> Rows:
        rows: list[tuple[Button, ...]] = []
        if more:
            rows.append((Button("➕ " + self._("More"), self._data("more", topic_id)),))
        if remind:
            rows.append((Button("⏰ " + self._("Remind me"), self._data("remind")),))
        rows += self._topic_rows(related)
        rows.append((Button("👍", self._data("feedback", topic_id, "u")),
                     Button("👎", self._data("feedback", topic_id, "d"))))
        rows.append((Button("⬅️ " + self._("Back"), self._data("area", area)), self.menu()))
        rows.append((self.sos(), self.human()) if topic_id != "emergency" else (self.human(),))
        return tuple(rows)

    def danger(self, related: list[str]) -> Rows:
        """Under a danger reply: the topics that help, then every emergency number."""
        rows = self._topic_rows(related[:4])
        rows.append((self.sos(), self.human()))
        rows.append((self.menu(),))
        return tuple(rows)

    # -- reminders -------------------------------------------------------------
    def documents(self, names: dict[str, str]) -> Rows:
        """One button per document a reminder can be set for."""
        rows: list[tuple[Button, ...]] = [(Button(name[:1].upper() + name[1:],
                                                  self._data("remind", doc)),)
                                          for doc, name in names.items()]
        rows.append((self.menu(),))
        return tuple(rows)

    def cancel(self) -> Rows:
        return ((Button("✖️ " + self._("Cancel"), self._data("menu")),),)

    def confirm_reminder(self, document: str, day: str) -> Rows:
        return ((Button("✅ " + self._("Yes, remind me"),
                        self._data("remind_confirm", document, day)),),
                (Button("✏️ " + self._("Type it again"), self._data("remind", document)),),
                (Button("✖️ " + self._("Cancel"), self._data("menu")),))

    def expired(self) -> Rows:
        return (*self._topic_rows(["permit_expired"]),
                (Button("✖️ " + self._("Cancel"), self._data("menu")),))

    def after_reminder(self) -> Rows:
        return ((Button("⏰ " + self._("My reminders"), self._data("reminders")),),
                (self.menu(),))

    def reminder_list(self, items: list[tuple[int, str, str]]) -> Rows:
        """(id, document, name) per reminder: change or delete it; add another."""
        rows: list[tuple[Button, ...]] = [
            (Button("✏️ " + name, self._data("remind", doc)),
             Button("🗑 " + name, self._data("remind_delete", str(rid))))
            for rid, doc, name in items]
        rows.append((Button("➕ " + self._("Add a reminder"), self._data("remind")),))
        rows.append((self.menu(),))
        return tuple(rows)

    def _topic_rows(self, topic_ids: list[str]) -> list[tuple[Button, ...]]:
        """One "➡️ title" button a row for each topic that exists."""
        return [(Button("➡️ " + self.content.topic_title(self.lang, t), self._data("topic", t)),)
                for t in topic_ids if t in self.content.topics]

    def suggestions(self, topic_ids: list[str]) -> Rows:
        rows: list[tuple[Button, ...]] = [
            (Button(self.content.topic_title(self.lang, t), self._data("topic", t)),)
            for t in topic_ids if t in self.content.topics]
        rows.append((Button(self._("None of these"), self._data("menu")), self.sos()))
        return tuple(rows)

    def languages(self) -> Rows:
        buttons = [Button(native_name(code), self._data("set_language", code))
                   for code in self.content.languages]
        return tuple(tuple(buttons[i:i + 2]) for i in range(0, len(buttons), 2))
