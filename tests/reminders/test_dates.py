"""Expiry dates: every way the brief says workers type them, and the way back."""

from __future__ import annotations

import datetime
import subprocess
import sys

import pytest

from bot.reminders.dates import DateProblem, format_date, parse_date

TODAY = datetime.date(2026, 6, 1)
MARCH_31 = datetime.date(2027, 3, 31)
LANGS = ("en", "th", "my", "km", "lo", "vi")


def parsed(text: str, today: datetime.date = TODAY) -> datetime.date | DateProblem:
    return parse_date(text, today)


# --- Numeric forms ----------------------------------------------------------

@pytest.mark.parametrize("text", [
    "31/03/2027", "31.3.2027", "31-3-2027", "31 3 2027", "2027-03-31", "2027/03/31",
    "2027.3.31", "  31/03/2027.  ", "(31/03/2027)", "31 / 03 / 2027",
    "exp 31/03/2027", "Expiry: 31-03-2027", "hết hạn 31/3/2027", "Hết hạn: 31.03.2027",
    "my work permit expires on 31/03/2027, thanks",
])
def test_numeric_forms(text: str) -> None:
    assert parsed(text) == MARCH_31


@pytest.mark.parametrize(("text", "expected"), [
    ("05/04/2027", datetime.date(2027, 4, 5)),     # day first when both could be months
    ("12/11/2027", datetime.date(2027, 11, 12)),
    ("03/31/2027", MARCH_31),                      # 31 cannot be a month: M/D/Y
    ("12/13/2027", datetime.date(2027, 12, 13)),
    ("2027/31/03", DateProblem("impossible")),     # no swap after a year: Y/D/M is unused
    ("2027-04-05", datetime.date(2027, 4, 5)),     # year first: Y-M-D
    ("ngày 3 tháng 31 năm 2027", DateProblem("impossible")),  # labelled: never swapped
])
def test_day_month_order(text: str, expected: datetime.date | DateProblem) -> None:
    assert parsed(text) == expected


# --- Years ------------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "31/03/2570", "2570-03-31", "31.3.2570", "31 มีนาคม 2570", "31 มี.ค. พ.ศ. 2570",
    "31 มี.ค. พศ 2570", "วันที่ 31 เดือนมีนาคม ปี พ.ศ. 2570", "31 ມີນາ ພ.ສ. 2570",
    "ថ្ងៃទី៣១ ខែមីនា ព.ស.២៥៧០",
])
def test_buddhist_era_years(text: str) -> None:
    assert parsed(text) == MARCH_31


def test_buddhist_era_leap_day_is_checked_on_the_gregorian_year() -> None:
    assert parsed("29/02/2571") == datetime.date(2028, 2, 29)   # 2571 B.E. = 2028, leap
    assert parsed("29/02/2570") == DateProblem("impossible")     # 2570 B.E. = 2027


def test_gregorian_era_word_stops_the_buddhist_era_reading() -> None:
    assert parsed("31 มี.ค. ค.ศ. 2027") == MARCH_31
    assert parsed("31 มี.ค. คศ 2027") == MARCH_31
    assert parsed("ថ្ងៃទី៣១ ខែមីនា គ.ស.២០២៧") == MARCH_31
    assert parsed("31 ມີນາ ຄ.ສ. 2027") == MARCH_31
    # Without the word, 2570 would be read as B.E. 2027; with it, 2570 is 2570.
    assert parsed("31 มี.ค. ค.ศ. 2570") == DateProblem("too_far")


