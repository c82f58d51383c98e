"""Pick test messages per language from the real content (it changes while we work).

The examples come from content/<lang>/ and are checked against the matcher,
so a test never hard-codes a sentence that a content edit could re-route.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

from bot.brain import Brain

EVAL_FILE = Path(__file__).resolve().parents[1] / "data" / "eval.jsonl"
NONSENSE = "qwzx vbnm plkj"


def answered_example(brain: Brain, lang: str) -> tuple[str, str] | None:
    """(an example question in ``lang``, its topic) that the matcher answers outright."""
    for topic in sorted(brain.content.texts.get(lang, {})):
        for example in brain.content.texts[lang][topic].examples:
            result = brain.matcher.match(example)
            if result.outcome == "answer" and result.topic == topic and not result.intent \
                    and result.language == lang:
                return example, topic
    return None


def did_you_mean_text(brain: Brain, lang: str) -> str | None:
    """A short prefix of an example that makes the matcher ask "did you mean"."""
    for topic in sorted(brain.content.texts.get(lang, {})):
        for example in brain.content.texts[lang][topic].examples:
            words = example.split()
            for count in range(1, len(words)):
                text = " ".join(words[:count])
                result = brain.matcher.match(text)
                if result.outcome == "did_you_mean" and result.language == lang \
                        and result.candidates:
                    return text
    return None


@cache
def _out_of_scope() -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    if EVAL_FILE.is_file():
        for line in EVAL_FILE.read_text(encoding="utf-8").splitlines():
            if line.strip():
                item = json.loads(line)
                if item.get("kind") == "out_of_scope":
                    found.setdefault(item["lang"], []).append(item["text"])
    return found


def out_of_scope_text(brain: Brain, lang: str) -> str:
    """An out-of-scope message in ``lang`` that falls back (nonsense if none does)."""
    for text in _out_of_scope().get(lang, []):
        if brain.matcher.match(text).outcome == "fallback":
            return text
    return NONSENSE
