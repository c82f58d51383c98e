"""Start-up time and resident memory, measured from outside: prints figures, not pass/fail.

    .venv/bin/python benchmarks/bench_startup.py [--repeat 5] [--compare DIR]

Each figure is a fresh process, as the operating system sees it (wall time, and
the peak resident set size from ``wait4``):

* ``ready``: ``python -m bot match`` with nothing to answer, i.e. the
  interpreter, the imports, loading and validating the shipped content,
  building the match index and the danger detector (the start-up cache off).
  Beside it the floor: a bare ``python`` importing the libraries the core needs
  (numpy, rapidfuzz, pydantic, PyYAML, babel), and the ratio of the two.
* ``ready from the start-up cache``: the same, with what an earlier start built
  read back from its cache (bot/build_cache.py): every start but the first with
  the same content and code, and every start of the container image, which
  fills it when it is built.
* ``warm``: ready, plus what the engine builds on first use or right after
  start in a worker thread (the danger examples): the steady state's memory.
* ``10x index``: the synthetic 10x content of ``bench_matcher.py`` (every
  example copied into nine look-alike topics): seconds to build its index, and
  the process's peak memory (it first loads the shipped content).

``--compare DIR`` measures another copy of the project too (for instance
``git worktree add /tmp/before HEAD``, or ``git archive HEAD | tar -x -C
/tmp/before``), with its own content, in the same run, and prints this tree's
figures as a ratio of those. Runs alternate so that a busy machine slows each
alike; medians are shown.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FLOOR = "import numpy, rapidfuzz, pydantic, yaml, babel"
WARM = ("from bot.brain import default_paths, load_brain\n"
        "engine = load_brain(*default_paths()).engine\n"
        "getattr(engine, 'warm_up', lambda: None)()")
# Run in the tree measured (its own bot/, content/ and bench_matcher.py).
INDEX10 = """
import sys, time
from pathlib import Path
sys.path.insert(0, "benchmarks")
from bench_matcher import scaled
from bot.brain import check_content
from bot.matching.index import MatchIndex
tree = check_content(Path("content")).tree
index = MatchIndex.from_content(tree)
t0 = time.perf_counter()
big = scaled(index, 10)
build = time.perf_counter() - t0
print(build, len(big.entries))
"""


def run(argv: list[str], cwd: Path, cache: str = "off") -> tuple[float, float, str]:
    """Wall seconds, peak RSS in MB (from ``wait4``), and stdout of one process.
    ``cache``: its CACHE_DIR (bot/build_cache.py); "off" builds everything."""
    env = {k: v for k, v in os.environ.items() if k not in ("CONTENT_DIR", "LOCALES_DIR")}
    env["CACHE_DIR"] = cache
    with tempfile.TemporaryFile("w+") as err:
        t0 = time.perf_counter()
        proc = subprocess.Popen(argv, cwd=cwd, env=env, stdin=subprocess.DEVNULL,
                                stdout=subprocess.PIPE, stderr=err, text=True)
        assert proc.stdout is not None
        out = proc.stdout.read()
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - t0
        proc.stdout.close()
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode:
            err.seek(0)
            raise SystemExit(f"{' '.join(argv)} in {cwd} failed:\n{err.read()[-3000:]}")
    return wall, usage.ru_maxrss / 1024, out


def median(values: list[float]) -> float:
    return statistics.median(values)


def measure(tree: Path, figures: dict[str, list[float]], cache: Path) -> None:
    """One round of every figure for ``tree``; ``cache``: its start-up cache folder,
    written by an earlier start."""
    wall, rss, _ = run([sys.executable, "-m", "bot", "match"], tree)
    figures["ready_s"].append(wall)
    figures["ready_mb"].append(rss)
    wall, rss, _ = run([sys.executable, "-m", "bot", "match"], tree, str(cache))
    figures["cached_s"].append(wall)
    figures["cached_mb"].append(rss)
    wall, rss, _ = run([sys.executable, "-c", WARM], tree)
    figures["warm_s"].append(wall)
    figures["warm_mb"].append(rss)
    wall, rss, _ = run([sys.executable, "-c", FLOOR], tree)
    figures["floor_s"].append(wall)
    figures["floor_mb"].append(rss)


def measure_index10(tree: Path, figures: dict[str, list[float]]) -> int:
    _, rss, out = run([sys.executable, "-c", INDEX10], tree)
    build, entries = out.split()
    figures["big_s"].append(float(build))
    figures["big_mb"].append(rss)
    return int(entries)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--compare", type=Path, help="another copy of the project to measure")
    args = parser.parse_args()
    trees = [("this tree", ROOT)]
    if args.compare:
        trees.append(("compared", args.compare.resolve()))
    figures: dict[str, dict[str, list[float]]] = {
        name: {k: [] for k in ("ready_s", "ready_mb", "cached_s", "cached_mb", "warm_s",
                               "warm_mb", "floor_s", "floor_mb", "big_s", "big_mb")}
        for name, _ in trees}
    with tempfile.TemporaryDirectory() as scratch:
        caches = {name: Path(scratch) / str(k) for k, (name, _) in enumerate(trees)}
        for name, tree in trees:  # the first start writes the cache (a tree without one: no-op)
            run([sys.executable, "-m", "bot", "match"], tree, str(caches[name]))
        for _ in range(args.repeat):
            for name, tree in trees:
                measure(tree, figures[name], caches[name])
    entries = 0
    for _ in range(max(1, (args.repeat + 1) // 2)):
        for name, tree in trees:
            entries = measure_index10(tree, figures[name])
    for name, tree in trees:
        f = {k: median(v) for k, v in figures[name].items()}
        print(f"{name} ({tree}):")
        print(f"  ready (python -m bot match, no input), building everything: "
              f"{f['ready_s']:.2f} s, peak RSS {f['ready_mb']:.0f} MB (median of {args.repeat})")
        print(f"  ready from the start-up cache (every start after the first with this "
              f"content and code): {f['cached_s']:.2f} s, peak RSS {f['cached_mb']:.0f} MB")
        print(f"  warm (ready + the danger examples): {f['warm_s']:.2f} s, "
              f"peak RSS {f['warm_mb']:.0f} MB")
        print(f"  floor (python + {FLOOR.removeprefix('import ')}): {f['floor_s']:.2f} s, "
              f"{f['floor_mb']:.0f} MB; ready / floor: time {f['ready_s'] / f['floor_s']:.1f}x,"
              f" memory {f['ready_mb'] / f['floor_mb']:.1f}x")
        print(f"  10x index ({entries} phrases): built in {f['big_s']:.2f} s, process peak "
              f"RSS {f['big_mb']:.0f} MB")
    if args.compare:
        mine = {k: median(v) for k, v in figures[trees[0][0]].items()}
        other = {k: median(v) for k, v in figures[trees[1][0]].items()}
        print("this tree / compared: " + ", ".join(
            f"{label} {mine[k] / other[k]:.2f}x" for label, k in (
                ("ready time", "ready_s"), ("ready memory", "ready_mb"),
                ("ready from cache", "cached_s"),
                ("10x build time", "big_s"), ("10x memory", "big_mb"))))


if __name__ == "__main__":
    main()
