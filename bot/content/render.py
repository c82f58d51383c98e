"""Fill an answer's placeholders for one reader: contacts, numbers, the reviewed date."""

from __future__ import annotations

import datetime as dt
import html
import re
from collections.abc import Mapping
from functools import lru_cache
from typing import Protocol

from babel.dates import format_date

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
_PLACEHOLDER = re.compile(r"\{(contact|phone|topic):([a-z0-9_]+)\}|\{reviewed\}|\{(ngo_first)\}")
# The topic {ngo_first} points to; answers that send a worker to an authority
# (contacts.yaml 'authority: true') carry {ngo_first}, and validate checks it.
NGO_TOPIC = "ngo_help"


def ngo_first_line(tree: ContentTree, lang: str, tr: Gettext) -> str:
    """The one sentence every answer that sends a worker to an authority carries."""
    title = html.escape(tree.topic_title(lang, NGO_TOPIC), quote=False)
    return tr.gettext("No papers, or afraid? An NGO can advise you first, and you need "
                      "not give your name: see “{ngo}”.").replace("{ngo}", title)
# The longest the "(please check this number)" note is in any language we ship.
_CHECK_NOTE_ALLOWANCE = 60
_NAME_ALLOWANCE = 80


class Gettext(Protocol):
    def gettext(self, message: str, /) -> str: ...


def render_answer(tree: ContentTree, lang: str, answer: str, tr: Gettext,
                  reviewed: dt.date | None = None) -> str:
    """Return ``answer`` with every placeholder replaced, in ``lang``."""

    def fill(match: re.Match[str]) -> str:
        kind, contact_id = match.group(1), match.group(2)
        if match.group(3):
            return ngo_first_line(tree, lang, tr)
        if kind is None:
            return _format_date(reviewed, lang) if reviewed else ""
        if kind == "topic":
            return html.escape(tree.topic_title(lang, contact_id), quote=False)
        contact = tree.contacts.get(contact_id)
        if contact is None:  # validate reports it; never show a raw placeholder
            return ""
        note = " " + tr.gettext("(please check this number)") if contact.check else ""
        if kind == "phone":
            return f"<b>{html.escape(contact.phone or '')}</b>{note}"
        text = tree.contact_text(lang, contact_id)
        name = html.escape(text.name if text else contact_id, quote=False)
        if contact.phone:
            return f"{name}: <b>{html.escape(contact.phone)}</b>{note}"
        if contact.web:
            return f"{name} ({html.escape(contact.web)})"
        return f"<b>{name}</b>"

    return _PLACEHOLDER.sub(fill, answer)


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
    text = html.unescape(_TAG.sub("", rendered_html))
    return len(text.encode("utf-16-le")) // 2


def screen_length(answer: str, contacts: Mapping[str, Contact],
                  names: Mapping[str, str], titles: Mapping[str, str] | None = None,
                  ngo_first: str = "") -> int:
    """``visible_length`` of ``answer`` rendered with ``names`` (validation has no
    translations: the "(please check this number)" note counts as its allowance)."""

    def fill(match: re.Match[str]) -> str:
        kind, contact_id = match.group(1), match.group(2)
        if match.group(3):
            return ngo_first or "x" * _NGO_FIRST_ALLOWANCE
        if kind == "topic":
            return (titles or {}).get(contact_id, contact_id)
        if kind is None:
            return "x" * _DATE_ALLOWANCE
        contact = contacts.get(contact_id)
        if contact is None:
            return ""
        note = "x" * _SCREEN_NOTE_ALLOWANCE if contact.check else ""
        if kind == "phone":
            return (contact.phone or "") + note
        name = names.get(contact_id, contact_id)
        if contact.phone:
            return f"{name}: {contact.phone}{note}"
        if contact.web:
            return f"{name} ({contact.web})"
        return name

    return visible_length(_PLACEHOLDER.sub(fill, answer))


_TAG = re.compile(r"<[^>]+>")
_DATE_ALLOWANCE = 12
_NGO_FIRST_ALLOWANCE = 130  # the {ngo_first} sentence, when its translation is not known
# "(please check this number)" is 26 letters in English; translations are near it.
_SCREEN_NOTE_ALLOWANCE = 28


# babel's formatting costs more than the rest of an answer; dates and languages are few.
@lru_cache(maxsize=256)
def _format_date(value: dt.date, lang: str) -> str:
    try:
        return format_date(value, format="medium", locale=lang)
    except Exception:  # an unknown locale must not break an answer
        return value.isoformat()
