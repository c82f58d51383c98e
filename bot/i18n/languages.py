"""Language names and negotiation of Telegram's ``language_code`` with babel."""

from __future__ import annotations

from functools import cache

from babel import Locale, UnknownLocaleError

__all__ = ["native_name", "negotiate"]


@cache
def native_name(code: str) -> str:
    """The language's name in its own script (မြန်မာ, ខ្មែរ, ລາວ...), from babel's CLDR data."""
    try:
        name = Locale.parse(code).get_display_name(code) or code
    except (UnknownLocaleError, ValueError):
        return code
    return name[:1].upper() + name[1:]


def negotiate(language_code: str | None, supported: tuple[str, ...] | list[str]) -> str | None:
    """Map a client's ``language_code`` (``my-MM``, ``vi``, ``zh-hans``) to one we speak."""
    if not language_code:
        return None
    try:
        locale = Locale.parse(language_code.replace("_", "-"), sep="-")
    except (UnknownLocaleError, ValueError, TypeError):
        base = language_code.split("-")[0].split("_")[0].lower()
        return base if base in supported else None
    return locale.language if locale.language in supported else None
