"""Expiry dates as workers type them, in six languages, and back again.

``parse_date`` reads the end date of a document (work permit, visa, passport,
pink card...) from a free-text reply; ``format_date`` spells a date in the
worker's language with the month as a word, so that it cannot be misread.

How a reply is read:

1. ``normalize`` (the matcher's own) converts Zawgyi Burmese, native digits
   (Thai, Lao, Khmer, Burmese) and casefolds; punctuation becomes spaces, so
   ``31/03/2027``, ``31.3.2027`` and ``มี.ค.`` arrive as ``31 03 2027`` and
   ``มี ค``. Vietnamese is read without tone marks, which many type bare.
2. The text becomes a list of numbers, month names, marker words (``ngày``,
   ``พ.ศ.``, ``ရက်`` ...) and unknown letters. Thai, Lao, Khmer and Burmese are
   written without spaces between words, so names are found inside words too.
3. Unknown letters split the list into runs; exactly one run must hold exactly
   three parts (day, month, year). Words before or after the date ("exp",
   "hết hạn") are thus ignored, but a word inside it is not guessed around.

Rules for ambiguous input (see ``_read_run``):

* Year first only when it comes first: ``2027-03-31`` is Y-M-D; otherwise the
  order is D-M-Y, as in Thailand and its neighbours. When the would-be month is
  over 12 and the day is not (``03/31/2027``), the swap is unambiguous: M-D-Y.
  Numbers labelled by a word (``tháng 3``, ``၃၁ ရက်``) are never swapped.
* A 4-digit year above 2400 is Buddhist era (minus 543); ``พ.ศ.``/``ค.ศ.`` (and
  the Lao and Khmer equivalents) state the era outright.
* Two-digit years: see ``_two_digit_year``.
* A month and year without a day (``03/2027``), or a day and month without a
  year, is "unreadable": the reminder needs the exact day, so we ask again
  rather than guess the first or the last of the month.
* Two dates in one reply ("from 1/1/2024 to 31/3/2027") are "unreadable" too:
  picking one could set the reminder for the wrong date.
"""

from __future__ import annotations

import calendar
import datetime
import unicodedata
from dataclasses import dataclass
from typing import Literal, TypeAlias

from bot.matching.normalize import normalize, normalize_key

__all__ = ["DateProblem", "Reason", "format_date", "parse_date"]

Reason = Literal["empty", "unreadable", "impossible", "past", "too_far"]
_Role = Literal["day", "month", "year"]
_Era = Literal["be", "ce"]

_BE_OFFSET = 543        # Thai Buddhist era: 2570 B.E. = 2027 C.E.
_BE_THRESHOLD = 2400    # a 4-digit year above this can only be B.E.
_MAX_YEARS_AHEAD = 20   # no document runs longer; more is a typing slip
_MAX_CHARS = 200        # a longer reply is not a date; don't scan pasted text


@dataclass(frozen=True)
class DateProblem:
    """Why a reply gave no usable date.

    ``empty``: nothing typed; ``unreadable``: no single date found;
    ``impossible``: no such day (31/02, month 13); ``past``: before today;
    ``too_far``: more than 20 years ahead.
    """

    reason: Reason


# --- Month names ------------------------------------------------------------

# Written by format_date (and read back by parse_date).
_EN_MONTHS = ("January", "February", "March", "April", "May", "June", "July",
              "August", "September", "October", "November", "December")
_TH_MONTHS = ("มกราคม", "กุมภาพันธ์", "มีนาคม", "เมษายน", "พฤษภาคม", "มิถุนายน",
              "กรกฎาคม", "สิงหาคม", "กันยายน", "ตุลาคม", "พฤศจิกายน", "ธันวาคม")
# Myanmar uses the English month names, transliterated.
_MY_MONTHS = ("ဇန်နဝါရီ", "ဖေဖော်ဝါရီ", "မတ်", "ဧပြီ", "မေ", "ဇွန်",
              "ဇူလိုင်", "ဩဂုတ်", "စက်တင်ဘာ", "အောက်တိုဘာ", "နိုဝင်ဘာ", "ဒီဇင်ဘာ")
