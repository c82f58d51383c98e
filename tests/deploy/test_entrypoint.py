"""The container's entrypoint without Docker: wheel, fresh venv, ``migrant-bot run``.

Follows deploy/Dockerfile step by step (build the wheel from the copied
sources, install it with its dependencies into a new virtual environment,
validate the copied content, then run ``migrant-bot run`` in the /app-like
folder with the image's environment), with the fake Bot API on loopback in
place of Telegram. It proves the wheel carries everything the bot needs at run
time and that the process answers and stops cleanly on SIGTERM (what
``docker stop`` sends).

Dependencies come from the package index; without it the test is skipped.
"""

from __future__ import annotations

import json
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from bot.ops.dblock import read_live_info
from tests.adapters.web import free_port
from tests.conftest import ROOT
from tests.fakes.bot_api import FakeBotAPI
from tests.fakes.updates import Updates

pytestmark = pytest.mark.timeout(600)

PIP_TIMEOUT = 420  # seconds for one pip step (a cold cache downloads numpy and friends)
START_TIMEOUT = 60  # seconds until the bot polls
ANSWER_TIMEOUT = 20
STOP_TIMEOUT = 30  # docker stop waits stop_grace_period (30 s) before SIGKILL
USER = 4_242_001
# pip's words for "the index cannot be reached" (DNS, no route, proxy, offline mirror).
OFFLINE_SIGNS = ("Failed to establish a new connection", "Temporary failure in name resolution",
                 "Network is unreachable", "No matching distribution found",
                 "Could not find a version that satisfies", "ProxyError", "ConnectTimeout",
                 "Read timed out", "Name or service not known", "Connection refused")


@dataclass(frozen=True)
class Image:
    """What the Docker build produces: the virtual environment and the /app folder."""

    bin: Path
    app: Path


def _run(command: list[str], timeout: float = PIP_TIMEOUT, cwd: Path | None = None,
         env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, capture_output=True, text=True, timeout=timeout,
                          check=False, cwd=cwd, env=env)


def _pip(python: Path, *args: str) -> None:
    """Run a pip step; skip when the index is unreachable, fail on anything else."""
    result = _run([str(python), "-m", "pip", "--disable-pip-version-check", *args])
    if result.returncode == 0:
        return
    output = result.stdout + result.stderr
    if any(sign in output for sign in OFFLINE_SIGNS):
        last = next((line for line in reversed(output.splitlines()) if line.strip()), "")
        pytest.skip(f"pip cannot reach the package index ({last.strip()[:200]})")
    pytest.fail(f"pip {' '.join(args)} failed:\n{output[-4000:]}")


def _image_env(app: Path) -> dict[str, str]:
    """The runtime stage's ENV that concerns content (its paths under ``app``)."""
    return {"LANG": "C.UTF-8", "PYTHONUNBUFFERED": "1",
            "CONTENT_DIR": str(app / "content"), "LOCALES_DIR": str(app / "locales"),
            "CACHE_DIR": str(app / ".cache")}


