"""100,000 due reminders delivered through the real bot and its rate limiter, with a
kill -9 in the middle: messages per second, peak memory, lost and sent twice.

Run:  .venv/bin/python benchmarks/bench_reminders.py [--count 100000] [--kill-at 0.5]

At Telegram's 30 messages a second, 100,000 reminders take about an hour: use
``--count 3000`` for a quick look. The bot runs as an operator runs it
(``migrant-bot run``) against a fake Bot API on loopback in this process; the
reminders are written straight into its database, each due today, one per user
(so a message names its reminder). When ``--kill-at`` of them have arrived,
the bot is killed with SIGKILL and started again on the same database.
Prints figures; it is not a test.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.storage import SqliteRepository  # noqa: E402
from tests.adapters.web import free_port  # noqa: E402
from tests.fakes.bot_api import FakeBotAPI  # noqa: E402

CLI = Path(sys.executable).parent / "migrant-bot"
FIRST_USER = 900_000


def prepare(db: Path, count: int) -> None:
    """The schema (by the bot's own migrations), then ``count`` reminders due today."""
    async def migrate() -> None:
        repo = await SqliteRepository.open(db)
        await repo.close()

    asyncio.run(migrate())
    today = dt.datetime.now(dt.timezone(dt.timedelta(hours=7))).date()
    ends = today + dt.timedelta(days=30)
    with sqlite3.connect(db) as conn:
        conn.executemany(
            "INSERT INTO reminders (user_id, document, ends, language, next_due, created) "
            "VALUES (?, 'visa', ?, 'en', ?, '2026-01-01T00:00:00')",
            [(FIRST_USER + i, ends.isoformat(), today.isoformat()) for i in range(count)])


def start(api: FakeBotAPI, db: Path) -> subprocess.Popen[str]:
    env = {k: v for k, v in os.environ.items() if not k.isupper() or k in ("PATH", "HOME")}
    env.update(TELEGRAM_BOT_TOKEN=api.token, TELEGRAM_BASE_URL=api.base_url,
               DATABASE_PATH=str(db), LOG_LEVEL="WARNING", HEALTH_PORT=str(free_port()),
               REMINDER_SEND_HOURS="0-24")
    return subprocess.Popen([str(CLI), "run"], cwd=ROOT, env=env, text=True,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def delivered(api: FakeBotAPI) -> Counter[int]:
    return Counter(c.chat_id for c in api.calls(method="sendMessage")
                   if c.ok and c.chat_id is not None and c.chat_id >= FIRST_USER)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--kill-at", type=float, default=0.5,
                        help="fraction delivered when the bot is killed (0: no kill)")
    parser.add_argument("--timeout", type=float, default=7200)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder, FakeBotAPI() as api:
        db = Path(folder) / "bot.sqlite3"
        prepare(db, args.count)
        bot = start(api, db)
        started = time.monotonic()
        first: float | None = None
        killed_at = None
        peak = 0.0
        deadline = started + args.timeout
        try:
            while time.monotonic() < deadline:
                time.sleep(0.5)
                got = len(delivered(api))
                if got and first is None:
                    first = time.monotonic()
                if bot.poll() is None:
                    peak = max(peak, peak_rss_mb(bot.pid))
                if killed_at is None and args.kill_at and got >= args.count * args.kill_at:
                    bot.send_signal(signal.SIGKILL)
                    bot.wait()
                    killed_at = got
                    bot = start(api, db)
                if got >= args.count:
                    break
            elapsed = time.monotonic() - (first or started)
            time.sleep(2)  # late doubles
            counts = delivered(api)
        finally:
            bot.send_signal(signal.SIGTERM)
            try:
                bot.wait(timeout=30)
            except subprocess.TimeoutExpired:
                bot.kill()
    sent = sum(counts.values())
    print(f"{args.count} reminders: {len(counts)} delivered in {elapsed:.1f} s "
          f"({len(counts) / elapsed:.1f} messages/s), bot peak RSS {peak:.0f} MB")
    if killed_at is not None:
        print(f"kill -9 after {killed_at} delivered, restarted: "
              f"lost {args.count - len(counts)}, sent twice {sent - len(counts)}")


if __name__ == "__main__":
    main()
