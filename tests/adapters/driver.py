"""Drive the real bot through the fake Bot API: start it, talk to it, read its calls."""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from bot.adapters.telegram.application import App, build_application, service_of
from bot.adapters.telegram.runner import running
from bot.brain import BrainHolder
from bot.config import Settings
from bot.storage import Repository, UserRecord
from tests.fakes.bot_api import Call, FakeBotAPI
from tests.fakes.updates import Updates

LANGS = ("en", "th", "my", "km", "lo", "vi")
POLL = dt.timedelta(seconds=1)
# Every environment variable the bot reads (pydantic-settings: field names, upper case).
# The installed command, as an operator runs it.
CLI = Path(sys.executable).parent / "migrant-bot"
SETTING_VARS = tuple(name.upper() for name in Settings.model_fields)


def env_without_settings(**values: str) -> dict[str, str]:
    """This process's environment minus every bot setting, plus ``values`` (for a child)."""
    env = {k: v for k, v in os.environ.items() if k.upper() not in SETTING_VARS}
    env.update(values)
    return env


def settings_for(fake: FakeBotAPI, db: Path, **overrides: Any) -> Settings:
    """Settings pointing the bot at the fake (constructed, not read from the env).

    No health server unless asked for: modules run several bots, and 8080 may be taken.
    """
    values: dict[str, Any] = {"telegram_bot_token": fake.token,
                              "telegram_base_url": fake.base_url, "database_path": db,
                              "health_port": 0}
    values.update(overrides)
    return Settings(**values)


@asynccontextmanager
async def bot_running(fake: FakeBotAPI, holder: BrainHolder, db: Path,
                      **overrides: Any) -> AsyncIterator[App]:
    """The real PTB application, started against the fake, stopped afterwards."""
    app = build_application(settings_for(fake, db, **overrides), holder)
    async with running(app, poll_timeout=POLL):
        yield app


def repo_of(app: App) -> Repository:
    """The running application's repository."""
    repo = service_of(app).repo
    assert repo is not None
    return repo


async def stored_user(app: App, user_id: int) -> UserRecord | None:
    """The user's record as the database holds it once the waiting state is written:
    with SQLite, state is written in batches a tenth of a second after a change, so
    reading the repository at once raced the batch (a test failed now and then)."""
    await service_of(app).sessions.flush()
    return await repo_of(app).get_user(user_id)


class Chat:
    """One user in a private chat (or in ``group``) talking to the bot."""

    def __init__(self, fake: FakeBotAPI, updates: Updates, user_id: int,
                 lang: str | None = "en", group: int | None = None) -> None:
        self.fake = fake
        self.updates = updates
        self.user_id = user_id
        self.lang = lang
        self.chat_id = group if group is not None else user_id
        self.chat = updates.chat(group, "supergroup") if group is not None else None

    async def send(self, text: str, **extra: Any) -> list[Call]:
        """Type a message; return the bot's calls about this chat."""
        return await self.inject(self.updates.message(self.user_id, text, lang=self.lang,
                                                      chat=self.chat, **extra))

    async def press(self, data: str, message_id: int) -> list[Call]:
        """Press a button on the bot's message ``message_id``."""
        return await self.inject(self.updates.callback(self.user_id, data, message_id,
                                                       lang=self.lang, chat=self.chat))

    async def inject(self, update: dict[str, Any]) -> list[Call]:
        """Queue any update for getUpdates and wait until the bot is done with it."""
        mark = self.fake.call_count()
        self.fake.add_update(update)
        return await self.fake.settle(self.chat_id, since=mark)

    async def nothing_after(self, update: dict[str, Any], wait: float = 0.3) -> list[Call]:
        """Inject an update the bot should ignore; return any calls it made anyway."""
        mark = self.fake.call_count()
        self.fake.add_update(update)
        await asyncio.sleep(wait)
        return [c for c in self.fake.calls(since=mark) if c.method != "getUpdates"]


def sent(calls: list[Call]) -> list[Call]:
    """The successful sendMessage calls."""
    return [c for c in calls if c.method == "sendMessage" and c.ok]


def edited(calls: list[Call]) -> list[Call]:
    """The successful editMessageText calls."""
    return [c for c in calls if c.method == "editMessageText" and c.ok]


def answered(calls: list[Call]) -> list[Call]:
    """The answerCallbackQuery calls."""
    return [c for c in calls if c.method == "answerCallbackQuery"]


def message_id(call: Call) -> int:
    """The id of the message a sendMessage call created."""
    return int(call.result["message_id"])


async def pick_language(user: Chat, lang: str) -> int:
    """/start, then pick ``lang`` in the picker; returns the picker's message id."""
    calls = await user.send("/start")
    picker = sent(calls)[-1]
    assert f"l:{lang}" in picker.button_data()
    calls = await user.press(f"l:{lang}", message_id(picker))
    assert edited(calls), "picking a language edits the picker in place"
    return message_id(picker)
