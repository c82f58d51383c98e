"""Faults, end to end with the real bot against the fake Bot API: outages, slowness, an
unreadable update, and storage that fails under the running bot. Nothing is lost,
nothing is answered twice, and the worker still gets an answer."""

from __future__ import annotations

import asyncio
import logging
import sqlite3
import time
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
import pytest_asyncio

from bot.adapters.telegram.application import App, build_application, service_of
from bot.adapters.telegram.ratelimit import ResilientRateLimiter
from bot.adapters.telegram.runner import running
from bot.brain import BrainHolder
from tests.adapters.driver import POLL, Chat, sent, settings_for
from tests.adapters.web import free_port, samples, value
from tests.fakes.bot_api import FakeBotAPI
from tests.fakes.updates import Updates

# PTB itself reads RetryAfter.retry_after, which warns about its future type.
pytestmark = [pytest.mark.asyncio(loop_scope="module"), pytest.mark.timeout(120),
              pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")]


@pytest_asyncio.fixture(loop_scope="module")
async def bot(fake: FakeBotAPI, holder: BrainHolder,
              tmp_path: Path) -> AsyncIterator[tuple[App, str]]:
    """A bot of its own per test (faults must not leak), with its health server."""
    port = free_port()
    settings = settings_for(fake, tmp_path / "bot.sqlite3", health_port=port,
                            send_give_up_seconds=60)
    # The production limiter, with a shorter backoff cap so the tests stay quick.
    limiter = ResilientRateLimiter(give_up_after=60, max_backoff=1.0)
    app = build_application(settings, holder, rate_limiter=limiter)
    limiter.on_give_up = service_of(app).metrics.record_send_given_up
    async with running(app, poll_timeout=POLL):
        yield app, f"http://127.0.0.1:{port}"


async def answers(fake: FakeBotAPI, chat_ids: list[int], since: int,
                  timeout: float = 60) -> dict[int, int]:
    """Wait until every chat got at least one reply; return replies per chat."""
    deadline = time.monotonic() + timeout
    while True:
        counts = {c: len(sent(fake.calls(chat_id=c, since=since))) for c in chat_ids}
        if all(counts.values()) or time.monotonic() > deadline:
            return counts
        await asyncio.sleep(0.1)


async def metrics(base: str) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    async with httpx.AsyncClient(timeout=5) as http:
        return samples((await http.get(f"{base}/metrics")).text)


async def health(base: str) -> dict[str, object]:
    async with httpx.AsyncClient(timeout=10) as http:
        response = await http.get(f"{base}/healthz")
    body = response.json()
    assert isinstance(body, dict)
    return body


# -- the Bot API fails ------------------------------------------------------------------
@pytest.mark.parametrize(("status", "description", "parameters", "seconds"), [
    (502, "Bad Gateway", None, 10),
    (429, "Too Many Requests: retry after 3", {"retry_after": 3}, 12),
])
async def test_an_outage_of_sendmessage_loses_no_reply(
        bot: tuple[App, str], fake: FakeBotAPI, updates: Updates, status: int,
        description: str, parameters: dict[str, int] | None, seconds: float) -> None:
    mark = fake.call_count()
    fake.outage("sendMessage", status, description, seconds, parameters=parameters)
    users = [Chat(fake, updates, 81_000 + status * 10 + i) for i in range(5)]
    for user in users:
        fake.add_update(updates.message(user.user_id, "/menu"))
    counts = await answers(fake, [u.user_id for u in users], mark, timeout=seconds + 30)
    assert counts == {u.user_id: 1 for u in users}, "each reply once, none lost"
    found = await metrics(bot[1])
    assert value(found, "migrantbot_sends_given_up_total", method="sendMessage") == 0


async def test_a_slow_bot_api_causes_no_double_replies(
        bot: tuple[App, str], fake: FakeBotAPI, updates: Updates) -> None:
    user = Chat(fake, updates, 82_001)
    fake.slow_down("sendMessage", delay=7, seconds=8)
    mark = fake.call_count()
    fake.add_update(updates.message(user.user_id, "/menu"))
    await answers(fake, [user.user_id], mark, timeout=30)
    await asyncio.sleep(9)  # a retry would have come by now
    assert len(sent(fake.calls(chat_id=user.user_id, since=mark))) == 1


async def test_polling_answers_within_seconds_after_a_long_outage(
        bot: tuple[App, str], fake: FakeBotAPI, updates: Updates) -> None:
    fake.outage("getUpdates", 502, "Bad Gateway", 20)
    await asyncio.sleep(20)
    user = Chat(fake, updates, 82_002)
    mark = fake.call_count()
    fake.add_update(updates.message(user.user_id, "/menu"))
    started = time.monotonic()
    await answers(fake, [user.user_id], mark, timeout=30)
    assert time.monotonic() - started < 5


async def test_an_unreadable_update_is_skipped_and_polling_goes_on(
        bot: tuple[App, str], fake: FakeBotAPI, updates: Updates,
        caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO)
    # A poll without the fields a newer Bot API made required: PTB cannot read it.
    bad = fake.add_update({"poll": {"id": "5", "secret": "zq-hidden-words"}})
    users = [Chat(fake, updates, 83_000 + i) for i in range(20)]
    mark = fake.call_count()
    for user in users:
        fake.add_update(updates.message(user.user_id, "/menu"))
    counts = await answers(fake, [u.user_id for u in users], mark)
    assert all(counts.values()), "every later message is answered"
    lines = [r.getMessage() for r in caplog.records if str(bad) in r.getMessage()]
    assert len(lines) == 1 and "cannot be read" in lines[0]
    assert "zq-hidden-words" not in caplog.text
    found = await metrics(bot[1])
    assert value(found, "migrantbot_intake_total", event="skipped") == 1


# -- storage fails under the running bot ---------------------------------------------
async def test_a_write_locked_database_still_answers_and_reports_degraded(
        bot: tuple[App, str], fake: FakeBotAPI, updates: Updates) -> None:
    app, base = bot
    db_path = service_of(app).database
    blocker = sqlite3.connect(db_path, timeout=1, isolation_level=None)
    blocker.execute("BEGIN EXCLUSIVE")  # longer than the bot's busy timeout (5 s)
    try:
        user = Chat(fake, updates, 85_001)
        mark = fake.call_count()
        fake.add_update(updates.message(user.user_id, "work permit"))
        counts = await answers(fake, [user.user_id], mark, timeout=40)
        assert counts[user.user_id] >= 1
        [reply] = sent(fake.calls(chat_id=user.user_id, since=mark))
        assert "went wrong" not in reply.text  # the answer, not an error message
        # While the lock holds, the database is reported (writes failing, or not
        # answering at all while a write waits for the lock).
        state = await health(base)
        assert state["status"] in ("degraded", "unavailable"), state
        assert "database" in str(state["reasons"])
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()
    # Recovers by itself once writes work again (after `recent` seconds without a
    # failure; a minute in production).
    service_of(app).storage_health.recent = 2.0
    await asyncio.sleep(2)
    user = Chat(fake, updates, 85_002)
    mark = fake.call_count()
    fake.add_update(updates.message(user.user_id, "/menu"))
    await answers(fake, [user.user_id], mark)
    await asyncio.sleep(1)
    assert (await health(base))["status"] == "ok"
    found = await metrics(base)
    assert sum(v for (name, _), v in found.items()
               if name == "migrantbot_storage_errors_total") >= 1
    # The state changed while the lock held was kept and written once it went.
    await service_of(app).sessions.flush()
    record = await service_of(app).sessions.repo.get_user(85_001)
    assert record is not None


async def test_a_full_disk_still_answers_every_message(
        bot: tuple[App, str], fake: FakeBotAPI, updates: Updates) -> None:
    """SQLite's page limit stands in for a full disk: every write needing space fails."""
    app, base = bot
    repo = service_of(app).repo
    db = repo._db  # type: ignore[union-attr]  # the bot's own connection
    async with db.execute("PRAGMA page_count") as cur:
        row = await cur.fetchone()
    await db.execute(f"PRAGMA max_page_count = {int(row[0])}")
    users = [Chat(fake, updates, 88_000 + i) for i in range(40)]
    mark = fake.call_count()
    for user in users:
        fake.add_update(updates.message(user.user_id, "my salary was not paid " * 8))
    counts = await answers(fake, [u.user_id for u in users], mark)
    replies = [c.text for c in sent(fake.calls(since=mark))]
    assert all(counts.values()) and len(replies) == 40
    assert not any("went wrong" in text for text in replies)
    found = await metrics(base)
    assert sum(v for (name, _), v in found.items()
               if name == "migrantbot_storage_errors_total") >= 1
    state = await health(base)
    assert state["status"] == "degraded", state
    await db.execute("PRAGMA max_page_count = 1073741823")  # space again


async def test_a_deleted_database_file_is_noticed_and_opened_again(
        bot: tuple[App, str], fake: FakeBotAPI, updates: Updates) -> None:
    app, base = bot
    path = Path(service_of(app).database)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    user = Chat(fake, updates, 86_001)
    mark = fake.call_count()
    fake.add_update(updates.message(user.user_id, "/menu"))
    await answers(fake, [user.user_id], mark)
    await asyncio.sleep(1)
    assert path.exists(), "a new database file was created"
    # The user's row went to the new file, not to the deleted one.
    with sqlite3.connect(path) as db:
        rows = db.execute("SELECT COUNT(*) FROM users WHERE user_id = ?",
                          (user.user_id,)).fetchone()
    assert rows == (1,)
    assert (await health(base))["status"] == "ok"
    found = await metrics(base)
    assert value(found, "migrantbot_storage_errors_total", operation="file_removed") == 1


async def test_forget_leaves_no_trace_of_the_user_in_the_files(
        bot: tuple[App, str], fake: FakeBotAPI, updates: Updates) -> None:
    app, _ = bot
    user = Chat(fake, updates, 87_654_321)
    await user.send("work permit")
    await user.send("/forget")
    await asyncio.sleep(1.5)  # the inbox writes handled updates within a second
    path = Path(service_of(app).database)
    stored = b"".join(p.read_bytes() for p in (path, Path(f"{path}-wal")) if p.exists())
    assert b"87654321" not in stored
    assert await service_of(app).sessions.record(user.user_id) is None
