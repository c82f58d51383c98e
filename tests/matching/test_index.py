"""The index's flat arrays say what a set per example and per topic would say."""

from __future__ import annotations

from collections import defaultdict

import pytest

from bot.brain import Brain
from bot.matching.index import Entry, MatchIndex, bigrams


def test_postings_and_vocabularies_are_those_of_the_examples(brain: Brain) -> None:
    index = brain.matcher.index
    holders: dict[str, list[int]] = defaultdict(list)
    vocab: dict[str, set[str]] = defaultdict(set)
    for i, entry in enumerate(index.entries):
        for gram in bigrams(entry.norm):
            holders[gram].append(i)
            vocab[gram].add(entry.owner)
    assert set(index.features) == set(holders)
    for gram, feature in index.features.items():
        assert index.entries_of(feature).tolist() == holders[gram]
        assert [index.owners[k] for k in index.owners_of(feature).tolist()] == sorted(vocab[gram])


def test_weights_are_summed_as_before(brain: Brain) -> None:
    """Each example's weight is its features' IDF summed in the order its set of
    features gives them: the same floats as before the arrays, to the last bit."""
    import math

    index = brain.matcher.index
    count = len(index.entries)
    holders: dict[str, int] = defaultdict(int)
    for entry in index.entries:
        for gram in bigrams(entry.norm):
            holders[gram] += 1
    idf = {g: math.log(1 + count / n) for g, n in holders.items()}
    for k in range(0, count, 97):
        grams = frozenset(bigrams(index.entries[k].norm))
        assert index.entry_weight[k] == (sum(idf[g] for g in grams) or 1.0)
    assert all(index.idf[f] == idf[g] for g, f in index.features.items())


@pytest.mark.parametrize("entries", [[], [Entry("a", "en", "x", "x", "x", False)]])
def test_tiny_indexes_build(entries: list[Entry]) -> None:
    index = MatchIndex(entries)
    assert len(index.entries) == len(entries)
