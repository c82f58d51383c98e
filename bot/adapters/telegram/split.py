"""Split a long HTML message into Telegram-sized parts on paragraph boundaries.

Telegram measures a message in UTF-16 code units, not characters: an emoji
such as 📞 is two. Thai, Burmese, Khmer and Lao letters are one each.
"""

from __future__ import annotations

from bot.content.markup import telegram_length

__all__ = ["split_message", "telegram_length"]


def _prefix_within(text: str, limit: int) -> str:
    """The longest start of ``text`` whose Telegram length is at most ``limit``."""
    window = text[:limit]
    excess = telegram_length(window) - limit
    while excess > 0:
        # Dropping n characters drops at least n units, so this never overshoots.
        window = window[:len(window) - excess]
        excess = telegram_length(window) - limit
    return window


def split_message(text: str, limit: int = 4096) -> list[str]:
    """Cut at blank lines, then lines, then spaces; never inside a tag if avoidable."""
    if telegram_length(text) <= limit:
        return [text]
    parts: list[str] = []
    rest = text
    while telegram_length(rest) > limit:
        window = _prefix_within(rest, limit)
        size = len(window)
        cut = -1
        for sep in ("\n\n", "\n", " "):
            cut = window.rfind(sep)
            if cut > size // 4:
                break
        if cut <= 0:
            cut = size
        # Do not cut inside an open tag like <a href="...">.
        if window.rfind("<", 0, cut) > window.rfind(">", 0, cut):
            cut = window.rfind("<", 0, cut) or cut
        parts.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip("\n ")
    if rest:
        parts.append(rest)
    return parts
