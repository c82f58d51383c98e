"""Recognise a worker in danger from signal phrases that NGO staff keep in content.

Signals are data (``content/<lang>/_danger.yaml``), compiled once per content
version. A message is checked against every language's signals: workers mix
scripts ("boss ตี me"), and a missed danger costs more than a check.

Signal syntax (``docs/content-format.md`` explains it to editors):

* words are compared after normalisation: lower case, Zawgyi converted to
  Unicode, digits of every script as 0-9, Vietnamese tone marks and Thai and
  Lao tone marks ignored (workers often leave them out);
* ``*`` on its own between words: up to three other words may stand there
  (in Thai, Lao, Khmer and Burmese, which need no spaces: up to 12 letters);
* a word ending in ``*`` (``beat*``) also matches longer words that start so;
* in spaced scripts a word of five or more letters also matches with one typo;
* signals in Thai, Lao, Khmer and Burmese ignore spaces altogether;
* ``{age}`` stands for a child's age: a number from 5 to 14 (``12``, ``12t``,
  ``12yo``), so "{age} * work*" replaces a line per age.

``not_danger`` phrases (everyday idioms such as "this heat is killing me") are
blanked out of the message first, so their words never count as a signal, but
a real signal elsewhere in the same message still does.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property

from rapidfuzz.distance import Levenshtein

from bot.matching.normalize import normalize, normalize_content

__all__ = ["DangerDetector", "compile_signal", "signal_problem"]

# Scripts written without spaces between words, and their blocks: an unspaced signal
# is only searched for in a message that holds a letter of its script.
_SCRIPT_BLOCKS = (("th", "\u0e00", "\u0e7f"), ("lo", "\u0e80", "\u0eff"),
                  ("my", "\u1000", "\u109f"), ("km", "\u1780", "\u17ff"),
                  ("my", "\uaa60", "\uaa7f"), ("my", "\ua9e0", "\ua9ff"))
_UNSPACED = re.compile(r"[\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff\uaa60-\uaa7f\ua9e0-\ua9ff]")
# Thai and Lao tone marks: often left out by second-language writers.
_TONES = dict.fromkeys(map(ord, "\u0e48\u0e49\u0e4a\u0e4b\u0ec8\u0ec9\u0eca\u0ecb"))
_GAP_WORDS = 3
_GAP_LETTERS = 12
_FUZZY_MIN = 5  # letters a word needs before one typo is forgiven
_BLANK = "\u2400"  # stands where a not_danger phrase was: no signal can use it
AGE = "{age}"  # a child's age in a signal
_CHILD_AGE = re.compile(r"(?:[5-9]|1[0-4])[^\W\d]{0,4}")
_CHILD_AGE_UNSPACED = r"(?<![0-9])(?:[5-9]|1[0-4])(?![0-9])"


def _fold(text: str) -> list[str]:
    """Every normalised reading of a worker's message (two for ambiguous Zawgyi)."""
    return [reading.translate(_TONES) for reading in normalize(text).folded if reading]


def _fold_signal(text: str) -> list[str]:
    """``_fold`` for content: cached, since validation and the detector both fold
    every signal (never used for messages, which are not kept even in memory)."""
    return [reading.translate(_TONES) for reading in normalize_content(text).folded
            if reading]


@dataclass(frozen=True)
class _Spaced:
    """A signal in a script with spaces: a sequence of word tests and gaps."""

    words: tuple[str, ...]
    prefix: tuple[bool, ...]
    gap_before: tuple[bool, ...]

    @cached_property
    def required(self) -> frozenset[str]:
        """Words a message must hold exactly (short ones: no typo forgiven, no prefix)."""
        return frozenset(w for w, p in zip(self.words, self.prefix, strict=True)
                         if not p and len(w) < _FUZZY_MIN and w != AGE)

    def spans(self, tokens: Sequence[str]) -> list[tuple[int, int]]:
        found = []
        for start in range(len(tokens)):
            end = self._match_from(tokens, start, 0)
            if end is not None:
                found.append((start, end))
        return found

    def _match_from(self, tokens: Sequence[str], pos: int, k: int) -> int | None:
        if k == len(self.words):
            return pos
        reach = _GAP_WORDS if (k and self.gap_before[k]) else 0
        for skip in range(reach + 1):
            i = pos + skip
            if i >= len(tokens):
                return None
            if self._word_ok(tokens[i], k):
                end = self._match_from(tokens, i + 1, k + 1)
                if end is not None:
                    return end
        return None

    def _word_ok(self, token: str, k: int) -> bool:
        word = self.words[k]
        if token == _BLANK:
            return False
        if word == AGE:
            return _CHILD_AGE.fullmatch(token) is not None
        if self.prefix[k]:
            return token.startswith(word)
        if token == word:
            return True
        return len(word) >= _FUZZY_MIN and abs(len(token) - len(word)) <= 1 \
            and Levenshtein.distance(token, word, score_cutoff=1) <= 1


