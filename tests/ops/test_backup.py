"""Backups of a live database restore and open; restore refuses a live database."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
from pathlib import Path

import pytest

from bot.ops.backup import BackupError, backup, restore
from bot.ops.dblock import LiveLock, read_live_info


def make_db(path: Path) -> None:
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("CREATE TABLE schema_version (version INTEGER, applied_at TEXT)")
    conn.execute("INSERT INTO schema_version VALUES (1, 'now')")
    conn.execute("CREATE TABLE users (id INTEGER PRIMARY KEY, language TEXT)")
    conn.commit()
    conn.close()


def test_backup_while_writing_then_restore_and_open(tmp_path: Path) -> None:
    db = tmp_path / "live.sqlite3"
    make_db(db)
    stop = threading.Event()

    def writer() -> None:  # the "running bot": keeps writing during the backup
        conn = sqlite3.connect(db)
        i = 0
        while not stop.is_set():
            conn.execute("INSERT INTO users (language) VALUES (?)", (f"l{i % 6}",))
            conn.commit()
            i += 1
        conn.close()

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        with LiveLock(db):
            asyncio.run(asyncio.sleep(0.05))
            (tmp_path / "backups").mkdir()
            copy = backup(db, tmp_path / "backups")
            with pytest.raises(BackupError, match="in use by a running bot"):
                restore(copy, db)
    finally:
        stop.set()
        thread.join()
    assert copy.name.startswith("live-") and copy.suffix == ".sqlite3"
    restored = tmp_path / "restored" / "bot.sqlite3"
    restore(copy, restored)
    conn = sqlite3.connect(restored)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert conn.execute("SELECT COUNT(*) FROM users").fetchone()[0] > 0
    conn.close()


def test_restore_over_live_database_with_force(tmp_path: Path) -> None:
    db = tmp_path / "db.sqlite3"
    make_db(db)
    copy = backup(db, tmp_path / "copy.sqlite3")
    with LiveLock(db, {"health_port": 1234}):
        assert read_live_info(db) is not None
        restore(copy, db, force=True)
    assert read_live_info(db) is None  # released with the bot


def test_restore_rejects_a_file_that_is_not_a_backup(tmp_path: Path) -> None:
    junk = tmp_path / "junk.sqlite3"
    junk.write_text("not a database")
    with pytest.raises(BackupError, match="not a SQLite database"):
        restore(junk, tmp_path / "db.sqlite3")
    other = tmp_path / "other.sqlite3"
    sqlite3.connect(other).execute("CREATE TABLE x (y)").connection.commit()
    with pytest.raises(BackupError, match="not a migrant-bot database"):
        restore(other, tmp_path / "db.sqlite3")


def test_backup_of_missing_database(tmp_path: Path) -> None:
    with pytest.raises(BackupError, match="no database"):
        backup(tmp_path / "missing.sqlite3", tmp_path / "out.sqlite3")


def test_a_backup_is_one_self_contained_file(tmp_path: Path) -> None:
    folder = tmp_path / "odd #name? 100%"  # characters a naive SQLite URI would misread
    folder.mkdir()
    db = folder / "live.sqlite3"
    make_db(db)
    with LiveLock(db):
        copy = backup(db, tmp_path / "out" / "copy.sqlite3")
    assert sorted(p.name for p in copy.parent.iterdir()) == ["copy.sqlite3"]
    conn = sqlite3.connect(copy)
    try:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    finally:
        conn.close()
