"""Normalisation per script: zero-width, digits, Zawgyi, tone marks, punctuation."""

from __future__ import annotations

import random
import re
import sys
import unicodedata

import pytest

from bot.matching.normalize import fold_tones, normalize, normalize_key

normalize_module = sys.modules["bot.matching.normalize"]  # the package re-exports normalize()

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


def _clean_by_character(text: str) -> str:
    """The character loop ``_clean`` replaced with a translate table, as it was."""
    import re
    import unicodedata

    text = unicodedata.normalize("NFC", text).casefold()
    text = normalize_module._fix_myanmar_lookalikes(text)
    for variant, canonical in normalize_module._LOOKALIKE_SEQUENCES:
        text = text.replace(variant, canonical)
    out = []
    for ch in text:
        digit = normalize_module._DIGITS.get(ord(ch))
        if digit is not None:
            out.append(digit)
        elif unicodedata.category(ch)[0] in "PSZC" and ch not in "\u0e46":
            out.append(" ")
        else:
            out.append(ch)
    return re.sub(r"\s+", " ", "".join(out)).strip()


def _samples() -> list[str]:
    rng = random.Random(5)
    blocks = [(0x20, 0x7F), (0xA0, 0x250), (0x300, 0x370), (0x0E00, 0x0F00), (0x1000, 0x10A0),
              (0x1780, 0x1800), (0x19E0, 0x1A00), (0x1EA0, 0x1F00), (0x2000, 0x2070),
              (0xA9E0, 0xAA80), (0xFE00, 0xFF00), (0x1F600, 0x1F650)]
    texts = []
    for _ in range(3000):
        low, high = rng.choice(blocks)
        texts.append("".join(chr(rng.randrange(low, high)) if rng.random() < 0.8
                             else rng.choice(" \u200b0၀") for _ in range(rng.randrange(1, 30))))
    return texts


def test_cleaning_is_the_character_loop_it_replaced() -> None:
    for text in _samples():
        assert normalize_module._clean(text) == _clean_by_character(text), repr(text)


def test_zawgyi_probability_is_myanmartools_own() -> None:
    """The dict lookup reproduces the detector's bisection, quirks and all (its
    characters are not sorted, so some are never found by bisection)."""
    from myanmar.converter import convert

    detector = normalize_module._detector()
    texts = [UNICODE_MYANMAR, ZAWGYI_MYANMAR, "", "abc", "\u2000\u200b",
             convert("ကျွန်တော့်သူဌေးက လစာမပေးဘူး", "unicode", "zawgyi"), *_samples()]
    for text in texts:
        assert normalize_module._zawgyi_probability(text) == \
            detector.get_zawgyi_probability(text), repr(text)


@pytest.mark.parametrize("text", ["gia hạn", "ပတ်စ်ပို့", "ใบอนุญาต", "ha\u0323n", "ဦ", "\u1025\u102e",
                                  "Đồng", "plain"])
def test_folding_takes_shortcuts_only_where_nothing_changes(text: str) -> None:
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "d"))
    assert fold_tones(text) == unicodedata.normalize(
        "NFC", re.sub(r"[\u0300-\u036f]", "", decomposed))
