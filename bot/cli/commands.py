"""Extra ``migrant-bot`` commands that need storage or the running bot.

``report unmatched|feedback`` read the database; ``backup`` and ``restore``
copy it safely while the bot may run; ``reload`` asks the running bot (found
through the lock file beside DATABASE_PATH) to reload its content.

Exit codes: 0 done, 1 failed, 2 a usage or configuration problem (one line on
stderr saying which).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sqlite3
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

# Every command builds its parser from this module, so it imports no more than
# parsing needs: the settings, storage and asyncio (a fifth of a second) are
# imported by the commands that use them ("migrant-bot match" starts without).
if TYPE_CHECKING:
    from bot.storage import Repository

__all__ = ["RELOAD_TIMEOUT", "add_commands"]

T = TypeVar("T")

# Seconds: a reload validates every content file before answering.
RELOAD_TIMEOUT = 120.0
_PROG = "migrant-bot"


def add_commands(sub: argparse._SubParsersAction[Any]) -> None:
    """Register ``report``, ``backup``, ``restore``, ``reload`` and ``migrate-db``."""
    _add_report(sub)

    p = sub.add_parser("migrate-db", help="copy an SQLite database into PostgreSQL "
                                          "(safe to run again: nothing is copied twice)")
    p.add_argument("--from", dest="source", required=True, metavar="sqlite:///PATH",
                   help="the SQLite database, e.g. sqlite:///data/migrant-bot.sqlite3")
    p.add_argument("--to", dest="target", required=True, metavar="postgresql://...",
                   help="the PostgreSQL database (its tables are created if needed)")
    p.set_defaults(func=_cmd_migrate_db)

    p = sub.add_parser("backup", help="copy the database (DATABASE_PATH) safely, even while "
                                      "the bot runs")
    # A str, not a Path: Path drops the trailing "/" that says "a folder".
    p.add_argument("path", help="the backup file, or a folder (existing, or ending in /) to "
                                "put a dated file in")
    p.set_defaults(func=_cmd_backup)

    p = sub.add_parser("restore", help="replace the database (DATABASE_PATH) with a backup")
    p.add_argument("backup_file", type=Path, metavar="BACKUP_FILE")
    p.add_argument("--force", action="store_true",
                   help="restore even though a running bot uses the database (restart it "
                        "right after)")
    p.set_defaults(func=_cmd_restore)

    p = sub.add_parser("reload", help="make the running bot reload its content (it keeps the "
                                      "old content if the new one has problems)")
    p.set_defaults(func=_cmd_reload)


def _add_report(sub: argparse._SubParsersAction[Any]) -> None:
    """``report unmatched|feedback``."""
    report = sub.add_parser("report", help="print reports from the bot's database")
    kinds = report.add_subparsers(dest="report", metavar="REPORT", required=True)

    p = kinds.add_parser("unmatched", help="the most frequent messages the bot did not "
                                           "understand, with counts")
    p.add_argument("--lang", help="only this detected language (en th my km lo vi)")
    p.add_argument("--days", type=_positive, help="only the last N days (default: all kept, "
                                                  "at most 90)")
    p.add_argument("--limit", type=_positive, default=30, help="how many lines (default 30)")
    p.set_defaults(func=_cmd_unmatched)

    p = kinds.add_parser("feedback", help="👍/👎 counts per topic and language")
    window = p.add_mutually_exclusive_group()
    window.add_argument("--days", type=_positive, help="only the last N days (today included)")
    window.add_argument("--since", type=_date, metavar="YYYY-MM-DD",
                        help="only from this day on, e.g. the day an answer was rewritten")
    window.add_argument("--since-reviewed", action="store_true",
                        help="each topic from its 'reviewed' date in content/topics.yaml on: "
                             "how the answer as it is now is liked")
    p.set_defaults(func=_cmd_feedback)

    p = kinds.add_parser("reminders", help="expiry reminders per document and language, "
                                           "and steps sent (no user ids)")
    p.set_defaults(func=_cmd_reminders)


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{value}' is not a date like 2026-11-23") from None


def _positive(value: str) -> int:
    number = int(value)
    if number < 1:
        raise argparse.ArgumentTypeError("must be 1 or more")
    return number


def _report(query: Callable[[Repository], Awaitable[T]]) -> T:
    """Run one report's query on the bot's database (DATABASE_URL or DATABASE_PATH)."""
    database = _database(create_folder=True)
    if database is None:
        raise SystemExit(2)

    async def run() -> T:
        from bot.storage import open_repository

        repo = await open_repository(database)
        try:
            return await query(repo)
        finally:
            await repo.close()

    result: T = _run(run())
    return result


def _cmd_unmatched(args: argparse.Namespace) -> int:
    """Print 'count  language  text' lines, most frequent first."""

    async def query(repo: Repository) -> list[tuple[int, str, str]]:
        rows = await repo.top_unmatched(args.lang, args.days, args.limit)
        return [(r.count, r.language or "?", r.text) for r in rows]

    rows = _report(query)
    scope = (f" in '{args.lang}'" if args.lang else "") + \
        (f" in the last {args.days} day(s)" if args.days else "")
    if not rows:
        print(f"No unmatched messages{scope}.")
        return 0
    print(f"Most frequent unmatched messages{scope}:")
    print(f"{'count':>5}  lang  text")
    for count, lang, text in rows:
        print(f"{count:>5}  {lang:<4}  {text}")
    return 0


def _cmd_reminders(args: argparse.Namespace) -> int:
    """Print 'document  language  reminders  sent' lines and the totals."""

    async def query(repo: Repository) -> list[tuple[str, str, int, int]]:
        return await repo.reminder_counts()

    rows = _report(query)
    if not rows:
        print("No reminders set.")
        return 0
    print(f"{'document':<12}  lang  {'reminders':>9}  {'steps sent':>10}")
    for document, lang, count, sent in rows:
        print(f"{document:<12}  {lang:<4}  {count:>9}  {sent:>10}")
    print(f"{'all':<12}  {'':<4}  {sum(r[2] for r in rows):>9}  {sum(r[3] for r in rows):>10}")
    return 0


def _cmd_feedback(args: argparse.Namespace) -> int:
    """Print 'topic  language  up  down' lines (with the day counted from, if any)."""
    since: dt.date | None = args.since
    if args.days:
        from bot.storage.base import utc_today

        since = utc_today() - dt.timedelta(days=args.days - 1)
    # Each topic's own first day (--since-reviewed), else one day (or none) for all.
    reviewed = _reviewed_dates(args.content) if args.since_reviewed else None

    async def query(repo: Repository) -> list[tuple[str, str, int, int, dt.date | None]]:
        if reviewed is None:  # one window for all: no day per row
            return [(r.topic, r.language, r.up, r.down, None)
                    for r in await repo.feedback_counts(since)]
        found: list[tuple[str, str, int, int, dt.date | None]] = []
        for day in sorted(set(reviewed.values())):  # a few dates: one query each
            found += [(r.topic, r.language, r.up, r.down, day)
                      for r in await repo.feedback_counts(day)
                      if reviewed.get(r.topic) == day]
        return sorted(found)

    rows = _report(query)
    if reviewed is not None:
        scope = " since each topic's reviewed date"
    else:
        scope = f" since {since.isoformat()}" if since else ""
    if not rows:
        print(f"No feedback{scope}." if scope else "No feedback yet.")
        return 0
    if scope:
        print(f"Feedback{scope} (UTC days):")
    width = max(len(r[0]) for r in rows)
    print(f"{'topic':<{width}}  lang    👍    👎" + ("  since" if reviewed is not None else ""))
    for topic, lang, up, down, day in rows:
        print(f"{topic:<{width}}  {lang:<4}  {up:>4}  {down:>4}"
              + (f"  {day.isoformat()}" if day else ""))
    return 0


def _reviewed_dates(content_dir: Path | None) -> dict[str, dt.date]:
    """Each topic's 'reviewed' date (content from --content, CONTENT_DIR or ./content)."""
    from bot.brain import default_paths
    from bot.content.loader import load_content

    result = load_content(content_dir or default_paths()[0])
    if result.tree is None:
        problem = result.problems[0] if result.problems else "cannot be read"
        raise SystemExit(_fail(1, f"content: {problem} (run 'migrant-bot validate')"))
    return {topic_id: topic.reviewed for topic_id, topic in result.tree.topics.items()}


