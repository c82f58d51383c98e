"""Properties of normalisation, language detection and the matcher, over any text.

Workers type anything: emoji, Zawgyi, stray combining marks, control characters,
a pasted contract. These tests let hypothesis generate such text and check what
must hold for every message, not only for the examples in test_normalize.py and
test_matcher.py.
"""

from __future__ import annotations

import re
import unicodedata

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from myanmar.converter import convert

from bot.brain import Brain
from bot.content.tree import INTENT_IDS
from bot.matching.langdetect import detect_language
from bot.matching.matcher import MatchResult
from bot.matching.normalize import ascii_digits, fold_tones, normalize, normalize_key

# Normalisation is fast; the matcher and the Zawgyi detector less so (the first call
# loads the detector's model), so no deadline anywhere.
NORMALISE = settings(max_examples=300, deadline=None)
MATCH = settings(max_examples=150, deadline=None)

# Pieces hypothesis would rarely build by itself: emoji sequences, zero-width and
# bidi controls, combining marks standing alone, control characters, the six
# languages' scripts (Zawgyi and Unicode Burmese), native digits, odd case folds.
SPECIALS = (
    "👍", "👍🏽", "👨\u200d👩\u200d👧", "🇹🇹", "\u200b", "\u200c", "\u200d", "\u2060",
    "\ufeff", "\u00ad", "\u200f", "\u202e", "\u2066", "\u0301", "\u0323", "\u0e49",
    "\u17d2", "\u103a", "\u1039", "\x00", "\x1b", "\r\n", "\t", "\x85", "\u2028",
    "שלום", "مرحبا", "ျမန္မာ", "ၾကက္", "ႏ", "မြန်မာ", "\u1040\u102b", "ใบอนุญาต",
    "ต่อใบอนุญาตทำงาน", "ປະກັນສັງຄົມ", "ໜ", "ຫນ", "ប៉ាស្ព័រ", "\u17d2\u178a",
    "Việt Nam", "gia ha\u0323n", "ĐÓNG", "๑๒๓", "၁၂၃", "១២៣", "໑໒໓", "႑႒",
    "İ", "ß", "ﬁ", "ǅ", "ᾳ", "ǰ", "Ω", "K", "１２３", "١٢٣", "{", "<b>", "&",
)
messy_text = st.lists(st.one_of(st.text(), st.sampled_from(SPECIALS)), max_size=8).map("".join)
# Very long messages, built by repetition (a pasted contract, a flood of emoji).
long_text = st.builds(lambda piece, times: piece * times,
                      st.one_of(st.text(min_size=1, max_size=30),
                                st.sampled_from(SPECIALS)),
                      st.integers(min_value=100, max_value=400))
any_text = st.one_of(messy_text, long_text)

# Native digits the normaliser maps (docstring of ascii_digits): Thai, Lao, Khmer,
# Burmese and Shan. Found through Unicode's own data, not the module's table.
NATIVE_DIGITS = tuple(
    ch for ch in map(chr, range(0x0E00, 0x1800))
    if unicodedata.category(ch) == "Nd"
    and unicodedata.name(ch).split()[0] in ("THAI", "LAO", "KHMER", "MYANMAR"))
MYANMAR = re.compile(r"[\u1000-\u109f\uaa60-\uaa7f\ua9e0-\ua9ff]")
ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff\u00ad"
TONE_MARKS = re.compile(r"[\u0300-\u036f]")

# Vietnamese as typed: precomposed letters, or a vowel followed by its combining tone.
VIET_TONES = ("\u0300", "\u0301", "\u0303", "\u0309", "\u0323")
vietnamese = st.lists(st.one_of(
    st.sampled_from("aăâbcdđeêghiklmnoôơpqrstuưvxyĂÂĐÊÔƠƯ ạấầẩẫậếềểễệốồổỗộớờởỡợứừửữựýỳ?!."),
    st.builds(str.__add__, st.sampled_from("aeiouyAEIOUYăâêôơư"), st.sampled_from(VIET_TONES)),
), max_size=40).map("".join)


