"""Admin commands end to end: /stats, /unmatched, /reload; refused for everyone else."""

from __future__ import annotations

import datetime as dt
import logging
import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_asyncio

from bot.adapters.telegram.application import App
from bot.app.admin import fits
from bot.brain import Brain, BrainHolder
from bot.content.markup import html_problems
from bot.content.render import MAX_MESSAGE
from bot.dialogue.types import CommandInput, UserState
from bot.storage import UserRecord
from tests.adapters.driver import Chat, bot_running, message_id, pick_language, repo_of, sent
from tests.conftest import ROOT
from tests.fakes.bot_api import FakeBotAPI
from tests.fakes.updates import Updates

pytestmark = [pytest.mark.asyncio(loop_scope="module"), pytest.mark.timeout(90)]

ADMIN = 515151
GROUP = -1005151515


@pytest.fixture
def content(tmp_path: Path) -> Path:
    """A copy of the shipped content, so a test can break it."""
    return Path(shutil.copytree(ROOT / "content", tmp_path / "content"))


@pytest_asyncio.fixture(loop_scope="module")
async def app(fake: FakeBotAPI, brain: Brain, content: Path,
              tmp_path: Path) -> AsyncIterator[App]:
    """A bot of its own per test (fresh database): the statistics are exact."""
    holder = BrainHolder(brain, content, ROOT / "locales")
    async with bot_running(fake, holder, tmp_path / "bot.sqlite3",
                           admin_ids=(ADMIN,)) as running_app:
        yield running_app


def unknown_command(brain: Brain, name: str) -> str:
    """What the engine answers anyone for a command it does not know."""
    return brain.engine.handle(UserState(), CommandInput(name), "en").replies[0].text


def assert_valid(text: str) -> None:
    """Telegram would accept it: one message, well-formed HTML of its subset."""
    assert fits(text, MAX_MESSAGE)
    assert html_problems(text) == []


async def test_stats_counts_users_messages_topics_fallbacks_and_feedback(
        app: App, fake: FakeBotAPI, updates: Updates) -> None:
    today = dt.datetime.now(dt.UTC).date()
    english = Chat(fake, updates, 51_001, lang="en")
    await pick_language(english, "en")
    [answer] = sent(await english.send("my boss keeps my passport"))
    assert "f:documents_held:u" in answer.button_data()
    await english.press("f:documents_held:u", message_id(answer))
    assert sent(await english.send("zzqx qqzz"))  # not understood
    thai = Chat(fake, updates, 51_002, lang="th")
    await pick_language(thai, "th")
    assert sent(await thai.send("ผลบอลเมื่อคืนนี้"))  # not understood, detected Thai
    await thai.press("t:documents_held", 1)  # an answer shown by tapping, not typing
    await thai.press("f:documents_held:d", 1)
    # Yesterday (inside the week) and eight days ago (outside it), straight into storage;
    # and users who do not count as active: last seen too long ago, or blocked the bot.
    repo = repo_of(app)
    await repo.add_activity("fallback", "my", day=today - dt.timedelta(days=1))
    await repo.add_activity("topic_shown", "my", "hotlines", day=today - dt.timedelta(days=7))
    old = today - dt.timedelta(days=30)
    await repo.save_user(UserRecord(51_003, "km", None, old, old))
    await repo.save_user(UserRecord(51_004, "lo", None, today, today, active=False))

    [reply] = sent(await Chat(fake, updates, ADMIN).send("/stats"))
    text = reply.text
    assert_valid(text)
    assert "Active users (last 30 days): <b>2</b>" in text
    assert "Typed messages: today <b>3</b>, last 7 days <b>4</b>" in text
    assert "documents_held      2" in text
    assert "hotlines" not in text, "eight days ago is outside the week"
    rows = {line.split()[0]: line.split()[1:] for line in text.split("<pre>")[2]
            .removesuffix("</pre>").splitlines()[1:]}
    assert rows["en"] == ["1/2", "50%", "1", "0"]
    assert rows["th"] == ["1/1", "100%", "0", "1"]
    assert rows["my"] == ["1/1", "100%", "0", "0"]
    assert rows["vi"] == ["0/0", "–", "0", "0"], "every content language is listed"


