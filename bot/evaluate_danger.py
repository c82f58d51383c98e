"""``migrant-bot eval`` on a danger set: does a worker in danger get a fitting
number in the first reply, and do everyday idioms stay ordinary messages?

Lines are ``{"lang", "text", "kind": "danger", "category"}`` or
``{"lang", "text", "kind": "lookalike"}``. A danger message counts as caught
when the first reply's text holds a phone number of its category
(``content/danger.yaml`` ``numbers``), whichever path gave it (the danger reply,
an urgent topic, or the safety line under "did you mean" and "not understood").
The stricter figure, ``by danger reply``, counts only the danger check's own
reply: what the issue asks for, with no "did you mean" in between. A look-alike
counts as hijacked when the danger check fired on it.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import TextIO

from bot.dialogue.engine import Engine
from bot.dialogue.types import TextInput, UserState
from bot.evaluate import EvalItem

__all__ = ["DANGER_KINDS", "DangerReport", "evaluate_danger", "print_danger_report"]

DANGER_KINDS = frozenset({"danger", "lookalike"})


@dataclass
class DangerReport:
    danger: Counter[str] = field(default_factory=Counter)
    caught: Counter[str] = field(default_factory=Counter)
    by_danger_reply: Counter[str] = field(default_factory=Counter)
    lookalikes: Counter[str] = field(default_factory=Counter)
    hijacked: Counter[str] = field(default_factory=Counter)
    # Which check decided (for editors: where to add a signal, an example, an idiom).
    by_examples: int = 0      # danger replies given by the examples' vote
    by_examples_lookalike: int = 0  # ...of them, on look-alikes (the vote's hijacks)
    doubted: int = 0          # messages the signals flagged and the examples doubted
    doubted_danger: int = 0   # ...of them, danger messages (only the safety line)
    misses: list[tuple[EvalItem, list[str]]] = field(default_factory=list)
    hijacks: list[tuple[EvalItem, list[str]]] = field(default_factory=list)

    def caught_rate(self) -> float:
        total = sum(self.danger.values())
        return sum(self.caught.values()) / total if total else 1.0

    def danger_reply_rate(self) -> float:
        total = sum(self.danger.values())
        return sum(self.by_danger_reply.values()) / total if total else 1.0

    def hijacked_count(self) -> int:
        return sum(self.hijacked.values())


def evaluate_danger(engine: Engine, items: list[EvalItem]) -> DangerReport:
    phones = {c.id: [engine.content.contacts[n].phone or "" for n in c.numbers]
              for c in engine.content.danger_categories}
    report = DangerReport()
    for item in items:
        state = UserState(language=item.lang if item.lang in engine.content.languages else None)
        turn = engine.handle(state, TextInput(item.text))
        first = turn.replies[0].text if turn.replies else ""
        fired = [e.topic or "" for e in turn.events if e.kind == "danger"]
        found = engine.find_danger(item.text)
        voted = bool(found.categories) and not found.by_signals
        report.by_examples += voted
        report.by_examples_lookalike += voted and item.kind == "lookalike"
        report.doubted += found.doubted
        report.doubted_danger += found.doubted and item.kind == "danger"
        if item.kind == "danger":
            report.danger[item.lang] += 1
            wanted = phones.get(item.expect or "", [])
            if any(p and p in first for p in wanted):
                report.caught[item.lang] += 1
                if fired:
                    report.by_danger_reply[item.lang] += 1
            else:
                report.misses.append((item, fired))
        elif item.kind == "lookalike":
            report.lookalikes[item.lang] += 1
            if fired:
                report.hijacked[item.lang] += 1
                report.hijacks.append((item, fired))
    return report


def print_danger_report(report: DangerReport, out: TextIO, show: int = 60) -> None:
    out.write("danger set  language  fitting number in first reply  by danger reply  "
              "look-alikes hijacked\n")

    def row(name: str, caught: int, strict: int, total: int, hijacked: int,
            lookalikes: int) -> None:
        rate = f"{caught / total:6.1%}" if total else "     -"
        strict_rate = f"{strict / total:6.1%}" if total else "     -"
        out.write(f"            {name:8}  {caught:4}/{total:<4} {rate}               "
                  f"{strict_rate}           {hijacked:3}/{lookalikes}\n")

    for lang in sorted(set(report.danger) | set(report.lookalikes)):
        row(lang, report.caught[lang], report.by_danger_reply[lang], report.danger[lang],
            report.hijacked[lang], report.lookalikes[lang])
    row("all", sum(report.caught.values()), sum(report.by_danger_reply.values()),
        sum(report.danger.values()), report.hijacked_count(),
        sum(report.lookalikes.values()))
    out.write(f"\nthe second check (danger examples): {report.by_examples} danger replies "
              f"by their vote ({report.by_examples_lookalike} of them on look-alikes); "
              f"{report.doubted} signals doubted, {report.doubted_danger} of "
              f"them on danger messages\n")
    for title, rows in (("missed (category -> what fired)", report.misses),
                        ("hijacked look-alikes (what fired)", report.hijacks)):
        if rows and show:
            out.write(f"\n{title}:\n")
            for item, fired in rows[:show]:
                label = f"{item.expect} -> " if item.kind == "danger" else ""
                out.write(f"  {item.lang} {label}{','.join(fired) or 'none'}  {item.text}\n")
