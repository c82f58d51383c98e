"""Text normalisation for matching across six languages and four scripts.

Order matters: Zawgyi must be detected on the raw code points (NFC would
reorder Zawgyi's non-standard mark sequences), and rapidfuzz's
``default_process`` is never used because it strips combining marks that carry
meaning in Thai, Lao, Khmer and Burmese.
"""

from __future__ import annotations

import itertools
import math
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any

__all__ = ["NormalizedText", "ascii_digits", "fold_tones", "has_tone_marks", "normalize",
           "normalize_content", "normalize_key"]

_ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), " ")
_ZERO_WIDTH_RE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
_DIGIT_BLOCKS = (0x0E50, 0x0ED0, 0x17E0, 0x1040, 0x1090)  # Thai, Lao, Khmer, Burmese, Shan
_DIGITS = {start + i: str(i) for start in _DIGIT_BLOCKS for i in range(10)}
_MYANMAR = re.compile(r"[\u1000-\u109f\uaa60-\uaa7f\ua9e0-\ua9ff]")
_MY_MARK = re.compile(r"[\u102b-\u103e\u1056-\u1059\u105e-\u1060\u1062-\u1064\u1067-\u106d"
                      r"\u1071-\u1074\u1082-\u108d\u108f\u109a-\u109d]")
# Burmese typists write the digit zero for the letter wa (and seven for ra) when
# a vowel sign follows: that is a letter, not a number.
_MY_LOOKALIKE = {"\u1040": "\u101d", "\u1047": "\u101b"}
# Spellings that look the same on screen but differ in code points; keyboards
# and phones produce either, so both must match:
_LOOKALIKE_SEQUENCES = (
    ("\u17d2\u178a", "\u17d2\u178f"),  # Khmer subscript da and ta render alike
    ("\u0edc", "\u0eab\u0e99"),          # Lao ໜ typed as ຫນ
    ("\u0edd", "\u0eab\u0ea1"),          # Lao ໝ typed as ຫມ
    ("\u0eab\u0ebc", "\u0eab\u0ea5"),    # Lao ຫຼ typed as ຫລ
    ("\u0e4d\u0e32", "\u0e33"),          # Thai sara am typed as nikhahit + sara aa
    ("\u0ecd\u0eb2", "\u0eb3"),          # the same in Lao
    ("\u1013\u102b", "\u1013\u102c"),    # Burmese ဓါ (Zawgyi converted) is ဓာ
)
_SPACES = re.compile(r"\s+")
_TONE_MARKS = re.compile(r"[\u0300-\u036f]")
# Zawgyi probabilities outside (LOW, HIGH) are trusted; in between we try both.
_ZAWGYI_HIGH = 0.95
_ZAWGYI_LOW = 0.05


@dataclass(frozen=True, slots=True)
class NormalizedText:
    """A message ready for matching: ``variants`` are the readings to score (1 or 2)."""

    toned: tuple[str, ...]   # NFC, casefolded, tone marks kept
    folded: tuple[str, ...]  # the same without Latin tone marks (Vietnamese typed bare)
    zawgyi: bool             # the message looked like Zawgyi


def normalize(text: str) -> NormalizedText:
    """Normalise a user message; ambiguous Zawgyi yields two readings."""
    raw = text.translate(_ZERO_WIDTH) if _ZERO_WIDTH_RE.search(text) else text
    readings = [raw]
    zawgyi = False
    if _MYANMAR.search(raw):
        probability = _zawgyi_probability(raw)
        if probability >= _ZAWGYI_HIGH:
            readings, zawgyi = [_zawgyi_to_unicode(raw)], True
        elif probability > _ZAWGYI_LOW:
            readings = [raw, _zawgyi_to_unicode(raw)]
    if len(readings) == 1:  # the usual case, without the generic de-duplication
        cleaned = _clean(readings[0])
        toned: tuple[str, ...] = (cleaned,)
        bare = _folded(cleaned)
        folded = toned if bare is cleaned else (bare,)
        return NormalizedText(toned=toned, folded=folded, zawgyi=zawgyi)
    toned = tuple(dict.fromkeys(_clean(r) for r in readings))
    folded = tuple(dict.fromkeys(_folded(t) for t in toned))
    if folded == toned:
        folded = toned
    return NormalizedText(toned=toned, folded=folded, zawgyi=zawgyi)


@lru_cache(maxsize=1 << 16)
def normalize_content(text: str) -> NormalizedText:
    """``normalize`` for content (examples, titles), cached: validation and the index
    both need every example, and a reload sees mostly the same text again. Never
    used for users' messages, which are not to be kept, even in memory."""
    return normalize(text)


def normalize_key(text: str) -> str:
    """One canonical form, for comparing content examples with each other."""
    return normalize_content(text).folded[0]


