"""The second danger check, by whole example messages: it votes where the signals
found nothing, and it may doubt a signal on an everyday look-alike."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from rapidfuzz import fuzz, process

from bot.brain import Brain, load_brain
from bot.dialogue.types import TextInput, UserState
from bot.matching.matcher import MatchResult
from bot.matching.normalize import normalize_key
from bot.matching.scripts import default_scripts
from bot.safety.examples import DangerExamples
from tests.content.test_validate import with_danger
from tests.safety.sets import MEASURING_SETS

DATA = Path(__file__).resolve().parent.parent / "data"

EXAMPLES = {"en": {
    "violence": ["my husband kicks me and slaps me every night when he is drunk",
                 "the supervisor grabbed my hair and pushed my head into the wall"],
    "not_danger": ["he will hit me with a pillow if i eat his cake haha",
                   "our football team got smashed and kicked out of the cup last night"],
}}


def nothing(text: str) -> MatchResult:
    """How a message no topic is like matches the topics."""
    return MatchResult(text, "fallback", None, 0.1, "en")


@pytest.fixture(scope="module")
def examples() -> DangerExamples:
    return DangerExamples(EXAMPLES, default_scripts())


def test_a_message_like_a_danger_example_gets_its_category(examples: DangerExamples) -> None:
    text = "husband drunk again, he kicks me and slaps me at night"
    assert examples.vote(text, nothing(text)) == "violence"


def test_a_message_like_a_look_alike_gets_no_vote(examples: DangerExamples) -> None:
    text = "our team got smashed again last night, kicked out of the cup"
    assert examples.vote(text, nothing(text)) is None


def test_an_ordinary_topic_it_matches_well_outvotes_the_examples(
        examples: DangerExamples) -> None:
    text = "husband drunk again, he kicks me and slaps me at night"
    answered = MatchResult(text, "answer", "wages_unpaid", 0.95, "en")
    assert examples.vote(text, answered) is None


def test_a_message_too_short_for_likeness_gets_no_vote(examples: DangerExamples) -> None:
    # "kicks me" is a window of a violence example; whole-message likeness needs more.
    assert examples.vote("kicks me", nothing("kicks me")) is None
    longer = "he kicks me and slaps me"
    assert examples.vote(longer, nothing(longer)) == "violence"


def test_unrelated_text_gets_no_vote(examples: DangerExamples) -> None:
    for text in ("how do i renew my work permit", "", "🙂", "a" * 1000):
        assert examples.vote(text, nothing(text)) is None


def test_doubt_only_where_a_look_alike_is_clearly_closer(examples: DangerExamples) -> None:
    assert examples.doubts("he will hit me with a pillow if i eat his cake")
    assert not examples.doubts("he hit me with a pipe, my head is bleeding")
    assert not examples.doubts("the supervisor hit me and pushed my head into the wall")


def test_only_look_alikes_the_signals_fire_on_can_doubt_them() -> None:
    """A plain everyday question among the look-alikes must not doubt danger told
    inside that very question (found on danger_dev7: a worker hit on the head)."""
    plain = {"en": {"violence": ["the supervisor hit my head with a stick"],
                    "not_danger": ["how do i change employer, what documents do i need"]}}
    text = "foreman hit my head yesterday, how do i change employer, what documents"
    unsplit = DangerExamples(plain, default_scripts())
    assert unsplit.doubts(text)  # what happens without knowing what the signals see
    split = DangerExamples(plain, default_scripts(), flagged=lambda t: "hit" in t)
    assert not split.doubts(text)
    # ...while it still competes in the vote, as any everyday message.
    assert split.vote("how do i change my employer, which documents", nothing("x")) is None


def test_no_examples_means_no_vote_and_no_doubt() -> None:
    empty = DangerExamples({}, default_scripts())
    assert len(empty) == 0
    assert empty.vote("he kicks me every night", nothing("x")) is None
    assert not empty.doubts("he will hit me with a pillow")


# -- in the engine, on a small content tree --------------------------------------------

@pytest.fixture
def mini_brain(mini_content: Path) -> Brain:
    root = with_danger(mini_content)  # signals 'hit me' and 'beat me en', number 1694
    lines = ["violence:", *(f"  - {t}" for t in EXAMPLES["en"]["violence"]),
             "not_danger:", *(f"  - {t}" for t in EXAMPLES["en"]["not_danger"])]
    (root / "en" / "_danger_examples.yaml").write_text("\n".join(lines) + "\n",
                                                       encoding="utf-8")
    return load_brain(root)


def test_the_vote_gives_the_danger_reply_at_once(mini_brain: Brain) -> None:
    text = "husband drunk again, he kicks me and slaps me at night"
    assert mini_brain.engine.danger.detect(text) == []  # no signal: the examples decide
    turn = mini_brain.engine.handle(UserState(language="en"), TextInput(text))
    assert "1694" in turn.replies[0].text
    assert "did you mean" not in turn.replies[0].text.lower()
    assert [e.topic for e in turn.events if e.kind == "danger"] == ["violence"]
    assert all(e.text is None for e in turn.events)  # danger messages are never kept


def test_a_doubted_signal_answers_as_usual_with_the_numbers_under_it(
        mini_brain: Brain) -> None:
    text = "he will hit me with a pillow if i eat his cake haha"
    assert mini_brain.engine.danger.detect(text) == ["violence"]
    turn = mini_brain.engine.handle(UserState(language="en"), TextInput(text))
    assert not [e for e in turn.events if e.kind == "danger"]
    assert "In danger? <b>1694</b>" in turn.replies[0].text  # the safety line, never nothing
    assert all(e.text is None for e in turn.events)  # flagged once: still not kept


def test_a_doubted_signal_in_an_answered_question_keeps_the_safety_line(
        mini_brain: Brain) -> None:
    engine = mini_brain.engine
    text = "boss did not pay me salary, he will hit me with a pillow haha"
    assert engine.danger.detect(text) == ["violence"]
    assert engine.danger_examples.doubts(text)
    turn = engine.handle(UserState(language="en"), TextInput(text))
    assert not [e for e in turn.events if e.kind == "danger"]
    assert [e.topic for e in turn.events if e.kind == "matched"] == ["wages_unpaid"]
    assert turn.replies[0].text.startswith("<b>Wages not paid</b>\n\nAsk <b>1694</b>")
    assert turn.replies[0].text.endswith("(please check this number)\n\nIn danger? <b>1694</b>")


# -- the shipped content, on a danger set it has never seen ---------------------------

def test_the_examples_catch_danger_the_signals_miss_without_new_hijacks(
        brain: Brain) -> None:
    """danger_dev7 is kept out of every example: the vote must add danger replies on
    it and hijack no look-alike the signals alone would not."""
    from bot.evaluate import read_eval_file
    from bot.evaluate_danger import evaluate_danger

    items, errors = read_eval_file(DATA / "danger_dev7.jsonl")
    assert not errors
    with_examples = evaluate_danger(brain.engine, items)
    engine = brain.engine
    saved = engine.danger_examples
    try:
        engine.danger_examples = DangerExamples({}, default_scripts())
        without = evaluate_danger(engine, items)
    finally:
        engine.danger_examples = saved
    assert with_examples.danger_reply_rate() >= without.danger_reply_rate() + 0.04
    assert with_examples.hijacked_count() <= without.hijacked_count()
    assert with_examples.caught_rate() >= 0.98


# The danger sets are written by helpers much like the ones who write examples, and
# two such writers can produce nearly the same sentence: an example that close to a
# measuring message would make the figure measure memory, not generalisation.
_NEAR_COPY = 75  # rapidfuzz ratio on normalised text; 75 still allows a shared scenario


@pytest.mark.parametrize("name", MEASURING_SETS)
def test_no_danger_example_nearly_copies_a_measuring_message(brain: Brain, name: str) -> None:
    examples = [normalize_key(e) for owners in brain.content.danger_examples.values()
                for texts in owners.values() for e in texts]
    rows = [normalize_key(json.loads(line)["text"])
            for line in (DATA / name).read_text(encoding="utf-8").splitlines()]
    closest = process.cdist(rows, examples, scorer=fuzz.ratio, workers=-1).max(axis=1)
    # Only a count: the blind set's messages are never printed, even by a failing test.
    assert int((closest >= _NEAR_COPY).sum()) == 0


def test_the_examples_are_built_once_on_first_use_or_by_warm_up(mini_content: Path) -> None:
    """Start-up does not wait for them; two threads asking at once get one build."""
    import threading

    brain = load_brain(with_danger(mini_content))
    engine = brain.engine
    assert engine._danger_examples.value is None  # not built by start-up
    seen: list[DangerExamples] = []
    threads = [threading.Thread(target=lambda: seen.append(engine.danger_examples))
               for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len({id(examples) for examples in seen}) == 1
    fresh = load_brain(with_danger(mini_content)).engine
    fresh.warm_up()
    assert fresh._danger_examples.value is not None


def test_a_reload_swaps_in_a_warm_engine(mini_content: Path) -> None:
    from bot.brain import BrainHolder, default_paths

    root = with_danger(mini_content)
    holder = BrainHolder(load_brain(root), root, default_paths()[1])
    assert holder.reload().engine._danger_examples.value is not None


def test_a_reload_that_would_hide_a_signal_is_refused(mini_content: Path) -> None:
    """What validate checks goes for a reload too: an idiom added that blanks a
    signal's own words keeps the old content live."""
    from bot.brain import BrainHolder, ContentError, default_paths

    root = with_danger(mini_content)
    holder = BrainHolder(load_brain(root), root, default_paths()[1])
    old = holder.brain
    danger_file = root / "en" / "_danger.yaml"
    danger_file.write_text(danger_file.read_text(encoding="utf-8").replace(
        "  - beat the heat", "  - hit me"), encoding="utf-8")
    with pytest.raises(ContentError) as refused:
        holder.reload()
    assert "signal 'hit me' can never fire" in str(refused.value.problems[0])
    assert holder.brain is old


def test_eval_says_which_check_decided(mini_brain: Brain) -> None:
    """Editors read in `migrant-bot eval` where to add a signal, an example or an idiom."""
    import io

    from bot.evaluate import EvalItem
    from bot.evaluate_danger import evaluate_danger, print_danger_report

    items = [EvalItem("en", "husband drunk again, he kicks me and slaps me at night",
                      "violence", "danger", 1),
             EvalItem("en", "he will hit me with a pillow if i eat his cake haha", None,
                      "lookalike", 2),
             EvalItem("en", "my boss hit me today", "violence", "danger", 3),
             EvalItem("en", "my husband kicks me and slaps me, in the drama on tv", None,
                      "lookalike", 4)]
    report = evaluate_danger(mini_brain.engine, items)
    assert (report.by_examples, report.by_examples_lookalike, report.doubted,
            report.doubted_danger) == (2, 1, 1, 0)
    out = io.StringIO()
    print_danger_report(report, out)
    assert "2 danger replies by their vote (1 of them on look-alikes); 1 signals doubted, " \
        "0 of them on danger" in out.getvalue()
