"""Recognise a worker in danger from signal phrases that NGO staff keep in content.

Signals are data (``content/<lang>/_danger.yaml``), compiled once per content
version. A message is checked against every language's signals: workers mix
scripts ("boss ตี me"), and a missed danger costs more than a check.

Signal syntax (``docs/content-format.md`` explains it to editors):

* words are compared after normalisation: lower case, Zawgyi converted to
  Unicode, digits of every script as 0-9, Vietnamese tone marks and the marks
  languages.yaml calls optional (Thai and Lao tone marks) ignored (workers
  often leave them out) - but a Vietnamese word typed with marks that differ
  from a signal's is another word ("vợ ơi", my love, is not "vỡ ối", waters
  broken), so such a word matches only a signal written bare;
* ``*`` on its own between words: up to three other words may stand there
  (in scripts written without spaces, languages.yaml's ``spaces: false`` -
  Thai, Lao, Khmer, Burmese: up to 12 letters);
* a word ending in ``*`` (``beat*``) also matches longer words that start so;
* in spaced scripts a word of five or more letters also matches with one typo;
* signals in scripts written without spaces ignore spaces altogether;
* ``{age}`` stands for a child's age: a number from 5 to 14 (``12``, ``12t``,
  ``12yo``), so "{age} * work*" replaces a line per age.

``not_danger`` phrases (everyday idioms such as "this heat is killing me") are
blanked out of the message first, so their words never count as a signal, but
a real signal elsewhere in the same message still does.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cache, cached_property, lru_cache
from itertools import chain, pairwise
from typing import TypeVar

from rapidfuzz.distance import Levenshtein

from bot.matching.normalize import NormalizedText, normalize, normalize_content
from bot.matching.scripts import Scripts, default_scripts

__all__ = ["DangerDetector", "compile_signal", "fold_content", "fold_message", "signal_problem"]

# Which scripts are written without spaces, and which marks writers leave out (Thai
# and Lao tone marks), is content: languages.yaml, read by bot.matching.scripts.
_GAP_WORDS = 3
_GAP_LETTERS = 12
_FUZZY_MIN = 5  # letters a word needs before one typo is forgiven
_BLANK = "\u2400"  # stands where a not_danger phrase was: no signal can use it
AGE = "{age}"  # a child's age in a signal
_CHILD_AGE = re.compile(r"(?:[5-9]|1[0-4])[^\W\d]{0,4}")
_CHILD_AGE_UNSPACED = r"(?<![0-9])(?:[5-9]|1[0-4])(?![0-9])"


def fold_message(norm: NormalizedText, scripts: Scripts) -> list[str]:
    """Every normalised reading of a worker's message (two for ambiguous Zawgyi),
    without the marks writers leave out."""
    marks = scripts.optional_marks
    return [reading.translate(marks) for reading in norm.folded if reading]


def _readings(norm: NormalizedText, scripts: Scripts
              ) -> list[tuple[list[str], list[str] | None]]:
    """``fold_message`` as tokens, each reading with its tokens as typed when Vietnamese
    marks were typed (None when none were, or the two do not line up)."""
    marks = scripts.optional_marks
    typed: Sequence[str | None] = norm.toned if len(norm.toned) == len(norm.folded) \
        else [None] * len(norm.folded)
    found: list[tuple[list[str], list[str] | None]] = []
    for reading, as_typed in zip(norm.folded, typed, strict=True):
        if not reading:
            continue
        tokens = reading.translate(marks).split()
        toned = as_typed.split() if as_typed is not None and as_typed != reading else None
        found.append((tokens, toned if toned is not None and len(toned) == len(tokens)
                      else None))
    return found


@lru_cache(maxsize=1 << 16)
def fold_content(text: str, marks: str) -> tuple[str, ...]:
    """``fold_message`` for content (``marks``: the optional marks, as one string), cached:
    validation and the detector both fold every signal, and signals share most of
    their words (never used for messages, which are not kept even in memory)."""
    table = _marks_table(marks)
    return tuple(_same(reading, reading.translate(table))
                 for reading in normalize_content(text).folded if reading)


def _same(text: str, changed: str) -> str:
    """``changed``, or ``text`` itself when equal: one copy of each string is kept."""
    return text if changed == text else changed


@cache
def _marks_table(marks: str) -> dict[int, None]:
    return dict.fromkeys(map(ord, marks))


_TONES = frozenset("\u0300\u0301\u0303\u0309\u0323")  # Vietnamese: ` ´ ~ hook, dot below
_HATS = frozenset("\u0302\u0306\u031b")                # ^ breve horn: â ă ê ô ơ ư


@dataclass(frozen=True)
class _Marks:
    """The Vietnamese marks of one word: its tone (None: the level tone, unmarked) and,
    letter by letter, its hat (^, breve, horn) or đ. Workers leave marks out, so a mark
    missing from a typed word never counts; a typed mark that differs does ("vợ ơi",
    "my love", is not "vỡ ối", waters broken; "bí danh", an alias, is not "bị đánh",
    beaten)."""

    tone: str | None
    hats: tuple[str, ...]

    @classmethod
    def of(cls, word: str) -> _Marks:
        tone = None
        hats: list[str] = []
        for ch in unicodedata.normalize("NFD", word):
            if ch in _TONES:
                tone = ch
            elif ch in _HATS:
                if hats:
                    hats[-1] = ch
            else:
                hats.append("d" if ch == "đ" else "")
        return cls(tone, tuple(hats))

    def differ(self, typed: str, typo: bool) -> bool:
        """``typo``: the typed word matched this one only with a letter changed. Then a
        tone left off counts too, since the message was typed with marks: "không đánh"
        (does not hit) is a letter away from "chồng đánh" (husband hits), and only
        the tone tells them apart."""
        other = _Marks.of(typed)
        if other.tone != self.tone and (other.tone is not None or typo):
            return True
        if len(other.hats) != len(self.hats):  # a typo: only the tone is compared
            return False
        return any(mine and mine != theirs for mine, theirs in zip(other.hats, self.hats,
                                                                   strict=True))


@dataclass(frozen=True)
class _Spaced:
    """A signal in a script with spaces: a sequence of word tests and gaps."""

    words: tuple[str, ...]
    prefix: tuple[bool, ...]
    gap_before: tuple[bool, ...]
    # Per word, its Vietnamese marks when the signal was written with them (None:
    # written bare, or no such word): see ``_Marks``.
    marks: tuple[_Marks | None, ...] = ()

    @cached_property
    def required(self) -> frozenset[str]:
        """Words a message must hold exactly (short ones: no typo forgiven, no prefix)."""
        return frozenset(w for w, p in zip(self.words, self.prefix, strict=True)
                         if not p and len(w) < _FUZZY_MIN and w != AGE)

    def matches(self, tokens: Sequence[str], toned: Sequence[str] | None = None,
                real: frozenset[str] = frozenset()) -> bool:
        """Whether ``spans`` would find any: stops at the first. ``real``: words of
        the message that are words of their own, never another word's typo."""
        return any(self._match_from(tokens, toned, start, 0, real) is not None
                   for start in range(len(tokens)))

    def spans(self, tokens: Sequence[str], toned: Sequence[str] | None = None
              ) -> list[tuple[int, ...]]:
        """Per match, the places of the signal's own words (not the words in its
        gaps). ``toned``: the same tokens with their Vietnamese marks as typed (or None)."""
        found = []
        for start in range(len(tokens)):
            places: list[int] = []
            if self._match_from(tokens, toned, start, 0, frozenset(), places) is not None:
                found.append(tuple(places))
        return found

    def _match_from(self, tokens: Sequence[str], toned: Sequence[str] | None, pos: int,
                    k: int, real: frozenset[str], places: list[int] | None = None
                    ) -> int | None:
        """Where a match of words ``k``.. starting at ``pos`` ends (None: no match).
        ``places``: filled with the places of the words matched, when given."""
        if k == len(self.words):
            return pos
        reach = _GAP_WORDS if (k and self.gap_before[k]) else 0
        for skip in range(reach + 1):
            i = pos + skip
            if i >= len(tokens):
                return None
            if self._word_ok(tokens[i], k, real) and not (
                    toned is not None and self.marks
                    and self._marks_differ(toned[i], k, tokens[i] != self.words[k])):
                end = self._match_from(tokens, toned, i + 1, k + 1, real, places)
                if end is not None:
                    if places is not None:
                        places.insert(0, i)
                    return end
        return None

    def _word_ok(self, token: str, k: int, real: frozenset[str]) -> bool:
        word = self.words[k]
        if token == _BLANK:
            return False
        if word == AGE:
            return _CHILD_AGE.fullmatch(token) is not None
        if self.prefix[k]:
            return token.startswith(word)
        if token == word:
            return True
        # A typo is forgiven in a long word, but a real word is no typo ("taped").
        return len(word) >= _FUZZY_MIN and abs(len(token) - len(word)) <= 1 \
            and token not in real and Levenshtein.distance(token, word, score_cutoff=1) <= 1

    def _marks_differ(self, token: str, k: int, typo: bool) -> bool:
        """Whether the marks typed on ``token`` make it another word than the signal's
        ``k``-th: "vợ" is not "vỡ", though both are "vo" bare."""
        marks = self.marks[k]
        return marks is not None and not self.prefix[k] and marks.differ(token, typo)


