"""kill -9 in the middle of a stream of updates, then restart: how many are lost, how many
answered twice? And a soak: resident memory at the start and the end of a long run.

Run:  .venv/bin/python benchmarks/bench_crash.py [--mode polling|webhook|both]
                                                 [--rate 40] [--updates 400] [--kill-after 4]
      .venv/bin/python benchmarks/bench_crash.py --soak 600 --rate 20

The bot runs as an operator runs it (``migrant-bot run``, its own process)
against a fake Bot API on loopback in this process. Every update comes from a
user of its own, so a reply names its update. Polling: the updates wait in the
fake's getUpdates queue. Webhook: they are POSTed with the secret token, and a
POST that fails (the bot is down) is tried again a second later, as Telegram
does. Telegram's 30 replies a second are enforced by the bot, so at 40 updates
a second a backlog builds up: the kill lands while it is large. Prints figures;
it is not a test (tests/test_benchmarks.py runs a short crash run and checks
that nothing was lost).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.adapters.web import free_port  # noqa: E402
from tests.fakes.bot_api import FakeBotAPI  # noqa: E402
from tests.fakes.updates import Updates  # noqa: E402

SECRET = "bench-crash-secret"
CLI = Path(sys.executable).parent / "migrant-bot"
FIRST_USER = 500_000


def start_bot(api: FakeBotAPI, db: Path, mode: str, port: int) -> subprocess.Popen[str]:
    env = {k: v for k, v in os.environ.items() if not k.isupper() or k in ("PATH", "HOME")}
    env.update(TELEGRAM_BOT_TOKEN=api.token, TELEGRAM_BASE_URL=api.base_url,
               DATABASE_PATH=str(db), LOG_LEVEL="WARNING", BOT_MODE=mode)
    if mode == "webhook":
        env.update(WEBHOOK_URL=f"http://127.0.0.1:{port}/hook", WEBHOOK_LISTEN="127.0.0.1",
                   WEBHOOK_PORT=str(port), WEBHOOK_SECRET_TOKEN=SECRET)
    else:
        env.update(HEALTH_PORT=str(port))
    return subprocess.Popen([str(CLI), "run"], cwd=ROOT, env=env, text=True,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def wait_ready(port: int, timeout: float = 60) -> None:
    import httpx

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    raise TimeoutError("the bot did not become healthy")


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


class Feeder:
    """Sends updates at a steady rate, by getUpdates queue or by webhook POST."""

    def __init__(self, api: FakeBotAPI, mode: str, port: int) -> None:
        self.api, self.mode, self.port = api, mode, port
        self.updates = Updates()
        self.sent: list[int] = []  # user ids, one per update
        self.retries = 0

    async def run(self, count: int, rate: float, texts: list[str]) -> None:
        import httpx

        async with httpx.AsyncClient(timeout=5) as http:
            tasks = []
            started = time.monotonic()
            for n in range(count):
                await asyncio.sleep(max(0.0, started + n / rate - time.monotonic()))
                user = FIRST_USER + len(self.sent)
                self.sent.append(user)
                update = self.updates.message(user, texts[n % len(texts)])
                if self.mode == "polling":
                    self.api.add_update(update)
                else:
                    update["update_id"] = self.api.next_update_id()
                    tasks.append(asyncio.create_task(self._post(http, update)))
            await asyncio.gather(*tasks)

    async def _post(self, http: Any, update: dict[str, Any]) -> None:
        """POST until the bot answers 200 (Telegram retries a failed delivery)."""
        url = f"http://127.0.0.1:{self.port}/hook"
        while True:
            try:
                response = await http.post(url, json=update,
                                           headers={"X-Telegram-Bot-Api-Secret-Token": SECRET})
                if response.status_code == 200:
                    return
            except Exception:  # down: connection refused, reset...
                pass
            self.retries += 1
            await asyncio.sleep(1.0)


def replies_per_user(api: FakeBotAPI, users: list[int]) -> dict[int, int]:
    counts = dict.fromkeys(users, 0)
    for call in api.calls(method="sendMessage"):
        if call.ok and call.chat_id in counts:
            counts[call.chat_id] += 1
    return counts


async def crash_run(mode: str, count: int, rate: float, kill_after: float,
                    settle: float, latency: float) -> dict[str, Any]:
    texts = ["/menu", "work permit", "my salary was not paid", "/hotlines"]
    with tempfile.TemporaryDirectory() as folder, FakeBotAPI() as api:
        # Telegram's answer takes a while: replies are in flight when the kill lands.
        api.slow_down("sendMessage", latency, seconds=3600)
        db = Path(folder) / "bot.sqlite3"
        port = free_port()
        bot = start_bot(api, db, mode, port)
        try:
            await asyncio.to_thread(wait_ready, port)
            feeder = Feeder(api, mode, port)
            feeding = asyncio.create_task(feeder.run(count, rate, texts))
            await asyncio.sleep(kill_after)
            answered_before = sum(1 for c in replies_per_user(api, feeder.sent).values() if c)
            bot.send_signal(signal.SIGKILL)
            bot.wait()
            killed_at = len(feeder.sent)
            await asyncio.sleep(0.5)
            bot = start_bot(api, db, mode, port)
            await asyncio.to_thread(wait_ready, port)
            await feeding
            deadline = time.monotonic() + settle
            while time.monotonic() < deadline:
                counts = replies_per_user(api, feeder.sent)
                if all(counts.values()):
                    break
                await asyncio.sleep(0.2)
            await asyncio.sleep(1.0)  # late doubles
            counts = replies_per_user(api, feeder.sent)
        finally:
            bot.send_signal(signal.SIGTERM)
            try:
                bot.wait(timeout=20)
            except subprocess.TimeoutExpired:
                bot.kill()
    return {"mode": mode, "updates": count, "rate": rate, "latency": latency,
            "sent_before_kill": killed_at,
            "answered_before_kill": answered_before,
            "lost": sum(1 for c in counts.values() if c == 0),
            "answered_twice": sum(1 for c in counts.values() if c > 1),
            "webhook_retries": feeder.retries}


async def soak_run(seconds: float, rate: float) -> dict[str, Any]:
    texts = ["/menu", "work permit", "ငွေမရဘူး", "ប្រាក់ខែ", "ເງິນເດືອນ", "lương", "ค่าแรง"]
    with tempfile.TemporaryDirectory() as folder, FakeBotAPI() as api:
        port = free_port()
        bot = start_bot(api, Path(folder) / "bot.sqlite3", "polling", port)
        try:
            await asyncio.to_thread(wait_ready, port)
            start_rss = rss_mb(bot.pid)
            feeder = Feeder(api, "polling", port)
            await feeder.run(int(seconds * rate), rate, texts)
            await asyncio.sleep(3)
            end_rss = rss_mb(bot.pid)
            counts = replies_per_user(api, feeder.sent)
        finally:
            bot.send_signal(signal.SIGTERM)
            bot.wait(timeout=20)
    return {"seconds": seconds, "rate": rate, "updates": len(feeder.sent),
            "rss_start_mb": round(start_rss, 1), "rss_end_mb": round(end_rss, 1),
            "rss_ratio": round(end_rss / start_rss, 3),
            "unanswered": sum(1 for c in counts.values() if c == 0)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mode", choices=["polling", "webhook", "both"], default="both")
    parser.add_argument("--rate", type=float, default=40.0, help="updates per second")
    parser.add_argument("--updates", type=int, default=400)
    parser.add_argument("--kill-after", type=float, default=4.0, help="seconds into the stream")
    parser.add_argument("--settle", type=float, default=60.0,
                        help="seconds to wait for the backlog after the restart")
    parser.add_argument("--latency", type=float, default=0.7,
                        help="seconds the fake Bot API takes to answer sendMessage")
    parser.add_argument("--soak", type=float, default=0.0,
                        help="instead: run this many seconds and print memory")
    parser.add_argument("--json", action="store_true", help="one JSON object per run")
    args = parser.parse_args()
    if args.soak:
        results = [asyncio.run(soak_run(args.soak, args.rate))]
    else:
        modes = ["polling", "webhook"] if args.mode == "both" else [args.mode]
        results = [asyncio.run(crash_run(m, args.updates, args.rate, args.kill_after,
                                         args.settle, args.latency)) for m in modes]
    for result in results:
        if args.json:
            print(json.dumps(result))
        elif args.soak:
            print(f"soak {result['seconds']:.0f} s at {result['rate']:.0f}/s: "
                  f"{result['updates']} updates, RSS {result['rss_start_mb']} MB -> "
                  f"{result['rss_end_mb']} MB (x{result['rss_ratio']}), "
                  f"{result['unanswered']} unanswered")
        else:
            print(f"{result['mode']:8} {result['updates']} updates at {result['rate']:.0f}/s, "
                  f"kill -9 after {result['sent_before_kill']} sent "
                  f"({result['answered_before_kill']} answered): lost {result['lost']}, "
                  f"answered twice {result['answered_twice']}")


if __name__ == "__main__":
    main()
