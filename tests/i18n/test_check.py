"""Checking the interface translations: every broken .po line named with its line."""

from __future__ import annotations

import shutil
from pathlib import Path

from bot.i18n.check import check_locales
from tests.conftest import ROOT

LANGS = ("en", "th", "my", "km", "lo", "vi")


def _copy_locales(tmp_path: Path) -> Path:
    locales = tmp_path / "locales"
    shutil.copytree(ROOT / "locales", locales)
    return locales


def _break_line(po: Path, find: str, replace: str) -> int:
    """Replace the first line containing ``find``; return its 1-based number."""
    lines = po.read_text(encoding="utf-8").split("\n")
    number = next(i for i, line in enumerate(lines) if find in line)
    lines[number] = lines[number].replace(find, replace)
    po.write_text("\n".join(lines), encoding="utf-8")
    return number + 1


def _end_first_translation_with(po: Path, ending: str) -> int:
    """Put ``ending`` in place of the closing quote of the first non-empty msgstr."""
    lines = po.read_text(encoding="utf-8").split("\n")
    number = next(i for i, line in enumerate(lines)
                  if line.startswith('msgstr "') and line != 'msgstr ""')
    lines[number] = lines[number][:-1] + ending
    po.write_text("\n".join(lines), encoding="utf-8")
    return number + 1


def test_shipped_translations_are_clean() -> None:
    assert check_locales(ROOT / "locales", LANGS) == []


def test_a_missing_closing_quote_is_reported_on_its_line(tmp_path: Path) -> None:
    locales = _copy_locales(tmp_path)
    po = locales / "th" / "LC_MESSAGES" / "messages.po"
    # The translation of "(please check this number)" loses its closing quote.
    line = _break_line(po, 'อีกครั้ง)"', "อีกครั้ง)")
    problems = [str(p) for p in check_locales(locales, LANGS)]
    assert len(problems) == 1, problems
    assert problems[0].endswith(f"th/LC_MESSAGES/messages.po:{line}: the text on this line "
                                f'must start and end with a double quote (")')


def test_an_escaped_quote_does_not_close_the_text(tmp_path: Path) -> None:
    locales = _copy_locales(tmp_path)
    line = _end_first_translation_with(locales / "vi" / "LC_MESSAGES" / "messages.po", '\\"')
    problems = [str(p) for p in check_locales(locales, LANGS)]
    assert any(p.endswith(f"messages.po:{line}: the text on this line must start and end "
                          f'with a double quote (")') for p in problems), problems


def test_an_escaped_backslash_before_the_quote_is_fine(tmp_path: Path) -> None:
    locales = _copy_locales(tmp_path)
    _end_first_translation_with(locales / "km" / "LC_MESSAGES" / "messages.po", '\\\\"')
    assert [str(p) for p in check_locales(locales, LANGS) if "double quote" in str(p)] == []
