"""An index of every example phrase, in every language, for fast fuzzy lookup.

Thai, Lao, Khmer and Burmese are written without spaces between words, so
word tokens are useless there; character bigrams work in every script. An
inverted index of bigrams narrows thousands of examples to a few hundred
candidates before rapidfuzz scores them.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass
from itertools import pairwise

import numpy as np

from bot.content.tree import ContentTree
from bot.matching.normalize import normalize_content

__all__ = ["Entry", "MatchIndex", "bigrams"]


def bigrams(text: str) -> set[str]:
    """Features of a normalised text: character bigrams inside each space-separated
    chunk, plus whole chunks and adjacent chunk pairs.

    Character bigrams carry the unspaced scripts (Thai, Lao, Khmer, Burmese);
    whole words and word pairs carry Vietnamese and English, whose short
    syllables ("ng", "an") make character bigrams too common to discriminate.
    The leading space marks word features so they never collide with bigrams.
    """
    grams: set[str] = set()
    chunks = text.split()
    for chunk in chunks:
        if len(chunk) == 1:
            grams.add(chunk)
        else:
            grams.update(chunk[i:i + 2] for i in range(len(chunk) - 1))
        grams.add(" " + chunk)
    grams.update(f" {a} {b}" for a, b in pairwise(chunks))
    return grams


@dataclass(frozen=True)
class Entry:
    owner: str      # topic id or conversation intent id
    lang: str
    text: str       # as written in content/
    norm: str       # normalised, tone-folded
    toned: str      # normalised, tone marks kept
    intent: bool


class MatchIndex:
    """Examples and titles of all topics and intents, with a bigram inverted index."""

    def __init__(self, entries: list[Entry]) -> None:
        self.entries = entries
        postings: dict[str, list[int]] = defaultdict(list)
        self.entry_grams: list[frozenset[str]] = []
        for i, entry in enumerate(entries):
            grams = frozenset(bigrams(entry.norm))
            self.entry_grams.append(grams)
            for gram in grams:
                postings[gram].append(i)
        count = max(len(entries), 1)
        # Smoothed IDF: a bigram found in every example says almost nothing.
        self.idf = {g: math.log(1 + count / len(ids)) for g, ids in postings.items()}
        # Posting lists as integer arrays: scoring adds a weight to every example
        # holding a feature in one vectorised step instead of a Python loop.
        self.postings = {g: np.fromiter(ids, dtype=np.int32, count=len(ids))
                         for g, ids in postings.items()}
        self.entry_weight = np.array([sum(self.idf[g] for g in grams) or 1.0
                                      for grams in self.entry_grams], dtype=np.float64)
        self.owners = sorted({e.owner for e in entries})
        # Every feature any example of a topic (or intent) has: its vocabulary.
        vocab: dict[str, set[str]] = defaultdict(set)
        for entry, grams in zip(entries, self.entry_grams, strict=True):
            vocab[entry.owner].update(grams)
        self.owner_vocab = {owner: frozenset(grams) for owner, grams in vocab.items()}

    @classmethod
    def from_content(cls, tree: ContentTree) -> MatchIndex:
        entries: list[Entry] = []
        seen: set[tuple[str, str]] = set()

        def add(owner: str, lang: str, text: str, intent: bool) -> None:
            norm = normalize_content(text)
            key = (owner, norm.folded[0])
            if not norm.folded[0] or key in seen:
                return
            seen.add(key)
            entries.append(Entry(owner, lang, text, norm.folded[0], norm.toned[0], intent))

        for lang, topics in tree.texts.items():
            for topic_id, text in topics.items():
                add(topic_id, lang, text.title, False)
                for example in text.examples:
                    add(topic_id, lang, example, False)
        for lang, intents in tree.intents.items():
            for intent_id, itext in intents.items():
                for example in itext.examples:
                    add(intent_id, lang, example, True)
        return cls(entries)