@dataclass(frozen=True)
class _Unspaced:
    """A signal in a script without spaces, searched for in a message with its spaces
    taken out: literal pieces, with gaps and ages between them."""

    source: str                # the regular expression
    pieces: tuple[str, ...]    # the literal text every match holds, piece by piece
    literal: bool              # no gap nor age: the signal is its one piece of text

    @cached_property
    def pattern(self) -> re.Pattern[str]:
        # Compiled when a message first holds all its pieces: most signals never are,
        # and compiling thousands of them made up most of the detector's start-up.
        return re.compile(self.source)

    @cached_property
    def everywhere(self) -> re.Pattern[str]:
        """The signal looking ahead, so a match is found starting at every place."""
        return re.compile(f"(?=({self.source}))")

    def spans(self, compact: str) -> list[tuple[int, int]]:
        """The stretches of its own letters in each match, leaving out its gaps (as
        spaced idioms leave out the words in theirs): "ดู * มวย" blanks ดู and มวย.
        Only a message holding all its pieces is searched (as in ``found_in``)."""
        found: list[tuple[int, int]] = []
        if not all(piece in compact for piece in self.pieces):
            return found
        for match in self.everywhere.finditer(compact):
            start, end = match.span(1)
            for gap in range(2, match.re.groups + 1):  # each gap is a group
                gap_start, gap_end = match.span(gap)
                if gap_start >= 0:
                    found.append((start, gap_start))
                    start = gap_end
            found.append((start, end))
        return [(a, b) for a, b in found if b > a]

    def found_in(self, compact: str) -> bool:
        if self.literal:
            return self.pieces[0] in compact
        return all(piece in compact for piece in self.pieces) \
            and self.pattern.search(compact) is not None