@pytest.mark.parametrize(("text", "expected"), [
    ("2400-03-31", DateProblem("too_far")),   # 2400 is not above the threshold: Gregorian
    ("2401-03-31", DateProblem("past")),      # 2401 B.E. = 1858
])
def test_buddhist_era_threshold(text: str, expected: DateProblem) -> None:
    assert parsed(text) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("31/3/27", MARCH_31),                                # 2027
    ("31/3/70", MARCH_31),                                # B.E. 2570
    ("31 มี.ค. 70", MARCH_31),
    ("31 Mar 27", MARCH_31),
    ("1/6/46", datetime.date(2046, 6, 1)),                # today.year + 20, the last day allowed
    ("1/6/89", datetime.date(2046, 6, 1)),                # B.E. 2589 = 2046
    ("31/3/25", DateProblem("past")),                     # today.year - 1 fits, but is past
    ("31/3/50", DateProblem("unreadable")),               # neither 2050 nor B.E. 2550 = 2007
    ("31/3/90", DateProblem("unreadable")),               # B.E. 2590 = 2047: too far to be a guess
    ("31/3/00", DateProblem("unreadable")),
    ("31 มี.ค. พ.ศ. 70", MARCH_31),                       # era stated: no window needed
    ("31 มี.ค. ค.ศ. 27", MARCH_31),
])
def test_two_digit_years(text: str, expected: datetime.date | DateProblem) -> None:
    assert parsed(text) == expected


def test_two_digit_year_window_moves_with_today() -> None:
    # Window [today.year - 1, today.year + 20]: 2070 fits once today is in 2050.
    assert parse_date("31/3/70", datetime.date(2050, 5, 1)) == datetime.date(2070, 3, 31)
    assert parse_date("31/3/70", datetime.date(2049, 12, 31)) == DateProblem("unreadable")
    assert parse_date("31/3/70", datetime.date(2026, 1, 1)) == MARCH_31


@pytest.mark.parametrize("text", ["31/3/202", "31/3/20277", "31/3/7", "031/03/2027", "31/003/2027"])
def test_years_days_and_months_of_odd_length_are_unreadable(text: str) -> None:
    assert parsed(text) == DateProblem("unreadable")


# --- Month names, all twelve per language -------------------------------------

ENGLISH = ["January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December"]
ENGLISH_SHORT = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct",
                 "Nov", "Dec"]
THAI = ["มกราคม", "กุมภาพันธ์", "มีนาคม", "เมษายน", "พฤษภาคม", "มิถุนายน", "กรกฎาคม",
        "สิงหาคม", "กันยายน", "ตุลาคม", "พฤศจิกายน", "ธันวาคม"]
THAI_SHORT = ["ม.ค.", "ก.พ.", "มี.ค.", "เม.ย.", "พ.ค.", "มิ.ย.", "ก.ค.", "ส.ค.", "ก.ย.",
              "ต.ค.", "พ.ย.", "ธ.ค."]
THAI_SPOKEN = ["มกรา", "กุมภา", "มีนา", "เมษา", "พฤษภา", "มิถุนา", "กรกฎา", "สิงหา",
               "กันยา", "ตุลา", "พฤศจิกา", "ธันวา"]
BURMESE = ["ဇန်နဝါရီ", "ဖေဖော်ဝါရီ", "မတ်", "ဧပြီ", "မေ", "ဇွန်", "ဇူလိုင်", "ဩဂုတ်",
           "စက်တင်ဘာ", "အောက်တိုဘာ", "နိုဝင်ဘာ", "ဒီဇင်ဘာ"]
KHMER = ["មករា", "កុម្ភៈ", "មីនា", "មេសា", "ឧសភា", "មិថុនា", "កក្កដា", "សីហា", "កញ្ញា",
         "តុលា", "វិច្ឆិកា", "ធ្នូ"]
LAO = ["ມັງກອນ", "ກຸມພາ", "ມີນາ", "ເມສາ", "ພຶດສະພາ", "ມິຖຸນາ", "ກໍລະກົດ", "ສິງຫາ", "ກັນຍາ",
       "ຕຸລາ", "ພະຈິກ", "ທັນວາ"]
VIETNAMESE_WORDS = ["tháng Giêng", "tháng Hai", "tháng Ba", "tháng Tư", "tháng Năm",
                    "tháng Sáu", "tháng Bảy", "tháng Tám", "tháng Chín", "tháng Mười",
                    "tháng Mười Một", "tháng Mười Hai"]

