"""Online backup and careful restore of the SQLite database.

``backup`` uses SQLite's online backup API, which copies a consistent snapshot
while the bot keeps writing. ``restore`` checks the file is a real migrant-bot
database and refuses to replace a live one unless forced.
"""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

from bot.ops.dblock import read_live_info

__all__ = ["BackupError", "backup", "restore"]


class BackupError(Exception):
    """Something a person can fix: the message says what."""


def backup(database: Path, destination: Path) -> Path:
    """Copy ``database`` to ``destination`` (a file, or a folder to put a dated file in)."""
    if not database.is_file():
        raise BackupError(f"no database at {database}")
    if destination.is_dir():
        import datetime as dt

        stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%d-%H%M%S")
        destination = destination / f"{database.stem}-{stamp}.sqlite3"
    destination.parent.mkdir(parents=True, exist_ok=True)
    partial = destination.with_name(destination.name + ".partial")
    source = sqlite3.connect(_read_only_uri(database), uri=True)
    try:
        target = sqlite3.connect(partial)
        try:
            source.backup(target, pages=256)
            # The copy inherits WAL mode; opening it (the check below, a restore) would
            # then leave -wal/-shm files beside it. One self-contained file instead.
            target.execute("PRAGMA journal_mode=DELETE")
        finally:
            target.close()
    finally:
        source.close()
    _check(partial)
    partial.replace(destination)  # a half-written backup never has the final name
    return destination


def restore(backup_file: Path, database: Path, force: bool = False) -> None:
    """Replace ``database`` with ``backup_file``; refuse while a bot runs on it."""
    if not backup_file.is_file():
        raise BackupError(f"no backup file at {backup_file}")
    _check(backup_file)
    live = read_live_info(database)
    if live is not None and not force:
        raise BackupError(f"the database {database} is in use by a running bot "
                          f"(pid {live.get('pid', '?')}); stop the bot first, or use --force")
    database.parent.mkdir(parents=True, exist_ok=True)
    staged = database.with_name(database.name + ".restoring")
    shutil.copyfile(backup_file, staged)
    for suffix in ("-wal", "-shm"):  # stale WAL pages would be replayed over the restore
        database.with_name(database.name + suffix).unlink(missing_ok=True)
    staged.replace(database)


def _read_only_uri(path: Path) -> str:
    """A read-only SQLite URI; ``as_uri`` escapes '?', '#' and '%' in the path."""
    return path.absolute().as_uri() + "?mode=ro"


def _check(path: Path) -> None:
    try:
        conn = sqlite3.connect(_read_only_uri(path), uri=True)
        try:
            result = conn.execute("PRAGMA integrity_check").fetchone()
            tables = {row[0] for row in conn.execute(
                "SELECT name FROM sqlite_master WHERE type='table'")}
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"{path} is not a SQLite database ({exc})") from None
    if not result or result[0] != "ok":
        raise BackupError(f"{path} failed SQLite's integrity check")
    if "schema_version" not in tables:
        raise BackupError(f"{path} is not a migrant-bot database (no schema_version table)")
