"""The three outcomes, and matching that survives how people really type."""

from __future__ import annotations

from pathlib import Path

import myanmar.converter
import pytest

from bot.brain import Brain, load_brain
from bot.matching.normalize import fold_tones


@pytest.fixture(scope="module")
def mini(mini_content_module: Path) -> Brain:
    return load_brain(mini_content_module, Path("/nonexistent"))


@pytest.fixture(scope="module")
def mini_content_module(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from tests.conftest import mini_content

    return mini_content.__wrapped__(tmp_path_factory.mktemp("mini"))  # type: ignore[attr-defined]


def test_confident_answer(brain: Brain) -> None:
    result = brain.matcher.match("my boss keeps my passport")
    assert result.outcome == "answer"
    assert result.topic == "documents_held"
    assert result.language == "en"


def test_out_of_scope_falls_back(mini: Brain) -> None:
    result = mini.matcher.match("who won the football yesterday")
    assert result.outcome == "fallback"
    assert result.topic is None


def test_close_candidates_give_did_you_mean(mini: Brain) -> None:
    # One word from an example of each topic ("salary not paid", "extend my
    # permit"), equally rare: too close to call.
    result = mini.matcher.match("salary extend")
    assert result.outcome == "did_you_mean", result
    ids = {c.id for c in result.candidates}
    assert {"permit_renew", "wages_unpaid"} <= ids
    assert len(result.candidates) <= 3


def test_intent_is_recognised(brain: Brain) -> None:
    result = brain.matcher.match("hello")
    assert result.outcome == "answer" and result.topic == "greeting" and result.intent


def test_zawgyi_message_matches_like_unicode(brain: Brain) -> None:
    example = brain.content.texts["my"]["documents_held"].examples[0]
    zawgyi = myanmar.converter.convert(example, "unicode", "zawgyi")
    assert zawgyi != example
    unicode_result = brain.matcher.match(example)
    zawgyi_result = brain.matcher.match(zawgyi)
    assert zawgyi_result.topic == unicode_result.topic == "documents_held"


def test_vietnamese_without_tone_marks(brain: Brain) -> None:
    example = brain.content.texts["vi"]["wages_unpaid"].examples[0]
    result = brain.matcher.match(fold_tones(example))
    assert result.topic == "wages_unpaid"
    assert result.language == "vi"


def test_zero_width_spaces_do_not_break_matching(brain: Brain) -> None:
    # Khmer keyboards put U+200B between words; users paste it in odd places too.
    example = brain.content.texts["km"]["permit_renew"].examples[0]
    spaced = "\u200b" + example.replace(" ", "\u200b") + "\u200b\ufeff"
    assert brain.matcher.match(spaced).topic == brain.matcher.match(example).topic


@pytest.mark.parametrize("lang", ["en", "th", "my", "km", "lo", "vi"])
def test_every_title_finds_its_topic(brain: Brain, lang: str) -> None:
    wrong = []
    for topic_id, text in brain.content.texts[lang].items():
        result = brain.matcher.match(text.title)
        if result.topic != topic_id:
            wrong.append((topic_id, text.title, result.topic, result.outcome))
    assert len(wrong) <= 2, wrong


def test_odd_input_never_crashes(brain: Brain) -> None:
    for text in ["", "   ", "!!!", "😀😀", "a" * 5000, "\u200b\u200b", "<b>x</b>"]:
        result = brain.matcher.match(text)
        assert result.outcome in {"answer", "did_you_mean", "fallback"}


def test_out_of_scope_examples_lead_to_fallback(mini_content: Path) -> None:
    intents = mini_content / "en" / "_intents.yaml"
    intents.write_text(intents.read_text(encoding="utf-8")
                       + "out_of_scope:\n  examples: [football score salary league]\n",
                       encoding="utf-8")
    brain = load_brain(mini_content, Path("/nonexistent"))
    assert brain.problems == []
    result = brain.matcher.match("football score salary league")
    assert result.outcome == "fallback"
    assert result.topic is None
    assert all(c.id != "out_of_scope" for c in result.candidates)


def test_best_possible_is_never_below_what_ranking_gives(brain: Brain) -> None:
    """The bound lets the danger examples' vote skip ranking: it must hold for
    every message, or a danger message could be skipped."""
    from bot.matching.normalize import normalize

    matcher = brain.engine.danger_examples._matcher
    assert matcher is not None
    texts = [e for lang in brain.content.texts.values() for t in lang.values()
             for e in t.examples[:2]] + ["", "🙂", "help", "boss hit me", "a" * 300]
    for text in texts:
        norm = normalize(text)
        ranked = matcher.rank_normalized(norm)
        best = ranked[0].score if ranked else 0.0
        assert matcher.best_possible(norm) >= best, text
        danger = [c.score for c in ranked if not c.id.startswith("not_danger")]
        categories = frozenset({"self_harm", "medical", "violence", "trafficking",
                                "child_labour"})
        assert matcher.best_possible(norm, categories) >= max(danger, default=0.0), text
