"""Button layouts for menus, topics, answers and the language picker."""

from __future__ import annotations

from collections.abc import Callable

from bot.content.tree import ContentTree
from bot.dialogue.callbacks import encode
from bot.dialogue.types import Button
from bot.i18n.languages import native_name

__all__ = ["Keyboards"]

Rows = tuple[tuple[Button, ...], ...]


class Keyboards:
    def __init__(self, content: ContentTree, lang: str, gettext: Callable[[str], str]) -> None:
        self.content = content
        self.lang = lang
        self._ = gettext

    def sos(self) -> Button:
        return Button("🆘 " + self._("Emergency numbers"), encode("emergency"))

    def menu(self) -> Button:
        return Button("☰ " + self._("Menu"), encode("menu"))

    def main_menu(self) -> Rows:
        areas = [Button(self.content.area_title(self.lang, a), encode("area", a))
                 for a in self.content.areas]
        rows: list[tuple[Button, ...]] = [tuple(areas[i:i + 2])
                                          for i in range(0, len(areas), 2)]
        rows.append((Button("🌐 " + self._("Language"), encode("languages")), self.sos()))
        return tuple(rows)

    def area(self, area: str) -> Rows:
        rows: list[tuple[Button, ...]] = [
            (Button(self.content.topic_title(self.lang, t), encode("topic", t)),)
            for t in self.content.topics_in_area(area)]
        rows.append((Button("⬅️ " + self._("Back"), encode("menu")), self.sos()))
        return tuple(rows)

    def answer(self, topic_id: str, area: str, related: list[str]) -> Rows:
        rows: list[tuple[Button, ...]] = [
            (Button("➡️ " + self.content.topic_title(self.lang, r), encode("topic", r)),)
            for r in related if r in self.content.topics]
        rows.append((Button("👍", encode("feedback", topic_id, "u")),
                     Button("👎", encode("feedback", topic_id, "d"))))
        rows.append((Button("⬅️ " + self._("Back"), encode("area", area)), self.menu()))
        if topic_id != "emergency":
            rows.append((self.sos(),))
        return tuple(rows)

    def suggestions(self, topic_ids: list[str]) -> Rows:
        rows: list[tuple[Button, ...]] = [
            (Button(self.content.topic_title(self.lang, t), encode("topic", t)),)
            for t in topic_ids if t in self.content.topics]
        rows.append((Button(self._("None of these"), encode("menu")), self.sos()))
        return tuple(rows)

    def languages(self) -> Rows:
        buttons = [Button(native_name(code), encode("set_language", code))
                   for code in self.content.languages]
        return tuple(tuple(buttons[i:i + 2]) for i in range(0, len(buttons), 2))
