"""Several bot replicas on one PostgreSQL database, end to end against the fake Bot API:
an update delivered to two replicas is answered once, a reload on one reaches all,
and polling stays single-process. Skipped visibly without a PostgreSQL server."""

from __future__ import annotations

import asyncio
import itertools
import shutil
import time
from collections.abc import AsyncIterator, Callable
from contextlib import AsyncExitStack
from pathlib import Path

import httpx
import pytest
import pytest_asyncio

from bot.adapters.telegram.application import App, build_application, service_of
from bot.adapters.telegram.runner import running
from bot.brain import Brain, BrainHolder
from bot.ops.dblock import AlreadyRunning
from tests.adapters.driver import POLL, settings_for
from tests.adapters.web import free_port
from tests.conftest import ROOT
from tests.fakes.bot_api import Call, FakeBotAPI
from tests.fakes.updates import Updates
from tests.storage.conftest import pg_database

pytestmark = [pytest.mark.asyncio(loop_scope="module"), pytest.mark.timeout(90)]

SECRET = "replica-secret_token"
_users = itertools.count(95_001)


@pytest_asyncio.fixture(loop_scope="module")
async def replicas(fake: FakeBotAPI, brain: Brain,
                   tmp_path: Path) -> AsyncIterator[tuple[list[App], list[str], Path]]:
    """Two webhook replicas on one database, sharing one content folder."""
    content = Path(shutil.copytree(ROOT / "content", tmp_path / "content"))
    async with AsyncExitStack() as stack:
        url = await stack.enter_async_context(pg_database())
        apps, hooks = [], []
        for _ in range(2):
            port = free_port()
            hook = f"http://127.0.0.1:{port}/hook"
            settings = settings_for(fake, tmp_path / "unused.sqlite3", database_url=url,
                                    bot_mode="webhook", webhook_url=hook,
                                    webhook_listen="127.0.0.1", webhook_port=port,
                                    webhook_secret_token=SECRET)
            holder = BrainHolder(brain, content, ROOT / "locales")
            app = build_application(settings, holder)
            await stack.enter_async_context(running(app, poll_timeout=POLL))
            apps.append(app)
            hooks.append(hook)
        yield apps, hooks, content


async def post(hook: str, update: dict[str, object]) -> int:
    async with httpx.AsyncClient(timeout=10) as http:
        response = await http.post(hook, json=update,
                                   headers={"X-Telegram-Bot-Api-Secret-Token": SECRET})
    return response.status_code


async def test_an_update_delivered_to_two_replicas_is_answered_once(
        replicas: tuple[list[App], list[str], Path], fake: FakeBotAPI,
        updates: Updates) -> None:
    _, hooks, _ = replicas
    for _ in range(10):
        user = next(_users)
        update = updates.message(user, "/menu")
        update["update_id"] = fake.next_update_id()
        mark = fake.call_count()
        codes = await asyncio.gather(post(hooks[0], update), post(hooks[1], update))
        assert codes == [200, 200]
        await fake.wait_for(_reply_to(user), since=mark)
        await asyncio.sleep(0.3)
        assert len([c for c in fake.calls(chat_id=user, since=mark)
                    if c.method == "sendMessage"]) == 1


def _reply_to(user: int) -> Callable[[Call], bool]:
    return lambda call: call.method == "sendMessage" and call.chat_id == user


async def test_one_users_state_is_shared_by_the_replicas(
        replicas: tuple[list[App], list[str], Path], fake: FakeBotAPI,
        updates: Updates) -> None:
    _, hooks, _ = replicas
    user = next(_users)
    pick = updates.callback(user, "l:km@en", 1)
    pick["update_id"] = fake.next_update_id()
    assert await post(hooks[0], pick) == 200  # chooses Khmer on replica 0
    await asyncio.sleep(0.5)
    update = updates.message(user, "/menu", lang="en")
    update["update_id"] = fake.next_update_id()
    mark = fake.call_count()
    assert await post(hooks[1], update) == 200  # ...and replica 1 answers in Khmer
    call = await fake.wait_for(lambda c: c.method == "sendMessage" and c.chat_id == user,
                               since=mark)
    assert any("\u1780" <= ch <= "\u17ff" for ch in call.text)


async def test_a_reload_on_one_replica_reaches_the_other(
        replicas: tuple[list[App], list[str], Path]) -> None:
    apps, _, content = replicas
    path = content / "en" / "permit_renew.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("examples:\n", "examples:\n  - replicas reload test\n", 1),
                    encoding="utf-8")
    first, second = service_of(apps[0]), service_of(apps[1])
    before = second.brain.version
    result = await first.reload("test")
    assert result.ok, result.problems
    deadline = time.monotonic() + 20
    while second.brain.version == before and time.monotonic() < deadline:
        await asyncio.sleep(0.1)
    assert second.brain.version == first.brain.version != before


async def test_polling_stays_single_process(fake: FakeBotAPI, holder: BrainHolder,
                                            tmp_path: Path) -> None:
    async with pg_database() as url:
        first = build_application(settings_for(fake, tmp_path / "a.sqlite3",
                                               database_url=url), holder)
        async with running(first, poll_timeout=POLL):
            second = build_application(settings_for(fake, tmp_path / "b.sqlite3",
                                                    database_url=url), holder)
            with pytest.raises(AlreadyRunning, match="polling mode"):
                async with running(second, poll_timeout=POLL):
                    pytest.fail("a second poller must not start")
