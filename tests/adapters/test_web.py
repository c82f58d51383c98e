"""The HTTP server in polling mode: /healthz, /metrics, and /reload only from loopback."""

from __future__ import annotations

import itertools
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
import pytest_asyncio
from prometheus_client.exposition import CONTENT_TYPE_LATEST

from bot.adapters.telegram.application import App
from bot.adapters.telegram.web import database_problem, is_loopback
from bot.brain import Brain, BrainHolder
from tests.adapters.driver import Chat, bot_running, message_id, repo_of, sent
from tests.adapters.samples import answered_example, out_of_scope_text
from tests.adapters.web import free_port, non_loopback_address, samples, value
from tests.fakes.bot_api import FakeBotAPI
from tests.fakes.updates import Updates

pytestmark = [pytest.mark.asyncio(loop_scope="module"), pytest.mark.timeout(60)]

_user_ids = itertools.count(50_001)


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def server(fake: FakeBotAPI, holder: BrainHolder,
                 tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[tuple[App, str]]:
    """A polling bot with its health server; yields (app, base URL of the server)."""
    port = free_port()
    db = tmp_path_factory.mktemp("web") / "bot.sqlite3"
    # All addresses (loopback is the default): the reload test comes from another one.
    async with bot_running(fake, holder, db, health_port=port, health_listen="0.0.0.0") as app:
        yield app, f"http://127.0.0.1:{port}"


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def client() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(timeout=5) as http:
        yield http


async def test_healthz_is_ok_with_content_and_database(
        server: tuple[App, str], client: httpx.AsyncClient, brain: Brain) -> None:
    response = await client.get(f"{server[1]}/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok" and body["database"] == "ok"
    assert body["content_version"] == brain.version
    assert 0 <= body["uptime_seconds"] < 60


async def test_metrics_count_what_the_bot_did(
        server: tuple[App, str], client: httpx.AsyncClient, fake: FakeBotAPI,
        updates: Updates, brain: Brain) -> None:
    found = answered_example(brain, "en")
    assert found, "the content has an English example the matcher answers"
    question, topic = found
    user = Chat(fake, updates, next(_user_ids))
    [answer] = sent(await user.send(question))
    assert f"f:{topic}:u" in answer.button_data()
    await user.press(f"f:{topic}:u", message_id(answer))
    sent(await user.send(out_of_scope_text(brain, "en")))
    sent(await user.send("/menu"))

    response = await client.get(f"{server[1]}/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"] == CONTENT_TYPE_LATEST
    metrics = samples(response.text)
    assert value(metrics, "migrantbot_updates_total", kind="text") == 2
    assert value(metrics, "migrantbot_updates_total", kind="command") == 1
    assert value(metrics, "migrantbot_updates_total", kind="button") == 1
    assert value(metrics, "migrantbot_handler_seconds_count") == 4
    assert value(metrics, "migrantbot_replies_total", outcome="answer", topic=topic,
                 language="en") == 1
    assert value(metrics, "migrantbot_replies_total", outcome="fallback", topic="none",
                 language="en") == 1
    assert value(metrics, "migrantbot_fallbacks_total", language="en") == 1
    assert value(metrics, "migrantbot_topics_shown_total", topic=topic, language="en") == 1
    assert value(metrics, "migrantbot_feedback_total", topic=topic, language="en",
                 vote="up") == 1
    assert value(metrics, "migrantbot_content_info", version=brain.version) == 1


async def test_errors_are_counted_by_type(
        server: tuple[App, str], client: httpx.AsyncClient, fake: FakeBotAPI,
        updates: Updates) -> None:
    user = Chat(fake, updates, next(_user_ids))
    fake.fail("sendMessage", 400, "Bad Request: something odd", chat_id=user.user_id)
    calls = await user.send("/menu")
    assert sent(calls), "the user still hears from the bot (the error message)"
    metrics = samples((await client.get(f"{server[1]}/metrics")).text)
    assert value(metrics, "migrantbot_errors_total", type="BadRequest") == 1


async def test_reload_is_refused_from_other_addresses(
        server: tuple[App, str], client: httpx.AsyncClient) -> None:
    address = non_loopback_address()
    if address is None:
        pytest.skip("this machine has no address besides loopback")
    port = server[1].rsplit(":", 1)[1]
    response = await client.post(f"http://{address}:{port}/reload")
    assert response.status_code == 403
    assert response.json()["ok"] is False
    metrics = samples((await client.get(f"{server[1]}/metrics")).text)
    assert value(metrics, "migrantbot_reloads_total", result="ok") == 0


@pytest.mark.parametrize("address,expected", [
    ("127.0.0.1", True), ("127.8.9.10", True), ("::1", True), ("::ffff:127.0.0.1", True),
    ("10.0.0.5", False), ("172.17.0.1", False), ("::ffff:10.0.0.5", False),
    ("2001:db8::1", False), ("", False), (None, False), ("not an address", False),
])
async def test_only_loopback_counts_as_loopback(address: str | None, expected: bool) -> None:
    assert is_loopback(address) is expected


async def test_healthz_is_503_once_the_database_is_closed(
        fake: FakeBotAPI, holder: BrainHolder, client: httpx.AsyncClient,
        tmp_path: Path) -> None:
    port = free_port()
    async with bot_running(fake, holder, tmp_path / "bot.sqlite3", health_port=port) as app:
        url = f"http://127.0.0.1:{port}/healthz"
        assert (await client.get(url)).status_code == 200
        await repo_of(app).close()
        response = await client.get(url)
        assert response.status_code == 503
        assert response.json() == {"status": "unavailable", "reasons": ["database: closed"]}


async def test_the_database_check_without_a_repository() -> None:
    assert await database_problem(None) == "not open"
