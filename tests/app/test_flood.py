"""Per-user flood limits: a burst is allowed, a flood is told once and then ignored."""

from __future__ import annotations

from bot.app.flood import FloodGuard, Verdict
from bot.brain import Brain
from bot.content.markup import telegram_length
from bot.i18n.ui import FLOOD_MESSAGE


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_burst_is_allowed_then_one_notice_then_silence() -> None:
    clock = Clock()
    guard = FloodGuard(burst=3, refill_seconds=2.0, clock=clock)
    verdicts = [guard.check(1) for _ in range(6)]
    assert verdicts == [Verdict.ALLOW] * 3 + [Verdict.NOTICE, Verdict.DROP, Verdict.DROP]


def test_the_budget_refills_with_time_and_a_new_flood_is_told_again() -> None:
    clock = Clock()
    guard = FloodGuard(burst=2, refill_seconds=2.0, clock=clock)
    assert [guard.check(1) for _ in range(3)] == [Verdict.ALLOW, Verdict.ALLOW, Verdict.NOTICE]
    clock.now += 1.9
    assert guard.check(1) is Verdict.DROP  # not yet one whole update back
    clock.now += 0.2
    assert guard.check(1) is Verdict.ALLOW
    assert guard.check(1) is Verdict.NOTICE  # told again: this is a new flood
    clock.now += 3600
    assert [guard.check(1) for _ in range(3)] == [Verdict.ALLOW, Verdict.ALLOW, Verdict.NOTICE]


def test_users_have_budgets_of_their_own() -> None:
    guard = FloodGuard(burst=1, refill_seconds=60, clock=Clock())
    assert guard.check(1) is Verdict.ALLOW
    assert guard.check(1) is Verdict.NOTICE
    assert guard.check(2) is Verdict.ALLOW


def test_a_steady_human_pace_is_never_limited() -> None:
    clock = Clock()
    guard = FloodGuard(clock=clock)  # the bot's defaults
    for _ in range(500):  # a press every 1.5 s for over 12 minutes
        assert guard.check(1) is Verdict.ALLOW
        clock.now += 1.5


def test_memory_is_bounded_by_forgetting_the_least_recent_user() -> None:
    guard = FloodGuard(burst=1, refill_seconds=60, max_users=2, clock=Clock())
    guard.check(1)
    guard.check(2)
    guard.check(1)  # user 1 is now the most recent (and over the limit)
    guard.check(3)  # user 2, the least recent, is forgotten; 1 and 3 are kept
    assert guard.check(1) is Verdict.DROP  # still remembered as over the limit
    assert guard.check(2) is Verdict.ALLOW  # forgotten: a fresh budget


def test_the_notice_fits_a_button_toast_in_every_language(brain: Brain) -> None:
    # After a button press the notice is the callback answer, which Telegram caps at 200.
    for lang in brain.content.languages:
        notice = brain.catalogs.gettext(lang, FLOOD_MESSAGE)
        assert telegram_length(notice) <= 200, lang
        assert lang == "en" or notice != FLOOD_MESSAGE, f"{lang} is not translated"


def test_forget_drops_the_users_counter() -> None:
    guard = FloodGuard(burst=1, refill_seconds=60, clock=Clock())
    guard.check(1)
    assert 1 in guard
    guard.forget(1)
    guard.forget(2)  # unknown: nothing to do
    assert 1 not in guard
    assert guard.check(1) is Verdict.ALLOW