# Each month's 15th in 2027 (after TODAY, so never "past"), in forms of that language.
MONTH_FORMS = {
    "en long": (ENGLISH, ["15 {m} 2027", "{m} 15, 2027", "15th {m} 2027", "{m} 15 2027"]),
    "en upper": ([m.upper() for m in ENGLISH], ["15 {m} 2027"]),
    "en short": (ENGLISH_SHORT, ["15 {m} 2027", "15 {m}. 2027", "{m} 15 2027", "15-{m}-2027"]),
    "en lower": ([m.lower() for m in ENGLISH_SHORT], ["15 {m} 2027"]),
    "th long": (THAI, ["15 {m} 2570", "15 {m} พ.ศ. 2570", "15{m}2570", "วันที่ 15 {m} 70"]),
    "th short": (THAI_SHORT, ["15 {m} 2570", "15 {m} 70", "15 {m} 2027"]),
    "th dotless": ([m.replace(".", "") for m in THAI_SHORT], ["15 {m} 2570"]),
    "th spoken": (THAI_SPOKEN, ["15 {m} 2570"]),
    "my": (BURMESE, ["၁၅ {m} ၂၀၂၇", "၂၀၂၇ ခုနှစ် {m}လ ၁၅ ရက်", "15 {m} 2027",
                     "၁၅ ရက် {m}လ ၂၀၂၇ ခုနှစ်", "{m}လ ၁၅ ရက်နေ့ ၂၀၂၇"]),
    "km": (KHMER, ["15 {m} 2027", "ថ្ងៃទី១៥ ខែ{m} ឆ្នាំ២០២៧", "១៥ ខែ{m} ២០២៧", "15 {m} 2570"]),
    "lo": (LAO, ["15 {m} 2027", "ວັນທີ 15 ເດືອນ{m} ປີ 2027", "໑໕ {m} ໒໐໒໗", "15 {m} 2570"]),
    "vi words": (VIETNAMESE_WORDS, ["15 {m} 2027", "ngày 15 {m} năm 2027",
                                    "ngay 15 {m} nam 2027"]),
}
MONTH_CASES = [
    pytest.param(form.format(m=name), month, id=f"{label}-{month}-{form}")
    for label, (names, forms) in MONTH_FORMS.items()
    for month, name in enumerate(names, start=1)
    for form in forms
]


@pytest.mark.parametrize(("text", "month"), MONTH_CASES)
def test_month_names(text: str, month: int) -> None:
    assert parsed(text) == datetime.date(2027, month, 15)


@pytest.mark.parametrize("month", range(1, 13))
@pytest.mark.parametrize("form", [
    "15 tháng {n} 2027", "15 tháng {n} năm 2027", "ngày 15 tháng {n} năm 2027",
    "15 thg {n} 2027", "15 thang {n} nam 2027", "Ngày 15 Tháng {n:02d} Năm 2027",
    "15/{n}/2027",
])
def test_vietnamese_numbered_months(form: str, month: int) -> None:
    assert parsed(form.format(n=month)) == datetime.date(2027, month, 15)


@pytest.mark.parametrize(("text", "month"), [
    ("15 Sept 2027", 9), ("Sept. 15, 2027", 9),
    ("15 กรกฏาคม 2570", 7),            # ฏ typed for ฎ, a frequent slip
    ("15 กุมภาพันธ 2570", 2),          # without the final silencer
    ("15 มี. ค. 2570", 3),             # spaced abbreviation
    ("15 ဇန္နဝါရီ 2027", 1),           # stacked spelling
    ("15 ဖေဖေါ်ဝါရီ 2027", 2),         # older spelling
    ("15 သြဂုတ် 2027", 8),             # သြ typed for the look-alike ဩ
    ("15 နို၀င်ဘာ 2027", 11),          # digit zero typed for the letter wa
    ("15 ဇန်န၀ါရီ 2027", 1),           # the same before a vowel sign
    ("15 កុម្ភ 2027", 2),              # without the final sign
    ("15 ມ.ສ. 2027", 4),               # Lao abbreviation
    ("15 tháng Chạp 2027", 12),
    ("15 tháng một 2027", 1),
])
def test_other_spellings(text: str, month: int) -> None:
    assert parsed(text) == datetime.date(2027, month, 15)


