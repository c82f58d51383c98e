"""Replace what could identify a worker before a message is kept.

Only messages the bot did not understand are kept (for editors to add answers,
at most 90 days, with no user id). Even so a worker may have typed their
phone number, passport number, name or address into one: those are replaced by
placeholders such as ``[phone]`` before anything is stored. ``/privacy``
promises this; ``tests/safety/test_redact.py`` and the storage test prove it.
"""

from __future__ import annotations

import re
import unicodedata

from bot.matching.normalize import ascii_digits

__all__ = ["PLACEHOLDERS", "redact"]

PLACEHOLDERS = ("[email]", "[link]", "[phone]", "[number]", "[id]", "[name]", "[address]")

_ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)

# The local part may hold any of RFC 5322's atext characters, not only letters and dots.
_EMAIL = re.compile(r"[\w.!#$%&'*+/=?^`{|}~-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)
_URL = re.compile(r"(?:https?://|www\.|t\.me/|line\.me/)\S+|\b[\w-]+\.(?:com|net|org|co|me|"
                  r"io|th|mm|kh|la|vn|info|link|ly)(?:/\S*)?\b", re.IGNORECASE)
# A telephone number: +66 / 0 prefixes, digits with spaces, dots or dashes between.
_PHONE = re.compile(r"(?<![\w/])(?:\+|00)?\d(?:[\d\s().-]{6,}\d)(?![\w/])")
# A document number: letters and digits together (passport AB1234567, permit 12-3456).
_ID = re.compile(r"\b(?=[A-Za-z0-9-]*\d)(?=[A-Za-z0-9-]*[A-Za-z])[A-Za-z0-9-]{6,}\b")
_LONG_DIGITS = re.compile(r"\d{6,}")
# "moo 3"-style address parts. A bare 99/12 is left alone: it is as often a date
# (31/03) as a house number, and the words after "I live at" are replaced anyway.
_HOUSE = re.compile(r"\b(?:moo|soi|m\.)\s*\d+\b", re.IGNORECASE)

# Words that introduce a name or an address; what follows them is replaced.
# Each language's own ways, plus English typed by everyone. Spaced scripts:
# up to three words; scripts without spaces: up to the next space or 20 letters.
_NAME_INTRO = (
    r"my name is|my name's|my name|name is|i am called|i'm called|"
    r"name:|ten toi la|toi ten la|ten em la|em ten la|ten tui la|ten minh la|ten la|"
    r"tên tôi là|tôi tên là|tên em là|em tên là|tên tui là|tên mình là|tên là"
)
_NAME_INTRO_UNSPACED = (
    "ผมชื่อ", "ฉันชื่อ", "หนูชื่อ", "เราชื่อ", "ดิฉันชื่อ", "ชื่อของฉัน", "ชื่อผม", "ชื่อ",
    "ຂ້ອຍຊື່", "ຂ້ອຍຊື່ວ່າ", "ຊື່ວ່າ", "ຊື່",
    "ខ្ញុំឈ្មោះ", "ឈ្មោះខ្ញុំ", "ឈ្មោះ",
    "ကျွန်တော့်နာမည်", "ကျွန်မနာမည်", "ကျမနာမည်", "ငါ့နာမည်", "နာမည်",
)
_ADDRESS_INTRO = (
    r"i live at|i live in|i stay at|my address is|my address|address:|address is|"
    r"toi o|em o|dia chi|tôi ở|em ở|địa chỉ"
)
_ADDRESS_INTRO_UNSPACED = ("ที่อยู่", "บ้านเลขที่", "ທີ່ຢູ່", "អាសយដ្ឋាន", "လိပ်စာ")

_SPACED_INTRO = re.compile(
    rf"(?P<intro>\b(?:{_NAME_INTRO})|\b(?:{_ADDRESS_INTRO}))\s*[:=-]?\s*"
    r"(?P<rest>(?:[^\s,.!?;]+\s*){1,4})", re.IGNORECASE)
_UNSPACED_INTRO = re.compile(
    "(?P<intro>" + "|".join(sorted(map(re.escape, _NAME_INTRO_UNSPACED + _ADDRESS_INTRO_UNSPACED),
                                   key=len, reverse=True))
    + r")\s*(?:คือ|ว่า|ແມ່ນ|គឺ|က)?\s*[:=-]?\s*(?P<rest>[^\s,.!?;]{1,20})")
_ADDRESS_WORDS = re.compile(rf"\b(?:{_ADDRESS_INTRO})", re.IGNORECASE)


def redact(text: str) -> str:
    """``text`` with contact details, numbers that could identify, names and
    addresses replaced by placeholders; ordinary words are kept for editors."""
    # Digits of every script the bot reads as 0-9: "starts with 0" finds Thai phones too.
    text = ascii_digits(unicodedata.normalize("NFC", text).translate(_ZERO_WIDTH))
    text = _EMAIL.sub("[email]", text)
    text = _URL.sub("[link]", text)
    text = _PHONE.sub(_phone_or_number, text)
    text = _ID.sub("[id]", text)
    text = _LONG_DIGITS.sub("[number]", text)
    text = _HOUSE.sub("[address]", text)
    text = _SPACED_INTRO.sub(_introduced, text)
    text = _UNSPACED_INTRO.sub(_introduced, text)
    return " ".join(text.split())


def _phone_or_number(match: re.Match[str]) -> str:
    found = match.group(0)
    digits = sum(ch.isdigit() for ch in found)
    # Phone numbers in Thailand and the workers' countries have 9 to 12 digits
    # (0X-XXX-XXXX, 09 in Myanmar); "300 - 400 baht" or "2019-2023" are not one.
    if digits >= 9 or (digits >= 8 and found.lstrip("(").startswith(("0", "+"))):
        return "[phone]"
    return found


def _introduced(match: re.Match[str]) -> str:
    intro = match.group("intro")
    words = match.group("rest").split()
    if all(w.startswith("[") for w in words):
        return match.group(0)  # already replaced ("call me [phone]")
    kind = "[address]" if _ADDRESS_WORDS.fullmatch(intro) or \
        intro in _ADDRESS_INTRO_UNSPACED else "[name]"
    return f"{intro} {kind} "
