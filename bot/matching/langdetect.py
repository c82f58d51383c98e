"""Guess a message's language from its script and, for a shared script, its words.

What each language's writing looks like is content (``content/languages.yaml``,
compiled by :mod:`bot.matching.scripts`); this module only keeps the one-call
form for callers that hold no content tree.
"""

from __future__ import annotations

from bot.matching.scripts import Scripts, default_scripts

__all__ = ["detect_language"]


def detect_language(text: str, scripts: Scripts | None = None) -> str | None:
    """The language ``text`` is clearly in, by ``scripts`` (default: the default
    content folder's ``languages.yaml``), else ``None``."""
    return (scripts or default_scripts()).detect_language(text)