@pytest.mark.parametrize("text", [
    "31 Mar 2027", "Mar 31 2027", "March 31st, 2027", "31st of March 2027", "31 MAR. 2027",
    "2027 Mar 31", "31-Mar-2027",
    "31 มี.ค. 2570", "31 มีนาคม 2570", "31มีนาคม2570", "หมดอายุวันที่31มีนาคม2570",
    "วันที่ 31 มีนาคม พ.ศ. 2570", "31 มีค 2570",
    "၃၁ မတ် ၂၀၂၇", "၂၀၂၇ ခုနှစ် မတ်လ ၃၁ ရက်", "၃၁ မတ်လ ၂၀၂၇",
    "ថ្ងៃទី៣១ ខែមីនា ឆ្នាំ២០២៧", "31 មីនា 2027", "៣១ ខែមីនា ២០២៧",
    "31 ມີນາ 2027", "ວັນທີ 31 ເດືອນມີນາ ປີ 2027",
    "31 tháng 3 2027", "31 tháng 3 năm 2027", "ngày 31 tháng 3 năm 2027", "31 thg 3 2027",
    "31 thang 3 nam 2027", "Hết hạn ngày 31 tháng 3 năm 2027",
])
def test_forms_with_month_names(text: str) -> None:
    assert parsed(text) == MARCH_31


@pytest.mark.parametrize("text", [
    "บัตรหมดอายุ 31/03/2570", "หมดอายุ ๓๑ มี.ค. ๗๐", "วันที่ 31 เดือน 3 ปี 2570",
    "သက်တမ်းကုန်ရက် ၃၁.၃.၂၀၂၇", "၃၁ ရက် ၃ လ ၂၀၂၇",
    "ផុតកំណត់ថ្ងៃទី ៣១ ខែមីនា ឆ្នាំ ២០២៧", "ថ្ងៃទី៣១ ខែ៣ ឆ្នាំ២០២៧",
    "ໝົດອາຍຸ 31/03/2027", "ວີຊາໝົດ ວັນທີ 31 ມີນາ 2027",
    "Hạn đến 31/03/2027", "Visa until 2027-03-31", "pink card 31/3/70",
    "Passport exp. 31 Mar 2027 (renew by Feb)",   # a lone month name elsewhere is no date
])
def test_words_around_the_date_in_every_language(text: str) -> None:
    assert parsed(text) == MARCH_31


# --- Digits and encodings -----------------------------------------------------

@pytest.mark.parametrize("text", [
    "๓๑/๐๓/๒๕๗๐",      # Thai
    "၃၁/၃/၂၀၂၇",        # Burmese
    "៣១/០៣/២០២៧",      # Khmer
    "໓໑/໐໓/໒໐໒໗",      # Lao
    "３１/０３/２０２７",  # fullwidth, from some Asian keyboards
    "๓๑ มี.ค. ๗๐",
])
def test_native_digits(text: str) -> None:
    assert parsed(text) == MARCH_31


# "၁၅ <month>လ ၂၀၂၇" in the Zawgyi encoding (made with python-myanmar's converter):
# code points a Unicode font would draw wrongly, as Zawgyi phones send them.
ZAWGYI = [
    "\u1041\u1045 \u1007\u1014\u1039\u1014\u101d\u102b\u101b\u102e\u101c \u1042\u1040\u1042\u1047",
    "\u1041\u1045 \u1031\u1016\u1031\u1016\u102c\u1039\u101d\u102b\u101b\u102e\u101c "
    "\u1042\u1040\u1042\u1047",
    "\u1041\u1045 \u1019\u1010\u1039\u101c \u1042\u1040\u1042\u1047",
    "\u1041\u1045 \u1027\u107f\u1015\u102e\u101c \u1042\u1040\u1042\u1047",
    "\u1041\u1045 \u1031\u1019\u101c \u1042\u1040\u1042\u1047",
    "\u1041\u1045 \u1007\u103c\u1014\u1039\u101c \u1042\u1040\u1042\u1047",
    "\u1041\u1045 \u1007\u1030\u101c\u102d\u102f\u1004\u1039\u101c \u1042\u1040\u1042\u1047",
    "\u1041\u1045 \u1029\u1002\u102f\u1010\u1039\u101c \u1042\u1040\u1042\u1047",
    "\u1041\u1045 \u1005\u1000\u1039\u1010\u1004\u1039\u1018\u102c\u101c \u1042\u1040\u1042\u1047",
    "\u1041\u1045 \u1031\u1021\u102c\u1000\u1039\u1010\u102d\u102f\u1018\u102c\u101c "
    "\u1042\u1040\u1042\u1047",
    "\u1041\u1045 \u108f\u102d\u102f\u101d\u1004\u1039\u1018\u102c\u101c \u1042\u1040\u1042\u1047",
    "\u1041\u1045 \u1012\u102e\u1007\u1004\u1039\u1018\u102c\u101c \u1042\u1040\u1042\u1047",
]


