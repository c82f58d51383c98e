"""``migrant-bot report unmatched|feedback`` reads the database."""

from __future__ import annotations

import asyncio
import datetime as dt
from pathlib import Path

import pytest

from bot.cli import main
from bot.storage import SqliteRepository


@pytest.fixture
def database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "bot.sqlite3"
    monkeypatch.setenv("DATABASE_PATH", str(path))
    now = dt.datetime.now(dt.UTC)

    async def fill() -> None:
        repo = await SqliteRepository.open(path)
        for _ in range(3):
            await repo.add_unmatched("lottery numbers", "en", now)
        await repo.add_unmatched("lottery numbers", "en", now - dt.timedelta(days=10))
        await repo.add_unmatched("ผลบอล", "th", now)
        await repo.add_unmatched("weather", "en", now - dt.timedelta(days=20))
        await repo.add_feedback("permit_renew", "th", 1)
        await repo.add_feedback("permit_renew", "th", -1)
        await repo.add_feedback("permit_renew", "th", 1)
        await repo.add_feedback("hotlines", "my", -1, day=now.date() - dt.timedelta(days=8))
        await repo.close()

    asyncio.run(fill())
    return path


def test_unmatched_most_frequent_first(database: Path,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["report", "unmatched"]) == 0
    lines = capsys.readouterr().out.splitlines()
    rows = [line.split(None, 2) for line in lines[2:]]
    assert rows == [["4", "en", "lottery numbers"], ["1", "th", "ผลบอล"],
                    ["1", "en", "weather"]]


def test_unmatched_by_language_and_days(database: Path,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["report", "unmatched", "--lang", "en", "--days", "7"]) == 0
    out = capsys.readouterr().out
    assert "in 'en' in the last 7 day(s)" in out
    assert "    3  en    lottery numbers" in out
    assert "weather" not in out and "ผลบอล" not in out


def test_unmatched_when_there_is_nothing(database: Path,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["report", "unmatched", "--lang", "km"]) == 0
    assert "No unmatched messages in 'km'." in capsys.readouterr().out


def test_feedback_counts(database: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["report", "feedback"]) == 0
    out = capsys.readouterr().out
    assert [line.split() for line in out.splitlines()[1:]] == [
        ["hotlines", "my", "0", "1"], ["permit_renew", "th", "2", "1"]]


def test_feedback_of_the_last_days_or_since_a_day(database: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    today = dt.datetime.now(dt.UTC).date()
    assert main(["report", "feedback", "--days", "7"]) == 0
    out = capsys.readouterr().out
    assert f"since {(today - dt.timedelta(days=6)).isoformat()}" in out
    assert "hotlines" not in out and "permit_renew" in out
    assert main(["report", "feedback", "--since", (today - dt.timedelta(days=8)).isoformat()]) == 0
    assert "hotlines" in capsys.readouterr().out
    assert main(["report", "feedback", "--since", (today + dt.timedelta(days=1)).isoformat()]) == 0
    assert "No feedback since" in capsys.readouterr().out


def test_a_bad_date_is_named(database: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["report", "feedback", "--since", "23/11/2026"])
    assert exit_info.value.code == 2
    assert "'23/11/2026' is not a date like 2026-11-23" in capsys.readouterr().err


def test_a_bad_database_setting_is_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("DATABASE_PATH", "/proc/nope/bot.sqlite3")
    with pytest.raises(SystemExit) as exit_info:
        main(["report", "unmatched"])
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "DATABASE_PATH" in err


def test_feedback_since_each_topics_reviewed_date(
        tmp_path: Path, mini_content: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    topics = mini_content / "topics.yaml"
    text = topics.read_text(encoding="utf-8")
    # permit_renew was rewritten on 2026-03-01; the others keep 2026-01-31.
    topics.write_text(text.replace("reviewed: 2026-01-31", "reviewed: 2026-03-01", 1),
                      encoding="utf-8")
    database = tmp_path / "bot.sqlite3"
    monkeypatch.setenv("DATABASE_PATH", str(database))
    monkeypatch.setenv("CONTENT_DIR", str(mini_content))

    async def fill() -> None:
        repo = await SqliteRepository.open(database)
        for topic, value, day in [("permit_renew", -1, "2026-02-10"),  # the old answer
                                  ("permit_renew", 1, "2026-03-01"),
                                  ("permit_renew", 1, "2026-04-02"),
                                  ("hotlines", -1, "2026-01-30"),  # before its review
                                  ("hotlines", 1, "2026-02-10")]:
            await repo.add_feedback(topic, "th", value, day=dt.date.fromisoformat(day))
        await repo.close()

    asyncio.run(fill())
    assert main(["report", "feedback", "--since-reviewed"]) == 0
    out = capsys.readouterr().out
    assert [line.split() for line in out.splitlines()[2:]] == [
        ["hotlines", "th", "1", "0", "2026-01-31"],
        ["permit_renew", "th", "2", "0", "2026-03-01"]]

    (mini_content / "topics.yaml").write_text("topics: [\n", encoding="utf-8")
    with pytest.raises(SystemExit) as exit_info:
        main(["report", "feedback", "--since-reviewed"])
    assert exit_info.value.code == 1
    assert "topics.yaml" in capsys.readouterr().err
