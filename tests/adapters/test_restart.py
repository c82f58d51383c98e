"""A user's language survives a restart of the bot on the same database."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
import pytest_asyncio

from bot.adapters.telegram.application import App
from bot.brain import Brain, BrainHolder
from bot.dialogue.types import CommandInput, UserState
from tests.adapters.driver import LANGS, Chat, bot_running, pick_language, sent
from tests.fakes.bot_api import FakeBotAPI
from tests.fakes.updates import Updates

pytestmark = [pytest.mark.asyncio(loop_scope="module"), pytest.mark.timeout(60)]


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def restarted(fake: FakeBotAPI, holder: BrainHolder, updates: Updates,
                    tmp_path_factory: pytest.TempPathFactory,
                    ) -> AsyncIterator[tuple[App, dict[str, Chat]]]:
    """Each language chosen by one user, then the bot stopped and started again."""
    db = tmp_path_factory.mktemp("restart") / "bot.sqlite3"
    # The clients all say English, so only the database can know the choice.
    users = {lang: Chat(fake, updates, 50_001 + i, lang="en") for i, lang in enumerate(LANGS)}
    async with bot_running(fake, holder, db):
        for lang, user in users.items():
            await pick_language(user, lang)
    async with bot_running(fake, holder, db) as app:
        yield app, users


@pytest.mark.parametrize("lang", LANGS)
async def test_the_language_is_remembered_after_a_restart(
        restarted: tuple[App, dict[str, Chat]], brain: Brain, lang: str) -> None:
    _, users = restarted
    calls = await users[lang].send("/menu")
    expected = brain.engine.handle(UserState(language=lang), CommandInput("menu"), "en")
    assert [c.text for c in sent(calls)] == [expected.replies[0].text]
    calls = await users[lang].send("/start")
    [menu] = sent(calls)
    assert not any(d.startswith("l:") for d in menu.button_data()), \
        "a known user gets the menu, not the language picker"