def _unspaced(words: list[str]) -> _Unspaced:
    """The regular expression of an unspaced signal, and its literal pieces."""
    parts: list[str] = []
    pieces: list[str] = []
    piece = ""
    literal = True
    for word in words:
        if word == "*":
            # A group of its own, so an idiom blanks its own letters and not its gap's.
            parts.append(f"([^{_BLANK}]{{0,{_GAP_LETTERS}}})")
        elif word == AGE:
            parts.append(_CHILD_AGE_UNSPACED)
        else:
            parts.append(re.escape(word.rstrip("*")))
            piece += word.rstrip("*")
            continue
        literal = False
        if piece:
            pieces.append(piece)
            piece = ""
    if piece:
        pieces.append(piece)
    return _Unspaced("".join(parts), tuple(pieces), literal)


# A spaced signal, or an unspaced one.
Signal = _Spaced | _Unspaced


def signal_problem(raw: str, scripts: Scripts | None = None) -> str | None:
    """Why ``raw`` cannot be a signal, in words an editor understands; None if fine.
    ``scripts``: how the languages are written (default: the default content's)."""
    scripts = scripts or default_scripts()
    return _signal_problem(raw, scripts.optional_marks_key)


@lru_cache(maxsize=1 << 16)
def _signal_problem(raw: str, marks: str) -> str | None:
    """Cached: validation checks every signal, then the detector compiles it."""
    words = raw.split()
    if not words or not any(w != "*" for w in words):
        return "a signal needs at least one word"
    if words[0] == "*" or words[-1] == "*":
        return "'*' can only stand between two words"
    unknown = next((w for w in words if w.startswith("{") and w != AGE), None)
    if unknown:
        return f"unknown '{unknown}': the only placeholder in signals is {AGE} (a child's age)"
    # Word by word (normalisation keeps or drops each character on its own, so this
    # is the whole signal's answer), sharing the words' cache with compile_signal.
    if not any(fold_content(chunk, marks) for chunk in raw.replace("*", " ").split()):
        return "a signal needs letters, not only punctuation"
    return None


