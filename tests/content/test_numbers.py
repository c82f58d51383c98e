"""Numbers grouped with the separator each language's readers expect."""

from __future__ import annotations

from bot.content.numbers import grouping_problems


def numbers(text: str, lang: str) -> list[str]:
    return [message.split("'")[1] for _, message in grouping_problems(text, lang)]


def test_comma_groups_are_flagged_where_a_dot_groups_thousands() -> None:
    text = "phạt 5,000–50,000 bạt\nthẻ 1.600 bạt, 2 năm"
    assert numbers(text, "vi") == ["5,000", "50,000"]
    assert numbers("ຖືກປັບ 5,000 ບາດ", "lo") == ["5,000"]
    (line, message), = grouping_problems("a\nb 27,000", "vi")
    assert line == 1 and "write '27.000'" in message


def test_dot_groups_are_flagged_where_a_comma_groups_thousands() -> None:
    assert numbers("fine 5.000-50.000 baht", "en") == ["5.000", "50.000"]
    assert numbers("ปรับ 5,000 บาท", "th") == []
    assert numbers("ปรับ 5.000 บาท", "th") == ["5.000"]


def test_other_numbers_are_left_alone() -> None:
    text = ("call 1694 or 02-245-6464, 1.5 km, 2026-01-31, 31.01.2026, 12,5, "
            "version 1.2.3, 1,23456, 300 baht, (5,000)")
    assert numbers(text.replace("(5,000)", ""), "en") == []
    assert numbers("ngày 31.01.2026, 1,5 km, 1694", "vi") == []


def test_native_digits_are_checked_too() -> None:
    assert numbers("ຄ່າທຳນຽມ ໑໘,໐໐໐ ບາດ", "lo") == ["໑໘,໐໐໐"]


def test_a_language_babel_does_not_know_is_not_checked() -> None:
    assert grouping_problems("5,000", "xx") == []
