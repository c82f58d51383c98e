"""Logs never show the bot token, nor what a user typed next to their id."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import AsyncIterator, Iterator

import pytest
import pytest_asyncio

from bot.adapters.telegram.application import App
from bot.adapters.telegram.logs import NOISY_LOGGERS, configure_logging
from bot.brain import BrainHolder
from tests.adapters.driver import LANGS, Chat, bot_running, pick_language, sent
from tests.fakes.bot_api import FakeBotAPI
from tests.fakes.updates import Updates

pytestmark = [pytest.mark.asyncio(loop_scope="module"), pytest.mark.timeout(60)]

SECRET_WORDS = "zq-private-words-xv"


class Logs:
    """Everything logged while the module's bot ran: at DEBUG and at INFO."""

    def __init__(self) -> None:
        self.debug = io.StringIO()
        self.info = io.StringIO()


@pytest.fixture(scope="module")
def logs(fake: FakeBotAPI) -> Iterator[Logs]:
    """Our logging set-up, as ``migrant-bot run`` installs it, writing to buffers."""
    root = logging.getLogger()
    saved = root.level, {name: logging.getLogger(name).level for name in NOISY_LOGGERS}
    captured = Logs()
    debug = configure_logging("DEBUG", "text", secrets=[fake.token], stream=captured.debug)
    info = configure_logging("DEBUG", "json", secrets=[fake.token], stream=captured.info)
    info.setLevel(logging.INFO)
    yield captured
    root.removeHandler(debug)
    root.removeHandler(info)
    root.setLevel(saved[0])
    for name, level in saved[1].items():
        logging.getLogger(name).setLevel(level)


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def app(logs: Logs, fake: FakeBotAPI, holder: BrainHolder,
              tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[App]:
    db = tmp_path_factory.mktemp("logging") / "bot.sqlite3"
    async with bot_running(fake, holder, db) as running_app:
        yield running_app


@pytest.mark.parametrize("lang", LANGS)
async def test_a_conversation_logs_neither_token_nor_text(
        app: App, logs: Logs, fake: FakeBotAPI, updates: Updates, lang: str) -> None:
    user = Chat(fake, updates, 60_001 + LANGS.index(lang), lang=lang)
    await pick_language(user, lang)
    assert sent(await user.send(f"{SECRET_WORDS} {lang}"))
    # An error (with a traceback) and a blocked user: both log the user id.
    fake.fail("sendMessage", 400, "Bad Request: test", chat_id=user.user_id)
    await user.send(f"{SECRET_WORDS} again")
    fake.fail("sendMessage", 403, "Forbidden: bot was blocked by the user",
              chat_id=user.user_id)
    await user.send(f"{SECRET_WORDS} blocked")

    debug = logs.debug.getvalue()
    assert "error while handling update" in debug, "the error was logged"
    assert fake.token not in debug
    assert fake.token.split(":")[1] not in debug
    info_lines = logs.info.getvalue().splitlines()
    assert any(str(user.user_id) in line for line in info_lines), "blocked user was logged"
    for line in info_lines:
        record = json.loads(line)
        assert fake.token not in line
        assert SECRET_WORDS not in record["message"]
        assert SECRET_WORDS not in record.get("exception", "")


async def test_http_libraries_are_held_at_warning(app: App, logs: Logs) -> None:
    for name in NOISY_LOGGERS:
        assert logging.getLogger(name).getEffectiveLevel() == logging.WARNING
