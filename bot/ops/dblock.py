"""A lock file beside the database, held while a bot runs.

It tells ``migrant-bot restore`` that the database is live (so it refuses to
overwrite it without --force) and tells ``migrant-bot reload`` where the bot
listens. ``fcntl.flock`` is released by the kernel when the process dies, so a
crashed bot never leaves a stale "live" database behind.
"""

from __future__ import annotations

import fcntl
import json
import os
from pathlib import Path
from types import TracebackType
from typing import IO, Any

__all__ = ["AlreadyRunning", "LiveLock", "lock_path", "read_live_info"]


def lock_path(database: Path) -> Path:
    return database.with_name(database.name + ".lock")


class LiveLock:
    """``with LiveLock(db, info): ...`` marks the database live for the block."""

    def __init__(self, database: Path, info: dict[str, Any] | None = None) -> None:
        self.path = lock_path(database)
        self.info = {"pid": os.getpid(), **(info or {})}
        self._handle: IO[str] | None = None

    def acquire(self) -> bool:
        """Take the lock; False when another process holds it."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle = self.path.open("a+", encoding="utf-8")
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            handle.close()
            return False
        handle.seek(0)
        handle.truncate()
        handle.write(json.dumps(self.info))
        handle.flush()
        self._handle = handle
        return True

    def release(self) -> None:
        if self._handle is not None:
            fcntl.flock(self._handle, fcntl.LOCK_UN)
            self._handle.close()
            self._handle = None

    def __enter__(self) -> LiveLock:
        self.acquire()
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.release()


def read_live_info(database: Path) -> dict[str, Any] | None:
    """The running bot's info if the database is live, else None."""
    path = lock_path(database)
    if not path.exists():
        return None
    with path.open("a+", encoding="utf-8") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except OSError:
            handle.seek(0)
            try:
                data = json.loads(handle.read() or "{}")
            except ValueError:
                data = {}
            return data if isinstance(data, dict) else {}
        fcntl.flock(handle, fcntl.LOCK_UN)
    return None


class AlreadyRunning(Exception):
    """Another process holds the live lock of DATABASE_PATH (or polls DATABASE_URL)."""

    def __init__(self, pid: object, where: str = "DATABASE_PATH") -> None:
        detail = f" (pid {pid})" if pid is not None else ""
        super().__init__(f"another bot is already running on {where}{detail}")
        self.pid = pid
