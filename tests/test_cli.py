"""The command line: ask, match, eval, chat, validate exit codes."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from bot.adapters.terminal import run_chat
from bot.brain import Brain, BrainHolder
from bot.cli import main
from tests.conftest import ROOT


def test_ask_prints_reply(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ask", "--lang", "en", "my", "boss", "keeps", "my", "passport"]) == 0
    out = capsys.readouterr().out
    assert "[1]" in out  # numbered buttons
    assert "<b>" not in out  # HTML turned into terminal text


def test_ask_unknown_language_is_a_clear_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["ask", "--lang", "xx", "hello"])
    assert exc.value.code == 2
    assert "unknown language 'xx'" in capsys.readouterr().err


def test_match_writes_json_lines(monkeypatch: pytest.MonkeyPatch,
                                 capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("my boss keeps my passport\n\nzzqx qqzz\n"))
    assert main(["match"]) == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert len(lines) == 2
    assert lines[0]["outcome"] == "answer" and lines[0]["topic"] == "documents_held"
    assert lines[0]["language"] == "en"
    assert {"text", "outcome", "topic", "score", "language", "candidates"} <= set(lines[0])
    assert lines[1]["outcome"] == "fallback" and lines[1]["topic"] is None


def test_eval_reports_per_language_and_enforces_min(tmp_path: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    data = tmp_path / "eval.jsonl"
    data.write_text("\n".join(json.dumps(x) for x in [
        {"lang": "en", "text": "my boss keeps my passport", "expect": "documents_held",
         "kind": "topic"},
        {"lang": "en", "text": "zzqx qqzz", "expect": None, "kind": "out_of_scope"},
        {"lang": "th", "text": "zzqx qqzz", "expect": "permit_renew", "kind": "topic"},
    ]), encoding="utf-8")
    assert main(["eval", str(data)]) == 0
    out = capsys.readouterr().out
    assert "en" in out and "100.0%" in out and "0.0%" in out
    assert "permit_renew ->" in out  # the confusion is listed
    assert main(["eval", str(data), "--min", "0.9"]) == 1
    assert "FAIL" in capsys.readouterr().out


def test_eval_missing_file(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["eval", "/no/such/file.jsonl"]) == 2


def test_validate_shipped_content_exit_code(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["validate", str(ROOT / "content")])
    out = capsys.readouterr().out
    assert code == 0, out
    assert out.startswith("OK:")


def test_chat_numbers_press_buttons(holder: BrainHolder) -> None:
    stdin = io.StringIO("1\n/menu\nmy boss keeps my passport\n/quit\n")
    stdout = io.StringIO()
    assert run_chat(holder, None, stdin, stdout) == 0
    out = stdout.getvalue()
    assert "[1] English" in out
    assert "Language set to English." in out  # pressing 1 chose English
    assert "[1]" in out.split("my boss keeps")[-1] or "👍" in out


@pytest.mark.parametrize("word", ["quit", "exit", "q", "QUIT", "/quit", "/exit"])
def test_chat_quit_words_leave(holder: BrainHolder, word: str) -> None:
    # The banner says how to leave; bare words must work too, not be matched as
    # a question ("quit" once answered "Going home? Prepare first.").
    stdin = io.StringIO(f"1\n{word}\nmy boss keeps my passport\n")
    stdout = io.StringIO()
    assert run_chat(holder, None, stdin, stdout) == 0
    out = stdout.getvalue()
    assert "quit" in out.splitlines()[0]
    assert "passport" not in out.split("Language set to English.")[-1].lower()


def test_quit_is_ordinary_text_outside_the_terminal(brain: Brain) -> None:
    from bot.dialogue.types import TextInput, UserState
    turn = brain.engine.handle(UserState(language="en"), TextInput("quit"))
    assert turn.replies  # the engine answers it; only the terminal treats it as leaving


def test_run_without_token_explains_and_starts_chat(monkeypatch: pytest.MonkeyPatch,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.delenv("TELEGRAM_BOT_TOKEN", raising=False)
    monkeypatch.setattr("sys.stdin", io.StringIO("/quit\n"))
    assert main(["run"]) == 0
    captured = capsys.readouterr()
    assert "TELEGRAM_BOT_TOKEN" in captured.err
    assert "terminal chat" in captured.out
