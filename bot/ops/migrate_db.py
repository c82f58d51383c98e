"""``migrant-bot migrate-db``: copy an SQLite database into PostgreSQL.

The PostgreSQL schema is created by the bot's own migrations, then each table
is copied row by row with ``ON CONFLICT DO NOTHING`` on its key, so running it
again copies nothing twice (and a run cut short can simply be repeated). Only
rows are copied, never the SQLite file itself: users' languages, feedback
history, reminders, the unmatched log and the inbox's update ids all move.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from bot.storage.postgres import PostgresRepository

__all__ = ["TABLES", "MigrateError", "copy_database"]

# Table -> its key (what makes a row "already there"). Order: parents first.
TABLES: dict[str, tuple[str, ...]] = {
    "users": ("user_id",),
    "feedback_daily": ("day", "topic", "language"),
    "activity": ("day", "language", "kind", "topic"),
    "unmatched": ("id",),
    "inbox": ("update_id",),
    "reminders": ("id",),
    "reminder_steps": ("reminder_id", "ends", "step"),
    "handoff_cases": ("case_id",),
    "handoff_audit": ("id",),
    "handoff_copies": ("case_id", "side", "source_id"),
}
# Tables whose ids PostgreSQL hands out (a sequence to move past the copied ids).
_SERIAL = {"unmatched": "id", "reminders": "id", "handoff_cases": "case_id",
           "handoff_audit": "id"}


class MigrateError(Exception):
    """The copy cannot go on (a schema this bot does not know, say)."""


async def copy_database(source: Path, target_url: str) -> dict[str, tuple[int, int, int]]:
    """Copy every table; return table -> (rows in SQLite, rows copied now, rows in PG)."""
    with sqlite3.connect(f"file:{source}?mode=ro", uri=True) as lite:
        version = lite.execute("SELECT COALESCE(MAX(version), 0) FROM schema_version"
                               ).fetchone()[0]
        target = await PostgresRepository.open(target_url)
        try:
            if version > target.schema_version:
                raise MigrateError(f"the SQLite database is at schema version {version}, "
                                   f"newer than this bot ({target.schema_version})")
            counts: dict[str, tuple[int, int, int]] = {}
            for table, key in TABLES.items():
                cursor = lite.execute(f"SELECT * FROM {table}")
                columns = [d[0] for d in cursor.description]
                rows = cursor.fetchall()
                marks = ", ".join("?" * len(columns))
                sql = (f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks}) "
                       f"ON CONFLICT ({', '.join(key)}) DO NOTHING")
                copied = 0
                async with target._transaction():
                    for row in rows:
                        copied += await target._exec(sql, row)
                total = await target._one(f"SELECT COUNT(*) FROM {table}")
                counts[table] = (len(rows), copied, int(total[0]) if total else 0)
            # New rows get ids after the copied ones.
            for table, column in _SERIAL.items():
                await target._exec(
                    f"SELECT setval(pg_get_serial_sequence('{table}', '{column}'), "
                    f"COALESCE((SELECT MAX({column}) FROM {table}), 0) + 1, false)")
            return counts
        finally:
            await target.close()