def characters_except(pattern: re.Pattern[str]) -> st.SearchStrategy[str]:
    """Any character (surrogates excluded) that ``pattern`` does not match."""
    return st.characters(exclude_categories=["Cs"]).filter(lambda ch: not pattern.match(ch))


# -- normalisation -----------------------------------------------------------------

@NORMALISE
@given(text=any_text)
def test_normalize_never_raises_and_gives_one_or_two_readings(text: str) -> None:
    norm = normalize(text)
    assert 1 <= len(norm.toned) <= 2
    assert 1 <= len(norm.folded) <= len(norm.toned)
    assert len(set(norm.toned)) == len(norm.toned)
    assert len(set(norm.folded)) == len(norm.folded)
    if norm.zawgyi:  # sure it is Zawgyi: only the converted reading is kept
        assert len(norm.toned) == 1


@NORMALISE
@given(text=any_text)
def test_toned_readings_are_clean(text: str) -> None:
    """Lower case, single spaces, no punctuation, symbols, controls or native digits."""
    for reading in normalize(text).toned:
        assert reading == reading.strip()
        assert "  " not in reading
        assert reading.casefold() == reading
        assert not any(ch in ZERO_WIDTH or ch in NATIVE_DIGITS for ch in reading)
        for ch in reading:
            assert ch == " " or unicodedata.category(ch)[0] not in "PSZC", (reading, ch)


@NORMALISE
@given(text=any_text)
def test_folded_readings_have_no_latin_tone_marks(text: str) -> None:
    for reading in normalize(text).folded:
        assert fold_tones(reading) == reading
        assert "đ" not in reading
        assert not TONE_MARKS.search(unicodedata.normalize("NFD", reading))


# Once bugs (found by this test): see the commits that fixed them.
@example(text="0:\u0300")
@example(text="\u17d2\u0300\u178a")  # a stray tone mark inside Khmer subscript da
@NORMALISE
@given(text=any_text)
def test_normalize_key_is_idempotent(text: str) -> None:
    """A canonical form: the key of a key is itself, single-spaced and stripped.
    (Burmese is left out: whether a text is Zawgyi is a guess, and the converted
    text may be guessed the other way; the matcher tries both readings.)"""
    key = normalize_key(text)
    assert key == key.strip() and "  " not in key
    if not MYANMAR.search(text):
        assert normalize_key(key) == key


@NORMALISE
@given(text=st.one_of(st.text(characters_except(TONE_MARKS)), vietnamese))
def test_normalize_key_is_idempotent_when_tone_marks_are_attached(text: str) -> None:
    """Where the bug above cannot arise (no tone mark, or each on its letter)."""
    key = normalize_key(text)
    assert key == key.strip() and "  " not in key
    assert normalize_key(key) == key


@NORMALISE
@given(text=vietnamese)
def test_vietnamese_reads_the_same_composed_or_decomposed(text: str) -> None:
    """Some keyboards send a letter then its tone mark; others one precomposed letter."""
    composed = normalize(unicodedata.normalize("NFC", text))
    assert normalize(unicodedata.normalize("NFD", text)) == composed


@NORMALISE
@given(text=any_text)
def test_fold_tones_is_idempotent(text: str) -> None:
    folded = fold_tones(text)
    assert fold_tones(folded) == folded


@NORMALISE
@given(text=st.text(st.one_of(
    st.characters(min_codepoint=0x0E00, max_codepoint=0x0EFF),   # Thai, Lao
    st.characters(min_codepoint=0x1000, max_codepoint=0x109F),   # Burmese
    st.characters(min_codepoint=0x1780, max_codepoint=0x17FF),   # Khmer
    st.sampled_from(" 0123456789"))))
def test_fold_tones_keeps_the_marks_of_thai_lao_khmer_and_burmese(text: str) -> None:
    """Only Latin tone marks go: vowels and tones of the other scripts carry meaning."""
    assert fold_tones(text) == unicodedata.normalize("NFC", text)


