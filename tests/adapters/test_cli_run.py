"""``migrant-bot run``: the real command against the fake Bot API, and its config errors."""

from __future__ import annotations

import argparse
import signal
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from bot.adapters.telegram.main import run_from_cli
from tests.adapters.driver import CLI, SETTING_VARS, env_without_settings
from tests.conftest import ROOT
from tests.fakes.bot_api import Call, FakeBotAPI
from tests.fakes.updates import Updates

pytestmark = pytest.mark.timeout(60)

def _wait(fake: FakeBotAPI, predicate: Callable[[Call], bool], timeout: float) -> Call:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for call in fake.calls():
            if predicate(call):
                return call
        time.sleep(0.02)
    raise TimeoutError("the bot did not make the expected call")


def test_run_polls_answers_and_stops_on_ctrl_c(fake: FakeBotAPI, tmp_path: Path) -> None:
    db = tmp_path / "data" / "bot.sqlite3"
    process = subprocess.Popen(
        [str(CLI), "run"], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True, env=env_without_settings(
            TELEGRAM_BOT_TOKEN=fake.token, TELEGRAM_BASE_URL=fake.base_url,
            DATABASE_PATH=str(db), LOG_LEVEL="DEBUG", LOG_FORMAT="json",
            HEALTH_PORT="0"))  # 8080 may be taken on a test machine
    try:
        _wait(fake, lambda c: c.method == "getUpdates", timeout=30)
        fake.add_update(Updates().message(777, "/start", lang="vi"))
        reply = _wait(fake, lambda c: c.method == "sendMessage" and c.chat_id == 777,
                      timeout=10)
        assert [d[:2] for d in reply.button_data()] == ["l:"] * 6
        process.send_signal(signal.SIGINT)
        _, stderr = process.communicate(timeout=20)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    assert process.returncode == 0, stderr[-2000:]
    assert db.is_file(), "the database folder and file were created"
    assert fake.token not in stderr
    assert '"level": "INFO"' in stderr, "LOG_FORMAT=json gives JSON lines"
    assert {"", "en", "th", "my", "km", "lo", "vi"} <= set(fake.commands())


def test_a_bad_token_is_one_line_and_exit_2(tmp_path: Path) -> None:
    result = subprocess.run([str(CLI), "run"], cwd=ROOT, capture_output=True, text=True,
                            env=env_without_settings(TELEGRAM_BOT_TOKEN="not-a-token",
                                                     DATABASE_PATH=str(tmp_path / "db")),
                            timeout=30)
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0, result.stderr
    assert "TELEGRAM_BOT_TOKEN" in result.stderr
    assert "Traceback" not in result.stderr and "not-a-token" not in result.stderr


def test_a_token_the_bot_api_rejects_is_one_line_and_exit_2(fake: FakeBotAPI,
                                                           tmp_path: Path) -> None:
    result = subprocess.run([str(CLI), "run"], cwd=ROOT, capture_output=True, text=True,
                            env=env_without_settings(
                                TELEGRAM_BOT_TOKEN="999:revoked-token",
                                TELEGRAM_BASE_URL=fake.base_url, HEALTH_PORT="0",
                                LOG_LEVEL="WARNING", DATABASE_PATH=str(tmp_path / "db")),
                            timeout=30)
    assert result.returncode == 2
    # One line, and nothing after it: the connections PTB opened were closed
    # (asyncio used to report "Unclosed client session" here).
    assert result.stderr.strip().splitlines() == [
        "migrant-bot: TELEGRAM_BOT_TOKEN: the Bot API rejected this token"], result.stderr


@pytest.mark.parametrize("env,variable", [
    ({"TELEGRAM_BOT_TOKEN": "12:ab", "BOT_MODE": "webhook",
      "WEBHOOK_SECRET_TOKEN": "abc"}, "WEBHOOK_URL"),
    ({"TELEGRAM_BOT_TOKEN": "12:ab", "BOT_MODE": "webhook",
      "WEBHOOK_URL": "https://example.org/hook"}, "WEBHOOK_SECRET_TOKEN"),
    ({"TELEGRAM_BOT_TOKEN": "12:ab", "BOT_MODE": "carrier-pigeon"}, "BOT_MODE"),
    ({"TELEGRAM_BOT_TOKEN": "12:ab", "ADMIN_IDS": "1,two"}, "ADMIN_IDS"),
    ({"TELEGRAM_BOT_TOKEN": "12:ab", "WEBHOOK_PORT": "99999"}, "WEBHOOK_PORT"),
    ({"TELEGRAM_BOT_TOKEN": "12:ab", "LOG_LEVEL": "LOUD"}, "LOG_LEVEL"),
    ({"TELEGRAM_BOT_TOKEN": "12:ab", "LOG_FORMAT": "xml"}, "LOG_FORMAT"),
    ({"TELEGRAM_BOT_TOKEN": "12:ab", "TELEGRAM_BASE_URL": "ftp://x"}, "TELEGRAM_BASE_URL"),
    ({"TELEGRAM_BOT_TOKEN": "12:ab", "DATABASE_PATH": "/proc/forbidden/db.sqlite3"},
     "DATABASE_PATH"),
    ({}, "TELEGRAM_BOT_TOKEN"),
])
def test_config_errors_name_the_variable(monkeypatch: pytest.MonkeyPatch,
                                         capsys: pytest.CaptureFixture[str],
                                         tmp_path: Path, env: dict[str, str],
                                         variable: str) -> None:
    for name in SETTING_VARS:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DATABASE_PATH", str(tmp_path / "db.sqlite3"))
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    code = run_from_cli(argparse.Namespace(content=None, locales=None))
    err = capsys.readouterr().err
    assert code == 2
    assert err.count("\n") == 1 and variable in err, err
