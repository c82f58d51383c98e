"""The error handler's own paths: no user to tell, a blocked user, a failing send or storage."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
import pytest_asyncio
from telegram import Update
from telegram.error import BadRequest, Forbidden, NetworkError

from bot.adapters.telegram.errors import make_error_handler
from bot.app import BotService
from bot.brain import BrainHolder
from bot.dialogue.types import UserState
from bot.i18n.ui import ERROR_MESSAGE
from bot.storage import SqliteRepository
from tests.fakes.updates import Updates

pytestmark = pytest.mark.timeout(30)

USER = 5150


class StubBot:
    """Records send_message calls; raises ``fail`` instead when it is set."""

    def __init__(self, fail: Exception | None = None) -> None:
        self.sent: list[tuple[int, str]] = []
        self.fail = fail

    async def send_message(self, chat_id: int, text: str, **_: Any) -> None:
        if self.fail is not None:
            raise self.fail
        self.sent.append((chat_id, text))


@pytest_asyncio.fixture
async def services(holder: BrainHolder, tmp_path: Path) -> AsyncIterator[BotService]:
    found = BotService(holder)
    await found.start(await SqliteRepository.open(tmp_path / "bot.sqlite3"))
    yield found
    if found.repo is not None:
        await found.stop()


def update_from(user_id: int = USER, lang: str = "en") -> Update:
    return Update.de_json({"update_id": 77, **Updates().message(user_id, "hello", lang=lang)},
                          None)


async def handle(services: BotService, update: object, error: Exception,
                 bot: StubBot | None = None) -> StubBot:
    bot = bot or StubBot()
    await make_error_handler(services)(update, SimpleNamespace(error=error, bot=bot))  # type: ignore[arg-type]
    return bot


async def test_the_user_is_told_in_their_chosen_language(services: BotService) -> None:
    await services.sessions.save(USER, UserState(language="lo"))
    bot = await handle(services, update_from(lang="en"), BadRequest("boom"))
    assert bot.sent == [(USER, services.interface_text("lo", ERROR_MESSAGE))]
    # The emergency numbers come from content/contacts.yaml, not from the .po files.
    assert "<b>191</b>" in bot.sent[0][1] and "{phone:" not in bot.sent[0][1]
    assert b'migrantbot_errors_total{type="BadRequest"} 1.0' in services.metrics.exposition()


async def test_an_error_outside_an_update_is_logged_and_nobody_is_written_to(
        services: BotService, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.ERROR):
        bot = await handle(services, None, NetworkError("getUpdates failed"))
    assert bot.sent == []
    assert "error outside an update: NetworkError" in caplog.text


async def test_a_user_who_blocked_the_bot_is_marked_inactive_not_written_to(
        services: BotService) -> None:
    await services.sessions.save(USER, UserState(language="th"))
    bot = await handle(services, update_from(), Forbidden("bot was blocked by the user"))
    assert bot.sent == []
    record = await services.sessions.record(USER)
    assert record is not None and not record.active


async def test_a_failing_error_message_is_logged_not_raised(
        services: BotService, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING):
        await handle(services, update_from(), BadRequest("boom"),
                     StubBot(fail=NetworkError("down")))
    assert "could not send the error message: NetworkError" in caplog.text


async def test_when_storage_is_what_failed_the_client_language_is_used(
        services: BotService) -> None:
    assert services.repo is not None
    await services.repo.close()  # every read now fails
    bot = await handle(services, update_from(USER + 1, lang="vi"), RuntimeError("db gone"))
    assert bot.sent == [(USER + 1, services.interface_text("vi", ERROR_MESSAGE))]
    services.repo = None  # already closed
