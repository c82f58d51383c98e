"""Storage behind a small ``Repository`` interface: SQLite (aiosqlite, the default) or
PostgreSQL (asyncpg, for several replicas); the queries are shared (sql.py)."""

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


async def open_repository(where: "str | os.PathLike[str]") -> Repository:
    """Open the storage: a ``postgresql://`` URL (DATABASE_URL), a ``sqlite:///path``
    URL, or an SQLite file path (DATABASE_PATH)."""
    text = os.fspath(where)
    if text.startswith(("postgresql://", "postgres://")):
        from bot.storage.postgres import PostgresRepository  # asyncpg only when used

        return await PostgresRepository.open(text)
    if text.startswith("sqlite:///"):
        text = text[len("sqlite:///"):]
    return await SqliteRepository.open(text)