def compile_signal(raw: str, scripts: Scripts | None = None) -> Signal | None:
    """Compile one signal; None when it has no usable words (validation reports it)."""
    scripts = scripts or default_scripts()
    if signal_problem(raw, scripts):
        return None
    # Normalise each word on its own so '*' survives (normalisation drops symbols).
    marks = scripts.optional_marks_key
    words: list[str] = []
    written: list[tuple[str, list[str]]] = []  # each word as written, and its pieces
    prefix: list[bool] = []
    gap: list[bool] = []
    pending_gap = False
    for word in raw.split():
        if word == "*":
            pending_gap = True
            continue
        if word == AGE:
            words.append(AGE)
            written.append((AGE, [AGE]))
            prefix.append(False)
            gap.append(pending_gap)
            pending_gap = False
            continue
        folded = fold_content(word.rstrip("*"), marks)
        if not folded:
            continue
        pieces = folded[0].split()
        written.append((word.rstrip("*"), pieces))
        for j, piece in enumerate(pieces):
            words.append(piece)
            prefix.append(word.endswith("*") and j == len(pieces) - 1)
            gap.append(pending_gap and j == 0)
        pending_gap = False
    if not words:
        return None
    if scripts.unspaced.search("".join(words)):  # a letter of a script without spaces
        unspaced: list[str] = []
        for w, is_gap in zip(words, gap, strict=True):
            if is_gap:
                unspaced.append("*")
            unspaced.append(w)
        return _unspaced(unspaced)
    # An ASCII-only signal has no Vietnamese marks: only the others are read for them
    # (and only here, past the unspaced scripts, which have none: start-up work).
    return _Spaced(tuple(words), tuple(prefix), tuple(gap),
                   () if raw.isascii() else _written_marks(written, words))


def _written_marks(written: Sequence[tuple[str, list[str]]],
                   words: Sequence[str]) -> tuple[_Marks | None, ...]:
    """Per word of a spaced signal, the Vietnamese marks it was written with (None for
    {age}); () when it was written bare ("bi danh" matches whatever marks are typed)."""
    toned: list[str] = []
    for word, pieces in written:
        as_written = [AGE] if word == AGE else normalize_content(word).toned[0].split()
        toned += as_written if len(as_written) == len(pieces) else pieces
    if toned == list(words):
        return ()
    return tuple(_content_marks(t) if t != AGE else None for t in toned)


@lru_cache(maxsize=1 << 14)
def _content_marks(word: str) -> _Marks:
    """``_Marks.of`` a signal's word, cached: signals share most of their words (never
    used for messages, which are not kept, even in memory)."""
    return _Marks.of(word)


