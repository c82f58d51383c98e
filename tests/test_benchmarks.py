"""The throughput benchmark still runs end to end (a smoke run; its figures are not judged)."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from tests.conftest import ROOT


@pytest.mark.timeout(240)
def test_the_throughput_benchmark_runs_and_prints_its_table() -> None:
    result = subprocess.run(
        [sys.executable, "benchmarks/bench_throughput.py", "--updates", "20", "--warmup", "4",
         "--repeat", "1"], cwd=ROOT, capture_output=True, text=True, timeout=220)
    assert result.returncode == 0, result.stderr[-2000:]
    rows = re.findall(r"^(polling|webhook)\s+(text|buttons)\s+\d+\s+\d+\s+[\d.]+", result.stdout,
                      re.MULTILINE)
    assert sorted(rows) == [("polling", "buttons"), ("polling", "text"),
                            ("webhook", "buttons"), ("webhook", "text")], result.stdout
    assert "ratio ours/echo: mean" in result.stdout
    assert re.search(r"ratio ours/rich echo: mean [\d.]+, min [\d.]+ \((meets|below) the 0.8",
                     result.stdout), result.stdout


def test_the_engine_benchmark_prints_its_three_workloads() -> None:
    result = subprocess.run([sys.executable, "benchmarks/bench_engine.py", "--repeat", "1"],
                            cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    for workload in ("typed text", "worded", "buttons"):
        assert re.search(rf"^{workload}:\s+[\d.]+ ms per turn", result.stdout, re.MULTILINE), \
            result.stdout


@pytest.mark.timeout(240)
def test_the_startup_benchmark_runs_and_prints_its_figures() -> None:
    result = subprocess.run(
        [sys.executable, "benchmarks/bench_startup.py", "--repeat", "1"], cwd=ROOT,
        capture_output=True, text=True, timeout=220)
    assert result.returncode == 0, result.stderr[-2000:]
    assert re.search(r"ready \(python -m bot match, no input\), building everything: "
                     r"[\d.]+ s, peak RSS \d+ MB", result.stdout), result.stdout
    assert re.search(r"ready from the start-up cache .*: [\d.]+ s, peak RSS \d+ MB",
                     result.stdout), result.stdout
    assert re.search(r"warm \(ready \+ the danger examples\): [\d.]+ s, peak RSS \d+ MB",
                     result.stdout), result.stdout
    assert re.search(r"10x index \(\d+ phrases\): built in [\d.]+ s, process peak RSS \d+ MB",
                     result.stdout), result.stdout
