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

__all__ = ["MAX_MESSAGE", "Gettext", "estimate_rendered_length", "render_answer"]

MAX_MESSAGE = 4096  # Telegram's limit for one message
_PLACEHOLDER = re.compile(r"\{(contact|phone):([a-z0-9_]+)\}|\{reviewed\}")
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
        if kind is None:
            return _format_date(reviewed, lang) if reviewed else ""
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
        if match.group(1) is None:
            total += 20
        elif contact is not None:
            total += len(contact.phone or contact.web or "") + _NAME_ALLOWANCE
            total += _CHECK_NOTE_ALLOWANCE if contact.check else 0
    return total


# babel's formatting costs more than the rest of an answer; dates and languages are few.
@lru_cache(maxsize=256)
def _format_date(value: dt.date, lang: str) -> str:
    try:
        return format_date(value, format="medium", locale=lang)
    except Exception:  # an unknown locale must not break an answer
        return value.isoformat()
