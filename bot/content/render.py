"""Fill an answer's placeholders for one reader: contacts, numbers, the reviewed date."""

from __future__ import annotations

import datetime as dt
import html
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Protocol

from babel.dates import format_date

from bot.content.markup import strip_tags, telegram_length
from bot.content.models import Contact
from bot.content.tree import ContentTree

__all__ = [
    "MAX_MESSAGE",
    "NGO_TOPIC",
    "SCREEN",
    "Gettext",
    "estimate_rendered_length",
    "ngo_first_line",
    "render_answer",
    "screen_length",
    "visible_length",
]

MAX_MESSAGE = 4096  # Telegram's limit for one message
# About one phone screen of text: what a worker sees before scrolling. An answer
# longer than this puts its detail behind a "More" button (the 'more' field).
SCREEN = 900
# The topic {ngo_first} points to; answers that send a worker to an authority
# (contacts.yaml 'authority: true') carry {ngo_first}, and validate checks it.
NGO_TOPIC = "ngo_help"
_PLACEHOLDER = re.compile(r"\{(contact|phone|topic):([a-z0-9_]+)\}|\{reviewed\}|\{(ngo_first)\}")
# The longest the "(please check this number)" note is in any language we ship.
_CHECK_NOTE_ALLOWANCE = 60
_NAME_ALLOWANCE = 80
# What validation counts for text it cannot know without the translations.
_DATE_ALLOWANCE = 12
_NGO_FIRST_ALLOWANCE = 130  # the {ngo_first} sentence
# " (please check this number)": 27 letters in English; translations are near it.
_SCREEN_NOTE = "x" * 27


class Gettext(Protocol):
    def gettext(self, message: str, /) -> str: ...


@dataclass(frozen=True)
class _Fill:
    """What placeholders become for one reader. The worker's reply and validation's
    length check fill answers the same way, from different sources."""

    contacts: Mapping[str, Contact]
    name: Callable[[str], str]    # contact id -> name in the reader's language
    title: Callable[[str], str]   # topic id -> title in the reader's language
    check_note: str               # "(please check this number)", translated
    ngo_first: str = ""
    date: str = ""

    def __call__(self, answer: str) -> str:
        return _PLACEHOLDER.sub(self._one, answer)

    def _one(self, match: re.Match[str]) -> str:
        kind, ref = match.group(1), match.group(2)
        if match.group(3):
            return self.ngo_first
        if kind is None:
            return self.date
        if kind == "topic":
            return html.escape(self.title(ref), quote=False)
        contact = self.contacts.get(ref)
        if contact is None:  # validate reports it; never show a raw placeholder
            return ""
        note = " " + self.check_note if contact.check else ""
        if kind == "phone":
            return f"<b>{html.escape(contact.phone or '')}</b>{note}"
        name = html.escape(self.name(ref), quote=False)
        if contact.phone:
            return f"{name}: <b>{html.escape(contact.phone)}</b>{note}"
        if contact.web:
            return f"{name} ({html.escape(contact.web)})"
        return f"<b>{name}</b>"


def ngo_first_line(tree: ContentTree, lang: str, tr: Gettext) -> str:
    """The one sentence every answer that sends a worker to an authority carries."""
    title = html.escape(tree.topic_title(lang, NGO_TOPIC), quote=False)
    return tr.gettext("No papers, or afraid? An NGO can advise you first, and you need "
                      "not give your name: see “{ngo}”.").replace("{ngo}", title)


def render_answer(tree: ContentTree, lang: str, answer: str, tr: Gettext,
                  reviewed: dt.date | None = None) -> str:
    """Return ``answer`` with every placeholder replaced, in ``lang``."""

    def name(contact_id: str) -> str:
        text = tree.contact_text(lang, contact_id)
        return text.name if text else contact_id

    fill = _Fill(
        tree.contacts, name, lambda topic_id: tree.topic_title(lang, topic_id),
        tr.gettext("(please check this number)"),
        ngo_first_line(tree, lang, tr) if "{ngo_first}" in answer else "",
        _format_date(reviewed, lang) if reviewed and "{reviewed}" in answer else "")
    return fill(answer)


def estimate_rendered_length(answer: str, contacts: Mapping[str, Contact]) -> int:
    """Upper estimate of an answer's length once filled, for the 4096 check."""
    total = len(_PLACEHOLDER.sub("", answer))
    for match in _PLACEHOLDER.finditer(answer):
        contact = contacts.get(match.group(2) or "")
        if match.group(3) or match.group(1) == "topic":
            total += _NGO_FIRST_ALLOWANCE
        elif match.group(1) is None:
            total += 20
        elif contact is not None:
            total += len(contact.phone or contact.web or "") + _NAME_ALLOWANCE
            total += _CHECK_NOTE_ALLOWANCE if contact.check else 0
    return total


def visible_length(rendered_html: str) -> int:
    """Length of rendered HTML as Telegram counts it: tags gone, entities decoded,
    in UTF-16 code units (an emoji is two)."""
    return telegram_length(strip_tags(rendered_html))


def screen_length(answer: str, contacts: Mapping[str, Contact],
                  names: Mapping[str, str], titles: Mapping[str, str] | None = None) -> int:
    """``visible_length`` of ``answer`` filled with ``names`` and ``titles``; what
    only the translations know (the check note, {ngo_first}) counts as its allowance."""
    fill = _Fill(contacts, lambda c: names.get(c, c), lambda t: (titles or {}).get(t, t),
                 _SCREEN_NOTE, "x" * _NGO_FIRST_ALLOWANCE, "x" * _DATE_ALLOWANCE)
    return visible_length(fill(answer))


# babel's formatting costs more than the rest of an answer; dates and languages are few.
@lru_cache(maxsize=256)
def _format_date(value: dt.date, lang: str) -> str:
    try:
        return format_date(value, format="medium", locale=lang)
    except Exception:  # an unknown locale must not break an answer
        return value.isoformat()
