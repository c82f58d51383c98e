"""kill -9 with a backlog, then restart, in both modes: no update is lost (a short run of
benchmarks/bench_crash.py; updates in flight at the kill may be answered twice)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.conftest import ROOT


@pytest.mark.timeout(240)
def test_kill_9_with_a_backlog_loses_no_update() -> None:
    result = subprocess.run(
        [sys.executable, "benchmarks/bench_crash.py", "--mode", "both", "--updates", "120",
         "--kill-after", "2", "--json"], cwd=ROOT, capture_output=True, text=True, timeout=220)
    assert result.returncode == 0, result.stderr[-2000:]
    runs = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
    assert [r["mode"] for r in runs] == ["polling", "webhook"]
    for run in runs:
        # The kill landed with replies still owed, and none of them was lost.
        assert run["answered_before_kill"] < run["sent_before_kill"], run
        assert run["lost"] == 0, run
        # At most the updates in flight (16 at once, plus half a second of handled
        # updates not yet marked done) come twice.
        assert run["answered_twice"] <= 40, run
