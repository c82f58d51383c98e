"""Normalisation per script: zero-width, digits, Zawgyi, tone marks, punctuation."""

from __future__ import annotations

import pytest

from bot.matching.normalize import fold_tones, normalize, normalize_key

UNICODE_MYANMAR = "မြန်မာ"
ZAWGYI_MYANMAR = "ျမန္မာ"


@pytest.mark.parametrize("zw", ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad"])
def test_zero_width_characters_become_spaces(zw: str) -> None:
    assert normalize_key(f"work{zw}permit") == "work permit"


@pytest.mark.parametrize(("text", "expected"), [
    ("๑๖๙๔", "1694"),   # Thai
    ("໑໖໙໔", "1694"),   # Lao
    ("១៦៩៤", "1694"),   # Khmer
    ("၁၆၉၄", "1694"),   # Burmese
])
def test_native_digits_become_ascii(text: str, expected: str) -> None:
    assert normalize_key(text) == expected


def test_burmese_zero_used_as_letter_wa_is_kept_a_letter() -> None:
    # "ဝါ" typed with the digit zero (U+1040) followed by a vowel sign.
    assert normalize_key("\u1040\u102b") == "\u101d\u102b"


def test_zawgyi_is_detected_and_converted() -> None:
    result = normalize(ZAWGYI_MYANMAR)
    assert result.zawgyi
    assert result.toned == (UNICODE_MYANMAR,)


def test_unicode_burmese_is_left_alone() -> None:
    result = normalize(UNICODE_MYANMAR)
    assert not result.zawgyi
    assert result.toned == (UNICODE_MYANMAR,)


def test_vietnamese_folds_tones_and_d_stroke() -> None:
    assert fold_tones("gia hạn giấy phép lao động") == "gia han giay phep lao dong"
    assert normalize_key("ĐÓNG BẢO HIỂM") == "dong bao hiem"


def test_thai_marks_survive_normalisation() -> None:
    # Unlike rapidfuzz's default_process, combining vowels and tone marks stay.
    assert normalize_key("ใบอนุญาตทำงาน") == "ใบอนุญาตทำงาน"
    assert normalize_key("ប៉ាស្ព័រ") == "ប៉ាស្ព័រ"


def test_casefold_punctuation_and_spaces() -> None:
    assert normalize_key("  My BOSS keeps   my PASSPORT!!! ") == "my boss keeps my passport"
    assert normalize_key("ဘာလုပ်ရမလဲ။") == "ဘာလုပ်ရမလဲ"


def test_nfc_composes_decomposed_input() -> None:
    decomposed = "gia ha\u0323n"
    assert normalize(decomposed).toned[0] == "gia hạn"


@pytest.mark.parametrize(("one", "other"), [
    ("ប្ដូរ", "ប្តូរ"),          # Khmer subscript da / ta
    ("ໜ້າ", "ຫນ້າ"),            # Lao ໜ / ຫນ
    ("ໝໍ", "ຫມໍ"),              # Lao ໝ / ຫມ
    ("ຫຼາຍ", "ຫລາຍ"),           # Lao ຫຼ / ຫລ
    ("ทำงาน", "ท\u0e4d\u0e32งาน"),  # Thai sara am, one or two code points
])
def test_lookalike_spellings_normalise_alike(one: str, other: str) -> None:
    assert normalize_key(one) == normalize_key(other)