def _deletions(word: str) -> set[str]:
    """``word`` and every form of it with one letter left out: two words within one
    typo of each other share one of these (the idea behind SymSpell)."""
    return {word} | {word[:i] + word[i + 1:] for i in range(len(word))}


class _Deletions(dict[str, set[str]]):
    """``_deletions`` of the words of one message, each worked out once: the idioms
    and every category look up the same words. One per message, then dropped."""

    def __missing__(self, word: str) -> set[str]:
        forms = self[word] = _deletions(word)
        return forms


@dataclass(frozen=True)
class _Signals:
    """Signals arranged for speed. Each spaced one is filed under one key a message
    must hold for it to match — its rarest exact word, else a long word's one-typo
    forms, else a prefix — and each unspaced one under the rarest pair of letters
    (or letter) of its text, so a message is tried only against the few signals
    whose key it holds, out of thousands. Idioms are found the same way, then
    blanked."""

    exact: dict[str, tuple[_Spaced, ...]]
    fuzzy: dict[str, tuple[_Spaced, ...]]
    prefix: dict[str, tuple[_Spaced, ...]]
    always: tuple[_Spaced, ...]
    unspaced: dict[str, tuple[_Unspaced, ...]]  # letter pair (or letter) -> signals
    scripts: Scripts
    # The lengths of the prefix keys, ascending: a word is looked up by these
    # prefixes only, not by every one of its prefixes.
    prefix_lengths: tuple[int, ...] = ()

    @classmethod
    def build(cls, raw: Iterable[str], scripts: Scripts) -> _Signals:
        spaced: list[_Spaced] = []
        unspaced: list[_Unspaced] = []
        for signal in (compile_signal(r, scripts) for r in raw):
            if isinstance(signal, _Spaced):
                spaced.append(signal)
            elif signal is not None:
                unspaced.append(signal)
        # "con" or "me" stand in hundreds of signals, "brick" in few: file under the rarest.
        uses = Counter(chain.from_iterable(signal.required for signal in spaced))
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
        keys = [_letter_keys(signal.pieces) for signal in unspaced]
        key_uses = Counter(chain.from_iterable(keys))
        by_key: dict[str, list[_Unspaced]] = {}
        for signal, group in zip(unspaced, keys, strict=True):
            by_key.setdefault(min(group, key=lambda k: (key_uses[k], k)), []).append(signal)
        return cls(_frozen(exact), _frozen(fuzzy), _frozen(prefix), tuple(always),
                   _frozen(by_key), scripts, _lengths(prefix))

    def _spaced_for(self, words: set[str], deletions: _Deletions) -> list[_Spaced]:
        """The spaced signals filed under a key ``words`` hold, each once."""
        found: dict[int, _Spaced] = {id(s): s for s in self.always}  # by id: filed twice
        for group in _filed_under(words, deletions, self.exact, self.fuzzy, self.prefix,
                                  self.prefix_lengths):
            for signal in group:
                found[id(signal)] = signal
        return list(found.values())

    def blank(self, tokens: list[str], deletions: _Deletions,
              toned: list[str] | None = None) -> str:
        """Blank every match in ``tokens`` (in place), then in their unspaced form.
        ``toned``: the tokens with the Vietnamese marks typed, if any were."""
        # Every idiom is found in the message as typed, then all are blanked: one
        # blanked first must not stop another that overlaps it ("rats eat" would
        # leave "rat poison" of "rat poison, rats eat our rice" standing).
        # Only the idiom's own words are blanked, not those in its gaps: in "năm ngoái
        # chủ đánh gãy xương em", an idiom "năm ngoái * gãy xương" (a healed bone)
        # must leave "chủ đánh" (the boss beat me) to be read.
        spans = [span for idiom in self._spaced_for(set(tokens), deletions)
                 for span in idiom.spans(tokens, toned)]
        for places in spans:
            for place in places:
                tokens[place] = _BLANK
        compact = _compact(tokens)
        if not self.unspaced or not self.scripts.unspaced.search(compact):
            return compact
        letters = list(compact)
        for key in self.unspaced.keys() & (set(compact) | _letter_keys(compact)):
            for idiom in self.unspaced[key]:
                for start, end in idiom.spans(compact):
                    letters[start:end] = _BLANK * (end - start)
        return "".join(letters)


