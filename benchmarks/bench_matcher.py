"""Matcher speed and memory: prints figures, not pass/fail.

    .venv/bin/python benchmarks/bench_matcher.py [--repeat 3]

Figures: time from start to ready (load + validate, index), matcher latency
p50/p99 over the held-out eval messages against the shipped content and
against content scaled 10x synthetically (each example copied into nine
look-alike topics with a character rotated), and peak memory (tracemalloc).
The 10x run is reported as a ratio of the shipped run measured here.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import time
import tracemalloc
from pathlib import Path

from bot.brain import load_brain
from bot.build_cache import BuildCache
from bot.matching.index import Entry, MatchIndex
from bot.matching.matcher import Matcher
from bot.matching.normalize import normalize_content

ROOT = Path(__file__).resolve().parent.parent


def messages() -> list[str]:
    lines = (ROOT / "tests" / "data" / "eval.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line)["text"] for line in lines if line.strip()]


def latency(matcher: Matcher, texts: list[str], repeat: int) -> tuple[float, float]:
    samples = []
    for _ in range(repeat):
        for text in texts:
            t0 = time.perf_counter()
            matcher.match(text)
            samples.append(time.perf_counter() - t0)
    samples.sort()
    return statistics.median(samples) * 1000, samples[int(len(samples) * 0.99) - 1] * 1000


def scaled(index: MatchIndex, factor: int) -> MatchIndex:
    rng = random.Random(7)
    entries = list(index.entries)
    for copy in range(1, factor):
        for e in index.entries:
            norm = e.norm
            if len(norm) > 3:
                i = rng.randrange(len(norm) - 1)
                norm = norm[:i] + norm[i + 1] + norm[i] + norm[i + 2:]
            entries.append(Entry(f"{e.owner}__{copy}", e.lang, e.text, norm, norm, e.intent))
    return MatchIndex(entries, index.scripts)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    texts = messages()

    # Cold builds (no start-up cache, bot/build_cache.py): what each step costs.
    no_cache = BuildCache(None)
    t0 = time.perf_counter()
    brain = load_brain(ROOT / "content", ROOT / "locales", cache=no_cache)
    ready = time.perf_counter() - t0
    # Memory in a second, cold load: tracemalloc slows everything it watches.
    normalize_content.cache_clear()
    tracemalloc.start()
    load_brain(ROOT / "content", ROOT / "locales", cache=no_cache)
    _, peak_load = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    entries = len(brain.matcher.index.entries)
    print(f"start to ready: {ready * 1000:.0f} ms (load+validate "
          f"{brain.timings['load_validate'] * 1000:.0f} ms, index "
          f"{brain.timings['index'] * 1000:.0f} ms, danger signals "
          f"{brain.timings['danger'] * 1000:.0f} ms), {entries} indexed phrases")
    print(f"peak memory while loading: {peak_load / 1e6:.1f} MB (tracemalloc)")

    p50, p99 = latency(brain.matcher, texts, args.repeat)
    print(f"shipped content: p50 {p50:.2f} ms, p99 {p99:.2f} ms over {len(texts)} messages")
    # The danger check runs before matching on every message: its cost beside the matcher's.
    danger = []
    for _ in range(args.repeat):
        for text in texts:
            t0 = time.perf_counter()
            brain.engine.danger.detect(text)
            danger.append((time.perf_counter() - t0) * 1000)
    danger.sort()
    d50, d99 = danger[len(danger) // 2], danger[int(len(danger) * 0.99)]
    print(f"danger check: p50 {d50:.2f} ms, p99 {d99:.2f} ms "
          f"(ratio to matching p50 {d50 / p50:.2f})")

    t0 = time.perf_counter()
    big = Matcher(scaled(brain.matcher.index, 10))
    build = time.perf_counter() - t0
    # Memory in a second build: tracemalloc slows everything it watches.
    tracemalloc.start()
    scaled(brain.matcher.index, 10)
    _, peak_big = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    b50, b99 = latency(big, texts, 1)
    print(f"10x content ({len(big.index.entries)} phrases, index built in {build * 1000:.0f} ms,"
          f" peak {peak_big / 1e6:.1f} MB): p50 {b50:.2f} ms, p99 {b99:.2f} ms")
    print(f"ratio 10x / shipped: p50 {b50 / p50:.1f}x, p99 {b99 / p99:.1f}x")


if __name__ == "__main__":
    main()