_KM_MONTHS = ("មករា", "កុម្ភៈ", "មីនា", "មេសា", "ឧសភា", "មិថុនា",
              "កក្កដា", "សីហា", "កញ្ញា", "តុលា", "វិច្ឆិកា", "ធ្នូ")
_LO_MONTHS = ("ມັງກອນ", "ກຸມພາ", "ມີນາ", "ເມສາ", "ພຶດສະພາ", "ມິຖຸນາ",
              "ກໍລະກົດ", "ສິງຫາ", "ກັນຍາ", "ຕຸລາ", "ພະຈິກ", "ທັນວາ")

# Other spellings read by parse_date, January first. Dots and case do not matter
# (normalisation drops both), so "มี.ค." also covers "มี.ค" and "มี. ค.".
_OTHER_MONTH_SPELLINGS: tuple[tuple[tuple[str, ...], ...], ...] = (
    # English abbreviations.
    (("jan",), ("feb",), ("mar",), ("apr",), (), ("jun",), ("jul",), ("aug",),
     ("sep", "sept"), ("oct",), ("nov",), ("dec",)),
    # Thai: official abbreviation, the same typed without dots, the spoken short
    # form, and frequent misspellings (ฏ for ฎ; กุมภาพันธ์ without its silencer).
    (("ม.ค.", "มค", "มกรา"), ("ก.พ.", "กพ", "กุมภา", "กุมภาพันธ"),
     ("มี.ค.", "มีค", "มีนา"), ("เม.ย.", "เมย", "เมษา"), ("พ.ค.", "พค", "พฤษภา"),
     ("มิ.ย.", "มิย", "มิถุนา"), ("ก.ค.", "กค", "กรกฎา", "กรกฏาคม", "กรกฏา"),
     ("ส.ค.", "สค", "สิงหา"), ("ก.ย.", "กย", "กันยา"), ("ต.ค.", "ตค", "ตุลา"),
     ("พ.ย.", "พย", "พฤศจิกา"), ("ธ.ค.", "ธค", "ธันวา")),
    # Burmese: stacked ဇန္န, the older ေါ် spelling, သြ typed for the look-alike
    # ဩ, and the digit zero typed for the letter wa (which normalisation only
    # repairs before a vowel sign).
    (("ဇန္နဝါရီ",), ("ဖေဖေါ်ဝါရီ",), (), (), (), (), (), ("သြဂုတ်",), (), (),
     ("နို၀င်ဘာ",), ()),
    # Khmer: កុម្ភៈ typed without its final sign.
    ((), ("កុម្ភ",), (), (), (), (), (), (), (), (), (), ()),
    # Lao: the abbreviations in CLDR.
    (("ມ.ກ.",), ("ກ.ພ.",), ("ມ.ນ.",), ("ມ.ສ.",), ("ພ.ພ.",), ("ມິ.ຖ.",), ("ກ.ລ.",),
     ("ສ.ຫ.",), ("ກ.ຍ.",), ("ຕ.ລ.",), ("ພ.ຈ.",), ("ທ.ວ.",)),
    # Vietnamese months are usually numbers ("tháng 3", see _MARKERS); these are
    # the spelled-out names. "tháng năm" (May) is matched before "năm" (year).
    (("tháng một", "tháng giêng"), ("tháng hai",), ("tháng ba",), ("tháng tư",),
     ("tháng năm",), ("tháng sáu",), ("tháng bảy",), ("tháng tám",), ("tháng chín",),
     ("tháng mười",), ("tháng mười một",), ("tháng mười hai", "tháng chạp")),
)


# --- Marker words -------------------------------------------------------------

@dataclass(frozen=True)
class _Marker:
    """A word that says what the number next to it is, or is just in the way."""

    role: _Role | None        # None: a filler word, skipped
    before: bool = True       # marks the number after it ("ngày 31"), else before ("၃၁ ရက်")
    era: _Era | None = None   # the year's era, when the word states it


