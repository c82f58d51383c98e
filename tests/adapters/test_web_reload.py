"""Reloading content while messages flow: POST /reload and SIGHUP, good and bad edits."""

from __future__ import annotations

import asyncio
import itertools
import logging
import os
import re
import shutil
import signal
import time
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path

import httpx
import pytest
import pytest_asyncio

from bot.adapters.telegram.application import App, build_application, service_of
from bot.adapters.telegram.serve import on_sighup, serve
from bot.brain import Brain, BrainHolder
from bot.dialogue.types import TextInput, UserState
from bot.ops.dblock import read_live_info
from tests.adapters.driver import POLL, bot_running, settings_for
from tests.adapters.samples import answered_example
from tests.adapters.web import free_port, samples, value
from tests.conftest import ROOT
from tests.fakes.bot_api import FakeBotAPI
from tests.fakes.updates import Updates

pytestmark = [pytest.mark.asyncio(loop_scope="module"), pytest.mark.timeout(90)]

FLOW = 30  # messages sent while a reload runs
_user_ids = itertools.count(60_001)


class Content:
    """A private copy of the shipped content, with one topic's answer to edit."""

    def __init__(self, root: Path, brain: Brain) -> None:
        found = answered_example(brain, "en")
        assert found, "the content has an English example the matcher answers"
        self.question, topic = found
        self.root = root
        self.file = root / "en" / f"{topic}.yaml"
        self.original = self.file.read_text(encoding="utf-8")

    def edit_answer(self, first_line: str) -> None:
        """Put ``first_line`` at the top of the topic's answer."""
        text = self.original.replace("answer: |\n", f"answer: |\n  {first_line}\n", 1)
        assert text != self.original
        self.file.write_text(text, encoding="utf-8")


@pytest.fixture(scope="module")
def content(brain: Brain, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Content]:
    root = tmp_path_factory.mktemp("reload") / "content"
    shutil.copytree(ROOT / "content", root)
    yield Content(root, brain)


