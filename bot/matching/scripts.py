"""What the content says about how its languages are written, ready to use.

``content/languages.yaml`` gives each language its script and letters, whether
its words are separated by spaces, which of its marks writers leave out, and,
for languages that share a script (English and Vietnamese both use Latin
letters), the letters and frequent words that tell them apart. No language
code is known to the code: adding a language is adding data.

Guessing a message's language: the script that holds most of its letters
names the language, when only one language is written in it; among languages
sharing a script, a letter only one of them uses settles it, else the language
with the most frequent words (a word pair counting twice), else nothing.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from itertools import pairwise
from pathlib import Path

from bot.content.models import LanguagesFile, Writing
from bot.content.tree import ContentTree
from bot.matching.normalize import fold_tones

__all__ = ["Scripts", "default_scripts"]

_CLEAR = 0.6  # share of letters in one script for the message to count as that script


def _char_class(ranges: list[tuple[int, int]], extra: str = "") -> str:
    parts = [re.escape(chr(low)) if low == high else f"{re.escape(chr(low))}-{re.escape(chr(high))}"
             for low, high in sorted(ranges)]
    return "[" + "".join(parts) + re.escape(extra) + "]"


def _chars(ranges: list[tuple[int, int]]) -> set[str]:
    return {chr(code) for low, high in ranges for code in range(low, high + 1)}


@dataclass(frozen=True)
class _Language:
    code: str
    own_letters: re.Pattern[str] | None
    words: frozenset[str]
    pairs: frozenset[tuple[str, ...]]


class _Script:
    """One script and the languages written in it, in the content's order."""

    def __init__(self, name: str, languages: list[tuple[str, Writing]]) -> None:
        self.name = name
        self.ranges = [r for _, writing in languages for r in writing.characters("letters")]
        self.pattern = re.compile(_char_class(self.ranges))
        self.spaces = all(writing.spaces for _, writing in languages)
        self.languages = [
            _Language(code,
                      re.compile(_char_class(writing.characters("own_letters")))
                      if writing.own_letters else None,
                      frozenset(writing.words.casefold().split()),
                      frozenset(tuple(p.casefold().split()) for p in writing.word_pairs))
            for code, writing in languages]
        # A word: a run of the script's letters (and apostrophes), once folded.
        letters = sorted(ord(ch) for ch in _chars(self.ranges) if ch.isalpha())
        runs: list[tuple[int, int]] = []
        for code in letters:
            if runs and runs[-1][1] == code - 1:
                runs[-1] = (runs[-1][0], code)
            else:
                runs.append((code, code))
        self.word = re.compile(_char_class(runs, "'") + "+")

    def language(self, text: str) -> str | None:
        """The language of a message written mostly in this script."""
        if len(self.languages) == 1:
            return self.languages[0].code
        for language in self.languages:
            if language.own_letters is not None and language.own_letters.search(text):
                return language.code
        words = self.word.findall(fold_tones(text.casefold()))
        hits = [(sum(w in language.words for w in words)
                 + 2 * sum(pair in language.pairs for pair in pairwise(words)), language.code)
                for language in self.languages]
        best = max(count for count, _ in hits)
        winners = [code for count, code in hits if count == best]
        return winners[0] if len(winners) == 1 else None


class Scripts:
    """How the content's languages are written, for language detection, matching
    (``toned``, ``shared``) and the danger check (``unspaced``, ``optional_marks``)."""

    def __init__(self, writing: Mapping[str, Writing]) -> None:
        self.writing = dict(writing)
        by_script: dict[str, list[tuple[str, Writing]]] = {}
        for code, entry in writing.items():
            by_script.setdefault(entry.script, []).append((code, entry))
        self._scripts = [_Script(name, group) for name, group in by_script.items()]
        # Languages whose typed tone marks count in matching (they are folded away
        # for everyone, and compared again when a message has them).
        self.toned = frozenset(code for code, entry in writing.items() if entry.tone_marks)
        # Languages a script alone cannot name: a message's best example tells.
        self.shared = frozenset(language.code for script in self._scripts
                                if len(script.languages) > 1 for language in script.languages)
        # Marks writers often leave out: the danger check ignores them (a translate table).
        self.optional_marks: dict[int, None] = dict.fromkeys(
            code for entry in writing.values() for low, high in entry.characters("optional_marks")
            for code in range(low, high + 1))
        self.optional_marks_key = "".join(map(chr, self.optional_marks))
        unspaced = [script for script in self._scripts if not script.spaces]
        # Every letter of a script written without spaces.
        unspaced_letters = frozenset(ch for script in unspaced for ch in _chars(script.ranges))
        self.unspaced = re.compile(_char_class([r for s in unspaced for r in s.ranges])
                                   if unspaced else "(?!)")
        # Letters of unspaced scripts count as letters even when they are marks or
        # digits (Thai vowel signs, Burmese medials): Python does not call them alpha.
        self._mark_letters = unspaced_letters

    @classmethod
    def from_content(cls, tree: ContentTree) -> Scripts:
        return cls(tree.writing)

    @classmethod
    def read(cls, path: Path) -> Scripts:
        """From a ``languages.yaml``; nothing known when it cannot be read."""
        from bot.content.yaml_source import read_yaml

        doc, _ = read_yaml(path, str(path))
        try:
            parsed = LanguagesFile.model_validate(doc.data if doc else None)
        except ValueError:
            return cls({})
        return cls({code: parsed.writing[code] for code in parsed.languages
                    if code in parsed.writing})

    def detect_language(self, text: str) -> str | None:
        """The language a message is clearly in, else ``None``."""
        mark_letters = self._mark_letters
        letters = [ch for ch in text if ch.isalpha() or ch in mark_letters]
        if not letters:
            return None
        total = len(letters)
        joined = "".join(letters)
        for script in self._scripts:
            if len(script.pattern.findall(joined)) / total >= _CLEAR:
                return script.language(text)
        return None


@cache
def default_scripts() -> Scripts:
    """How the languages of the default content folder are written (``CONTENT_DIR``,
    else ./content, else the project's), for callers handed no content tree: the
    module-level ``detect_language`` and a ``DangerDetector`` built without them."""
    from bot.brain import default_paths

    return Scripts.read(default_paths()[0] / "languages.yaml")
