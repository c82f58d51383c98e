"""The /stats numbers from the counters, and their message (pure, no Telegram)."""

from __future__ import annotations

import datetime as dt

from bot.app.admin import fit_message, fits, format_stats
from bot.content.markup import html_problems
from bot.content.render import MAX_MESSAGE
from bot.ops.stats import LanguageStats, Stats, collect_stats
from bot.storage import SqliteRepository, UserRecord

TODAY = dt.date(2026, 6, 10)


def days_ago(n: int) -> dt.date:
    return TODAY - dt.timedelta(days=n)


async def test_collect_stats(repo: SqliteRepository) -> None:
    for kind, lang, topic, day in [
        ("answer", "th", "permit_renew", TODAY), ("topic_shown", "th", "permit_renew", TODAY),
        ("fallback", "th", None, TODAY), ("did_you_mean", "en", None, days_ago(6)),
        ("fallback", "en", None, days_ago(6)), ("topic_shown", "en", "hotlines", days_ago(2)),
        ("topic_shown", "en", "hotlines", days_ago(3)), ("fallback", "km", None, days_ago(7)),
        ("topic_shown", "km", "wages_unpaid", days_ago(7)),
        ("answer", "xx", "greeting", TODAY),  # a language no longer in the content
        ("danger", "xx", "violence", days_ago(1)),  # a typed message too
    ]:
        await repo.add_activity(kind, lang, topic, day=day)
    await repo.add_feedback("permit_renew", "th", 1, day=TODAY)
    await repo.add_feedback("hotlines", "th", -1, day=days_ago(29))
    await repo.add_feedback("hotlines", "en", 1, day=days_ago(3))
    await repo.add_feedback("hotlines", "en", -1, day=days_ago(30))  # too old for /stats
    await repo.save_user(UserRecord(1, "th", None, days_ago(40), days_ago(29)))
    await repo.save_user(UserRecord(2, "en", None, days_ago(40), days_ago(30)))

    stats = await collect_stats(repo, TODAY, languages=("en", "th", "km"))
    assert stats.active_users == 1
    assert (stats.messages_today, stats.messages_week) == (3, 6)
    assert stats.top_topics == [("hotlines", 2), ("permit_renew", 1)]
    assert stats.languages == [LanguageStats("en", 2, 1, 1, 0),
                               LanguageStats("th", 2, 1, 1, 1),
                               LanguageStats("km", 0, 0, 0, 0),
                               LanguageStats("xx", 2, 0, 0, 0)]
    assert stats.languages[0].fallback_rate == 0.5
    assert stats.languages[2].fallback_rate is None


def test_the_stats_message_is_valid_html_within_the_limit() -> None:
    stats = Stats(TODAY, 12, 3, 40, [(f"topic_<{n}>", 100 - n) for n in range(10)],
                  [LanguageStats(lang, 20, 5, 3, 1) for lang in ("en", "th", "my")]
                  + [LanguageStats(None, 1, 1, 0, 0)])
    text = format_stats(stats)
    assert html_problems(text) == [] and fits(text)
    assert "topic_&lt;0&gt;" in text
    rows = [line.split() for line in text.split("<pre>")[2].removesuffix("</pre>")
            .splitlines()[1:]]
    assert rows[0] == ["en", "5/20", "25%", "3", "1"]
    assert rows[-1] == ["?", "1/1", "100%", "0", "0"]
    assert "topic_&lt;0&gt;    100\ntopic_&lt;1&gt;     99" in text, "aligned before escaping"


def test_fit_message_cuts_between_blocks() -> None:
    blocks = ["<b>head</b>", *(f"<i>{n:04d}</i> " + "x" * 90 for n in range(100))]
    text = fit_message(blocks)
    assert fits(text, MAX_MESSAGE) and html_problems(text) == []
    assert text.endswith("…(cut to fit one message)")
    assert fit_message(blocks[:3]) == "\n".join(blocks[:3])
    # Emoji count twice in Telegram's (UTF-16) length.
    assert not fits("😀" * 2049) and fits("😀" * 2048)
