"""Words that show a message tells of a film, a drama, a video game or a song.

Content (``stories`` in ``content/<lang>/_danger.yaml``): where such a word stands,
the signals of the categories ``content/danger.yaml`` marks ``stories_doubt``
(violence, trafficking) are doubted, not taken as a worker in danger ("in the
film they sold the girl across the border"). On the danger dev sets, none of the
danger messages held one of these words and about one look-alike in six did.

Unlike signals, story words match exactly — whole words, no typo forgiven, no
'*': "movie" with one typo is "move", and "they move us to another boat" is a
worker in danger. Scripts written without spaces are searched with spaces taken
out, like their signals.
"""

from __future__ import annotations

from collections.abc import Iterable

from bot.matching.normalize import NormalizedText
from bot.matching.scripts import Scripts, default_scripts
from bot.safety.danger import fold_content, fold_message

__all__ = ["StoryDoubt", "story_word_problem"]


def story_word_problem(raw: str, scripts: Scripts | None = None) -> str | None:
    """Why ``raw`` cannot be a story word, in words an editor understands; None if fine."""
    scripts = scripts or default_scripts()
    if "*" in raw or "{" in raw:
        return "story words match exactly: no '*' and no placeholders"
    if not fold_content(raw, scripts.optional_marks_key):
        return "a story word needs letters, not only punctuation"
    return None


class StoryDoubt:
    """Whether a message's danger signals are only a story told: every category found
    is one a story doubts, and the message holds a story word (any language's)."""

    def __init__(self, words: Iterable[str], categories: Iterable[str],
                 scripts: Scripts | None = None) -> None:
        """``categories``: those a story doubts (``stories_doubt``). Self-harm and
        injuries are never among them in the shipped content: a worker can lose
        everything on bets, a friend can collapse while gaming."""
        self._categories = frozenset(categories)
        self._scripts = scripts = scripts or default_scripts()
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

    def doubts(self, norm: NormalizedText, categories: Iterable[str]) -> bool:
        found = set(categories)
        return bool(found) and found <= self._categories and self._holds_word(norm)

    def _holds_word(self, norm: NormalizedText) -> bool:
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