@pytest.mark.parametrize(("text", "month"), [(z, m) for m, z in enumerate(ZAWGYI, start=1)])
def test_zawgyi_month_names(text: str, month: int) -> None:
    assert parsed(text) == datetime.date(2027, month, 15)


def test_zawgyi_year_and_day_words() -> None:
    # "၂၀၂၇ ခုနှစ် မတ်လ ၃၁ ရက်" in Zawgyi.
    text = ("\u1042\u1040\u1042\u1047 \u1001\u102f\u108f\u103d\u1005\u1039 "
            "\u1019\u1010\u1039\u101c \u1043\u1041 \u101b\u1000\u1039")
    assert parsed(text) == MARCH_31


# --- Problems -----------------------------------------------------------------

@pytest.mark.parametrize("text", ["", "   ", "\n\t", "...", " - / ", "\u200b"])
def test_empty(text: str) -> None:
    assert parsed(text) == DateProblem("empty")


@pytest.mark.parametrize("text", [
    "hello", "next year", "soon", "ปีหน้า", "tháng sau",
    "03/2027", "March 2027", "มี.ค. 2570",         # no day: we will not guess one
    "31/3", "31 March", "31 มีนาคม",               # no year
    "31", "2027",
    "31 hello 3 2027",                              # an unknown word inside the date
    "31 remark 2027",                               # "mar" inside a word is no month
    "၁၅ မေး ၂၀၂၇",                                  # "မေး" (ask) is not "မေ" (May)
    "1/1/2024 - 31/3/2027", "from 1/1/2024 to 31/3/2027",   # two dates: which one?
    "31 March April 2027",                          # two month names
    "31/03/2027/05",                                # four numbers
    "31/3/2027 10:00",                              # a time glued on: four and more numbers
    "ngày 31 ngày 3 2027",                          # two days
    "x" * 300 + " 31/03/2027",                      # far too long to be a reply with a date
])
def test_unreadable(text: str) -> None:
    assert parsed(text) == DateProblem("unreadable")


@pytest.mark.parametrize("text", [
    "30/02/2027", "31/02/2027", "31/04/2027", "31/06/2027", "31/09/2027", "31/11/2027",
    "13/13/2027", "00/03/2027", "31/00/2027", "32/01/2027", "2027-02-30", "2027-13-01",
    "31 Feb 2027", "30 กุมภาพันธ์ 2570", "ngày 31 tháng 4 năm 2027", "15 tháng 13 năm 2027",
    "04/31/2027",   # neither 4 of month 31 nor 31 April
])
def test_impossible(text: str) -> None:
    assert parsed(text) == DateProblem("impossible")


@pytest.mark.parametrize(("text", "expected"), [
    ("29/02/2028", datetime.date(2028, 2, 29)),
    ("29/02/2027", DateProblem("impossible")),
    ("29/02/2100", DateProblem("impossible")),   # centuries are not leap years...
    ("29 Feb 2032", datetime.date(2032, 2, 29)),
    ("29 ก.พ. 2575", datetime.date(2032, 2, 29)),
])
def test_leap_years(text: str, expected: datetime.date | DateProblem) -> None:
    assert parsed(text) == expected


