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
]

_ID = r"^[a-z][a-z0-9_]{0,40}$"
_LANG = r"^[a-z]{2,3}$"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class LanguagesFile(_Strict):
    languages: list[str] = Field(min_length=1)

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


class DangerFile(_Strict):
    categories: list[DangerCategory] = Field(min_length=1)


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
