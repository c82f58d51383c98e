"""Split a long HTML message into Telegram-sized parts on paragraph boundaries."""

from __future__ import annotations

__all__ = ["split_message"]


def split_message(text: str, limit: int = 4096) -> list[str]:
    """Cut at blank lines, then lines, then spaces; never inside a tag if avoidable."""
    if len(text) <= limit:
        return [text]
    parts: list[str] = []
    rest = text
    while len(rest) > limit:
        window = rest[:limit]
        cut = -1
        for sep in ("\n\n", "\n", " "):
            cut = window.rfind(sep)
            if cut > limit // 4:
                break
        if cut <= 0:
            cut = limit
        # Do not cut inside an open tag like <a href="...">.
        if window.rfind("<", 0, cut) > window.rfind(">", 0, cut):
            cut = window.rfind("<", 0, cut) or cut
        parts.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip("\n ")
    if rest:
        parts.append(rest)
    return parts