def test_leap_day_four_hundred_years() -> None:
    # ...except every 400th, but 2400 is too far anyway: the date is real, just out of range.
    assert parse_date("29/02/2000", datetime.date(1999, 1, 1)) == datetime.date(2000, 2, 29)


def test_past_and_today() -> None:
    assert parsed("31/05/2026") == DateProblem("past")
    assert parsed("1/1/2020") == DateProblem("past")
    assert parsed("31/3/2569") == DateProblem("past")   # B.E. 2569 = 2026
    assert parsed("01/06/2026") == TODAY                # today is fine
    assert parsed("02/06/2026") == datetime.date(2026, 6, 2)


def test_too_far() -> None:
    assert parsed("01/06/2046") == datetime.date(2046, 6, 1)   # exactly 20 years
    assert parsed("02/06/2046") == DateProblem("too_far")
    assert parsed("31/12/2099") == DateProblem("too_far")
    assert parsed("31/3/2600") == DateProblem("too_far")       # B.E. 2600 = 2057


def test_twenty_years_from_a_leap_day() -> None:
    leap_day = datetime.date(2028, 2, 29)
    assert parse_date("28/02/2048", leap_day) == datetime.date(2048, 2, 28)
    assert parse_date("29/02/2048", leap_day) == datetime.date(2048, 2, 29)
    assert parse_date("01/03/2048", leap_day) == DateProblem("too_far")


def test_impossible_is_reported_over_unreadable_for_zawgyi_readings() -> None:
    # Text that may be Zawgyi is read both ways; the precise problem is kept.
    assert parsed("၃၂ မတ်လ ၂၀၂၇") == DateProblem("impossible")


# --- Formatting -----------------------------------------------------------------

@pytest.mark.parametrize(("lang", "expected"), [
    ("en", "31 March 2027"),
    ("th", "31 มีนาคม พ.ศ. 2570"),
    ("my", "၂၀၂၇ ခုနှစ် မတ်လ ၃၁ ရက်"),
    ("km", "ថ្ងៃទី៣១ ខែមីនា ឆ្នាំ២០២៧"),
    ("lo", "31 ມີນາ 2027"),
    ("vi", "31 tháng 3 năm 2027"),
    ("fr", "31 March 2027"),   # unknown language: English
    ("", "31 March 2027"),
])
def test_format_date(lang: str, expected: str) -> None:
    assert format_date(MARCH_31, lang) == expected


@pytest.mark.parametrize(("lang", "expected"), [
    ("en", "1 January 2030"),
    ("th", "1 มกราคม พ.ศ. 2573"),
    ("my", "၂၀၃၀ ခုနှစ် ဇန်နဝါရီလ ၁ ရက်"),
    ("km", "ថ្ងៃទី១ ខែមករា ឆ្នាំ២០៣០"),
    ("lo", "1 ມັງກອນ 2030"),
    ("vi", "1 tháng 1 năm 2030"),
])
def test_format_date_single_digit_day(lang: str, expected: str) -> None:
    assert format_date(datetime.date(2030, 1, 1), lang) == expected


def _round_trip_dates() -> list[datetime.date]:
    # Every 11th day for 20 years (all months, weekdays and day numbers come up),
    # plus every month's first and last day and the leap days.
    last = datetime.date(TODAY.year + 20, TODAY.month, TODAY.day)
    days = [TODAY + datetime.timedelta(days=n) for n in range(0, (last - TODAY).days + 1, 11)]
    for year in (2027, 2028, 2040):
        for month in range(1, 13):
            first = datetime.date(year, month, 1)
            days += [first, (first + datetime.timedelta(days=31)).replace(day=1)
                     - datetime.timedelta(days=1)]
    return [*days, last, datetime.date(2032, 2, 29), datetime.date(2044, 2, 29)]


@pytest.mark.parametrize("lang", LANGS)
def test_round_trip(lang: str) -> None:
    failures = {d: parsed(format_date(d, lang)) for d in _round_trip_dates()}
    assert {d: r for d, r in failures.items() if r != d} == {}


def test_module_does_not_import_telegram() -> None:
    code = "import sys, bot.reminders.dates; print('telegram' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
