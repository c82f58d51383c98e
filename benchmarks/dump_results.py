"""Dump what matching and the danger check say about every known message, to diff.

    .venv/bin/python benchmarks/dump_results.py > /tmp/before.jsonl
    (change the matcher, the index, normalisation or the danger check)
    .venv/bin/python benchmarks/dump_results.py > /tmp/after.jsonl
    cmp /tmp/before.jsonl /tmp/after.jsonl

One JSON line per message: the matcher's outcome, topic, score, language and
candidates (scores as exact floats), the language detector's guess and the
danger categories. The messages are every line of ``tests/data/*.jsonl``, every
example and title in the content, and every danger signal and idiom; with
``--scaled 10`` the test lines are also matched against the synthetic 10x index
of ``bench_matcher.py``. A refactoring that must not change results prints the
same bytes before and after. Not a benchmark: it prints no figures.

It runs itself with ``PYTHONHASHSEED=0``: the matcher sums weights over sets of
strings, whose order follows string hashing, so the unrounded evidence of a
candidate differs in its last bits from one process to the next otherwise.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_matcher import scaled  # noqa: E402

from bot.brain import check_content  # noqa: E402
from bot.content.tree import ContentTree  # noqa: E402
from bot.matching.index import MatchIndex  # noqa: E402
from bot.matching.langdetect import detect_language  # noqa: E402
from bot.matching.matcher import Matcher, MatchResult  # noqa: E402
from bot.safety.danger import DangerDetector  # noqa: E402


def test_lines(data: Path) -> Iterator[str]:
    for path in sorted(data.glob("*.jsonl")):
        for raw in path.read_text(encoding="utf-8").splitlines():
            if raw.strip() and not raw.lstrip().startswith("#"):
                yield str(json.loads(raw)["text"])


def content_lines(tree: ContentTree) -> Iterator[str]:
    for topics in tree.texts.values():
        for text in topics.values():
            yield text.title
            yield from text.examples
    for intents in tree.intents.values():
        for itext in intents.values():
            yield from itext.examples
    for dangers in tree.danger_texts.values():
        for dtext in dangers.values():
            yield from dtext.signals
    for idioms in tree.not_danger.values():
        yield from idioms


def detector(tree: ContentTree) -> DangerDetector:
    """As the dialogue engine builds it: every language's signals in one detector."""
    signals: dict[str, list[str]] = {}
    for texts in tree.danger_texts.values():
        for category, text in texts.items():
            signals.setdefault(category, []).extend(text.signals)
    idioms = [phrase for phrases in tree.not_danger.values() for phrase in phrases]
    return DangerDetector([c.id for c in tree.danger_categories], signals, idioms)


def result(r: MatchResult) -> dict[str, Any]:
    return {"outcome": r.outcome, "topic": r.topic, "score": repr(r.score),
            "language": r.language, "intent": r.intent,
            "candidates": [[c.id, repr(c.score), repr(c.evidence), c.example, c.lang,
                            c.intent] for c in r.candidates]}


def main() -> None:
    if os.environ.get("PYTHONHASHSEED") != "0":
        os.execve(sys.executable, [sys.executable, *sys.argv],
                  {**os.environ, "PYTHONHASHSEED": "0"})
    parser = argparse.ArgumentParser()
    parser.add_argument("--content", type=Path, default=ROOT / "content")
    parser.add_argument("--data", type=Path, default=ROOT / "tests" / "data")
    parser.add_argument("--scaled", type=int, default=0,
                        help="also match the test lines against content scaled this much")
    args = parser.parse_args()
    loaded = check_content(args.content)
    tree = loaded.tree
    if tree is None:
        raise SystemExit("the content cannot be loaded")
    index = MatchIndex.from_content(tree)
    matcher = Matcher(index)
    danger = detector(tree)
    tests = list(dict.fromkeys(test_lines(args.data)))
    texts = list(dict.fromkeys([*tests, *content_lines(tree)]))
    out = sys.stdout
    print(json.dumps({"problems": [str(p) for p in loaded.problems],
                      "entries": len(index.entries)}, ensure_ascii=False), file=out)
    for text in texts:
        line = {"text": text, "detect": detect_language(text),
                "danger": danger.detect(text), **result(matcher.match(text))}
        print(json.dumps(line, ensure_ascii=False), file=out)
    if args.scaled > 1:
        big = Matcher(scaled(index, args.scaled))
        for text in tests:
            print(json.dumps({"scaled": text, **result(big.match(text))}, ensure_ascii=False),
                  file=out)


if __name__ == "__main__":
    main()