@NORMALISE
@given(text=st.text(st.one_of(st.sampled_from(NATIVE_DIGITS), st.characters())))
def test_ascii_digits_maps_native_digits_to_their_value(text: str) -> None:
    out = ascii_digits(text)
    assert len(out) == len(text)
    for before, after in zip(text, out, strict=True):
        if before in NATIVE_DIGITS:
            assert after == str(unicodedata.digit(before))
        else:
            assert after == before
    assert ascii_digits(out) == out


@NORMALISE
@given(text=st.text(st.one_of(
    st.sampled_from([d for d in NATIVE_DIGITS if not MYANMAR.match(d)]),
    characters_except(MYANMAR))))
def test_normalize_keeps_every_digit_in_order_native_ones_as_ascii(text: str) -> None:
    """Outside the Myanmar block (where a zero before a vowel sign is the letter wa, and
    Shan digits are Zawgyi letters), no digit is lost, added or reordered; Thai, Lao and
    Khmer ones become 0-9. Digits of other scripts (fullwidth, Arabic-Indic...) are kept
    as they are, by design (see ascii_digits)."""
    def digits(s: str) -> list[str]:
        return [ch for ch in s if unicodedata.category(ch) == "Nd"]

    assert digits(normalize(text).toned[0]) == [ascii_digits(d) for d in digits(text)]


@NORMALISE
@given(text=st.text(st.one_of(st.characters(min_codepoint=0x1000, max_codepoint=0x109F),
                              st.characters(min_codepoint=0xAA60, max_codepoint=0xAA7F),
                              st.characters(min_codepoint=0xA9E0, max_codepoint=0xA9FF),
                              st.sampled_from(" .၊။0123456789")),
                   min_size=1, max_size=60))
def test_any_burmese_text_normalises_zawgyi_or_not(text: str) -> None:
    """The Zawgyi detector and converter get arbitrary Myanmar-block code points."""
    norm = normalize(text)
    assert norm.toned and norm.folded
    for reading in norm.toned:
        assert not any(ch in NATIVE_DIGITS for ch in reading)


# -- language detection --------------------------------------------------------------

@NORMALISE
@given(text=any_text)
def test_detected_language_is_a_content_language_or_none(brain: Brain, text: str) -> None:
    assert detect_language(text) in (None, *brain.content.languages)


SCRIPT_BLOCKS = {"th": (0x0E00, 0x0E7F), "lo": (0x0E80, 0x0EFF), "my": (0x1000, 0x109F),
                 "km": (0x1780, 0x17FF)}
ASCII_NOISE = st.text(" \n.,!?0123456789-+()", max_size=20)


@NORMALISE
@given(data=st.data(), lang=st.sampled_from(sorted(SCRIPT_BLOCKS)), before=ASCII_NOISE,
       after=ASCII_NOISE)
def test_text_in_one_script_is_that_language(data: st.DataObject, lang: str, before: str,
                                             after: str) -> None:
    low, high = SCRIPT_BLOCKS[lang]
    text = data.draw(st.text(st.characters(min_codepoint=low, max_codepoint=high),
                             min_size=1, max_size=40))
    assert detect_language(before + text + after) == lang


@NORMALISE
@given(before=st.text("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ ", max_size=30),
       letter=st.sampled_from("ăâđêôơưĂÂĐÊÔƠƯạảấầẩẫậếềểễệốồổỗộớờởỡợứừửữự"),
       after=st.text("abcdefghijklmnopqrstuvwxyz ", max_size=30))
def test_latin_text_with_a_letter_only_vietnamese_has_is_vietnamese(before: str, letter: str,
                                                                    after: str) -> None:
    assert detect_language(before + letter + after) == "vi"


@NORMALISE
@given(text=any_text, before=ASCII_NOISE, after=ASCII_NOISE)
def test_language_ignores_punctuation_digits_and_spaces_around(text: str, before: str,
                                                               after: str) -> None:
    assert detect_language(before + text + after) == detect_language(text)


# -- the matcher ---------------------------------------------------------------------

@pytest.fixture(scope="module")
def examples(brain: Brain) -> list[str]:
    """Every example and title the index holds, as written in content."""
    return sorted({entry.text for entry in brain.matcher.index.entries})


