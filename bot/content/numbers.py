"""Thousands written the way each language's readers group them.

"5,000 baht" is five thousand to an English reader and five to a Vietnamese
or Lao one, who write five thousand as "5.000" (and the reverse for "5.000"
in English). A fine or a fee misread by a factor of a thousand is a harm, so
``validate`` flags a number grouped with the other language's separator.
The separators come from CLDR (babel), not from a list of our own.
"""

from __future__ import annotations

import re
from functools import lru_cache

from babel.numbers import get_group_symbol

__all__ = ["grouping_problems"]

# A whole number of 1-3 digits followed by groups of three: 5,000 / 1.600 / 100,000.
# Digits of any script (\d), not part of a longer number, a decimal or a date.
_GROUPED = {sep: re.compile(rf"(?<![\d.,])\d{{1,3}}(?:{re.escape(sep)}\d{{3}})+(?![\d.,])")
            for sep in (",", ".")}


@lru_cache(maxsize=32)
def _group_symbol(lang: str) -> str | None:
    try:
        return str(get_group_symbol(lang))
    except Exception:  # a language babel does not know: nothing to check against
        return None


def grouping_problems(text: str, lang: str) -> list[tuple[int, str]]:
    """(line offset, message) for each number grouped with the wrong separator."""
    own = _group_symbol(lang)
    if own not in (",", "."):
        return []
    other = "." if own == "," else ","
    found = []
    for match in _GROUPED[other].finditer(text):
        number = match.group(0)
        fixed = number.replace(other, own)
        found.append((text.count("\n", 0, match.start()),
                      f"number '{number}': in '{lang}' thousands are grouped with "
                      f"'{own}', so readers may take it for a different amount; "
                      f"write '{fixed}'"))
    return found
