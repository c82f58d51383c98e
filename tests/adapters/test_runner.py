"""The live lock while a bot runs, a second bot refused, a taken port, the real command."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
from telegram.error import InvalidToken

from bot.adapters.telegram.application import build_application
from bot.adapters.telegram.request import AiohttpRequest
from bot.adapters.telegram.runner import AlreadyRunning, running
from bot.brain import BrainHolder
from bot.config import ConfigError
from bot.ops.dblock import read_live_info
from tests.adapters.driver import CLI, Chat, bot_running, env_without_settings, sent, settings_for
from tests.adapters.web import free_port
from tests.conftest import ROOT
from tests.fakes.bot_api import FakeBotAPI
from tests.fakes.updates import Updates

pytestmark = pytest.mark.timeout(60)



async def test_the_lock_is_held_while_running_and_released_after(
        fake: FakeBotAPI, holder: BrainHolder, tmp_path: Path) -> None:
    db = tmp_path / "bot.sqlite3"
    port = free_port()
    async with bot_running(fake, holder, db, health_port=port):
        assert read_live_info(db) == {"pid": os.getpid(), "health_port": port,
                                      "listen": "127.0.0.1", "mode": "polling"}
    assert read_live_info(db) is None


async def test_in_webhook_mode_the_lock_names_the_webhook_port(
        fake: FakeBotAPI, holder: BrainHolder, tmp_path: Path) -> None:
    db = tmp_path / "bot.sqlite3"
    port = free_port()
    hook = {"bot_mode": "webhook", "webhook_url": f"http://127.0.0.1:{port}/hook",
            "webhook_listen": "127.0.0.1", "webhook_port": port}
    with pytest.raises(ConfigError) as error:
        async with bot_running(fake, holder, db, **hook):
            pytest.fail("a webhook without a secret token must not start")
    assert error.value.variable == "WEBHOOK_SECRET_TOKEN"
    async with bot_running(fake, holder, db, webhook_secret_token="s3cret", **hook):
        assert read_live_info(db) == {"pid": os.getpid(), "health_port": port,
                                      "listen": "127.0.0.1", "mode": "webhook"}
        async with httpx.AsyncClient(timeout=5) as client:
            health = await client.get(f"http://127.0.0.1:{port}/healthz")
        assert health.status_code == 200


async def test_a_rejected_token_closes_the_connections_ptb_opened(
        fake: FakeBotAPI, holder: BrainHolder, tmp_path: Path) -> None:
    app = build_application(settings_for(fake, tmp_path / "bot.sqlite3",
                                         telegram_bot_token="999:revoked"), holder)
    requests = app.bot._request  # (getUpdates, the rest): PTB names only the second
    assert len(requests) == 2
    with pytest.raises(InvalidToken):
        async with running(app):
            pytest.fail("a rejected token must not start")
    assert all(isinstance(r, AiohttpRequest) and r.closed for r in requests)


async def test_a_second_bot_on_the_same_database_is_refused(
        fake: FakeBotAPI, holder: BrainHolder, updates: Updates, tmp_path: Path) -> None:
    db = tmp_path / "bot.sqlite3"
    async with bot_running(fake, holder, db):
        mark = fake.call_count()
        with pytest.raises(AlreadyRunning) as refused:
            async with bot_running(fake, holder, db):
                pytest.fail("the second bot must not start")
        assert str(refused.value) == \
            f"another bot is already running on DATABASE_PATH (pid {os.getpid()})"
        assert not fake.calls(since=mark, method="getMe"), "refused before any Bot API call"
        # The first bot is untouched and still holds the lock.
        assert sent(await Chat(fake, updates, 70_001).send("/menu"))
        assert read_live_info(db) is not None
    assert read_live_info(db) is None


async def test_a_taken_health_port_names_the_setting_and_releases_the_lock(
        fake: FakeBotAPI, holder: BrainHolder, tmp_path: Path) -> None:
    db = tmp_path / "bot.sqlite3"
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = int(taken.getsockname()[1])
        mark = fake.call_count()
        with pytest.raises(ConfigError) as error:
            async with bot_running(fake, holder, db, health_port=port):
                pytest.fail("the bot must not run without its port")
    assert error.value.variable == "HEALTH_PORT"
    assert f"cannot listen on 127.0.0.1:{port}" in str(error.value)
    assert not fake.calls(since=mark, method="getMe"), "refused before any Bot API call"
    assert read_live_info(db) is None


def _wait(condition: Callable[[], object], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError("timed out")
        time.sleep(0.05)


def test_the_command_serves_health_reloads_on_sighup_and_refuses_a_twin(
        tmp_path: Path) -> None:
    db = tmp_path / "data" / "bot.sqlite3"
    port = free_port()
    with FakeBotAPI() as api:
        env = env_without_settings(TELEGRAM_BOT_TOKEN=api.token, TELEGRAM_BASE_URL=api.base_url,
                   DATABASE_PATH=str(db), HEALTH_PORT=str(port), LOG_FORMAT="text")
        process = subprocess.Popen([str(CLI), "run"], cwd=ROOT, stdout=subprocess.PIPE,
                                   stderr=subprocess.PIPE, text=True, env=env)
        try:
            _wait(lambda: api.calls(method="getUpdates"), timeout=30)
            assert read_live_info(db) == {"pid": process.pid, "health_port": port,
                                          "listen": "127.0.0.1", "mode": "polling"}
            health = httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=5)
            assert health.status_code == 200 and health.json()["database"] == "ok"

            twin = subprocess.run([str(CLI), "run"], cwd=ROOT, capture_output=True, text=True,
                                  env=env, timeout=30)
            assert twin.returncode == 2
            assert twin.stderr == ("migrant-bot: another bot is already running on "
                                   f"DATABASE_PATH (pid {process.pid})\n")

            process.send_signal(signal.SIGHUP)
            _wait(lambda: 'migrantbot_reloads_total{result="ok"} 1.0' in httpx.get(
                f"http://127.0.0.1:{port}/metrics", timeout=5).text, timeout=20)
            process.send_signal(signal.SIGTERM)
            _, stderr = process.communicate(timeout=20)
        finally:
            if process.poll() is None:
                process.kill()
                process.communicate()
    assert process.returncode == 0, stderr[-2000:]
    assert "SIGHUP: reloaded: version" in stderr
    assert "received SIGTERM; stopping" in stderr
    assert read_live_info(db) is None