_DAY, _MONTH, _YEAR = _Marker("day"), _Marker("month"), _Marker("year")
_DAY_AFTER, _YEAR_AFTER = _Marker("day", before=False), _Marker("year", before=False)
_BE, _CE = _Marker("year", era="be"), _Marker("year", era="ce")
_FILLER = _Marker(None)

_MARKERS: dict[str, _Marker] = {
    # English: ordinals ("31st") and "31st of March".
    "st": _DAY_AFTER, "nd": _DAY_AFTER, "rd": _DAY_AFTER, "th": _DAY_AFTER, "of": _FILLER,
    # Thai: วันที่ 31 เดือนมีนาคม ปี พ.ศ. 2570.
    "วันที่": _DAY, "เดือน": _MONTH, "ปี": _YEAR, "พ.ศ.": _BE, "พศ": _BE,
    "ค.ศ.": _CE, "คศ": _CE,
    # Burmese: ၂၀၂၇ ခုနှစ် မတ်လ ၃၁ ရက်(နေ့) - the words follow their number.
    "ရက်": _DAY_AFTER, "ရက်နေ့": _DAY_AFTER, "နေ့": _DAY_AFTER,
    "ခုနှစ်": _YEAR_AFTER, "လ": _FILLER,
    # Khmer: ថ្ងៃទី៣១ ខែមីនា ឆ្នាំ២០២៧; ព.ស./គ.ស. = Buddhist/Christian era.
    "ថ្ងៃទី": _DAY, "ថ្ងៃ": _DAY, "ខែ": _MONTH, "ឆ្នាំ": _YEAR,
    "ព.ស.": _BE, "គ.ស.": _CE,
    # Lao: ວັນທີ 31 ເດືອນມີນາ ປີ 2027; ພ.ສ./ຄ.ສ. = Buddhist/Christian era.
    "ວັນທີ": _DAY, "ເດືອນ": _MONTH, "ປີ": _YEAR, "ພ.ສ.": _BE, "ຄ.ສ.": _CE,
    # Vietnamese: ngày 31 tháng 3 năm 2027 (also "mùng 5", "thg 3").
    "ngày": _DAY, "mùng": _DAY, "tháng": _MONTH, "thg": _MONTH, "năm": _YEAR,
}


def _build_lexicon() -> dict[str, int | _Marker]:
    """Every known word in normalised form: a month number or a marker."""
    spellings: list[tuple[str, int | _Marker]] = [
        (name, month)
        for names in (_EN_MONTHS, _TH_MONTHS, _MY_MONTHS, _KM_MONTHS, _LO_MONTHS)
        for month, name in enumerate(names, start=1)
    ]
    spellings += [
        (name, month)
        for language in _OTHER_MONTH_SPELLINGS
        for month, names in enumerate(language, start=1)
        for name in names
    ]
    spellings += _MARKERS.items()
    lexicon: dict[str, int | _Marker] = {}
    for spelling, meaning in spellings:
        key = normalize_key(spelling)
        if lexicon.setdefault(key, meaning) != meaning:  # a table mistake: fail loudly
            raise ValueError(f"{spelling!r} is listed with two meanings")
    return lexicon


_LEXICON = _build_lexicon()
# Candidates by first character, longest first so "มีนาคม" wins over "มีนา".
_BY_FIRST_CHAR: dict[str, list[str]] = {}
for _key in sorted(_LEXICON, key=len, reverse=True):
    _BY_FIRST_CHAR.setdefault(_key[0], []).append(_key)


# --- Reading -----------------------------------------------------------------

@dataclass
class _Number:
    value: int
    digits: int
    role: _Role | None = None  # set by a marker word next to it
    era: _Era | None = None


@dataclass(frozen=True)
class _MonthName:
    month: int


_Part: TypeAlias = _Number | _MonthName
_Item: TypeAlias = _Part | _Marker | None  # None: an unknown letter


