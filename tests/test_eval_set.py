"""The held-out evaluation set stays held out: no eval message is a content example.

The development set (tuned on, never copied from) and the fresh blind sets are
guarded the same way.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.brain import Brain
from bot.matching.normalize import normalize_key

EVAL = Path(__file__).resolve().parent / "data" / "eval.jsonl"
DEV = EVAL.with_name("dev.jsonl")
FRESH = EVAL.with_name("fresh.jsonl")
FRESH2 = EVAL.with_name("fresh2.jsonl")  # written blind by helpers, stop 8


@pytest.mark.parametrize("messages", [EVAL, DEV, FRESH, FRESH2],
                         ids=["eval", "dev", "fresh", "fresh2"])
def test_eval_messages_are_not_copied_into_examples(brain: Brain, messages: Path) -> None:
    examples = {normalize_key(e) for lang in brain.content.texts.values()
                for text in lang.values() for e in text.examples}
    copied = []
    for line in messages.read_text(encoding="utf-8").splitlines():
        item = json.loads(line)
        key = normalize_key(item["text"])
        # Greetings and thanks are one or two words: the same by nature.
        if item.get("kind") == "topic" and key in examples:
            copied.append(item["text"])
    assert copied == []


def test_eval_set_has_the_required_shape() -> None:
    rows = [json.loads(line) for line in EVAL.read_text(encoding="utf-8").splitlines()]
    for lang in ("en", "th", "my", "km", "lo", "vi"):
        mine = [r for r in rows if r["lang"] == lang]
        assert sum(r["expect"] is not None for r in mine) >= 25
        assert sum(r["expect"] is None for r in mine) >= 8
