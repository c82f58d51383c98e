"""Long answers split on paragraph boundaries, measured the way Telegram measures."""

from __future__ import annotations

import pytest

from bot.adapters.telegram.split import split_message, telegram_length


def words(text: str) -> list[str]:
    return text.split()


def test_telegram_counts_utf16_units() -> None:
    assert telegram_length("ဗီဇာ") == 4  # Burmese letters: one unit each
    assert telegram_length("📞 1694") == 7  # the emoji is two
    assert telegram_length("") == 0


def test_a_short_message_is_one_part() -> None:
    assert split_message("Call 1694.\n\nOr 1300.", 4096) == ["Call 1694.\n\nOr 1300."]


def test_parts_are_cut_at_blank_lines_and_nothing_is_lost() -> None:
    paragraphs = [f"Paragraph {i}: " + "ဝင်ငွေ " * 30 for i in range(20)]
    text = "\n\n".join(paragraphs)
    parts = split_message(text, 1000)
    assert len(parts) > 1
    assert all(telegram_length(part) <= 1000 for part in parts)
    assert all(part.startswith("Paragraph") for part in parts)  # no paragraph cut in two
    assert words(" ".join(parts)) == words(text)


@pytest.mark.parametrize("limit", [50, 101, 4096])
def test_emoji_count_twice_so_no_part_is_over_the_limit(limit: int) -> None:
    text = "\n".join(f"📞 ☎️ line {i} 🙂🙂" for i in range(600))
    parts = split_message(text, limit)
    assert all(telegram_length(part) <= limit for part in parts), max(map(telegram_length, parts))
    assert words(" ".join(parts)) == words(text)


def test_a_tag_is_not_cut_in_half() -> None:
    text = "x " * 40 + '<a href="https://www.doe.go.th/">Department of Employment</a> ' * 3
    for part in split_message(text, 90):
        assert part.count("<") == part.count(">")


def test_text_without_spaces_is_cut_at_the_limit() -> None:
    text = "ก" * 250
    parts = split_message(text, 100)
    assert [len(p) for p in parts] == [100, 100, 50]