def _run(coro: Any) -> Any:
    import asyncio

    from bot.storage import StorageError

    try:
        return asyncio.run(coro)
    except StorageError as exc:
        variable = "DATABASE_URL" if os.environ.get("DATABASE_URL") else "DATABASE_PATH"
        raise SystemExit(_fail(2, f"{variable}: {exc}")) from None


# -- migrate-db -----------------------------------------------------------------------
def _cmd_migrate_db(args: argparse.Namespace) -> int:
    """Copy every table from SQLite into PostgreSQL; print the rows per table."""
    from bot.ops.migrate_db import MigrateError, copy_database

    source = args.source[len("sqlite:///"):] if args.source.startswith("sqlite:///") \
        else args.source
    if not Path(source).is_file():
        return _fail(2, f"--from: no SQLite database at {source}")
    if not args.target.startswith(("postgresql://", "postgres://")):
        return _fail(2, "--to: must be a PostgreSQL URL, postgresql://user:password@host/db")
    try:
        counts = _run(copy_database(Path(source), args.target))
    except MigrateError as exc:
        return _fail(1, f"migrate-db: {exc}")
    width = max(len(t) for t in counts)
    print(f"{'table':<{width}}  {'in SQLite':>9}  {'copied':>6}  {'in PostgreSQL':>13}")
    for table, (found, copied, total) in counts.items():
        print(f"{table:<{width}}  {found:>9}  {copied:>6}  {total:>13}")
    print("Done. Set DATABASE_URL to the PostgreSQL URL and restart the bot.")
    return 0


