"""The start-up cache (bot/build_cache.py): a start from it answers exactly as a
build does, an edit is never served stale, and nothing unsafe or damaged is read."""

from __future__ import annotations

import json
import os
import pickle
from pathlib import Path

import pytest

from bot.brain import Brain, load_brain
from bot.build_cache import BuildCache
from bot.dialogue.types import TextInput, UserState

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data"


def _replies(brain: Brain, texts: list[str]) -> list[tuple[str, ...]]:
    out = []
    for text in texts:
        turn = brain.engine.handle(UserState(), TextInput(text))
        out.append(tuple(reply.text for reply in turn.replies)
                   + tuple(e.kind + ":" + (e.topic or "") for e in turn.events))
    return out


def test_a_start_from_the_cache_answers_as_a_build_does(tmp_path: Path,
                                                        brain: Brain) -> None:
    """The shipped content: every eval question and a danger dev set, danger replies,
    doubts and look-alikes included, get the very same replies and events."""
    cache = BuildCache(tmp_path / "cache")
    first = load_brain(ROOT / "content", ROOT / "locales", cache=cache)
    again = load_brain(ROOT / "content", ROOT / "locales", cache=cache)
    assert "from_cache" not in first.timings and "from_cache" in again.timings
    texts = [json.loads(line)["text"] for name in ("eval.jsonl", "danger_dev27.jsonl")
             for line in (DATA / name).read_text(encoding="utf-8").splitlines()]
    assert _replies(again, texts) == _replies(brain, texts)
    assert again.version == brain.version and again.problems == brain.problems


def test_an_edit_is_never_served_from_an_older_copy(tmp_path: Path,
                                                    mini_content: Path) -> None:
    cache = BuildCache(tmp_path / "cache")
    load_brain(mini_content, cache=cache)
    topic = next((mini_content / "en").glob("[!_]*.yaml"))
    info = topic.stat()
    lines = topic.read_text(encoding="utf-8").splitlines(keepends=True)
    k = next(i for i, line in enumerate(lines) if line.startswith("  - "))
    lines[k] = "  - " + "z" * (len(lines[k]) - 5) + "\n"
    # Same size and same times, new words: a key of sizes and times alone would miss it.
    topic.write_text("".join(lines), encoding="utf-8")
    os.utime(topic, ns=(info.st_atime_ns, info.st_mtime_ns))
    assert topic.stat().st_size == info.st_size
    edited = load_brain(mini_content, cache=cache)
    assert "from_cache" not in edited.timings
    assert any(e.text.startswith("zzz") for e in edited.matcher.index.entries)
    # One copy per content folder: the older one is gone.
    assert len(list((tmp_path / "cache").glob("*.pickle"))) == 1
    assert "from_cache" in load_brain(mini_content, cache=cache).timings


def test_a_damaged_copy_means_a_normal_build(tmp_path: Path, mini_content: Path) -> None:
    cache = BuildCache(tmp_path / "cache")
    load_brain(mini_content, cache=cache)
    [copy] = (tmp_path / "cache").glob("*.pickle")
    copy.write_bytes(b"not a pickle")
    rebuilt = load_brain(mini_content, cache=cache)
    assert "from_cache" not in rebuilt.timings
    assert rebuilt.engine.handle(UserState(), TextInput("hello")).replies


@pytest.mark.skipif(not hasattr(os, "getuid"), reason="file ownership is POSIX")
def test_a_folder_others_can_write_to_is_never_read(tmp_path: Path,
                                                    mini_content: Path) -> None:
    """Pickle runs code as it loads: a copy someone else could have put there is
    not one to load."""
    folder = tmp_path / "cache"
    cache = BuildCache(folder)
    load_brain(mini_content, cache=cache)
    [copy] = folder.glob("*.pickle")
    planted = {"loaded": False}
    copy.write_bytes(pickle.dumps(planted))  # were it read, the load would fail
    folder.chmod(0o777)
    try:
        brain = load_brain(mini_content, cache=cache)
    finally:
        folder.chmod(0o700)
    assert "from_cache" not in brain.timings


def test_off_means_no_cache(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CACHE_DIR", "off")
    assert BuildCache.default().folder is None
    monkeypatch.setenv("CACHE_DIR", "/somewhere/else")
    assert BuildCache.default().folder == Path("/somewhere/else")
    monkeypatch.delenv("CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", "/xdg")
    assert BuildCache.default().folder == Path("/xdg/migrant-bot")


def test_a_folder_that_cannot_be_made_means_a_normal_build(tmp_path: Path,
                                                           mini_content: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("a file where the folder should be", encoding="utf-8")
    brain = load_brain(mini_content, cache=BuildCache(blocker / "cache"))
    assert brain.engine.handle(UserState(), TextInput("hello")).replies


def test_a_build_during_which_a_file_changed_is_not_kept(tmp_path: Path,
                                                        mini_content: Path) -> None:
    """An editor saving while the bot starts: what was built may mix old and new
    files, so it must not be kept under either key."""
    cache = BuildCache(tmp_path / "cache")
    topic = next((mini_content / "en").glob("[!_]*.yaml"))

    def build_while_editing() -> str:
        topic.write_text(topic.read_text(encoding="utf-8") + "\n", encoding="utf-8")
        return "built"

    assert cache.get_or_build(mini_content, build_while_editing) == ("built", False)
    assert not list((tmp_path / "cache").glob("*.pickle"))