def _unspaced_source(words: list[str]) -> str:
    """A regular expression's source: compiled once, joined with its category's."""
    parts: list[str] = []
    for word in words:
        if word == "*":
            parts.append(f"[^{_BLANK}]{{0,{_GAP_LETTERS}}}")
        elif word == AGE:
            parts.append(_CHILD_AGE_UNSPACED)
        else:
            parts.append(re.escape(word.rstrip("*")))
    return "".join(parts)


# A spaced signal, or the regular-expression source of an unspaced one.
Signal = _Spaced | str


def signal_problem(raw: str) -> str | None:
    """Why ``raw`` cannot be a signal, in words an editor understands; None if fine."""
    words = raw.split()
    if not words or not any(w != "*" for w in words):
        return "a signal needs at least one word"
    if words[0] == "*" or words[-1] == "*":
        return "'*' can only stand between two words"
    unknown = next((w for w in words if w.startswith("{") and w != AGE), None)
    if unknown:
        return f"unknown '{unknown}': the only placeholder in signals is {AGE} (a child's age)"
    if not _fold_signal(raw.replace("*", " ")):
        return "a signal needs letters, not only punctuation"
    return None


def compile_signal(raw: str) -> Signal | None:
    """Compile one signal; None when it has no usable words (validation reports it)."""
    if signal_problem(raw):
        return None
    # Normalise each word on its own so '*' survives (normalisation drops symbols).
    words: list[str] = []
    prefix: list[bool] = []
    gap: list[bool] = []
    pending_gap = False
    for word in raw.split():
        if word == "*":
            pending_gap = True
            continue
        if word == AGE:
            words.append(AGE)
            prefix.append(False)
            gap.append(pending_gap)
            pending_gap = False
            continue
        folded = _fold_signal(word.rstrip("*"))
        if not folded:
            continue
        pieces = folded[0].split()
        for j, piece in enumerate(pieces):
            words.append(piece)
            prefix.append(word.endswith("*") and j == len(pieces) - 1)
            gap.append(pending_gap and j == 0)
        pending_gap = False
    if not words:
        return None
    if any(_UNSPACED.search(w) for w in words):
        unspaced: list[str] = []
        for w, is_gap in zip(words, gap, strict=True):
            if is_gap:
                unspaced.append("*")
            unspaced.append(w)
        return _unspaced_source(unspaced)
    return _Spaced(tuple(words), tuple(prefix), tuple(gap))


def _deletions(word: str) -> set[str]:
    """``word`` and every form of it with one letter left out: two words within one
    typo of each other share one of these (the idea behind SymSpell)."""
    return {word} | {word[:i] + word[i + 1:] for i in range(len(word))}