# -- backup / restore ---------------------------------------------------------------
def _cmd_backup(args: argparse.Namespace) -> int:
    """Copy DATABASE_PATH with SQLite's online backup (safe while the bot writes)."""
    from bot.ops.backup import BackupError, backup

    if os.environ.get("DATABASE_URL"):
        return _fail(2, "DATABASE_URL is PostgreSQL: back it up with the server's own "
                        "tool, e.g. pg_dump --format=custom --file=backup.dump \"$DATABASE_URL\"")
    database = _database_path()
    if database is None:
        return 2
    if not database.is_file():
        return _fail(2, f"DATABASE_PATH: no database at {database} (has the bot run yet?)")
    destination = Path(args.path).expanduser()
    if args.path.endswith(("/", os.sep)):
        destination.mkdir(parents=True, exist_ok=True)  # "backups/" names a folder
    try:
        written = backup(database, destination)
    except BackupError as exc:
        return _fail(1, f"backup failed: {exc}")
    except (OSError, sqlite3.Error) as exc:
        return _fail(1, f"backup failed: {_reason(exc)}")
    print(f"Backed up {database} to {written} ({written.stat().st_size // 1024} KiB).")
    return 0


def _cmd_restore(args: argparse.Namespace) -> int:
    """Replace DATABASE_PATH with a checked backup; refuse a live database unless forced."""
    from bot.ops.backup import BackupError, restore
    from bot.ops.dblock import read_live_info

    database = _database_path()
    if database is None:
        return 2
    source: Path = args.backup_file.expanduser()
    if not source.is_file():
        return _fail(2, f"no backup file at {source}")
    try:
        live = read_live_info(database)
        restore(source, database, force=args.force)
    except BackupError as exc:
        return _fail(1, f"restore refused: {exc}")
    except (OSError, sqlite3.Error) as exc:
        return _fail(1, f"restore failed: {_reason(exc)}")
    print(f"Restored {database} from {source}.")
    if live is not None:
        # The running bot still has the replaced file open and would keep using it.
        print(f"{_PROG}: warning: the bot (pid {live.get('pid', '?')}) still uses the old "
              f"database: restart it now", file=sys.stderr)
    return 0