T = TypeVar("T")
# Stands between two numbers that only a space kept apart ("12-13", "12 13"): with the
# spaces taken out they would read as one number (1213), which is no child's age.
_NUMBER_BREAK = "\u2063"


def _compact(tokens: Sequence[str]) -> str:
    """``tokens`` without the spaces between them, as unspaced signals read a message,
    but two numbers kept apart."""
    parts = list(tokens[:1])
    for before, token in pairwise(tokens):
        if before[-1:].isdigit() and token[:1].isdigit():
            parts.append(_NUMBER_BREAK)
        parts.append(token)
    return "".join(parts)


def _filed_under(words: Iterable[str], deletions: _Deletions,
                 exact: Mapping[str, tuple[T, ...]], fuzzy: Mapping[str, tuple[T, ...]],
                 prefix: Mapping[str, tuple[T, ...]], prefix_lengths: tuple[int, ...]
                 ) -> Iterator[tuple[T, ...]]:
    """The groups of spaced signals filed under a key ``words`` hold, word by word:
    the word itself, its one-typo forms (long enough words), then its prefixes."""
    for word in words:
        if word in exact:
            yield exact[word]
        if len(word) >= _FUZZY_MIN - 1:
            for key in deletions[word]:
                if key in fuzzy:
                    yield fuzzy[key]
        for end in prefix_lengths:
            if end > len(word):
                break
            if word[:end] in prefix:
                yield prefix[word[:end]]


def _lengths(keys: Iterable[str]) -> tuple[int, ...]:
    return tuple(sorted({len(key) for key in keys}))


def _frozen(groups: dict[str, list[T]]) -> dict[str, tuple[T, ...]]:
    return {key: tuple(group) for key, group in groups.items()}


def _letter_keys(text: str | tuple[str, ...]) -> set[str]:
    """Every letter pair in ``text`` (each piece of it), and single letters standing
    alone: what a message must hold for a signal with these pieces to match."""
    pieces = (text,) if isinstance(text, str) else text
    keys: set[str] = set()
    for piece in pieces:
        if len(piece) == 1:
            keys.add(piece)
        else:
            keys.update(map(str.__add__, piece, piece[1:]))
    return keys


@dataclass(frozen=True)
class _Message:
    """One reading of a message with its idioms blanked, in both forms signals read."""

    tokens: list[str]
    words: set[str]
    compact: str
    toned: list[str] | None = None  # the tokens with their Vietnamese marks, if typed
    real: frozenset[str] = frozenset()  # words that are no typo of another word

    @cached_property
    def letter_keys(self) -> set[str]:
        """The keys unspaced signals are filed under that this message holds."""
        return set(self.compact) | _letter_keys(self.compact)


# A signal with the number of its category (its place in the detector's order).
Filed = tuple[int, T]


