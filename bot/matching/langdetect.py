"""Guess a message's language from its script and, for Latin text, its words."""

from __future__ import annotations

import re
from itertools import pairwise

from bot.matching.normalize import fold_tones

__all__ = ["detect_language"]

_SCRIPTS = (
    ("my", re.compile(r"[\u1000-\u109f\uaa60-\uaa7f\ua9e0-\ua9ff]")),
    ("km", re.compile(r"[\u1780-\u17ff\u19e0-\u19ff]")),
    ("lo", re.compile(r"[\u0e80-\u0eff]")),
    ("th", re.compile(r"[\u0e00-\u0e7f]")),
)
_LATIN = re.compile(r"[a-zA-Z\u00c0-\u024f\u1ea0-\u1ef9]")
# Letters only Vietnamese uses among our languages.
_VIET_LETTERS = re.compile(r"[ăâđêôơưĂÂĐÊÔƠƯ\u1ea0-\u1ef9\u0300-\u0303\u0309\u0323]")
# Frequent Vietnamese words typed without marks, and frequent English words.
# Words both languages type ("the", "can", "thai") count for neither alone; the
# loanwords every worker uses (work permit, passport, boss, visa) are no evidence.
_VI_WORDS = frozenset(
    "toi ban cua khong ko duoc lam viec giay phep chu bi mat tien luong o lan co "
    "gi nhu nao lao dong ho chieu giup voi nguoi minh em anh chi di ve "
    "la va cho den nha muon hoi sao phai bao nhieu gia han roi nay dang tra sang "
    "tieng doi xin chao ngon ngu phi vay gioi cong ty thang ngay biet khi dau "
    "nua moi oi duong nong".split())
_EN_WORDS = frozenset(
    "i my me a an to is are was what how do does where who "
    "help please want need not no of for in on with get have has pay money "
    "job i'm im dont don't it this that and or but at by from will would should can't "
    "cannot we you your our they us every always day why when which any did didn't "
    "very much about after there".split())
# Two-word phrases that settle it (thế nào, Thái Lan, bao nhiêu, làm sao, ở đâu).
_VI_PAIRS = frozenset({("the", "nao"), ("thai", "lan"), ("bao", "nhieu"), ("lam", "sao"),
                       ("o", "dau")})
_CLEAR = 0.6  # share of letters in one script for the message to count as that language


def detect_language(text: str) -> str | None:
    """Return en/th/my/km/lo/vi when the message is clearly in it, else ``None``."""
    letters = [ch for ch in text if ch.isalpha() or "\u0e00" <= ch <= "\u109f"
               or "\u1780" <= ch <= "\u17ff"]
    if not letters:
        return None
    total = len(letters)
    joined = "".join(letters)
    for lang, pattern in _SCRIPTS:
        if len(pattern.findall(joined)) / total >= _CLEAR:
            return lang
    if len(_LATIN.findall(joined)) / total < _CLEAR:
        return None
    if _VIET_LETTERS.search(text):
        return "vi"
    words = re.findall(r"[a-z']+", fold_tones(text.casefold()))
    vi_hits = sum(w in _VI_WORDS for w in words)
    vi_hits += 2 * sum(pair in _VI_PAIRS for pair in pairwise(words))
    en_hits = sum(w in _EN_WORDS for w in words)
    if vi_hits > en_hits:
        return "vi"
    if en_hits > vi_hits:
        return "en"
    return None