@pytest.fixture(scope="module")
def image(tmp_path_factory: pytest.TempPathFactory) -> Image:
    """The Dockerfile's build stage, in a temporary folder."""
    work = tmp_path_factory.mktemp("image")
    # COPY pyproject.toml README.md ./ ; COPY bot ./bot  (never build in the work tree)
    src = work / "src"
    src.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, src / name)
    shutil.copytree(ROOT / "bot", src / "bot",
                    ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    # RUN python -m venv /opt/venv && pip install wheel && pip wheel ... && pip install
    venv = work / "venv"
    result = _run([sys.executable, "-m", "venv", str(venv)], timeout=120)
    assert result.returncode == 0, result.stderr
    python = venv / "bin" / "python"
    _pip(python, "install", "--quiet", "wheel==0.45.1")
    wheels = work / "wheels"
    _pip(python, "wheel", "--quiet", "--no-deps", "--wheel-dir", str(wheels), str(src))
    [wheel] = wheels.glob("*.whl")
    _pip(python, "install", "--quiet", str(wheel))
    # COPY content /app/content ; COPY locales /app/locales
    app = work / "app"
    shutil.copytree(ROOT / "content", app / "content")
    shutil.copytree(ROOT / "locales", app / "locales",
                    ignore=shutil.ignore_patterns("*.mo"))
    # RUN migrant-bot --locales /app/locales validate /app/content
    bin_dir = venv / "bin"
    result = _run([str(bin_dir / "migrant-bot"), "--locales", str(app / "locales"),
                   "validate", str(app / "content")], timeout=120, cwd=work)
    assert result.returncode == 0, result.stdout + result.stderr
    # ENV CACHE_DIR=/app/.cache ; RUN migrant-bot match < /dev/null > /dev/null
    result = _run([str(bin_dir / "migrant-bot"), "match"], timeout=120, cwd=app,
                  env={**_image_env(app), "PATH": f"{bin_dir}:/usr/local/bin:/usr/bin:/bin"})
    assert result.returncode == 0, result.stdout + result.stderr
    assert list((app / ".cache").glob("*.pickle")), "the image build fills the start-up cache"
    return Image(bin_dir, app)


@pytest.fixture
def fake() -> Iterator[FakeBotAPI]:
    with FakeBotAPI() as api:
        yield api


def _wait(what: str, condition: Callable[[], bool], process: subprocess.Popen[bytes],
          log: Path, timeout: float) -> None:
    """Poll until ``condition``; fail at once (with the bot's log) if the bot died."""
    deadline = time.monotonic() + timeout
    while not condition():
        if process.poll() is not None:
            pytest.fail(f"the bot exited ({process.returncode}) before {what}:\n"
                        f"{log.read_text(errors='replace')[-4000:]}")
        if time.monotonic() > deadline:
            pytest.fail(f"no {what} within {timeout}s:\n{log.read_text(errors='replace')[-4000:]}")
        time.sleep(0.1)


def test_the_entrypoint_answers_then_stops_cleanly_on_sigterm(
        image: Image, fake: FakeBotAPI, tmp_path: Path) -> None:
    database = tmp_path / "data" / "migrant-bot.sqlite3"
    port = free_port()
    # The image's ENV, plus what deploy/.env sets; nothing leaks in from this process.
    env = {
        **_image_env(image.app),
        "PATH": f"{image.bin}:/usr/local/bin:/usr/bin:/bin",
        "HOME": str(tmp_path),
        "DATABASE_PATH": str(database),
        "HEALTH_PORT": str(port),
        "TELEGRAM_BOT_TOKEN": fake.token,
        "TELEGRAM_BASE_URL": fake.base_url,
        "LOG_FORMAT": "json",
    }
    log = tmp_path / "bot.log"
    updates = Updates()
    with log.open("wb") as output:
        # ENTRYPOINT ["migrant-bot"] CMD ["run"], in WORKDIR /app
        process = subprocess.Popen([str(image.bin / "migrant-bot"), "run"], cwd=image.app,
                                   env=env, stdout=output, stderr=subprocess.STDOUT)
        try:
            _wait("polling", lambda: bool(fake.calls("getUpdates")), process, log,
                  START_TIMEOUT)
            for text, expected in (("/start", "Choose your language"),
                                   ("my boss keeps my passport", "Passport")):
                mark = fake.call_count()
                fake.add_update(updates.message(USER, text))
                _wait(f"answer to {text!r}", lambda m=mark, e=expected: any(  # type: ignore[misc]
                    e in c.text for c in fake.calls("sendMessage", USER, since=m) if c.ok),
                    process, log, ANSWER_TIMEOUT)

            # The HEALTHCHECK, and `migrant-bot reload` as staff run it in the container.
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as r:
                assert json.load(r)["status"] == "ok"
            reload = _run([str(image.bin / "migrant-bot"), "reload"], timeout=120,
                          cwd=image.app, env=env)
            assert reload.returncode == 0, reload.stdout + reload.stderr
            assert reload.stdout.startswith("Reloaded: content version ")

            process.send_signal(signal.SIGTERM)  # docker stop
            code = process.wait(timeout=STOP_TIMEOUT)
        finally:
            if process.poll() is None:
                process.kill()
                process.wait(timeout=10)
    output_text = log.read_text(errors="replace")
    assert code == 0, output_text[-4000:]
    assert "Traceback" not in output_text, output_text[-4000:]
    assert fake.token not in output_text
    # The image was built with its content cached: the start reads it back.
    assert "read from the start-up cache" in output_text, output_text[-4000:]
    for line in output_text.splitlines():
        assert line.startswith("{") and json.loads(line)["message"] is not None, line
    assert read_live_info(database) is None, "the live lock was released"
    assert database.is_file()
