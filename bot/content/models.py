"""Pydantic models of the content files. Unknown fields are errors."""

from __future__ import annotations

import datetime as dt
import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

__all__ = [
    "AreaTitles",
    "Contact",
    "ContactText",
    "ContactsFile",
    "DangerCategory",
    "DangerFile",
    "DangerText",
    "IntentText",
    "LanguagesFile",
    "TopicMeta",
    "TopicText",
    "TopicsFile",
    "Writing",
    "parse_characters",
]

_ID = r"^[a-z][a-z0-9_]{0,40}$"
_LANG = r"^[a-z]{2,3}$"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


_CODE_RANGE = re.compile(r"[Uu]\+([0-9A-Fa-f]{4,6})(?:\s*-\s*[Uu]\+([0-9A-Fa-f]{4,6}))?")


def parse_characters(items: list[str]) -> list[tuple[int, int]]:
    """Character sets as editors write them, as ranges of code points: ``U+0E00-U+0E7F``
    (a range), ``U+0E48`` (one), ``a-z`` (a range of two characters) or any other
    text (each of its characters; spaces are ignored). ValueError says what is wrong."""
    ranges: list[tuple[int, int]] = []
    for item in items:
        text = item.strip()
        if text.upper().startswith("U+"):
            match = _CODE_RANGE.fullmatch(text)
            if not match:
                raise ValueError(f"'{item}' is not a character or range: write it like "
                                 f"U+0E48 or U+0E00-U+0E7F")
            low = int(match.group(1), 16)
            high = int(match.group(2) or match.group(1), 16)
        elif len(text) == 3 and text[1] == "-":
            low, high = ord(text[0]), ord(text[2])
        else:
            ranges.extend((ord(ch), ord(ch)) for ch in text if not ch.isspace())
            continue
        if high > 0x10FFFF:
            raise ValueError(f"'{item}' is beyond the last character, U+10FFFF")
        if low > high:
            raise ValueError(f"'{item}' is not a range from a lower to a higher character")
        ranges.append((low, high))
    return ranges


class Writing(_Strict):
    """How a language is written: what guessing a message's language, matching and
    the danger check need to know about it (``docs/content-format.md``)."""

    script: str = Field(pattern=r"^[A-Za-z][A-Za-z0-9 _-]{0,40}$")
    letters: list[str] = Field(min_length=1)
    spaces: bool
    tone_marks: bool = False
    optional_marks: list[str] = Field(default_factory=list)
    own_letters: list[str] = Field(default_factory=list)
    words: str = ""  # frequent words, separated by spaces
    word_pairs: list[str] = Field(default_factory=list)

    @field_validator("letters", "optional_marks", "own_letters")
    @classmethod
    def _characters(cls, value: list[str]) -> list[str]:
        if any(not item.strip() for item in value):
            raise ValueError("an entry is empty")
        parse_characters(value)
        return value

    @field_validator("word_pairs")
    @classmethod
    def _pairs(cls, value: list[str]) -> list[str]:
        for pair in value:
            if len(pair.split()) != 2:
                raise ValueError(f"'{pair}' must be two words")
        return value

    def characters(self, name: str) -> list[tuple[int, int]]:
        """``letters``, ``optional_marks`` or ``own_letters`` as code point ranges."""
        value: list[str] = getattr(self, name)
        return parse_characters(value)


class LanguagesFile(_Strict):
    languages: list[str] = Field(min_length=1)
    # How each language is written; required for every language (the loader says
    # which are missing), optional here so that an older file still loads.
    writing: dict[str, Writing] = Field(default_factory=dict)

    @field_validator("languages")
    @classmethod
    def _codes(cls, value: list[str]) -> list[str]:
        for code in value:
            if not re.match(_LANG, code):
                raise ValueError(f"'{code}' is not a language code like 'en' or 'my'")
        if len(set(value)) != len(value):
            raise ValueError("a language is listed twice")
        return value


class TopicMeta(_Strict):
    id: str = Field(pattern=_ID)
    area: str = Field(pattern=_ID)
    related: list[str] = Field(default_factory=list)
    urgent: bool = False
    sources: list[str] = Field(min_length=1)
    reviewed: dt.date

    @field_validator("sources")
    @classmethod
    def _non_empty_sources(cls, value: list[str]) -> list[str]:
        if any(not s.strip() for s in value):
            raise ValueError("a source is empty")
        return value


class TopicsFile(_Strict):
    areas: list[str] = Field(min_length=1)
    topics: list[TopicMeta] = Field(min_length=1)


class Contact(_Strict):
    kind: Literal["hotline", "emergency", "embassy", "ngo"]
    phone: str | None = None
    web: str | None = None
    check: bool = False
    # An office a worker without papers may fear (labour office, police, embassy):
    # answers that send workers there also carry {ngo_first}.
    authority: bool = False
    languages: list[str] = Field(default_factory=list)
    source: str = Field(min_length=1)


class ContactsFile(_Strict):
    contacts: dict[str, Contact]


class _Text(_Strict):
    @field_validator("*", mode="after")
    @classmethod
    def _not_blank(cls, value: object) -> object:
        if isinstance(value, str) and not value.strip():
            raise ValueError("is empty")
        return value


class DangerCategory(_Strict):
    id: str = Field(pattern=_ID)
    numbers: list[str] = Field(min_length=1)   # contacts every language's reply must give
    related: list[str] = Field(default_factory=list)  # topics offered as buttons
    # True: a message that also tells of a film, a game, a match (the language's
    # ``stories`` words) is doubted, not given this category's reply.
    stories_doubt: bool = False
    # True: a message that tells of a class, a training, a history lesson (the
    # language's ``lessons`` words) is doubted, not given this category's reply.
    lessons_doubt: bool = False


class DangerFile(_Strict):
    categories: list[DangerCategory] = Field(min_length=1)
    # Laughter ("555", "haha", an emoji): a joke as far as the ``stories_doubt``
    # categories are concerned (bot/safety/stories.py).
    laughter: list[str] = Field(default_factory=list)


class DangerText(_Text):
    answer: str
    signals: list[str] = Field(min_length=1)


class TopicText(_Text):
    title: str = Field(max_length=60)
    answer: str
    more: str | None = None  # detail shown behind a "More" button
    examples: list[str] = Field(min_length=1)

    @field_validator("examples")
    @classmethod
    def _examples_not_blank(cls, value: list[str]) -> list[str]:
        if any(not e.strip() for e in value):
            raise ValueError("an example is empty")
        return value


class IntentText(_Text):
    examples: list[str] = Field(min_length=1)
    answer: str | None = None


class ContactText(_Text):
    name: str
    purpose: str


AreaTitles = dict[str, str]