def _clean(text: str) -> str:
    text = _lookalikes(unicodedata.normalize("NFC", text).casefold())
    return _SPACES.sub(" ", text.translate(_CLEAN)).strip()


def _lookalikes(text: str) -> str:
    """Spellings that look alike on screen, written one way."""
    text = _fix_myanmar_lookalikes(text)
    for variant, canonical in _LOOKALIKE_SEQUENCES:
        if variant in text:
            text = text.replace(variant, canonical)
    return text


class _CleanTable(dict[int, str]):
    """``str.translate`` table for ``_clean``, each character worked out when first
    seen (a loop over characters in Python was most of the cost of loading content):
    native digits as 0-9; punctuation, symbols, spaces and control characters as a
    space (but the Thai repetition mark); anything else kept."""

    def __missing__(self, code: int) -> str:
        ch = chr(code)
        digit = _DIGITS.get(code)
        if digit is not None:
            out = digit
        elif unicodedata.category(ch)[0] in "PSZC" and ch != "\u0e46":
            out = " "
        else:
            out = ch
        if len(self) < _CLEAN_TABLE_MAX:  # bounded: messages may hold any character
            self[code] = out
        return out


_CLEAN_TABLE_MAX = 1 << 14
_CLEAN = _CleanTable()


def _fix_myanmar_lookalikes(text: str) -> str:
    if "\u1040" not in text and "\u1047" not in text:
        return text
    chars = list(text)
    for i, ch in enumerate(chars):
        if ch in _MY_LOOKALIKE and i + 1 < len(chars) and _MY_MARK.match(chars[i + 1]):
            chars[i] = _MY_LOOKALIKE[ch]
    return "".join(chars)


def ascii_digits(text: str) -> str:
    """Thai, Lao, Khmer, Burmese and Shan digits as 0-9."""
    return text.translate(_DIGITS)


def _folded(text: str) -> str:
    """``fold_tones``, returning ``text`` itself when nothing changes: content keeps
    one copy of each example, not two equal strings."""
    folded = fold_tones(text)
    if folded == text:
        return text
    # A tone mark standing alone (after a space or punctuation) leaves a space
    # behind, and one between two halves of a look-alike spelling ("្̀ដ") joins
    # them: collapse and rewrite again, so the folded reading is canonical too.
    return _SPACES.sub(" ", _lookalikes(folded)).strip()


def fold_tones(text: str) -> str:
    """Drop Latin combining marks (Vietnamese tones and hats) and map đ to d."""
    if text.isascii():
        return text
    if "đ" not in text and "Đ" not in text:
        decomposed = unicodedata.normalize("NFD", text)
        if not _TONE_MARKS.search(decomposed):  # Thai, Burmese...: nothing to fold
            return text if unicodedata.is_normalized("NFC", text) \
                else unicodedata.normalize("NFC", decomposed)
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "d"))
    return unicodedata.normalize("NFC", _TONE_MARKS.sub("", decomposed))


def has_tone_marks(text: str) -> bool:
    return fold_tones(text) != text


@cache
def _detector() -> object:
    from myanmartools import ZawgyiDetector

    return ZawgyiDetector()


def _zawgyi_probability(text: str) -> float:
    model = _zawgyi_model()
    if model is None:
        return float(_detector().get_zawgyi_probability(text))  # type: ignore[attr-defined]
    # myanmartools' own computation (a Markov chain over the characters it models),
    # with each character's state looked up in a dict instead of found by bisection
    # per character: the same sums in the same order, several times faster, which
    # matters when thousands of Burmese examples and signals load.
    states, params, size = model
    get = states.get
    codes = [get(ch, 0) for ch in text]
    llrs = [params[a * size + b] for a, b in zip([0, *codes], [*codes, 0], strict=True)]
    if all(map(math.isnan, llrs)):
        return -math.inf
    total = sum(itertools.filterfalse(math.isnan, llrs))
    if total >= 0:
        z = math.exp(-total)
        return z / (z + 1)
    return 1 / (1 + math.exp(total))


@cache
def _zawgyi_model() -> tuple[dict[str, int], Sequence[float], int] | None:
    """The detector's characters (with the state its own lookup gives each) and its
    parameters; None when this version of myanmartools keeps them elsewhere."""
    detector: Any = _detector()
    chars, params, state = (getattr(detector, name, None)
                            for name in ("_chars", "_params", "_state"))
    if not isinstance(chars, str) or params is None or not callable(state):
        return None
    size = len(chars) + 1
    if len(params) != size * size:
        return None
    return {ch: code for ch in chars if (code := state(ch))}, params, size


def _zawgyi_to_unicode(text: str) -> str:
    from myanmar.converter import convert

    return str(convert(text, "zawgyi", "unicode"))