def messages(examples: list[str]) -> st.SearchStrategy[str]:
    """Anything, and text near what workers ask: examples, alone or mixed with noise."""
    piece = st.one_of(st.sampled_from(examples), st.sampled_from(SPECIALS), st.text(max_size=20))
    return st.one_of(any_text, st.sampled_from(examples),
                     st.lists(piece, min_size=1, max_size=4).map(" ".join))


def check_result(brain: Brain, result: MatchResult) -> None:
    th = brain.matcher.thresholds
    topics = brain.content.topics
    assert result.outcome in ("answer", "did_you_mean", "fallback")
    assert result.language in (None, *brain.content.languages)
    assert 0.0 <= result.score <= 1.0
    scores = [c.score for c in result.candidates]
    assert scores == sorted(scores, reverse=True)
    for c in result.candidates:
        assert 0.0 <= c.score <= 1.0
        assert c.id in (INTENT_IDS if c.intent else topics), c
        assert c.lang in brain.content.languages
    if result.outcome == "answer":
        assert result.topic is not None
        assert result.topic in (INTENT_IDS if result.intent else topics)
        assert result.candidates[0].id == result.topic
        assert result.score == result.candidates[0].score
    else:
        assert result.topic is None
    if result.outcome == "did_you_mean":
        assert 1 <= len(result.candidates) <= th.max_suggestions
        assert all(not c.intent and c.score >= th.suggest for c in result.candidates)


@MATCH
@given(data=st.data())
def test_match_never_raises_and_returns_a_known_outcome(brain: Brain, examples: list[str],
                                                        data: st.DataObject) -> None:
    text = data.draw(messages(examples))
    result = brain.matcher.match(text)
    assert result.text == text
    check_result(brain, result)


@MATCH
@given(data=st.data())
def test_match_is_deterministic(brain: Brain, examples: list[str], data: st.DataObject) -> None:
    """The same text gives the same result, whatever was matched in between (caches)."""
    text = data.draw(messages(examples))
    first = brain.matcher.match(text)
    brain.matcher.match(data.draw(messages(examples)))
    assert brain.matcher.match(text) == first


@MATCH
@given(data=st.data())
def test_a_content_example_typed_as_is_is_answered_with_its_topic(brain: Brain,
                                                                  data: st.DataObject) -> None:
    entries = brain.matcher.index.entries
    entry = data.draw(st.sampled_from(entries))
    owners = {e.owner for e in entries if e.norm == entry.norm}
    if len(owners) > 1 or entry.owner not in (*brain.content.topics, *INTENT_IDS):
        return  # shared by two topics, or an example of what the bot does not answer
    result = brain.matcher.match(entry.text)
    assert (result.outcome, result.topic) == ("answer", entry.owner), entry


@MATCH
@given(data=st.data(), before=st.text(" \n\t", max_size=3),
       after=st.text(" ?!.,", max_size=4), upper=st.booleans())
def test_case_spaces_and_end_punctuation_do_not_change_the_match(
        brain: Brain, examples: list[str], data: st.DataObject, before: str, after: str,
        upper: bool) -> None:
    text = data.draw(st.sampled_from(examples))
    variant = before + (text.upper() if upper else text) + after
    a, b = brain.matcher.match(text), brain.matcher.match(variant)
    assert (a.outcome, a.topic, a.candidates, a.language) == \
        (b.outcome, b.topic, b.candidates, b.language), variant


@MATCH
@given(data=st.data())
def test_burmese_examples_typed_in_zawgyi_match_like_unicode(brain: Brain,
                                                             data: st.DataObject) -> None:
    burmese = [e.text for e in brain.matcher.index.entries if e.lang == "my"]
    text = data.draw(st.sampled_from(burmese))
    zawgyi = str(convert(text, "unicode", "zawgyi"))
    a, b = brain.matcher.match(text), brain.matcher.match(zawgyi)
    assert (b.outcome, b.topic) == (a.outcome, a.topic), (text, zawgyi)
