"""Check the interface translations (``locales/*/LC_MESSAGES/messages.po``)."""

from __future__ import annotations

import re
from pathlib import Path

from babel.messages.pofile import PoFileError, read_po

from bot.content.markup import html_problems
from bot.content.problems import Problem
from bot.i18n.catalogs import DOMAIN

__all__ = ["check_locales"]


def check_locales(locales: Path, languages: tuple[str, ...]) -> list[Problem]:
    """Every language has a catalogue, every message is translated and valid HTML."""
    problems: list[Problem] = []
    template = locales / f"{DOMAIN}.pot"
    expected: set[str] = set()
    if template.is_file():
        with template.open("rb") as handle:
            expected = {str(m.id) for m in read_po(handle) if m.id}
    for lang in languages:
        path = locales / lang / "LC_MESSAGES" / f"{DOMAIN}.po"
        shown = _display(path)
        if not path.is_file():
            problems.append(Problem.at(shown, 1, f"missing interface translation for '{lang}'"))
            continue
        # babel silently drops the last character of a line missing its closing quote.
        quotes = _unclosed_quotes(path)
        if quotes:
            problems += [Problem.at(shown, line, "the text on this line must start and end "
                                                 "with a double quote (\")") for line in quotes]
            continue
        try:
            with path.open("rb") as handle:
                catalog = read_po(handle, abort_invalid=True)
        except (PoFileError, ValueError, UnicodeDecodeError) as exc:
            problems.append(Problem.at(shown, getattr(exc, "lineno", 1), f"broken .po: {exc}"))
            continue
        present = set()
        for message in catalog:
            if not message.id:
                continue
            present.add(str(message.id))
            if lang == "en":
                continue  # English is the source text
            if not message.string or message.fuzzy:
                problems.append(Problem.at(shown, message.lineno,
                                           f"not translated yet: \"{str(message.id)[:50]}\""))
                continue
            for issue in html_problems(str(message.string)):
                problems.append(Problem.at(shown, message.lineno, issue))
        for missing in sorted(expected - present):
            problems.append(Problem.at(shown, 1, f"message missing: restore its msgid as it was "
                                                 f"(or run make locales after a code change): "
                                                 f"\"{missing[:50]}\""))
    return problems


# A message line: an optional keyword (msgid, msgstr[0]...), then the quoted text.
_STRING_LINE = re.compile(r'(?:msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?)?\s*(".*)')


def _unclosed_quotes(path: Path) -> list[int]:
    """Lines whose quoted text does not end with an unescaped double quote."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return []  # read_po reports these
    bad = []
    for number, line in enumerate(lines, start=1):
        text = line.strip()
        if not text or text.startswith("#"):
            continue
        match = _STRING_LINE.fullmatch(text)
        if match is None:
            continue
        body = match.group(1)[1:]  # after the opening quote
        escapes = len(body[:-1]) - len(body[:-1].rstrip("\\"))
        if not body.endswith('"') or escapes % 2 == 1:
            bad.append(number)
    return bad


def _display(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)
