"""Versioned schema migrations: an ordered list, each applied once in a transaction.

To change the schema, append a ``Migration`` with the next version number;
never edit one that has shipped (databases in the field already ran it).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import aiosqlite

from bot.storage.base import StorageError

__all__ = ["MIGRATIONS", "Migration", "apply_migrations", "pending", "schema_version"]


@dataclass(frozen=True)
class Migration:
    version: int
    description: str
    statements: tuple[str, ...]


MIGRATIONS: tuple[Migration, ...] = (
    Migration(1, "users, feedback counts, unmatched messages", (
        """CREATE TABLE users (
               user_id    INTEGER PRIMARY KEY,
               language   TEXT,
               last_topic TEXT,
               first_seen TEXT NOT NULL,   -- YYYY-MM-DD: a date, not a message time
               last_seen  TEXT NOT NULL,
               active     INTEGER NOT NULL DEFAULT 1
           )""",
        # No user id: votes are only counted.
        """CREATE TABLE feedback (
               topic    TEXT NOT NULL,
               language TEXT NOT NULL,
               up       INTEGER NOT NULL DEFAULT 0,
               down     INTEGER NOT NULL DEFAULT 0,
               PRIMARY KEY (topic, language)
           )""",
        # No user id: normalised text, detected language and when.
        """CREATE TABLE unmatched (
               id       INTEGER PRIMARY KEY,
               text     TEXT NOT NULL,
               language TEXT,
               at       TEXT NOT NULL     -- UTC, ISO 8601 to the second
           )""",
        "CREATE INDEX unmatched_at ON unmatched (at)",
        "CREATE INDEX unmatched_text ON unmatched (text)",
    )),
    Migration(2, "daily activity counters for /stats", (
        # Counts only, no user id. '' (not NULL) for "none": NULLs would make
        # every row distinct in the primary key, and the upsert would never hit.
        """CREATE TABLE activity (
               day      TEXT NOT NULL,             -- YYYY-MM-DD, UTC
               language TEXT NOT NULL DEFAULT '',
               kind     TEXT NOT NULL,             -- answer | did_you_mean | fallback | ...
               topic    TEXT NOT NULL DEFAULT '',
               count    INTEGER NOT NULL DEFAULT 0,
               PRIMARY KEY (day, language, kind, topic)
           )""",
        # /stats counts active users by last visit.
        "CREATE INDEX users_last_seen ON users (last_seen)",
    )),
    Migration(3, "feedback counted per day", (
        # Editors ask "did the 👎 stop since we rewrote the answer?": votes are
        # counted per day (still no user id). Votes from before this version have no
        # day; they keep '' and count in all-time totals only.
        """CREATE TABLE feedback_daily (
               day      TEXT NOT NULL,             -- YYYY-MM-DD, UTC; '' = before v3
               topic    TEXT NOT NULL,
               language TEXT NOT NULL,
               up       INTEGER NOT NULL DEFAULT 0,
               down     INTEGER NOT NULL DEFAULT 0,
               PRIMARY KEY (day, topic, language)
           )""",
        """INSERT INTO feedback_daily (day, topic, language, up, down)
           SELECT '', topic, language, up, down FROM feedback""",
        "DROP TABLE feedback",
    )),
    Migration(4, "durable inbox of updates", (
        # An update is written here before Telegram is told it arrived (polling
        # offset, webhook 200), handled, then marked done: a crash loses nothing.
        # The payload (the worker's message with their id) is kept only until the
        # update is handled; the id stays a while to recognise a re-delivery.
        """CREATE TABLE inbox (
               update_id INTEGER PRIMARY KEY,
               payload   TEXT,                     -- NULL once handled
               state     TEXT NOT NULL,            -- pending | done | skipped
               received  TEXT NOT NULL             -- UTC, ISO 8601 to the second
           )""",
        "CREATE INDEX inbox_state ON inbox (state, received)",
    )),
    Migration(5, "expiry reminders; what the user was asked", (
        # What the bot is waiting for from this user (e.g. the end date of a
        # document after "⏰ Remind me"): a short key, never what they typed.
        "ALTER TABLE users ADD COLUMN pending TEXT",
        # Only the document kind and its end date: never a document number.
        """CREATE TABLE reminders (
               id        INTEGER PRIMARY KEY,
               user_id   INTEGER NOT NULL,
               document  TEXT NOT NULL,          -- work_permit | visa | passport | ...
               ends      TEXT NOT NULL,          -- YYYY-MM-DD
               language  TEXT NOT NULL,          -- the reply language when it was set
               last_sent INTEGER,                -- the latest step sent (days before)
               next_due  TEXT,                   -- YYYY-MM-DD the next step is reached
               paused    INTEGER NOT NULL DEFAULT 0,  -- the user blocked the bot
               created   TEXT NOT NULL,
               UNIQUE (user_id, document)
           )""",
        "CREATE INDEX reminders_due ON reminders (paused, next_due)",
        # One row per step: claimed before it is sent (so two processes or a
        # restart never send it twice), then marked sent.
        """CREATE TABLE reminder_steps (
               reminder_id INTEGER NOT NULL REFERENCES reminders (id) ON DELETE CASCADE,
               step        INTEGER NOT NULL,
               ends        TEXT NOT NULL,        -- the end date this step was for
               state       TEXT NOT NULL,        -- claimed | sent
               claimed_at  TEXT NOT NULL,
               sent_at     TEXT,
               PRIMARY KEY (reminder_id, ends, step)
           )""",
    )),
    Migration(6, "hand-off cases to caseworkers, their audit, the copied-message map", (
        # One row per case: who (user id), where (staff chat, forum topic), state and
        # times. Never message text: Telegram holds the conversation in the group.
        # AUTOINCREMENT: a forgotten case's number is never given to someone else,
        # so the anonymous audit rows below cannot point at the wrong person.
        """CREATE TABLE handoff_cases (
               case_id        INTEGER PRIMARY KEY AUTOINCREMENT,
               user_id        INTEGER NOT NULL,
               language       TEXT NOT NULL,
               chat_id        INTEGER NOT NULL,     -- the staff group
               topic_id       INTEGER,              -- forum topic; NULL until created
               state          TEXT NOT NULL,        -- waiting | open | closed
               danger         INTEGER NOT NULL DEFAULT 0,
               opened_at      TEXT NOT NULL,        -- UTC, ISO 8601 to the second
               worker_at      TEXT,                 -- the worker's last message
               first_reply_at TEXT,
               closed_at      TEXT,
               closed_by      INTEGER               -- caseworker id; NULL: the worker
           )""",
        # At most one case a worker is in at a time.
        "CREATE UNIQUE INDEX handoff_live ON handoff_cases (user_id) "
        "WHERE state != 'closed'",
        "CREATE INDEX handoff_topic ON handoff_cases (chat_id, topic_id)",
        # What happened to a case, when, and which caseworker did it: no text, no
        # worker id. Kept after /forget (the case row is gone, so it leads to nobody).
        """CREATE TABLE handoff_audit (
               id            INTEGER PRIMARY KEY,
               case_id       INTEGER NOT NULL,
               at            TEXT NOT NULL,
               event         TEXT NOT NULL,
               caseworker_id INTEGER
           )""",
        "CREATE INDEX handoff_audit_case ON handoff_audit (case_id)",
        # Which copy belongs to which original (to relay an edit): ids only.
        """CREATE TABLE handoff_copies (
               case_id   INTEGER NOT NULL,
               side      TEXT NOT NULL,            -- worker | staff: where the original is
               source_id INTEGER NOT NULL,
               copy_id   INTEGER NOT NULL,
               PRIMARY KEY (case_id, side, source_id)
           )""",
    )),
)


async def schema_version(db: aiosqlite.Connection) -> int:
    """The highest applied migration (0 for a new database)."""
    await db.execute("""CREATE TABLE IF NOT EXISTS schema_version (
                            version    INTEGER PRIMARY KEY,
                            applied_at TEXT NOT NULL
                        )""")
    async with db.execute("SELECT COALESCE(MAX(version), 0) FROM schema_version") as cur:
        row = await cur.fetchone()
    return int(row[0]) if row else 0


def pending(migrations: tuple[Migration, ...], current: int) -> list[Migration]:
    """The migrations a database at ``current`` still needs, in order; StorageError
    when the database is newer than this bot (every backend says the same)."""
    latest = max((m.version for m in migrations), default=0)
    if current > latest:
        raise StorageError(f"the database is at schema version {current}, newer than this "
                           f"bot knows ({latest}); upgrade the bot")
    return [m for m in sorted(migrations, key=lambda m: m.version) if m.version > current]


async def apply_migrations(db: aiosqlite.Connection,
                           migrations: tuple[Migration, ...] = MIGRATIONS) -> int:
    """Bring the schema up to date; return the version it is at now."""
    current = await schema_version(db)
    for migration in pending(migrations, current):
        # One transaction per migration: a failure leaves the previous version intact.
        await db.execute("BEGIN IMMEDIATE")
        try:
            for statement in migration.statements:
                await db.execute(statement)
            await db.execute("INSERT INTO schema_version (version, applied_at) VALUES (?, ?)",
                             (migration.version,
                              dt.datetime.now(dt.UTC).isoformat(timespec="seconds")))
        except BaseException:
            await db.execute("ROLLBACK")
            raise
        await db.execute("COMMIT")
        current = migration.version
    return current
