"""Extra ``migrant-bot`` commands that need storage: ``report unmatched|feedback``."""

from __future__ import annotations

import argparse
import asyncio
import sys
from typing import Any

from bot.config import ConfigError, load_settings
from bot.storage import StorageError, open_repository

__all__ = ["add_commands"]


def add_commands(sub: argparse._SubParsersAction[Any]) -> None:
    """Register ``report`` and its subcommands on the main parser."""
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
    p.set_defaults(func=_cmd_feedback)


def _positive(value: str) -> int:
    number = int(value)
    if number < 1:
        raise argparse.ArgumentTypeError("must be 1 or more")
    return number


def _cmd_unmatched(args: argparse.Namespace) -> int:
    """Print 'count  language  text' lines, most frequent first."""
    async def query() -> list[tuple[int, str, str]]:
        repo = await open_repository(_database())
        try:
            rows = await repo.top_unmatched(args.lang, args.days, args.limit)
        finally:
            await repo.close()
        return [(r.count, r.language or "?", r.text) for r in rows]

    rows = _run(query())
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


def _cmd_feedback(args: argparse.Namespace) -> int:
    """Print 'topic  language  up  down' lines."""
    async def query() -> list[tuple[str, str, int, int]]:
        repo = await open_repository(_database())
        try:
            rows = await repo.feedback_counts()
        finally:
            await repo.close()
        return [(r.topic, r.language, r.up, r.down) for r in rows]

    rows = _run(query())
    if not rows:
        print("No feedback yet.")
        return 0
    width = max(len(r[0]) for r in rows)
    print(f"{'topic':<{width}}  lang    👍    👎")
    for topic, lang, up, down in rows:
        print(f"{topic:<{width}}  {lang:<4}  {up:>4}  {down:>4}")
    return 0


def _database() -> str:
    try:
        settings = load_settings()
        return str(settings.ensure_database_folder())
    except ConfigError as exc:
        print(f"migrant-bot: {exc}", file=sys.stderr)
        raise SystemExit(2) from None


def _run(coro: Any) -> Any:
    try:
        return asyncio.run(coro)
    except StorageError as exc:
        print(f"migrant-bot: DATABASE_PATH: {exc}", file=sys.stderr)
        raise SystemExit(2) from None