# -- reload -------------------------------------------------------------------------
def _cmd_reload(args: argparse.Namespace) -> int:
    """POST /reload to the bot running on DATABASE_PATH; print the version or the problems."""
    import httpx

    from bot.ops.dblock import read_live_info

    database = _database_path()
    if database is None:
        return 2
    try:
        info = read_live_info(database)
    except OSError as exc:
        return _fail(2, f"cannot read the lock file beside {database}: {_reason(exc)}")
    if info is None:
        return _fail(2, f"no bot is running on DATABASE_PATH ({database}); nothing to reload")
    port = info.get("health_port")
    hup = f"kill -HUP {info.get('pid', '<pid>')}"
    if not isinstance(port, int) or isinstance(port, bool) or not 0 < port < 65536:
        return _fail(2, f"the running bot (pid {info.get('pid', '?')}) has no HTTP server "
                        f"(HEALTH_PORT=0); reload it with: {hup}")
    host = _loopback_for(info.get("listen"))
    if host is None:
        # /reload answers loopback callers only, and the bot does not listen there.
        return _fail(2, f"the running bot listens on {info.get('listen')} only, not on this "
                        f"machine's loopback; reload it with: {hup}")
    url = f"http://{host}:{port}/reload"
    try:
        response = httpx.post(url, timeout=httpx.Timeout(RELOAD_TIMEOUT, connect=5.0))
    except httpx.HTTPError as exc:
        return _fail(1, f"cannot reach the bot at {url}: {type(exc).__name__}; "
                        f"or reload it with: {hup}")
    try:
        body = response.json()
    except ValueError:
        body = None
    if not isinstance(body, dict):
        return _fail(1, f"unexpected answer from {url} (HTTP {response.status_code}, not a "
                        f"JSON object)")
    if response.status_code == 200 and body.get("ok"):
        print(f"Reloaded: content version {body.get('version', '?')}")
        return 0
    problems = body.get("problems")
    if response.status_code == 422 and isinstance(problems, list):
        for problem in problems:
            print(problem)
        print("The bot keeps serving the previous content.")
        return 1
    reason = body.get("error") or f"HTTP {response.status_code}"
    return _fail(1, f"reload failed: {reason}; the bot keeps serving the previous content")


def _loopback_for(listen: object) -> str | None:
    """The loopback address reaching a server bound to ``listen``, or None."""
    from bot.adapters.telegram.web import is_loopback

    if listen is None or listen in ("", "0.0.0.0"):  # older lock files: all IPv4
        return "127.0.0.1"
    if listen == "::":
        return "[::1]"  # tornado binds IPv6 sockets IPv6-only
    if isinstance(listen, str) and is_loopback(listen):
        return f"[{listen}]" if ":" in listen else listen
    return None


def _database(create_folder: bool = False) -> str | None:
    """Where reports read: DATABASE_URL (PostgreSQL) if set, else DATABASE_PATH."""
    from bot.config import ConfigError, load_settings

    try:
        settings = load_settings()
        if settings.shared_database:
            return settings.database()
        return str(settings.ensure_database_folder() if create_folder else settings.database_path)
    except ConfigError as exc:
        print(f"{_PROG}: {exc}", file=sys.stderr)
        return None


def _database_path(create_folder: bool = False) -> Path | None:
    """DATABASE_PATH from the settings (its folder made if asked); None, after one line
    on stderr, when the setting is invalid or the folder cannot be made."""
    from bot.config import ConfigError, load_settings

    try:
        settings = load_settings()
        if create_folder:
            return settings.ensure_database_folder()
        return settings.database_path
    except ConfigError as exc:
        print(f"{_PROG}: {exc}", file=sys.stderr)
        return None


def _fail(code: int, message: str) -> int:
    """Print one line on stderr and return the exit code."""
    print(f"{_PROG}: {message}", file=sys.stderr)
    return code


def _reason(exc: BaseException) -> str:
    """A short reason without a traceback: the OS message, else the exception's text."""
    if isinstance(exc, OSError) and exc.strerror:
        return f"{exc.strerror}: {exc.filename}" if exc.filename else exc.strerror
    return str(exc).splitlines()[0] if str(exc) else type(exc).__name__
