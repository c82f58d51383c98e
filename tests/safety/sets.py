"""The danger sets that measure: the blind set, and every dev set after the ones the
danger examples were written from (danger_dev to danger_dev6). A new dev set joins
the copy guards by being added to tests/data, not to a list in each test."""

from __future__ import annotations

from pathlib import Path

DATA = Path(__file__).resolve().parent.parent / "data"
_EXAMPLE_SOURCES = 6  # danger_dev (1) to danger_dev6


def _number(path: Path) -> int:
    return int(path.stem.removeprefix("danger_dev") or 1)


MEASURING_SETS = ["danger.jsonl", *(path.name for path in sorted(
    DATA.glob("danger_dev*.jsonl"), key=_number) if _number(path) > _EXAMPLE_SOURCES)]
