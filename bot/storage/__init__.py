"""Storage behind a small ``Repository`` interface; SQLite (aiosqlite) is the backend."""

import os

from bot.storage.base import (
    INBOX_RETENTION,
    UNMATCHED_RETENTION,
    ActivityCount,
    FeedbackCount,
    Reminder,
    Repository,
    StorageError,
    UnmatchedCount,
    UserRecord,
)
from bot.storage.sqlite import SqliteRepository

__all__ = [
    "INBOX_RETENTION",
    "UNMATCHED_RETENTION",
    "ActivityCount",
    "FeedbackCount",
    "Reminder",
    "Repository",
    "SqliteRepository",
    "StorageError",
    "UnmatchedCount",
    "UserRecord",
    "open_repository",
]


async def open_repository(path: "str | os.PathLike[str]") -> Repository:
    """Open the storage named by DATABASE_PATH (today always an SQLite file)."""
    return await SqliteRepository.open(path)