def parse_date(text: str, today: datetime.date) -> datetime.date | DateProblem:
    """The date in ``text``, or why there is none usable (see the module docstring)."""
    if len(text) > _MAX_CHARS:
        return DateProblem("unreadable")
    readings = [r for r in normalize(text).folded if r]
    if not readings:
        return DateProblem("empty")
    # Text that may be Zawgyi has two readings: a date from either wins, else
    # the more precise problem ("impossible" says more than "unreadable").
    best: DateProblem | None = None
    for reading in readings:
        result = _read(reading, today)
        if isinstance(result, datetime.date):
            return result
        if best is None or (best.reason == "unreadable" and result.reason != "unreadable"):
            best = result
    assert best is not None
    return best


def _read(reading: str, today: datetime.date) -> datetime.date | DateProblem:
    runs = [run for run in _runs(_items(reading)) if len(run) == 3]
    if len(runs) != 1:
        return DateProblem("unreadable")
    return _read_run(runs[0], today)


def _items(reading: str) -> list[_Item]:
    items: list[_Item] = []
    i = 0
    while i < len(reading):
        if reading[i].isspace():
            i += 1
        elif reading[i].isdecimal():  # int() reads any script's digits (fullwidth too)
            end = i
            while end < len(reading) and reading[end].isdecimal():
                end += 1
            items.append(_Number(int(reading[i:end]), end - i))
            i = end
        elif (word := _word_at(reading, i)) is not None:
            meaning = _LEXICON[word]
            items.append(_MonthName(meaning) if isinstance(meaning, int) else meaning)
            i += len(word)
        else:
            items.append(None)
            i += 1
    return items


def _word_at(text: str, start: int) -> str | None:
    for word in _BY_FIRST_CHAR.get(text[start], ()):
        end = start + len(word)
        if not text.startswith(word, start):
            continue
        after = text[end:end + 1]
        if word[0].isascii():
            # Latin words need word boundaries: "mar" is not a month in "remark".
            if not text[start - 1:start].isalpha() and not after.isalpha():
                return word
        # Scripts without spaces: a word may touch its neighbours, but must not
        # end mid-syllable, which a following combining mark would mean
        # ("မေ" is May, "မေး" is to ask).
        elif not unicodedata.category(after or " ").startswith("M"):
            return word
    return None


def _runs(items: list[_Item]) -> list[list[_Part]]:
    """Date parts between unknown words; marker words label the number they touch."""
    runs: list[list[_Part]] = [[]]
    previous: _Item = None
    for item in items:
        if item is None:
            runs.append([])
        elif isinstance(item, _Marker):
            if item.role and not item.before and isinstance(previous, _Number):
                _label(previous, item)
        else:
            if (isinstance(item, _Number) and isinstance(previous, _Marker)
                    and previous.role and previous.before):
                _label(item, previous)
            runs[-1].append(item)
        previous = item
    return [run for run in runs if run]


def _label(number: _Number, marker: _Marker) -> None:
    number.role = marker.role
    number.era = marker.era


def _read_run(run: list[_Part], today: datetime.date) -> datetime.date | DateProblem:
    """Day, month and year from three parts (numbers and at most one month name)."""
    unreadable = DateProblem("unreadable")
    names = [part for part in run if isinstance(part, _MonthName)]
    numbers = [part for part in run if isinstance(part, _Number)]
    roles: dict[_Role, _Number] = {}
    for number in numbers:
        if number.role is not None:
            if number.role in roles:
                return unreadable
            roles[number.role] = number
    if len(names) > 1 or (names and "month" in roles):
        return unreadable
    unlabelled = [n for n in numbers if n.role is None]
    if "year" not in roles:
        # The one long number, else the last: "31 Mar 27" and "31/3/27" end in the year.
        long = [n for n in unlabelled if n.digits > 2]
        if len(long) > 1:
            return unreadable
        roles["year"] = long[0] if long else unlabelled[-1]
        unlabelled.remove(roles["year"])
    # The rest, in the order written: Y-M-D when the year leads, else D-M-Y.
    year_first = run[0] is roles["year"]
    order: tuple[_Role, ...] = ("month", "day") if year_first else ("day", "month")
    open_roles = [r for r in order if r not in roles and not (r == "month" and names)]
    roles.update(zip(open_roles, unlabelled, strict=True))

    if any(n.digits > 2 for n in numbers if n is not roles["year"]):
        return unreadable  # a day or month of three digits is no typing slip we can fix
    year = _year(roles["year"], today)
    if year is None:
        return unreadable
    day = roles["day"]
    if names:
        month = names[0].month
    else:
        month_number = roles["month"]
        month = month_number.value
        # 03/31/2027 cannot be day 3 of month 31: it is M/D/Y, and unambiguous.
        # Not after a leading year: nobody writes Y/D/M, 2027-13-01 is a slip.
        if (not year_first and month > 12 and day.value <= 12
                and day.role is None and month_number.role is None):
            day, month = month_number, day.value
    if not 1 <= month <= 12 or not 1 <= day.value <= calendar.monthrange(year, month)[1]:
        return DateProblem("impossible")
    date = datetime.date(year, month, day.value)
    if date < today:
        return DateProblem("past")
    if date > _years_later(today, _MAX_YEARS_AHEAD):
        return DateProblem("too_far")
    return date