@dataclass(frozen=True)
class _Categories:
    """Every category's signals in one lookup, each under the key its category's
    ``_Signals`` chose: a message's words and letter pairs are looked up once, not
    once per category (a category's answer does not depend on the order its
    signals are tried in)."""

    exact: dict[str, tuple[Filed[_Spaced], ...]]
    fuzzy: dict[str, tuple[Filed[_Spaced], ...]]
    prefix: dict[str, tuple[Filed[_Spaced], ...]]
    prefix_lengths: tuple[int, ...]
    always: tuple[Filed[_Spaced], ...]
    unspaced: dict[str, tuple[Filed[_Unspaced], ...]]
    scripts: Scripts

    @classmethod
    def merge(cls, groups: Sequence[_Signals], scripts: Scripts) -> _Categories:
        exact: dict[str, list[Filed[_Spaced]]] = {}
        fuzzy: dict[str, list[Filed[_Spaced]]] = {}
        prefix: dict[str, list[Filed[_Spaced]]] = {}
        unspaced: dict[str, list[Filed[_Unspaced]]] = {}
        for k, group in enumerate(groups):
            _file(exact, group.exact, k)
            _file(fuzzy, group.fuzzy, k)
            _file(prefix, group.prefix, k)
            _file(unspaced, group.unspaced, k)
        always = tuple((k, s) for k, group in enumerate(groups) for s in group.always)
        return cls(_frozen(exact), _frozen(fuzzy), _frozen(prefix), _lengths(prefix), always,
                   _frozen(unspaced), scripts)

    def held(self, message: _Message, deletions: _Deletions, known: set[int]) -> set[int]:
        """The numbers of the categories, besides those ``known`` already, whose
        signals ``message`` holds."""
        found: set[int] = set()
        # Every unspaced signal has a letter of a script written without spaces: a
        # message with none (Latin, say) holds none of them.
        if self.unspaced and self.scripts.unspaced.search(message.compact):
            for key in self.unspaced.keys() & message.letter_keys:
                for k, unspaced in self.unspaced[key]:
                    if k not in found and k not in known and unspaced.found_in(message.compact):
                        found.add(k)
        for k, spaced in self._spaced_for(message.words, deletions):
            if k not in found and k not in known and spaced.required <= message.words \
                    and spaced.matches(message.tokens, message.toned, message.real):
                found.add(k)
        return found

    def _spaced_for(self, words: set[str], deletions: _Deletions) -> list[Filed[_Spaced]]:
        """The spaced signals filed under a key ``words`` hold (a signal filed under
        several keys may come more than once: trying it again changes nothing)."""
        found: list[Filed[_Spaced]] = list(self.always)
        for group in _filed_under(words, deletions, self.exact, self.fuzzy, self.prefix,
                                  self.prefix_lengths):
            found += group
        return found


def _file(into: dict[str, list[Filed[T]]], groups: Mapping[str, tuple[T, ...]],
          k: int) -> None:
    """Add ``groups`` (key -> signals) of category number ``k`` to ``into``."""
    for key, group in groups.items():
        into.setdefault(key, []).extend((k, signal) for signal in group)


class DangerDetector:
    """Which danger categories a message shows, in the content's order of priority."""

    def __init__(self, categories: Sequence[str],
                 signals: Mapping[str, Iterable[str]],
                 not_danger: Iterable[str], scripts: Scripts | None = None, *,
                 real_words: Iterable[str] = ()) -> None:
        """``scripts``: how the languages are written (``Scripts.from_content``);
        by default, as the default content folder's languages.yaml says.
        ``real_words``: words never read as a typo of a signal's word ("taped" is a
        word of its own, not "raped" mistyped); a signal holding one still matches it."""
        self._scripts = scripts = scripts or default_scripts()
        self._categories = tuple((cid, _Signals.build(signals.get(cid, ()), scripts))
                                 for cid in categories)
        self._lookup = _Categories.merge([group for _, group in self._categories], scripts)
        self._idioms = _Signals.build(not_danger, scripts)
        self._real_words = frozenset(reading for word in real_words for reading in
                                     fold_content(word, scripts.optional_marks_key))

    def detect(self, text: str) -> list[str]:
        """Category ids whose signals the message holds (empty: no danger seen)."""
        return self.detect_normalized(normalize(text))

    def detect_normalized(self, norm: NormalizedText) -> list[str]:
        """``detect``, given the message's ``normalize`` (the dialogue engine
        normalises a message once for this check and matching)."""
        deletions = _Deletions()
        held: set[int] = set()
        for tokens, toned in _readings(norm, self._scripts):
            compact = self._idioms.blank(tokens, deletions, toned)
            held |= self._lookup.held(_Message(tokens, set(tokens), compact, toned,
                                               self._real_words), deletions, held)
        return [cid for k, (cid, _) in enumerate(self._categories) if k in held]
