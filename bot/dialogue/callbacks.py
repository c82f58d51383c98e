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
}
_CODES = {v: k for k, v in _KINDS.items()}


@dataclass(frozen=True)
class Action:
    kind: str
    arg: str = ""
    extra: str = ""


def encode(kind: str, arg: str = "", extra: str = "") -> str:
    parts = [_CODES[kind]]
    if arg:
        parts.append(arg)
    if extra:
        parts.append(extra)
    data = ":".join(parts)
    if len(data.encode()) > MAX_CALLBACK_BYTES:
        raise ValueError(f"callback data over {MAX_CALLBACK_BYTES} bytes: {data!r}")
    return data


def decode(data: str | None) -> Action | None:
    if not data or len(data.encode()) > MAX_CALLBACK_BYTES:
        return None
    code, _, rest = data.partition(":")
    kind = _KINDS.get(code)
    if kind is None:
        return None
    arg, _, extra = rest.partition(":")
    return Action(kind, arg, extra)