@pytest.fixture(scope="module")
def own_holder(brain: Brain, content: Content) -> BrainHolder:
    """A holder of its own on the copy: reloading must not change other modules' brain."""
    return BrainHolder(brain, content.root, ROOT / "locales")


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def server(fake: FakeBotAPI, own_holder: BrainHolder,
                 tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[tuple[App, str]]:
    port = free_port()
    db = tmp_path_factory.mktemp("reload-db") / "bot.sqlite3"
    async with bot_running(fake, own_holder, db, health_port=port) as app:
        yield app, f"http://127.0.0.1:{port}"


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def client() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(timeout=30) as http:
        yield http


def answer_text(brain: Brain, question: str) -> str:
    """What a new English-speaking user gets for ``question`` from this brain."""
    return brain.engine.handle(UserState(), TextInput(question), "en").replies[0].text


async def flow(fake: FakeBotAPI, updates: Updates, question: str,
               during: asyncio.Task[httpx.Response]) -> tuple[list[str], bool]:
    """Send FLOW messages from FLOW users while ``during`` runs.

    Returns each user's one reply, and whether any reply came before ``during`` ended.
    """
    users = [next(_user_ids) for _ in range(FLOW)]
    mark = fake.call_count()
    for user in users:
        fake.add_update(updates.message(user, question, lang="en"))
    replied_early = False
    deadline = time.monotonic() + 30
    while True:
        replies = [c for c in fake.calls("sendMessage", since=mark) if c.ok]
        if not during.done() and replies:
            replied_early = True
        if {c.chat_id for c in replies} >= set(users) and during.done():
            break
        assert time.monotonic() < deadline, f"{len(replies)} of {FLOW} replies arrived"
        await asyncio.sleep(0.01)
    await asyncio.sleep(0.3)  # anything sent twice would show up now
    replies = [c for c in fake.calls("sendMessage", since=mark) if c.ok]
    by_user = {user: [c.text for c in replies if c.chat_id == user] for user in users}
    assert all(len(texts) == 1 for texts in by_user.values()), \
        {u: len(t) for u, t in by_user.items() if len(t) != 1}
    return [texts[0] for texts in by_user.values()], replied_early


async def test_a_valid_edit_is_served_without_losing_a_message(
        server: tuple[App, str], client: httpx.AsyncClient, fake: FakeBotAPI,
        updates: Updates, content: Content, own_holder: BrainHolder) -> None:
    old_brain = own_holder.brain
    old_text = answer_text(old_brain, content.question)
    content.edit_answer("Edited by NGO staff today.")
    reload = asyncio.create_task(client.post(f"{server[1]}/reload"))
    texts, replied_early = await flow(fake, updates, content.question, reload)
    response = reload.result()
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["ok"] is True and body["version"] != old_brain.version
    assert own_holder.brain.version == body["version"]
    new_text = answer_text(own_holder.brain, content.question)
    assert new_text != old_text and "Edited by NGO staff today." in new_text
    assert set(texts) <= {old_text, new_text}
    assert replied_early, "messages were answered while the reload was running"
    # From now on, the new text is what users get.
    later, _ = await flow(fake, updates, content.question, asyncio.create_task(_done()))
    assert set(later) == {new_text}
    health = (await client.get(f"{server[1]}/healthz")).json()
    assert health["content_version"] == body["version"]


async def test_an_invalid_edit_is_refused_and_the_old_content_keeps_answering(
        server: tuple[App, str], client: httpx.AsyncClient, fake: FakeBotAPI,
        updates: Updates, content: Content, own_holder: BrainHolder) -> None:
    serving = own_holder.brain
    serving_text = answer_text(serving, content.question)
    content.edit_answer("Call {contact:no_such_contact} now.")
    reload = asyncio.create_task(client.post(f"{server[1]}/reload"))
    texts, _ = await flow(fake, updates, content.question, reload)
    response = reload.result()
    assert response.status_code == 422, response.text
    body = response.json()
    assert body["ok"] is False and body["problems"]
    assert all(re.match(r"^\S+:\d+: .+", p) for p in body["problems"]), body["problems"]
    assert any(content.file.name in p and "no_such_contact" in p for p in body["problems"])
    assert own_holder.brain is serving
    assert set(texts) == {serving_text}


async def test_reloads_are_counted_and_the_version_is_exported(
        server: tuple[App, str], client: httpx.AsyncClient, own_holder: BrainHolder) -> None:
    metrics = samples((await client.get(f"{server[1]}/metrics")).text)
    assert value(metrics, "migrantbot_reloads_total", result="ok") == 1
    assert value(metrics, "migrantbot_reloads_total", result="failed") == 1
    assert value(metrics, "migrantbot_content_info", version=own_holder.brain.version) == 1


async def test_sighup_reloads_and_sigterm_stops(
        fake: FakeBotAPI, own_holder: BrainHolder, content: Content, tmp_path: Path,
        caplog: pytest.LogCaptureFixture) -> None:
    content.edit_answer("Edited again, applied by SIGHUP.")
    before = own_holder.brain.version
    db = tmp_path / "bot.sqlite3"
    app = build_application(settings_for(fake, db), own_holder)
    started, stop = asyncio.Event(), asyncio.Event()
    saved = {s: signal.getsignal(s) for s in (signal.SIGHUP, signal.SIGTERM, signal.SIGINT)}
    caplog.set_level(logging.INFO, logger="bot")
    task = asyncio.create_task(serve(app, stop=stop, started=started, poll_timeout=POLL))
    try:
        await asyncio.wait_for(started.wait(), 10)
        assert read_live_info(db) is not None
        if signal.getsignal(signal.SIGHUP) is not saved[signal.SIGHUP]:  # serve's handler
            os.kill(os.getpid(), signal.SIGHUP)
        else:  # not the main thread here: the handler itself, directly
            await on_sighup(service_of(app))
        await _until(lambda: "SIGHUP: reloaded" in caplog.text)
        assert own_holder.brain.version != before
        assert f"SIGHUP: reloaded: version {own_holder.brain.version}" in caplog.text
        if signal.getsignal(signal.SIGTERM) is not saved[signal.SIGTERM]:
            os.kill(os.getpid(), signal.SIGTERM)
        else:
            stop.set()
        await asyncio.wait_for(task, 15)
    finally:
        stop.set()
        await asyncio.wait_for(task, 15)
        for number, handler in saved.items():
            signal.signal(number, handler)
    assert read_live_info(db) is None, "the live lock is released after a stop"


async def test_a_bad_edit_on_sighup_is_logged_and_never_crashes(
        server: tuple[App, str], fake: FakeBotAPI, updates: Updates, content: Content,
        own_holder: BrainHolder, caplog: pytest.LogCaptureFixture,
        monkeypatch: pytest.MonkeyPatch) -> None:
    serving = own_holder.brain
    service = service_of(server[0])
    content.edit_answer("Call {contact:no_such_contact} now.")
    caplog.set_level(logging.INFO, logger="bot")
    result = await on_sighup(service)
    assert not result.ok and result.version == serving.version
    assert own_holder.brain is serving
    for problem in result.problems:
        assert f"SIGHUP: {problem}" in caplog.text
    # Not only content problems: an unreadable folder is logged the same way.
    monkeypatch.setattr(own_holder, "reload", _raise_permission_error)
    result = await on_sighup(service)
    assert not result.ok and result.problems == ["PermissionError: content is unreadable"]
    texts, _ = await flow(fake, updates, content.question, asyncio.create_task(_done()))
    assert set(texts) == {answer_text(serving, content.question)}


def _raise_permission_error() -> Brain:
    raise PermissionError("content is unreadable")


async def _until(condition: Callable[[], bool], timeout: float = 10) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        await asyncio.sleep(0.02)


async def _done() -> httpx.Response:
    return httpx.Response(200)
