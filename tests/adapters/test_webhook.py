"""End to end in webhook mode: the bot's own server, the webhook behind the secret token."""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import AsyncIterator

import httpx
import pytest
import pytest_asyncio

from bot.brain import Brain, BrainHolder
from bot.dialogue.types import CommandInput, UserState
from tests.adapters.driver import LANGS, bot_running
from tests.adapters.web import free_port
from tests.fakes.bot_api import FakeBotAPI
from tests.fakes.updates import Updates

pytestmark = [pytest.mark.asyncio(loop_scope="module"), pytest.mark.timeout(60)]

SECRET = "s3cret-Token_for_tests"
_user_ids = itertools.count(40_001)


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def hook(fake: FakeBotAPI, holder: BrainHolder,
               tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[str]:
    """Run the bot in webhook mode; yields the URL Telegram would post to."""
    port = free_port()
    url = f"http://127.0.0.1:{port}/telegram-hook"
    db = tmp_path_factory.mktemp("webhook") / "bot.sqlite3"
    async with bot_running(fake, holder, db, bot_mode="webhook", webhook_url=url,
                           webhook_listen="127.0.0.1", webhook_port=port,
                           webhook_secret_token=SECRET):
        yield url


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def client() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(timeout=5) as http:
        yield http


async def test_the_webhook_is_registered_with_the_secret(hook: str, fake: FakeBotAPI) -> None:
    registered = fake.webhook()
    assert registered["url"] == hook
    assert registered["secret_token"] == SECRET
    assert "message" in registered["allowed_updates"]


@pytest.mark.parametrize("lang", LANGS)
async def test_updates_with_the_secret_are_answered(
        hook: str, client: httpx.AsyncClient, fake: FakeBotAPI, updates: Updates,
        brain: Brain, lang: str) -> None:
    user = next(_user_ids)
    update = updates.message(user, "/menu", lang=lang)
    update["update_id"] = fake.next_update_id()
    mark = fake.call_count()
    response = await client.post(hook, json=update,
                                 headers={"X-Telegram-Bot-Api-Secret-Token": SECRET})
    assert response.status_code == 200
    call = await fake.wait_for(lambda c: c.method == "sendMessage" and c.chat_id == user,
                               since=mark)
    expected = brain.engine.handle(UserState(), CommandInput("menu"), lang)
    assert call.text == expected.replies[0].text


@pytest.mark.parametrize("headers", [{}, {"X-Telegram-Bot-Api-Secret-Token": "wrong"}],
                         ids=["missing", "wrong"])
async def test_updates_without_the_secret_are_rejected(
        hook: str, client: httpx.AsyncClient, fake: FakeBotAPI, updates: Updates,
        headers: dict[str, str]) -> None:
    user = next(_user_ids)
    update = updates.message(user, "/menu")
    update["update_id"] = fake.next_update_id()
    mark = fake.call_count()
    response = await client.post(hook, json=update, headers=headers)
    assert response.status_code == 403
    await asyncio.sleep(0.3)
    assert not fake.calls(chat_id=user, since=mark), "a rejected update is not processed"


async def test_a_body_that_is_no_update_is_a_bad_request(
        hook: str, client: httpx.AsyncClient) -> None:
    response = await client.post(hook, content=b"{not json",
                                 headers={"X-Telegram-Bot-Api-Secret-Token": SECRET})
    assert response.status_code == 400


async def test_health_and_metrics_share_the_webhook_port(
        hook: str, client: httpx.AsyncClient, brain: Brain) -> None:
    base = hook.rsplit("/", 1)[0]
    health = await client.get(f"{base}/healthz")
    assert health.status_code == 200
    assert health.json()["content_version"] == brain.version
    metrics = await client.get(f"{base}/metrics")
    assert metrics.status_code == 200
    assert 'migrantbot_updates_total{kind="command"} ' in metrics.text
    # Only the webhook path takes updates; nothing else on the port does.
    assert (await client.post(f"{base}/other-path", json={})).status_code == 404


async def test_an_update_delivered_twice_is_answered_once(
        hook: str, client: httpx.AsyncClient, fake: FakeBotAPI, updates: Updates) -> None:
    """Telegram (or a proxy) may post an update again: the inbox knows its id."""
    user = next(_user_ids)
    update = updates.message(user, "/menu")
    update["update_id"] = fake.next_update_id()
    mark = fake.call_count()
    for _ in range(3):
        response = await client.post(hook, json=update,
                                     headers={"X-Telegram-Bot-Api-Secret-Token": SECRET})
        assert response.status_code == 200
    await fake.wait_for(lambda c: c.method == "sendMessage" and c.chat_id == user, since=mark)
    await asyncio.sleep(0.5)
    assert len([c for c in fake.calls(chat_id=user, since=mark)
                if c.method == "sendMessage"]) == 1


async def test_an_unreadable_update_is_acknowledged_and_skipped(
        hook: str, client: httpx.AsyncClient, fake: FakeBotAPI, updates: Updates) -> None:
    """200, so Telegram stops re-sending it; the next update is answered as usual."""
    bad = {"update_id": fake.next_update_id(), "poll": {"id": "7"}}
    response = await client.post(hook, json=bad,
                                 headers={"X-Telegram-Bot-Api-Secret-Token": SECRET})
    assert response.status_code == 200
    user = next(_user_ids)
    update = updates.message(user, "/menu")
    update["update_id"] = fake.next_update_id()
    mark = fake.call_count()
    await client.post(hook, json=update, headers={"X-Telegram-Bot-Api-Secret-Token": SECRET})
    await fake.wait_for(lambda c: c.method == "sendMessage" and c.chat_id == user, since=mark)