@dataclass(frozen=True)
class _Signals:
    """Signals arranged for speed: the unspaced ones as one regular expression; each
    spaced one filed under one key a message must hold for it to match — its rarest
    exact word, else a long word's one-typo forms, else a prefix — so a message is
    tried only against the few signals whose key it holds, out of thousands."""

    exact: dict[str, tuple[_Spaced, ...]]
    fuzzy: dict[str, tuple[_Spaced, ...]]
    prefix: dict[str, tuple[_Spaced, ...]]
    always: tuple[_Spaced, ...]
    unspaced: dict[str, re.Pattern[str]]  # script -> its signals as one expression

    @classmethod
    def build(cls, raw: Iterable[str]) -> _Signals:
        spaced: list[_Spaced] = []
        sources: list[str] = []
        for signal in (compile_signal(r) for r in raw):
            if isinstance(signal, _Spaced):
                spaced.append(signal)
            elif signal is not None:
                sources.append(signal)
        # "con" or "me" stand in hundreds of signals, "brick" in few: file under the rarest.
        uses = Counter(w for signal in spaced for w in signal.required)
        exact: dict[str, list[_Spaced]] = {}
        fuzzy: dict[str, list[_Spaced]] = {}
        prefix: dict[str, list[_Spaced]] = {}
        always: list[_Spaced] = []
        for signal in spaced:
            if signal.required:
                word = min(signal.required, key=lambda w: (uses[w], w))
                exact.setdefault(word, []).append(signal)
                continue
            whole = [w for w, p in zip(signal.words, signal.prefix, strict=True)
                     if not p and w != AGE]
            starts = [w for w, p in zip(signal.words, signal.prefix, strict=True) if p]
            if whole:  # every whole word is long enough to forgive a typo
                for key in _deletions(max(whole, key=len)):
                    fuzzy.setdefault(key, []).append(signal)
            elif starts:
                prefix.setdefault(max(starts, key=len), []).append(signal)
            else:  # an age alone: tried on every message
                always.append(signal)
        by_script: dict[str, list[str]] = {}
        for source in sources:
            by_script.setdefault(_script_of(source), []).append(source)
        joined = {script: re.compile("|".join(f"(?:{p})" for p in group))
                  for script, group in by_script.items()}
        return cls(_frozen(exact), _frozen(fuzzy), _frozen(prefix), tuple(always), joined)

    def _spaced_for(self, words: set[str]) -> list[_Spaced]:
        found: dict[int, _Spaced] = {id(s): s for s in self.always}  # by id: filed twice
        for word in words:
            for signal in self.exact.get(word, ()):
                found[id(signal)] = signal
            if len(word) >= _FUZZY_MIN - 1:
                for key in _deletions(word):
                    for signal in self.fuzzy.get(key, ()):
                        found[id(signal)] = signal
            for end in range(1, len(word) + 1):
                for signal in self.prefix.get(word[:end], ()):
                    found[id(signal)] = signal
        return list(found.values())

    def held_by(self, message: _Message) -> bool:
        if any(self.unspaced[script].search(message.compact)
               for script in message.scripts if script in self.unspaced):
            return True
        return any(signal.required <= message.words and signal.spans(message.tokens)
                   for signal in self._spaced_for(message.words))

    def blank(self, tokens: list[str]) -> str:
        """Blank every match in ``tokens`` (in place), then in their unspaced form."""
        for idiom in self._spaced_for(set(tokens)):
            for start, end in idiom.spans(tokens):
                tokens[start:end] = [_BLANK] * (end - start)
        compact = "".join(tokens)
        for script in _scripts_in(compact):
            if script in self.unspaced:
                compact = self.unspaced[script].sub(lambda m: _BLANK * len(m.group(0)),
                                                    compact)
        return compact


def _script_of(text: str) -> str:
    """The unspaced script of a signal's first letter in one (a Thai signal may hold
    Latin words too: "boss ตี")."""
    for ch in text:
        for script, low, high in _SCRIPT_BLOCKS:
            if low <= ch <= high:
                return script
    return "other"


def _scripts_in(text: str) -> set[str]:
    found = {script for ch in set(text) for script, low, high in _SCRIPT_BLOCKS
             if low <= ch <= high}
    return found | {"other"}


def _frozen(groups: dict[str, list[_Spaced]]) -> dict[str, tuple[_Spaced, ...]]:
    return {key: tuple(group) for key, group in groups.items()}


@dataclass(frozen=True)
class _Message:
    """One reading of a message with its idioms blanked, in both forms signals read."""

    tokens: list[str]
    words: set[str]
    compact: str
    scripts: set[str]


class DangerDetector:
    """Which danger categories a message shows, in the content's order of priority."""

    def __init__(self, categories: Sequence[str],
                 signals: Mapping[str, Iterable[str]],
                 not_danger: Iterable[str]) -> None:
        self._categories = tuple((cid, _Signals.build(signals.get(cid, ())))
                                 for cid in categories)
        self._idioms = _Signals.build(not_danger)

    def detect(self, text: str) -> list[str]:
        """Category ids whose signals the message holds (empty: no danger seen)."""
        readings = []
        for reading in _fold(text):
            tokens = reading.split()
            compact = self._idioms.blank(tokens)
            readings.append(_Message(tokens, set(tokens), compact, _scripts_in(compact)))
        return [cid for cid, signals in self._categories
                if any(signals.held_by(message) for message in readings)]
