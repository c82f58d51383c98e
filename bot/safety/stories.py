"""Words that show a message tells of a film, a drama, a video game, a song's
lyrics, news of a crime elsewhere or boxing practice, and laughter ("555",
"haha", 😂) that shows it is a joke.

Content (``stories`` in ``content/<lang>/_danger.yaml``): where such a word stands,
the signals of the categories ``content/danger.yaml`` marks ``stories_doubt``
(violence, trafficking) are doubted, not taken as a worker in danger ("in the
film they sold the girl across the border"). On the danger dev sets (dev to
dev17), none of 2,154 danger messages held one of these words and 151 of 2,479
look-alikes did.

Laughter (``laughter`` in ``content/danger.yaml``, shared by every language)
works the same way: on the same sets, 310 look-alikes laughed and no danger
message did. A laugh is a word of its own ("haha", "hahaha", "5555",
also "ทาสแมว555", where Thai writes it against a word) or an emoji anywhere; a
number that only holds 555 ("0815559999") is no laugh.

A message that says it is no joke (``serious`` in ``content/<lang>/_danger.yaml``:
"not joking", "but it is real") is never doubted: dev19, written to mix real
danger with films and laughter, held two trafficking messages that said so
("like a jail movie haha but real").

Unlike signals, story words (and serious words) match exactly — whole words, no typo forgiven, no
'*': "movie" with one typo is "move", and "they move us to another boat" is a
worker in danger. Scripts written without spaces are searched with spaces taken
out, like their signals.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from bot.matching.normalize import NormalizedText
from bot.matching.scripts import Scripts, default_scripts
from bot.safety.danger import fold_content, fold_message

__all__ = ["StoryDoubt", "laugh_problem", "story_word_problem"]

_DIGITS_OR_NOT = re.compile(r"\d+|\D+")


def laugh_problem(raw: str) -> str | None:
    """Why ``raw`` cannot be a laugh, in words an editor understands; None if fine."""
    if not raw.strip() or " " in raw.strip():
        return "a laugh is one word or one emoji ('555', 'haha', '😂')"
    return None


def _is_symbol(raw: str) -> bool:
    """An emoji or another sign that normalisation drops: looked for in the raw text."""
    return not any(ch.isalnum() for ch in raw)


def story_word_problem(raw: str, scripts: Scripts | None = None) -> str | None:
    """Why ``raw`` cannot be a story, serious or lesson word, in words an editor
    understands; None if fine."""
    scripts = scripts or default_scripts()
    if "*" in raw or "{" in raw:
        return "words in this list match exactly: no '*' and no placeholders"
    if not fold_content(raw, scripts.optional_marks_key):
        return "a word in this list needs letters, not only punctuation"
    return None


class _Words:
    """Exact words or phrases of any language, found in a message's readings: whole
    spaced words (no typo forgiven, no prefix), or text in scripts written without
    spaces, searched for with the spaces taken out."""

    def __init__(self, words: Iterable[str], scripts: Scripts) -> None:
        self._scripts = scripts
        spaced: set[tuple[str, ...]] = set()
        unspaced: set[str] = set()
        for word in words:
            if story_word_problem(word, scripts):
                continue
            for reading in fold_content(word, scripts.optional_marks_key):
                tokens = tuple(reading.split())
                if scripts.unspaced.search(reading):
                    unspaced.add("".join(tokens))
                else:
                    spaced.add(tokens)
        self._spaced = spaced
        self._lengths = sorted({len(t) for t in spaced})
        self._unspaced = tuple(sorted(unspaced))

    def held_by(self, norm: NormalizedText) -> bool:
        for reading in fold_message(norm, self._scripts):
            tokens = reading.split()
            for n in self._lengths:
                if any(tuple(tokens[i:i + n]) in self._spaced
                       for i in range(len(tokens) - n + 1)):
                    return True
            compact = "".join(tokens)
            if any(word in compact for word in self._unspaced):
                return True
        return False


class StoryDoubt:
    """Whether a message's danger signals are only a story told: every category found
    is one a story doubts, and the message holds a story word (any language's)."""

    def __init__(self, words: Iterable[str], categories: Iterable[str],
                 scripts: Scripts | None = None, laughter: Iterable[str] = (),
                 serious: Iterable[str] = (), lessons: Iterable[str] = (),
                 lesson_categories: Iterable[str] = ()) -> None:
        """``categories``: those a story doubts (``stories_doubt``). Self-harm and
        injuries are never among them in the shipped content: a worker can lose
        everything on bets, a friend can collapse while gaming. ``serious``: words
        that say the message is no joke ("not joking", "but it is real"): a worker
        who writes them is believed, whatever story or laugh comes with them.
        ``lessons``: words that show the message tells of a class, a training, a
        history lesson or an exam ("first aid class today, we learned to stop
        bleeding"): they doubt the signals of ``lesson_categories``."""
        self._categories = frozenset(categories)
        scripts = scripts or default_scripts()
        self._words = _Words(words, scripts)
        self._serious = _Words(serious, scripts)
        self._lessons = _Words(lessons, scripts)
        self._lesson_categories = frozenset(lesson_categories)
        laughs = [raw.strip() for raw in laughter if not laugh_problem(raw)]
        self._emoji = tuple(raw for raw in laughs if _is_symbol(raw))
        self._laughs = tuple(raw.lower() for raw in laughs if not _is_symbol(raw))

    def doubts(self, text: str, norm: NormalizedText, categories: Iterable[str]) -> bool:
        """``text``: the message as typed (emoji are gone from ``norm``)."""
        return self.tells(text, norm, categories) and not self.insists(norm)

    def tells(self, text: str, norm: NormalizedText, categories: Iterable[str]) -> bool:
        """``doubts``, whatever serious words the message holds (a caller that asks
        ``insists`` itself: it also lifts the examples' doubt)."""
        found = set(categories)
        if not found:
            return False
        if found <= self._categories and (self._words.held_by(norm)
                                          or self._laughs_in(text, norm)):
            return True
        return found <= self._lesson_categories and self._lessons.held_by(norm)

    def insists(self, norm: NormalizedText) -> bool:
        """Whether the message says it is no joke ("not joking", "this is real")."""
        return self._serious.held_by(norm)

    def _laughs_in(self, text: str, norm: NormalizedText) -> bool:
        if any(emoji in text for emoji in self._emoji):
            return True
        if not self._laughs:
            return False
        for reading in norm.folded:
            for token in reading.split():
                # "ทาสแมว555": the digits apart from the letters they are written against.
                for part in _DIGITS_OR_NOT.findall(token):
                    if any(_laugh(part, laugh) for laugh in self._laughs):
                        return True
        return False


def _laugh(part: str, laugh: str) -> bool:
    """``part`` is ``laugh`` drawn out: "hahaha" and "hahah" for "haha", "55555" for
    "555" - it starts so and holds no other letter."""
    return part.startswith(laugh) and set(part) <= set(laugh)
