"""The dialogue engine's speed per turn: prints figures, not pass/fail.

    .venv/bin/python benchmarks/bench_engine.py [--repeat 7]

Figures: milliseconds of CPU per ``Engine.handle`` turn (no Telegram, no
storage), best of ``--repeat`` passes, for two workloads, and the two parts of
a typed message's turn that cost most (the danger check, matching):

* text    - typed messages: the first three examples of every topic in every
            language, some out-of-scope messages and commands typed as text;
* worded  - messages as workers word them, not as the content does: every line of
            the development set tests/data/dev.jsonl (questions, greetings,
            out-of-scope). Such a message is no example word for word, so the
            danger examples' vote (safety/examples.py) is always worked out;
* buttons - presses of the menu, the language picker, every area and every
            topic, in every language.

CPU time (``time.process_time``), not wall time: another busy process on the
machine then changes the figures less.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TypeVar

from bot.brain import Brain, default_paths, load_brain
from bot.dialogue import callbacks
from bot.dialogue.types import ButtonInput, Input, TextInput, UserState

T = TypeVar("T")

_OTHER_TEXTS = ["weather tomorrow?", "recipe for green curry", "who won the football",
                "top up my phone", "/start", "/help", "hello", "thank you", "asdf qwer"]


def typed(brain: Brain) -> list[str]:
    """The text workload: three examples of every topic in every language, and others."""
    texts = [example for topics in brain.content.texts.values()
             for topic in topics.values() for example in topic.examples[:3]]
    return texts + _OTHER_TEXTS


def worded() -> list[str]:
    """The worded workload: the development set's messages (never the blind sets)."""
    path = Path(__file__).resolve().parent.parent / "tests" / "data" / "dev.jsonl"
    return [json.loads(line)["text"] for line in path.read_text(encoding="utf-8").splitlines()]


def pressed(brain: Brain) -> list[str]:
    """The button workload: callback data of menus, areas and topics in every language."""
    content = brain.content
    data = []
    for lang in content.languages:
        data += [callbacks.encode("menu", lang=lang), callbacks.encode("languages", lang=lang)]
        data += [callbacks.encode("area", area, lang=lang) for area in content.areas]
        data += [callbacks.encode("topic", topic, lang=lang) for topic in content.topics]
    return data


def per_call(items: Sequence[T], call: Callable[[T], object], repeat: int) -> float:
    """CPU milliseconds per call, best of ``repeat`` passes over ``items`` (one warm-up)."""
    for item in items:
        call(item)
    best = float("inf")
    for _ in range(repeat):
        start = time.process_time()
        for item in items:
            call(item)
        best = min(best, time.process_time() - start)
    return best / len(items) * 1000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    brain = load_brain(*default_paths())
    engine = brain.engine
    state = UserState(language="en")
    today = dt.date(2026, 1, 15)  # a fixed day: the engine reads no clock then

    def turn(message: Input) -> object:
        return engine.handle(state, message, "en", today)

    texts = typed(brain)
    inputs: list[Input] = [TextInput(text) for text in texts]
    buttons: list[Input] = [ButtonInput(data) for data in pressed(brain)]
    text_ms = per_call(inputs, turn, args.repeat)
    button_ms = per_call(buttons, turn, args.repeat)
    danger_ms = per_call(texts, engine.danger.detect, args.repeat)
    match_ms = per_call(texts, engine.matcher.match, args.repeat)
    print(f"typed text: {text_ms:.3f} ms per turn over {len(inputs)} messages "
          f"(danger check {danger_ms:.3f} ms, matching {match_ms:.3f} ms)")
    words = worded()
    worded_ms = per_call([TextInput(text) for text in words], turn, args.repeat)
    print(f"worded:     {worded_ms:.3f} ms per turn over {len(words)} messages")
    print(f"buttons:    {button_ms:.3f} ms per turn over {len(buttons)} presses")


if __name__ == "__main__":
    main()
