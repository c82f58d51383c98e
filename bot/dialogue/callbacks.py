"""Short button payloads. Telegram allows 64 bytes of ``callback_data``.

Payloads carry ids, never text: ``t:permit_renew`` opens a topic. A payload
from an old message (a topic since renamed) or a forged one decodes to
``None`` and the engine answers politely with the menu.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["MAX_CALLBACK_BYTES", "Action", "decode", "encode"]

MAX_CALLBACK_BYTES = 64
_KINDS = {
    "m": "menu",
    "a": "area",
    "t": "topic",
    "L": "languages",
    "l": "set_language",
    "h": "emergency",
    "f": "feedback",
    "x": "more",
    "r": "remind",
    "R": "remind_confirm",
    "V": "reminders",
    "D": "remind_delete",
    "p": "human",  # talk to a person (bot/app/handoff/ when configured; else hotlines)
    "H": "handoff",  # the consent screen's yes / no
}
_CODES = {v: k for k, v in _KINDS.items()}


@dataclass(frozen=True)
class Action:
    kind: str
    arg: str = ""
    extra: str = ""
    lang: str = ""  # the language the button was shown in ("" if unknown)


def encode(kind: str, arg: str = "", extra: str = "", lang: str = "") -> str:
    """``t:permit_renew@my``: the button remembers the language it was shown in, so a
    worker who never chose a language keeps getting replies in the one they wrote."""
    parts = [_CODES[kind]]
    if arg:
        parts.append(arg)
    if extra:
        parts.append(extra)
    data = ":".join(parts) + (f"@{lang}" if lang else "")
    if len(data.encode()) > MAX_CALLBACK_BYTES:
        raise ValueError(f"callback data over {MAX_CALLBACK_BYTES} bytes: {data!r}")
    return data


def decode(data: str | None) -> Action | None:
    if not data or len(data.encode()) > MAX_CALLBACK_BYTES:
        return None
    body, _, lang = data.partition("@")
    code, _, rest = body.partition(":")
    kind = _KINDS.get(code)
    if kind is None:
        return None
    arg, _, extra = rest.partition(":")
    return Action(kind, arg, extra, lang)