async def test_unmatched_is_escaped_grouped_and_fits_one_message(
        app: App, fake: FakeBotAPI, updates: Updates) -> None:
    user = Chat(fake, updates, 51_011, lang="en")
    await pick_language(user, "en")
    for _ in range(2):
        await user.send("zzqx qqzz")
    repo = repo_of(app)
    await repo.add_unmatched("<b>boss</b> & <script>", "th")
    admin = Chat(fake, updates, ADMIN)

    [reply] = sent(await admin.send("/unmatched"))
    assert_valid(reply.text)
    assert "2× zzqx qqzz" in reply.text
    assert "1× &lt;b&gt;boss&lt;/b&gt; &amp; &lt;script&gt;" in reply.text
    assert reply.text.index("<b>en</b>") < reply.text.index("<b>th</b>")

    [reply] = sent(await admin.send("/unmatched th"))
    assert_valid(reply.text)
    assert "&lt;script&gt;" in reply.text and "zzqx" not in reply.text
    [reply] = sent(await admin.send("/unmatched xx"))
    assert "Unknown language <code>xx</code>" in reply.text

    # Long texts in every language: the list is cut between lines, never mid-tag.
    for lang in ("en", "th", "my", "km", "lo", "vi"):
        for n in range(12):
            await repo.add_unmatched(f"{n:02d} <{lang}> " + "ก" * 190, lang)
    [reply] = sent(await admin.send("/unmatched"))
    assert_valid(reply.text)
    assert reply.text.endswith("…(cut to fit one message)")


async def test_admin_commands_are_unknown_to_everyone_else(
        app: App, fake: FakeBotAPI, updates: Updates, brain: Brain,
        caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="bot.app.service")
    stranger = Chat(fake, updates, 51_021, lang="en")
    for command in ("stats", "unmatched", "reload"):
        [reply] = sent(await stranger.send(f"/{command} zq-typed-words"))
        assert reply.text == unknown_command(brain, command)
    # The admin, but in a group: the statistics are not for the group's eyes.
    in_group = Chat(fake, updates, ADMIN, group=GROUP)
    [reply] = sent(await in_group.send("/stats"))
    assert reply.text == unknown_command(brain, "stats")

    refused = [r.getMessage() for r in caplog.records if "refused admin command" in
               r.getMessage()]
    assert refused == [f"refused admin command /{c} from user 51021 (not an admin)"
                       for c in ("stats", "unmatched", "reload")] + \
        [f"refused admin command /stats from user {ADMIN} (not a private chat)"]
    assert not any("zq-typed-words" in r.getMessage() for r in caplog.records)


async def test_reload_reports_problems_escaped_then_reloads(
        app: App, fake: FakeBotAPI, updates: Updates, content: Path) -> None:
    admin = Chat(fake, updates, ADMIN)
    [reply] = sent(await admin.send("/reload"))
    assert reply.text.startswith("Reloaded: content version <code>")

    topic = content / "en" / "documents_held.yaml"
    good = topic.read_text(encoding="utf-8")
    topic.write_text(good.replace("answer: |", "answer: |\n  <b>unclosed & bare", 1),
                     encoding="utf-8")
    [reply] = sent(await admin.send("/reload"))
    assert reply.text.startswith("<b>Not reloaded</b>")
    assert "documents_held.yaml" in reply.text
    assert_valid(reply.text)
    # Still answering, with the previous content.
    assert sent(await Chat(fake, updates, 51_031).send("my boss keeps my passport"))

    topic.write_text(good, encoding="utf-8")
    [reply] = sent(await admin.send("/reload"))
    assert reply.text.startswith("Reloaded")
