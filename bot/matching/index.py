"""An index of every example phrase, in every language, for fast fuzzy lookup.

Thai, Lao, Khmer and Burmese are written without spaces between words, so
word tokens are useless there; character bigrams work in every script. An
inverted index of bigrams narrows thousands of examples to a few hundred
candidates before rapidfuzz scores them.

The index is a handful of flat arrays rather than a Python object per feature
and per example: each feature (bigram, word or word pair) has a number, and
its examples and its topics are slices of two integer arrays. That keeps a
bot with ten times today's content at a fraction of the memory, and builds it
without a set per example.
"""

from __future__ import annotations

import math
from array import array
from dataclasses import dataclass
from itertools import pairwise

import numpy as np

from bot.content.tree import ContentTree
from bot.matching.normalize import normalize_content
from bot.matching.scripts import Scripts, default_scripts

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
            grams.update(map(str.__add__, chunk, chunk[1:]))
        grams.add(" " + chunk)
    grams.update(f" {a} {b}" for a, b in pairwise(chunks))
    return grams


@dataclass(frozen=True, slots=True)
class Entry:
    owner: str      # topic id or conversation intent id
    lang: str
    text: str       # as written in content/
    norm: str       # normalised, tone-folded
    toned: str      # normalised, tone marks kept
    intent: bool


class MatchIndex:
    """Examples and titles of all topics and intents, with a bigram inverted index.

    ``features`` numbers every feature; for feature ``f``, ``idf[f]`` is its
    weight, ``entries_of(f)`` the examples holding it (ascending) and
    ``owners_of(f)`` the topics and intents whose examples hold it (their
    vocabulary, as numbers into ``owners``).
    """

    def __init__(self, entries: list[Entry], scripts: Scripts | None = None) -> None:
        self.entries = entries
        # How the examples' languages are written (default: the default content's).
        self.scripts = scripts or default_scripts()
        self.owners = sorted({e.owner for e in entries})
        self.owner_number = {owner: k for k, owner in enumerate(self.owners)}
        features: dict[str, int] = {}
        # Each example's features, in the order its set of features gives them (the
        # order its weight is summed in), one flat array for all examples.
        flat = array("i")
        sizes = array("i")
        for entry in entries:
            grams = frozenset(bigrams(entry.norm))
            for gram in grams.difference(features):
                features[gram] = len(features)
            flat.extend(map(features.__getitem__, grams))
            sizes.append(len(grams))
        self.features = features
        feature_of = np.frombuffer(flat, dtype=np.int32) if flat else np.zeros(0, np.int32)
        df = np.bincount(feature_of, minlength=len(features))
        count = max(len(entries), 1)
        # Smoothed IDF: a bigram found in every example says almost nothing.
        self.idf = idf = array("d", [math.log(1 + count / n) for n in df.tolist()])
        weights = []
        start = 0
        for size in sizes:
            weights.append(sum(map(idf.__getitem__, flat[start:start + size])) or 1.0)
            start += size
        self.entry_weight = np.array(weights, dtype=np.float64)
        # Posting lists: the examples of each feature, ascending, as slices of one array
        # (a stable sort of the flat array by feature keeps examples in order).
        order = np.argsort(feature_of, kind="stable")
        del feature_of, flat
        self._postings = np.repeat(np.arange(len(entries), dtype=np.int32),
                                   np.frombuffer(sizes, dtype=np.int32) if sizes else 0)[order]
        del order
        self._offsets = array("q", [0])
        self._offsets.extend(np.cumsum(df).tolist())
        # Vocabularies: the owners of each feature's examples, once each, by feature.
        width = max(len(self.owners), 1)
        wide = np.int64 if len(features) * width >= 2**31 else np.int32
        # One number per (feature, owner) of every posting; sorted, each pair once.
        pairs = np.repeat(np.arange(len(features), dtype=wide), df)
        np.multiply(pairs, width, out=pairs)
        np.add(pairs, np.array([self.owner_number[e.owner] for e in entries],
                               dtype=wide)[self._postings], out=pairs)
        pairs.sort()
        if pairs.size:
            pairs = pairs[np.concatenate(([True], pairs[1:] != pairs[:-1]))]
        self._vocab_owners = (pairs % width).astype(np.int32)
        self._vocab_offsets = array("q", [0])
        self._vocab_offsets.extend(
            np.cumsum(np.bincount(pairs // width, minlength=len(features))).tolist())

    def entries_of(self, feature: int) -> np.ndarray:
        """The examples holding ``feature``, ascending."""
        return self._postings[self._offsets[feature]:self._offsets[feature + 1]]

    def owners_of(self, feature: int) -> np.ndarray:
        """The owners (numbers into ``owners``) with an example holding ``feature``."""
        return self._vocab_owners[self._vocab_offsets[feature]:self._vocab_offsets[feature + 1]]

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
        return cls(entries, Scripts.from_content(tree))
