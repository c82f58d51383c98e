"""Score a message against the index and decide: answer, did-you-mean or fallback.

A confident wrong answer is worse than "did you mean…", so the decision uses
two calibrated thresholds and a margin between the best two topics (see
``Thresholds``; ``benchmarks/`` and ``migrant-bot eval`` measure them).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal, NamedTuple

import numpy as np
from rapidfuzz import fuzz, process

from bot.content.tree import OUT_OF_SCOPE
from bot.matching.index import MatchIndex, bigrams
from bot.matching.normalize import NormalizedText, has_tone_marks, normalize

__all__ = ["BEST_NOT_EXACT", "Candidate", "MatchResult", "Matcher", "Outcome", "Thresholds"]

Outcome = Literal["answer", "did_you_mean", "fallback"]


@dataclass(frozen=True)
class Thresholds:
    answer: float = 0.50        # best score needed to answer outright
    margin: float = 0.03        # ...and lead over the next topic
    sure: float = 0.95          # answer with a smaller lead (half the margin)
    suggest: float = 0.42       # lowest score worth offering as "did you mean"
    suggest_window: float = 0.12  # offer topics this close to the best
    max_suggestions: int = 3
    # No "did you mean" when the out-of-scope examples score within this of the best topic.
    off_topic_window: float = 0.08


@dataclass(frozen=True)
class Candidate:
    id: str
    score: float
    intent: bool
    example: str
    lang: str
    # Orders candidates whose scores tie at a cap: the evidence before capping
    # (several examples containing the message rank a topic higher).
    evidence: float = field(default=0.0, compare=False, repr=False)


@dataclass(frozen=True)
class MatchResult:
    text: str
    outcome: Outcome
    topic: str | None
    score: float
    language: str | None
    candidates: list[Candidate] = field(default_factory=list)
    intent: bool = False


# Candidates a MatchResult shows (did-you-mean shows its suggestions instead).
_SHOWN = 5
# A ranked owner: (-score, -evidence, owner id, its best example's number in the index).
_Row = tuple[float, float, str, int]


class _Overlap(NamedTuple):
    """What ``Matcher._overlap`` finds for one query."""

    q_weight: float          # the query's feature weight (unknown features count 1.0)
    known: list[int]         # its features some example has
    known_weights: np.ndarray
    hit: np.ndarray          # the examples sharing a feature, ascending
    overlap: np.ndarray      # for each, the F-score of containment and coverage

# Candidate examples scored with rapidfuzz after the bigram prefilter. partial_ratio
# is the costly step; top-1 accuracy on the eval and dev sets is flat from 30 to 120
# candidates (measured 2026-11), so 40 keeps a margin at half the cost of 80.
_PREFILTER = 40
# Signals and their weights, tuned with ``migrant-bot eval`` on tests/data/dev.jsonl:
# the score is W_PARTIAL * partial_ratio + (1 - W_PARTIAL) * F, where F is the
# F-beta of "how much of the example is in the message" (containment) and
# "how much of the message the example explains" (coverage). Containment alone
# lets a two-word example ("hello") win every long message that contains it.
_W_PARTIAL = 0.3
_BETA2 = 1.0  # beta = 1: containment and coverage count alike (a one-word example
# contained in a long message must not outscore a longer, closer one)
# A topic matched by several of its examples is more likely right than one
# matched by a single lucky example.
_SECOND_EXAMPLE_BONUS = 0.2
# Share of the final score that is the topic's vocabulary coverage: how much of
# the message (IDF-weighted features) appears anywhere in that topic's examples.
# One example may share only the question's frame ("what documents do I bring")
# with a wrong topic; the right topic's examples, taken together, explain the
# words that matter too. On the dev set (tests/data/dev.jsonl) accuracy rises
# from 0.0 and is flat from 0.3 to 0.5; 0.4 sits in the middle.
_W_TOPIC = 0.4
_EXACT = 1.0     # the message is one of the examples, as normalised
# The best any other match can score: an owner scores more only if the message is
# one of its examples word for word.
BEST_NOT_EXACT = 0.99


class Matcher:
    def __init__(self, index: MatchIndex, thresholds: Thresholds | None = None) -> None:
        self.index = index
        self.thresholds = thresholds or Thresholds()
        # For best_possible, built on its first use: each example's owner, as numbers
        # into index.owners, and the examples as normalised (the exact matches).
        self._entry_owner: np.ndarray | None = None
        self._norms: frozenset[str] = frozenset()
        self._masks: dict[frozenset[str], np.ndarray] = {}

    def detect_language(self, text: str) -> str | None:
        """The language ``text`` is clearly in, as the content's languages are written."""
        return self.index.scripts.detect_language(text)

    def match(self, text: str) -> MatchResult:
        """Match one message; never raises on odd input."""
        return self.match_normalized(text, normalize(text))

    def match_normalized(self, text: str, norm: NormalizedText) -> MatchResult:
        """``match``, given ``normalize(text)`` (the dialogue engine normalises a
        message once for the danger check and matching)."""
        scripts = self.index.scripts
        language = scripts.detect_language(text)
        ranked = [self._candidate(row) for row in self._deciding(self._rows(norm))]
        if language is None and ranked and ranked[0].score >= self.thresholds.answer:
            # E.g. Latin text without clear words: where a script alone cannot name
            # the language (languages.yaml: several share it), the matched example's does.
            language = ranked[0].lang if ranked[0].lang in scripts.shared else None
        return self._decide(text, ranked, language)

    def rank(self, text: str) -> list[Candidate]:
        """Every owner with an example like ``text``, best first (no decision)."""
        return self.rank_normalized(normalize(text))

    def rank_normalized(self, norm: NormalizedText) -> list[Candidate]:
        """``rank`` for a message already normalised (``normalize(text)``)."""
        return [self._candidate(row) for row in self._rows(norm)]

    def _rows(self, norm: NormalizedText) -> list[_Row]:
        """``rank`` as rows, best first: sorting the rows is sorting the candidates
        by (-score, -evidence, id), as owners are unique."""
        scores: dict[str, tuple[float, float, int]] = {}
        toned_query = norm.toned[0] if has_tone_marks(norm.toned[0]) else None
        for query in norm.folded:
            if query:
                self._score_into(query, toned_query, scores)
        return sorted((-score, -evidence, owner, i)
                      for owner, (score, evidence, i) in scores.items())

    def _candidate(self, row: _Row) -> Candidate:
        entry = self.index.entries[row[3]]
        return Candidate(row[2], -row[0], entry.intent, entry.text, entry.lang, -row[1])

    def _deciding(self, rows: list[_Row]) -> list[_Row]:
        """The rows ``_decide`` can look at, in order: the best until five topics that
        are not out of scope and three of them that are not intents (suggestions are
        the first three of these that score high enough: scores only fall down the
        list), and the out-of-scope row. Only these become Candidates."""
        entries = self.index.entries
        topics = plain = 0
        for k, row in enumerate(rows):
            if row[2] == OUT_OF_SCOPE:
                continue
            topics += 1
            plain += not entries[row[3]].intent
            if topics >= _SHOWN and plain >= self.thresholds.max_suggestions:
                head = rows[:k + 1]
                off = next((r for r in rows[k + 1:] if r[2] == OUT_OF_SCOPE), None)
                return head if off is None else [*head, off]
        return rows

    def _overlap(self, query: str) -> _Overlap | None:
        """The examples sharing a feature with ``query`` and how much they share;
        None when none does."""
        idx = self.index
        q_grams = bigrams(query)
        if not q_grams or not idx.entries:
            return None
        # A feature no example has still counts in the message's weight (as 1.0).
        idf = idx.idf
        q_features = [idx.features.get(g) for g in q_grams]
        q_weight = sum(1.0 if f is None else idf[f] for f in q_features) or 1.0
        known = [f for f in q_features if f is not None]
        if not known:
            return None
        # Every example holding a feature of the message gets that feature's weight,
        # in one vectorised pass (a posting list holds each entry once).
        known_weights = np.array([idf[f] for f in known])
        lists = [idx.entries_of(f) for f in known]
        weights = np.repeat(known_weights, [len(p) for p in lists])
        shared = np.bincount(np.concatenate(lists), weights=weights,
                             minlength=len(idx.entries))
        # "!= 0" first: nonzero on booleans is several times faster than on floats.
        hit = np.flatnonzero(shared != 0)
        found_weight = shared[hit]
        contain = found_weight / idx.entry_weight[hit]
        cover = found_weight / q_weight
        overlap = (1 + _BETA2) * contain * cover / (_BETA2 * cover + contain)
        return _Overlap(q_weight, known, known_weights, hit, overlap)

    def _score_into(self, query: str, toned: str | None,
                    scores: dict[str, tuple[float, float, int]]) -> None:
        idx = self.index
        found_overlap = self._overlap(query)
        if found_overlap is None:
            return
        q_weight, known, known_weights, hit, overlap = found_overlap
        if hit.size > _PREFILTER:
            keep = np.argpartition(-overlap, _PREFILTER - 1)[:_PREFILTER]
            hit, overlap = hit[keep], overlap[keep]
        positions = hit.tolist()
        entries = [idx.entries[i] for i in positions]
        # partial_ratio is the costly step: one call for all candidates.
        partial = process.cdist([query], [e.norm for e in entries], scorer=fuzz.partial_ratio,
                                dtype=np.float64)[0] / 100.0
        if toned is not None:
            # Tone marks were typed: let them separate words that fold alike (in
            # Vietnamese: languages.yaml says which languages have such marks).
            toned_languages = idx.scripts.toned
            which = [k for k, entry in enumerate(entries) if entry.lang in toned_languages]
            if which:  # one call for all, as above
                toned_partial = process.cdist([toned], [entries[k].toned for k in which],
                                              scorer=fuzz.partial_ratio,
                                              dtype=np.float64)[0] / 100.0
                partial[which] = 0.7 * partial[which] + 0.3 * toned_partial
        score_values = _W_PARTIAL * partial + (1 - _W_PARTIAL) * overlap
        per_owner: dict[str, list[tuple[float, int]]] = {}
        vocab_weight: list[float] | None = None
        for i, entry, score in zip(positions, entries, score_values.tolist(), strict=True):
            if query == entry.norm:
                score = _EXACT
            per_owner.setdefault(entry.owner, []).append((score, i))
        for owner, found in per_owner.items():
            found.sort(reverse=True)
            score = found[0][0]
            if len(found) > 1:
                score += _SECOND_EXAMPLE_BONUS * found[1][0]
            evidence = score
            if found[0][0] < _EXACT:
                if vocab_weight is None:
                    vocab_weight = self._vocab_weight(known, known_weights)
                topic_part = _W_TOPIC * (vocab_weight[idx.owner_number[owner]] / q_weight)
                evidence = (1 - _W_TOPIC) * score + topic_part
                # Only the very words of an example are certain: "work permit" is in
                # examples of five topics, and containing it must not be "exact".
                score = min((1 - _W_TOPIC) * min(score, 1.0) + topic_part, BEST_NOT_EXACT)
            score = round(min(score, _EXACT), 4)
            current = scores.get(owner)
            if current is None or score > current[0]:
                scores[owner] = (score, evidence, found[0][1])

    def best_possible(self, norm: NormalizedText,
                      among: frozenset[str] | None = None) -> float:
        """An upper bound of the best score ``rank_normalized(norm)`` gives (to an
        owner in ``among``, when given), without the costly partial_ratio (taken as 1
        for every example): a caller that only wants owners above some score can
        skip ranking when this is below it."""
        idx = self.index
        if not idx.entries:
            return 0.0
        self._prepare_bounds()
        assert self._entry_owner is not None
        bound = 0.0
        for query in norm.folded:
            if not query:
                continue
            if query in self._norms:
                return _EXACT
            # As in _score_into, but over every example holding a feature (no prefilter).
            found_overlap = self._overlap(query)
            if found_overlap is None:
                continue
            q_weight, known, known_weights, hit, overlap = found_overlap
            example_best = _W_PARTIAL + (1 - _W_PARTIAL) * overlap
            owner_best = np.zeros(len(idx.owners))
            np.maximum.at(owner_best, self._entry_owner[hit], example_best)
            # Two examples at most count (the second with its bonus), then the cap.
            score = np.minimum(owner_best * (1 + _SECOND_EXAMPLE_BONUS), 1.0)
            vocab = np.array(self._vocab_weight(known, known_weights)) / q_weight
            final = np.minimum((1 - _W_TOPIC) * score + _W_TOPIC * vocab, BEST_NOT_EXACT)
            considered = owner_best > 0
            if among is not None:
                considered &= self._owner_mask(among)
            if considered.any():
                bound = max(bound, float(final[considered].max()))
        # Scores are rounded to 4 decimals: a bound a hair below one must not miss it.
        return bound + 1e-4

    def is_example(self, norm: NormalizedText) -> bool:
        """Whether the message is one of the examples word for word (as normalised):
        only then can an owner score above ``BEST_NOT_EXACT``."""
        self._prepare_bounds()
        return any(q in self._norms for q in norm.folded if q)

    def _prepare_bounds(self) -> None:
        if self._entry_owner is None:
            idx = self.index
            # _norms first: another thread seeing _entry_owner set must see _norms too.
            self._norms = frozenset(e.norm for e in idx.entries)
            self._entry_owner = np.array([idx.owner_number[e.owner] for e in idx.entries],
                                         dtype=np.int64)

    def _owner_mask(self, among: frozenset[str]) -> np.ndarray:
        """Which of ``index.owners`` are in ``among``, as a boolean array, built once."""
        mask = self._masks.get(among)
        if mask is None:
            mask = self._masks[among] = np.array([o in among for o in self.index.owners])
        return mask

    def _vocab_weight(self, known: list[int], weights: np.ndarray) -> list[float]:
        """Per owner, the weight of the message's features that any of its examples
        has: each owner's sum taken over the message's features in order, as a
        Python loop over its vocabulary would."""
        idx = self.index
        lists = [idx.owners_of(f) for f in known]
        repeated = np.repeat(weights, [len(p) for p in lists])
        return np.bincount(np.concatenate(lists), weights=repeated,
                           minlength=len(idx.owners)).tolist()

    def _decide(self, text: str, ranked: list[Candidate], language: str | None) -> MatchResult:
        th = self.thresholds
        if not ranked:
            return MatchResult(text, "fallback", None, 0.0, language, [])
        top = ranked[0]
        off_topic = next((c.score for c in ranked if c.id == OUT_OF_SCOPE), 0.0)
        ranked = [c for c in ranked if c.id != OUT_OF_SCOPE]
        shown = ranked[:_SHOWN]
        if top.id == OUT_OF_SCOPE:
            # The message is most like the examples of what we do not answer.
            return MatchResult(text, "fallback", None, top.score, language, shown)
        top = ranked[0]
        # "Not something we answer" competes like any topic: a message almost as
        # close to the out-of-scope examples is not answered outright.
        runner_up = max(ranked[1].score if len(ranked) > 1 else 0.0, off_topic)
        lead = top.score - runner_up
        # An example typed word for word is answered unless another topic has it too.
        if (top.score >= _EXACT and lead > 0) or (top.score >= th.sure and lead >= th.margin / 2) \
                or (top.score >= th.answer and lead >= th.margin):
            return MatchResult(text, "answer", top.id, top.score, language, shown, top.intent)
        if off_topic >= top.score - th.off_topic_window:
            # As like the things we do not answer (football, love, top-up...) as like
            # any topic: "did you mean" would offer unrelated topics. The menu helps more.
            return MatchResult(text, "fallback", None, top.score, language, shown)
        suggestions = [c for c in ranked if not c.intent and c.score >= th.suggest
                       and top.score - c.score <= th.suggest_window][:th.max_suggestions]
        if suggestions:
            return MatchResult(text, "did_you_mean", None, top.score, language, suggestions)
        return MatchResult(text, "fallback", None, top.score, language, shown)
