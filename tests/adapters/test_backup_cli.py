"""``migrant-bot backup|restore|reload`` against a running bot (and a stand-in HTTP server)."""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import AsyncIterator, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio

from bot.adapters.telegram.application import App, settings_of
from bot.brain import BrainHolder
from bot.cli import main
from bot.ops.dblock import LiveLock
from bot.storage import SqliteRepository
from tests.adapters.driver import Chat, bot_running, pick_language, sent
from tests.fakes.bot_api import FakeBotAPI
from tests.fakes.updates import Updates

pytestmark = pytest.mark.timeout(60)
# Only the tests that talk to the running bot share its event loop.
with_bot = pytest.mark.asyncio(loop_scope="module")


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def app(fake: FakeBotAPI, holder: BrainHolder,
              tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[App]:
    db = tmp_path_factory.mktemp("backup-cli") / "bot.sqlite3"
    async with bot_running(fake, holder, db) as running_app:
        yield running_app


def database_of(app: App) -> Path:
    """The running bot's DATABASE_PATH."""
    return settings_of(app).database_path


def one_line(text: str) -> str:
    """The text, checked to be exactly one line."""
    assert text.count("\n") == 1 and text.endswith("\n"), text
    return text


# -- backup and restore, end to end -------------------------------------------------------
@with_bot
async def test_backup_of_the_live_database_restores_the_users_language(
        app: App, fake: FakeBotAPI, updates: Updates, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    user = Chat(fake, updates, 81_001, lang="en")
    await pick_language(user, "th")
    assert sent(await user.send("my boss keeps my passport"))
    monkeypatch.setenv("DATABASE_PATH", str(database_of(app)))
    folder = tmp_path / "backups"
    folder.mkdir()

    async def keep_talking() -> None:
        other = Chat(fake, updates, 81_002, lang="en")
        for text in ("/start", "zzqx qqzz", "/menu", "my boss keeps my passport"):
            assert sent(await other.send(text))

    # The backup runs in a thread while the bot keeps answering (and writing).
    code, _ = await asyncio.gather(asyncio.to_thread(main, ["backup", str(folder)]),
                                   keep_talking())
    assert code == 0
    [copy] = folder.iterdir()
    assert copy.name.startswith("bot-") and copy.suffix == ".sqlite3"
    assert f"to {copy}" in one_line(capsys.readouterr().out)

    restored = tmp_path / "elsewhere" / "bot.sqlite3"
    monkeypatch.setenv("DATABASE_PATH", str(restored))
    assert main(["restore", str(copy)]) == 0
    assert "Restored" in capsys.readouterr().out
    repo = await SqliteRepository.open(restored)
    try:
        record = await repo.get_user(81_001)
    finally:
        await repo.close()
    assert record is not None and record.language == "th"


@with_bot
async def test_restore_over_the_live_database_is_refused_without_force(
        app: App, fake: FakeBotAPI, updates: Updates, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("DATABASE_PATH", str(database_of(app)))
    copy = tmp_path / "copy.sqlite3"
    assert main(["backup", str(copy)]) == 0
    capsys.readouterr()
    assert main(["restore", str(copy)]) == 1
    err = one_line(capsys.readouterr().err)
    assert "in use by a running bot" in err and "--force" in err
    # Nothing happened to the bot.
    assert sent(await Chat(fake, updates, 81_003).send("/menu"))


# -- usage and configuration errors: one line, exit 2; failures: exit 1 ---------------------
def test_backup_without_a_database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                   capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("DATABASE_PATH", str(tmp_path / "none.sqlite3"))
    assert main(["backup", str(tmp_path / "out.sqlite3")]) == 2
    assert "DATABASE_PATH: no database at" in one_line(capsys.readouterr().err)


def test_backup_with_a_bad_setting(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                   capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("HEALTH_PORT", "not-a-port")
    assert main(["backup", str(tmp_path / "out.sqlite3")]) == 2
    assert "HEALTH_PORT" in one_line(capsys.readouterr().err)


def test_backup_into_a_new_folder_and_an_unwritable_place(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "bot.sqlite3"
    asyncio.run(_create(db))
    monkeypatch.setenv("DATABASE_PATH", str(db))
    assert main(["backup", f"{tmp_path / 'new'}/"]) == 0  # a trailing slash names a folder
    assert len(list((tmp_path / "new").iterdir())) == 1
    (tmp_path / "a-file").write_text("x")
    assert main(["backup", str(tmp_path / "a-file" / "out.sqlite3")]) == 1
    assert "backup failed" in one_line(capsys.readouterr().err)


def test_restore_errors(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("DATABASE_PATH", str(tmp_path / "bot.sqlite3"))
    assert main(["restore", str(tmp_path / "missing.sqlite3")]) == 2
    assert "no backup file at" in one_line(capsys.readouterr().err)
    junk = tmp_path / "junk.sqlite3"
    junk.write_text("not a database")
    assert main(["restore", str(junk)]) == 1
    assert "not a SQLite database" in one_line(capsys.readouterr().err)
    assert not (tmp_path / "bot.sqlite3").exists(), "nothing was replaced"


def test_restore_with_force_over_a_live_database_warns_to_restart(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "bot.sqlite3"
    asyncio.run(_create(db))
    monkeypatch.setenv("DATABASE_PATH", str(db))
    assert main(["backup", str(tmp_path / "copy.sqlite3")]) == 0
    with LiveLock(db, {"health_port": 1}):
        assert main(["restore", "--force", str(tmp_path / "copy.sqlite3")]) == 0
    assert "restart it now" in one_line(capsys.readouterr().err)


async def _create(path: Path) -> None:
    await (await SqliteRepository.open(path)).close()


# -- reload, against a stand-in for the bot's HTTP server ----------------------------------
class StandIn:
    """A tiny HTTP server answering POST /reload with a set status and JSON body."""

    def __init__(self) -> None:
        self.status = 200
        self.body: Any = {"ok": True, "version": "abc123"}
        self.requests: list[tuple[str, str]] = []
        stand_in = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                stand_in.requests.append((self.command, self.path))
                payload = json.dumps(stand_in.body).encode()
                self.send_response(stand_in.status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, format: str, *args: Any) -> None:
                pass  # keep the test output clean

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = int(self.server.server_address[1])
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        """Stop serving and release the port."""
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)


@pytest.fixture
def stand_in() -> Iterator[StandIn]:
    server = StandIn()
    yield server
    server.close()


@pytest.fixture
def live_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    db = tmp_path / "bot.sqlite3"
    monkeypatch.setenv("DATABASE_PATH", str(db))
    return db


def test_reload_prints_the_new_version(stand_in: StandIn, live_db: Path,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    with LiveLock(live_db, {"health_port": stand_in.port}):
        assert main(["reload"]) == 0
    assert capsys.readouterr().out == "Reloaded: content version abc123\n"
    assert stand_in.requests == [("POST", "/reload")]


def test_reload_prints_each_problem_and_keeps_the_old_content(
        stand_in: StandIn, live_db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    problems = ["content/en/a.yaml:3: <b> is never closed", "content/th/b.yaml:1: bad key"]
    stand_in.status, stand_in.body = 422, {"ok": False, "problems": problems,
                                           "version": "old"}
    with LiveLock(live_db, {"health_port": stand_in.port}):
        assert main(["reload"]) == 1
    assert capsys.readouterr().out.splitlines() == [
        *problems, "The bot keeps serving the previous content."]


def test_reload_refused_by_the_bot(stand_in: StandIn, live_db: Path,
                                   capsys: pytest.CaptureFixture[str]) -> None:
    stand_in.status, stand_in.body = 403, {"ok": False,
                                           "error": "reload is only allowed from loopback"}
    with LiveLock(live_db, {"health_port": stand_in.port}):
        assert main(["reload"]) == 1
    assert "only allowed from loopback" in one_line(capsys.readouterr().err)


def test_reload_without_a_running_bot(live_db: Path,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["reload"]) == 2
    assert "no bot is running" in one_line(capsys.readouterr().err)


def test_reload_of_a_bot_without_http_server(live_db: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    with LiveLock(live_db, {"health_port": None}):
        assert main(["reload"]) == 2
    assert "kill -HUP" in one_line(capsys.readouterr().err)


def test_reload_when_the_bot_does_not_answer(stand_in: StandIn, live_db: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    port = stand_in.port
    stand_in.close()  # the port is closed now: connection refused
    with LiveLock(live_db, {"health_port": port}):
        assert main(["reload"]) == 1
    assert "cannot reach the bot" in one_line(capsys.readouterr().err)


def test_reload_reaches_a_bot_listening_on_loopback_only(
        stand_in: StandIn, live_db: Path) -> None:
    with LiveLock(live_db, {"health_port": stand_in.port, "listen": "127.0.0.1"}):
        assert main(["reload"]) == 0
    assert stand_in.requests == [("POST", "/reload")]


def test_reload_of_a_bot_listening_elsewhere_points_to_sighup(
        stand_in: StandIn, live_db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # /reload answers loopback callers only; a bot bound to one LAN address has none.
    with LiveLock(live_db, {"health_port": stand_in.port, "listen": "10.1.2.3", "pid": 77}):
        assert main(["reload"]) == 2
    err = one_line(capsys.readouterr().err)
    assert "listens on 10.1.2.3" in err and "kill -HUP 77" in err
    assert stand_in.requests == []