def _year(number: _Number, today: datetime.date) -> int | None:
    """The Gregorian year, or None when it cannot be told."""
    value = number.value
    if number.digits == 4:
        if number.era == "be" or (number.era is None and value > _BE_THRESHOLD):
            value -= _BE_OFFSET
        return value if value >= datetime.MINYEAR else None
    if number.digits == 2:
        return _two_digit_year(value, number.era, today)
    return None


def _two_digit_year(yy: int, era: _Era | None, today: datetime.date) -> int | None:
    """Thai people shorten B.E. years too: "31/3/70" means B.E. 2570, i.e. 2027.

    Rule: with the era stated, take it. Otherwise try 2000+yy, then B.E.
    2500+yy (2500+yy-543 Gregorian), and keep the first that falls within
    [today.year - 1, today.year + 20] - the only years a document's expiry can
    sensibly be in (last year lets "past" be reported for a lapsed document).
    The two windows never overlap, so at most one fits; if none does, the year
    is unreadable rather than guessed.
    """
    if era == "be":
        return 2500 + yy - _BE_OFFSET
    if era == "ce":
        return 2000 + yy
    for year in (2000 + yy, 2500 + yy - _BE_OFFSET):
        if today.year - 1 <= year <= today.year + _MAX_YEARS_AHEAD:
            return year
    return None


def _years_later(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February, and the target year is not a leap year
        return day.replace(year=day.year + years, day=28)


# --- Writing -----------------------------------------------------------------

_MY_DIGITS = str.maketrans("0123456789", "၀၁၂၃၄၅၆၇၈၉")
_KM_DIGITS = str.maketrans("0123456789", "០១២៣៤៥៦៧៨៩")


def format_date(day: datetime.date, lang: str) -> str:
    """``day`` in ``lang`` with the month spelled out; unknown languages get English.

    parse_date reads every one of these back to ``day``.
    """
    d, m, y = day.day, day.month, day.year
    match lang:
        case "th":  # Thai dates are Buddhist era
            return f"{d} {_TH_MONTHS[m - 1]} พ.ศ. {y + _BE_OFFSET}"
        case "my":  # ၂၀၂၇ ခုနှစ် မတ်လ ၃၁ ရက် - year first, လ marks the month
            return f"{y} ခုနှစ် {_MY_MONTHS[m - 1]}လ {d} ရက်".translate(_MY_DIGITS)
        case "km":  # ថ្ងៃទី៣១ ខែមីនា ឆ្នាំ២០២៧ - as in official letters
            return f"ថ្ងៃទី{d} ខែ{_KM_MONTHS[m - 1]} ឆ្នាំ{y}".translate(_KM_DIGITS)
        case "lo":
            return f"{d} {_LO_MONTHS[m - 1]} {y}"
        case "vi":  # Vietnamese names months by number; "tháng" makes it unambiguous
            return f"{d} tháng {m} năm {y}"
        case _:
            return f"{d} {_EN_MONTHS[m - 1]} {y}"
