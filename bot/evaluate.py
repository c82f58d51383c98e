"""``migrant-bot eval``: top-1 accuracy of the matcher on a labelled JSONL set."""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from bot.matching.matcher import Matcher

__all__ = ["EvalReport", "evaluate", "read_eval_file"]


@dataclass
class EvalItem:
    lang: str
    text: str
    expect: str | None
    kind: str | None
    line: int


@dataclass
class EvalReport:
    total: Counter[str] = field(default_factory=Counter)
    correct: Counter[str] = field(default_factory=Counter)
    by_kind_total: Counter[str] = field(default_factory=Counter)
    by_kind_correct: Counter[str] = field(default_factory=Counter)
    outcomes: Counter[str] = field(default_factory=Counter)
    confusions: list[tuple[EvalItem, str | None, str]] = field(default_factory=list)

    def accuracy(self, lang: str) -> float:
        return self.correct[lang] / self.total[lang] if self.total[lang] else 0.0

    def kind_accuracy(self, kind: str) -> float:
        total = self.by_kind_total[kind]
        return self.by_kind_correct[kind] / total if total else 0.0


def read_eval_file(path: Path) -> tuple[list[EvalItem], list[str]]:
    items: list[EvalItem] = []
    errors: list[str] = []
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not raw.strip() or raw.lstrip().startswith("#"):
            continue
        try:
            obj = json.loads(raw)
            # Danger sets name the category the message shows; it is what they expect.
            expect = obj.get("expect", obj.get("category"))
            items.append(EvalItem(str(obj["lang"]), str(obj["text"]), expect,
                                  obj.get("kind"), number))
        except (ValueError, KeyError, TypeError) as exc:
            errors.append(f"{path}:{number}: not a valid eval line ({exc})")
    return items, errors


def evaluate(matcher: Matcher, items: list[EvalItem]) -> EvalReport:
    report = EvalReport()
    for item in items:
        result = matcher.match(item.text)
        got = result.topic if result.outcome == "answer" else None
        ok = got == item.expect
        kind = item.kind or ("out_of_scope" if item.expect is None else "topic")
        report.total[item.lang] += 1
        report.by_kind_total[kind] += 1
        report.outcomes[result.outcome] += 1
        if ok:
            report.correct[item.lang] += 1
            report.by_kind_correct[kind] += 1
        else:
            best = result.candidates[0].id if result.candidates else None
            report.confusions.append((item, best, result.outcome))
    return report


def print_report(report: EvalReport, out: TextIO, show_confusions: int = 60) -> None:
    out.write("language  correct/total  top-1\n")
    for lang in sorted(report.total):
        out.write(f"{lang:8}  {report.correct[lang]:4}/{report.total[lang]:<6}  "
                  f"{report.accuracy(lang):6.1%}\n")
    all_total = sum(report.total.values())
    all_correct = sum(report.correct.values())
    if all_total:
        out.write(f"{'all':8}  {all_correct:4}/{all_total:<6}  {all_correct / all_total:6.1%}\n")
    if report.by_kind_total:
        out.write("\nkind            correct/total  rate\n")
        for kind in sorted(report.by_kind_total):
            out.write(f"{kind:14}  {report.by_kind_correct[kind]:4}/"
                      f"{report.by_kind_total[kind]:<6}  {report.kind_accuracy(kind):6.1%}\n")
    out.write("\noutcomes: " + ", ".join(f"{k} {v}" for k, v in sorted(report.outcomes.items()))
              + "\n")
    if report.confusions and show_confusions:
        shown = min(show_confusions, len(report.confusions))
        out.write(f"\nconfusions (showing {shown} of {len(report.confusions)}): "
                  f"expected -> got [outcome]\n")
        grouped: dict[str, list[str]] = defaultdict(list)
        for item, best, outcome in report.confusions[:show_confusions]:
            grouped[item.lang].append(f"  {item.expect} -> {best} [{outcome}]  {item.text}")
        for lang in sorted(grouped):
            out.write(f"{lang}:\n" + "\n".join(grouped[lang]) + "\n")
