"""A fake Telegram Bot API server on loopback, for end-to-end tests and benchmarks.

It speaks just enough HTTP/1.1 (keep-alive, Content-Length bodies) for httpx,
runs its own asyncio loop in a background thread, records every call with its
decoded parameters, serves injected updates to ``getUpdates`` (long polling
with a capped wait), and can be told to fail calls (429 with retry_after, 403,
400, 502) so the bot's resilience can be tested.

Stdlib only. It can also run as a process, for trying the bot by hand::

    python tests/fakes/bot_api.py --port 8081 --token 123:abc
    TELEGRAM_BOT_TOKEN=123:abc TELEGRAM_BASE_URL=http://127.0.0.1:8081/bot migrant-bot run
    curl -d '{"user": 42, "text": "/start"}' http://127.0.0.1:8081/_fake/say

Control endpoints (JSON): ``POST /_fake/updates`` (a list of updates),
``POST /_fake/say`` ({"user", "text"}), ``POST /_fake/fail`` (a rule),
``GET /_fake/calls`` (``?method=&since=``), ``GET /_fake/stats``.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import json
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Any
from urllib.parse import parse_qs, urlsplit

__all__ = ["Call", "FailRule", "FakeBotAPI"]

JSON = dict[str, Any]

# Parameters that are always text, even when they look like numbers or JSON.
_TEXT_PARAMS = frozenset({"text", "caption", "callback_query_id", "secret_token", "url",
                          "language_code", "description", "short_description", "name"})
# The rights an admin bot needs to run a hand-off group (getChatMember of the bot).
BOT_ADMIN_RIGHTS: JSON = {"can_be_edited": False, "is_anonymous": False,
                          "can_manage_chat": True, "can_delete_messages": True,
                          "can_manage_video_chats": False, "can_restrict_members": False,
                          "can_promote_members": False, "can_change_info": False,
                          "can_invite_users": True, "can_post_stories": False,
                          "can_edit_stories": False, "can_delete_stories": False,
                          "can_pin_messages": True, "can_manage_topics": True}
_THREAD_NOT_FOUND = "Bad Request: message thread not found"


@dataclass
class Call:
    """One request the bot made."""

    method: str
    params: JSON
    token: str
    at: float
    status: int = 200
    result: Any = None
    content_type: str = ""  # how the body was encoded (form fields or JSON)

    @property
    def ok(self) -> bool:
        """True when the fake answered with success."""
        return self.status == 200

    @property
    def text(self) -> str:
        """The message text sent or edited in."""
        return str(self.params.get("text", ""))

    @property
    def chat_id(self) -> int | None:
        """The chat the call was about, if any."""
        value = self.params.get("chat_id")
        return int(value) if value is not None else None

    def buttons(self) -> list[list[JSON]]:
        """The inline keyboard rows sent with the call (empty when none)."""
        markup = self.params.get("reply_markup") or {}
        return list(markup.get("inline_keyboard", []))

    def button_data(self) -> list[str]:
        """Every callback_data in the inline keyboard, row by row, without the
        ``@lang`` suffix (the language a button was shown in; see raw_button_data)."""
        return [d.partition("@")[0] for d in self.raw_button_data()]

    def raw_button_data(self) -> list[str]:
        """Every callback_data exactly as the bot sent it."""
        return [b.get("callback_data", "") for row in self.buttons() for b in row]


@dataclass
class FailRule:
    """Answer matching calls with an error, ``times`` times."""

    method: str
    status: int
    description: str
    parameters: JSON | None = None
    chat_id: int | None = None
    times: int = 1


@dataclass
class Outage:
    """Answer every call of ``method`` with an error until ``until`` (monotonic time)."""

    method: str
    status: int
    description: str
    until: float
    parameters: JSON | None = None


@dataclass
class Slowness:
    """Delay the answer of every call of ``method`` by ``delay`` s until ``until``; the
    call still takes effect at once (a slow Bot API that did deliver the message)."""

    method: str
    delay: float
    until: float


@dataclass
class _State:
    updates: list[JSON] = field(default_factory=list)
    calls: list[Call] = field(default_factory=list)
    rules: list[FailRule] = field(default_factory=list)
    outages: list[Outage] = field(default_factory=list)
    slow: list[Slowness] = field(default_factory=list)
    message_ids: dict[int, int] = field(default_factory=dict)
    commands: dict[str, list[JSON]] = field(default_factory=dict)
    webhook: JSON = field(default_factory=dict)
    ok_counts: dict[str, int] = field(default_factory=dict)
    # Forum topics per chat: thread id -> {"name", "closed", "deleted"}.
    topics: dict[int, dict[int, JSON]] = field(default_factory=dict)
    # getChatMember: (chat, user) -> status; the bot's own is bot_member.
    members: dict[tuple[int, int], str] = field(default_factory=dict)
    bot_member: JSON = field(default_factory=lambda: {"status": "administrator",
                                                      **BOT_ADMIN_RIGHTS})
    forums: set[int] = field(default_factory=set)  # chats with topics turned on
    uncopyable: set[tuple[int, int]] = field(default_factory=set)  # (chat, message)
    pins: list[tuple[int, int]] = field(default_factory=list)


class FakeBotAPI:
    """The fake server. ``start()`` runs it in a thread; ``stop()`` ends it."""

    def __init__(self, token: str = "123456:TEST-token_for-the-fake", *,
                 bot_id: int = 7000001, username: str = "migrant_test_bot",
                 host: str = "127.0.0.1", port: int = 0, max_poll: float = 1.0) -> None:
        self.token = token
        self.bot_user: JSON = {"id": bot_id, "is_bot": True, "first_name": "Migrant Help",
                               "username": username, "can_join_groups": True,
                               "can_read_all_group_messages": False,
                               "supports_inline_queries": False}
        self.host = host
        self.port = port
        self.max_poll = max_poll  # cap on a getUpdates wait, so shutdown is quick
        self._state = _State()
        self._lock = threading.Lock()
        self._update_ids = itertools.count(1)
        self._loop: asyncio.AbstractEventLoop | None = None
        self._new_update: asyncio.Event | None = None
        self._server: asyncio.Server | None = None
        self._thread: threading.Thread | None = None
        self._ready = threading.Event()
        self._writers: set[asyncio.StreamWriter] = set()

    # -- life cycle ----------------------------------------------------------------
    @property
    def base_url(self) -> str:
        """What to give PTB as base_url (the token is appended by PTB)."""
        return f"http://{self.host}:{self.port}/bot"

    def start(self) -> FakeBotAPI:
        """Serve in a background thread; returns once the port is known."""
        self._thread = threading.Thread(target=self._run, name="fake-bot-api", daemon=True)
        self._thread.start()
        if not self._ready.wait(10):
            raise RuntimeError("the fake Bot API did not start")
        return self

    def stop(self) -> None:
        """Stop serving and join the thread."""
        if self._loop is None or self._thread is None:
            return
        self._loop.call_soon_threadsafe(self._shutdown)
        self._thread.join(10)
        self._loop = None

    def __enter__(self) -> FakeBotAPI:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _run(self) -> None:
        loop = asyncio.new_event_loop()
        self._loop = loop
        asyncio.set_event_loop(loop)
        self._new_update = asyncio.Event()
        self._server = loop.run_until_complete(
            asyncio.start_server(self._serve, self.host, self.port))
        self.port = self._server.sockets[0].getsockname()[1]
        self._ready.set()
        try:
            loop.run_forever()
        finally:
            # Connections still open (the bot's keep-alive pool) end here, quietly.
            tasks = asyncio.all_tasks(loop)
            for task in tasks:
                task.cancel()
            loop.run_until_complete(asyncio.gather(*tasks, return_exceptions=True))
            loop.run_until_complete(loop.shutdown_asyncgens())
            loop.close()

    def _shutdown(self) -> None:
        assert self._server is not None and self._loop is not None
        self._server.close()
        for writer in list(self._writers):
            writer.close()
        self._loop.call_later(0.05, self._loop.stop)

    # -- what tests use ------------------------------------------------------------
    def add_update(self, update: JSON) -> int:
        """Queue an update for getUpdates; assigns ``update_id`` when missing."""
        with self._lock:
            if "update_id" not in update:
                update["update_id"] = next(self._update_ids)
            self._state.updates.append(update)
        if self._loop is not None and self._new_update is not None:
            self._loop.call_soon_threadsafe(self._new_update.set)
        return int(update["update_id"])

    def next_update_id(self) -> int:
        """A fresh update id (for updates posted to a webhook directly)."""
        with self._lock:
            return next(self._update_ids)

    def fail(self, method: str, status: int, description: str, *,
             parameters: JSON | None = None, chat_id: int | None = None,
             times: int = 1) -> None:
        """Make the next ``times`` matching calls fail with this error."""
        with self._lock:
            self._state.rules.append(FailRule(method, status, description, parameters,
                                              chat_id, times))

    def outage(self, method: str, status: int, description: str, seconds: float, *,
               parameters: JSON | None = None) -> None:
        """Fail every ``method`` call for the next ``seconds`` (e.g. 502 or 429)."""
        with self._lock:
            self._state.outages.append(Outage(method, status, description,
                                              time.monotonic() + seconds, parameters))

    def slow_down(self, method: str, delay: float, seconds: float) -> None:
        """For the next ``seconds``, answer ``method`` only after ``delay`` seconds."""
        with self._lock:
            self._state.slow.append(Slowness(method, delay, time.monotonic() + seconds))

    def calls(self, method: str | None = None, chat_id: int | None = None,
              since: int = 0) -> list[Call]:
        """Recorded calls (optionally one method / one chat), from index ``since`` on."""
        with self._lock:
            found = self._state.calls[since:]
        return [c for c in found if (method is None or c.method == method)
                and (chat_id is None or c.chat_id == chat_id)]

    def call_count(self) -> int:
        """How many calls were recorded so far (a mark for ``since``)."""
        with self._lock:
            return len(self._state.calls)

    def ok_count(self, *methods: str) -> int:
        """How many calls of these methods succeeded so far (cheap, for benchmarks)."""
        with self._lock:
            return sum(self._state.ok_counts.get(m, 0) for m in methods)

    def commands(self) -> dict[str, list[JSON]]:
        """The command menus set, by language code ("" = default)."""
        with self._lock:
            return dict(self._state.commands)

    def webhook(self) -> JSON:
        """The parameters of the last setWebhook ({} after deleteWebhook)."""
        with self._lock:
            return dict(self._state.webhook)

    # -- forum topics and members (hand-off tests) -----------------------------------
    def make_forum(self, chat_id: int, members: dict[int, str] | None = None) -> None:
        """A supergroup with topics on, where the bot is an admin, and its members."""
        with self._lock:
            self._state.forums.add(chat_id)
            for user_id, status in (members or {}).items():
                self._state.members[(chat_id, user_id)] = status

    def set_member(self, chat_id: int, user_id: int, status: str) -> None:
        with self._lock:
            self._state.members[(chat_id, user_id)] = status

    def set_bot_rights(self, status: str = "administrator", **rights: bool) -> None:
        """What getChatMember says about the bot itself (for the start-up check)."""
        with self._lock:
            self._state.bot_member = {"status": status, **BOT_ADMIN_RIGHTS, **rights}

    def topics(self, chat_id: int) -> dict[int, JSON]:
        """The chat's forum topics (deleted ones included, marked)."""
        with self._lock:
            return {k: dict(v) for k, v in self._state.topics.get(chat_id, {}).items()}

    def delete_topic_by_hand(self, chat_id: int, thread_id: int) -> None:
        """A caseworker deletes a topic in the Telegram app (the bot is not told)."""
        with self._lock:
            self._state.topics[chat_id][thread_id]["deleted"] = True

    def make_uncopyable(self, chat_id: int, message_id: int) -> None:
        with self._lock:
            self._state.uncopyable.add((chat_id, message_id))

    def pins(self) -> list[tuple[int, int]]:
        with self._lock:
            return list(self._state.pins)

    def pending_updates(self) -> int:
        """Updates not yet confirmed by the bot's offset."""
        with self._lock:
            return len(self._state.updates)

    async def wait_for(self, predicate: Callable[[Call], bool], *, since: int = 0,
                       timeout: float = 5.0) -> Call:
        """Wait (without blocking the caller's loop) for a call matching ``predicate``."""
        deadline = time.monotonic() + timeout
        while True:
            for call in self.calls(since=since):
                if predicate(call):
                    return call
            if time.monotonic() > deadline:
                raise TimeoutError(f"no matching Bot API call within {timeout}s; "
                                   f"calls since {since}: "
                                   f"{[c.method for c in self.calls(since=since)]}")
            await asyncio.sleep(0.005)

    async def settle(self, chat_id: int, *, since: int, quiet: float = 0.06,
                     timeout: float = 5.0) -> list[Call]:
        """Wait for the bot's first call about ``chat_id`` after ``since``, then for quiet.

        Returns that chat's calls plus callback answers (which name no chat).
        """
        def relevant() -> list[Call]:
            return [c for c in self.calls(since=since)
                    if c.chat_id == chat_id or c.method == "answerCallbackQuery"]

        deadline = time.monotonic() + timeout
        while not relevant():
            if time.monotonic() > deadline:
                raise TimeoutError(f"the bot did not write to chat {chat_id} within {timeout}s")
            await asyncio.sleep(0.005)
        count = -1
        while True:
            calls = relevant()
            if len(calls) == count:
                return calls
            count = len(calls)
            await asyncio.sleep(quiet)

    # -- HTTP ------------------------------------------------------------------------
    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self._writers.add(writer)
        try:
            while True:
                request_line = await reader.readline()
                if not request_line:
                    break
                verb, target, _version = request_line.decode("latin-1").split(" ", 2)
                headers: dict[str, str] = {}
                while True:
                    line = await reader.readline()
                    if line in (b"\r\n", b"\n", b""):
                        break
                    name, _, value = line.decode("latin-1").partition(":")
                    headers[name.strip().lower()] = value.strip()
                length = int(headers.get("content-length") or 0)
                body = await reader.readexactly(length) if length else b""
                status, payload = await self._dispatch(verb, target, headers, body)
                data = json.dumps(payload, ensure_ascii=False).encode()
                head = (f"HTTP/1.1 {status} {HTTPStatus(status).phrase}\r\n"
                        f"Content-Type: application/json\r\n"
                        f"Content-Length: {len(data)}\r\nConnection: keep-alive\r\n\r\n")
                writer.write(head.encode() + data)
                await writer.drain()
                if headers.get("connection", "").lower() == "close":
                    break
        except (ConnectionError, asyncio.IncompleteReadError, ValueError):
            pass
        except asyncio.CancelledError:
            pass  # shutting down: asyncio's stream callback would log a cancelled task
        finally:
            self._writers.discard(writer)
            with contextlib.suppress(Exception):
                writer.close()

    async def _dispatch(self, verb: str, target: str, headers: dict[str, str],
                        body: bytes) -> tuple[int, Any]:
        url = urlsplit(target)
        if url.path.startswith("/_fake/"):
            return self._control(verb, url.path[len("/_fake/"):], url.query, body)
        match = re.fullmatch(r"/bot([^/]+)/(\w+)", url.path)
        if match is None:
            return 404, {"ok": False, "error_code": 404, "description": "Not Found"}
        token, method = match.group(1), match.group(2)
        content_type = headers.get("content-type", "")
        params = _decode_params(content_type, body, url.query)
        call = Call(method, params, token, time.monotonic(), content_type=content_type)
        with self._lock:
            self._state.calls.append(call)
        if token != self.token:
            call.status = 401
            return 401, {"ok": False, "error_code": 401, "description": "Unauthorized"}
        outage = self._outage(method)
        if outage is not None:
            call.status = outage.status
            error: JSON = {"ok": False, "error_code": outage.status,
                     "description": outage.description}
            if outage.parameters:
                error["parameters"] = outage.parameters
            return outage.status, error
        failure = self._take_failure(method, params)
        if failure is not None:
            call.status = failure.status
            error = {"ok": False, "error_code": failure.status,
                           "description": failure.description}
            if failure.parameters:
                error["parameters"] = failure.parameters
            return failure.status, error
        handler = getattr(self, f"_api_{method}", None)
        if handler is None:
            call.status = 404
            return 404, {"ok": False, "error_code": 404, "description": "Not Found: method "
                                                                        "not found"}
        try:
            result = await handler(params)
        except _ApiError as exc:
            call.status = exc.status
            return exc.status, {"ok": False, "error_code": exc.status,
                                "description": exc.description}
        call.result = result
        with self._lock:
            self._state.ok_counts[method] = self._state.ok_counts.get(method, 0) + 1
        delay = self._delay(method)
        if delay:
            await asyncio.sleep(delay)  # done already; only the answer is late
        return 200, {"ok": True, "result": result}

    def _outage(self, method: str) -> Outage | None:
        now = time.monotonic()
        with self._lock:
            return next((o for o in self._state.outages
                         if o.method == method and now < o.until), None)

    def _delay(self, method: str) -> float:
        now = time.monotonic()
        with self._lock:
            return max((s.delay for s in self._state.slow
                        if s.method == method and now < s.until), default=0.0)

    def _take_failure(self, method: str, params: JSON) -> FailRule | None:
        chat_id = params.get("chat_id")
        with self._lock:
            for rule in self._state.rules:
                if rule.method == method and rule.times > 0 and (
                        rule.chat_id is None or rule.chat_id == chat_id):
                    rule.times -= 1
                    return rule
        return None

    # -- Bot API methods -------------------------------------------------------------
    async def _api_getMe(self, params: JSON) -> JSON:
        return self.bot_user

    async def _api_getUpdates(self, params: JSON) -> list[JSON]:
        offset = int(params.get("offset") or 0)
        limit = int(params.get("limit") or 100)
        timeout = min(float(params.get("timeout") or 0), self.max_poll)
        deadline = time.monotonic() + timeout
        assert self._new_update is not None
        while True:
            with self._lock:
                if offset:
                    # Telegram forgets updates once an offset above them is sent.
                    self._state.updates = [u for u in self._state.updates
                                           if u["update_id"] >= offset]
                pending = self._state.updates[:limit]
            remaining = deadline - time.monotonic()
            if pending or remaining <= 0:
                return pending
            self._new_update.clear()
            with self._lock:
                if self._state.updates:
                    continue
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._new_update.wait(), remaining)

    async def _api_sendMessage(self, params: JSON) -> JSON:
        chat_id = int(params["chat_id"])
        self._check_thread(chat_id, params)
        return self._message(chat_id, self._next_message_id(chat_id), params)

    def _next_message_id(self, chat_id: int) -> int:
        with self._lock:
            message_id = self._state.message_ids.get(chat_id, 0) + 1
            self._state.message_ids[chat_id] = message_id
        return message_id

    def _check_thread(self, chat_id: int, params: JSON) -> None:
        """Writing into a deleted (or never created) topic fails as Telegram's does."""
        thread = params.get("message_thread_id")
        if thread is None or chat_id not in self._state.forums:
            return
        with self._lock:
            topic = self._state.topics.get(chat_id, {}).get(int(thread))
        if topic is None or topic["deleted"]:
            raise _ApiError(400, _THREAD_NOT_FOUND)

    async def _api_copyMessage(self, params: JSON) -> JSON:
        chat_id = int(params["chat_id"])
        source = (int(params["from_chat_id"]), int(params["message_id"]))
        with self._lock:
            uncopyable = source in self._state.uncopyable
        if uncopyable:
            raise _ApiError(400, "Bad Request: message can't be copied")
        self._check_thread(chat_id, params)
        return {"message_id": self._next_message_id(chat_id)}

    async def _api_editMessageCaption(self, params: JSON) -> JSON:
        return self._message(int(params["chat_id"]), int(params["message_id"]), params)

    async def _api_createForumTopic(self, params: JSON) -> JSON:
        chat_id = int(params["chat_id"])
        with self._lock:
            if chat_id not in self._state.forums:
                raise _ApiError(400, "Bad Request: the chat is not a forum")
            topics = self._state.topics.setdefault(chat_id, {})
            thread = max(topics, default=1) + 1  # 1 is the General topic
            topics[thread] = {"name": str(params["name"]), "closed": False, "deleted": False}
        return {"message_thread_id": thread, "name": str(params["name"]), "icon_color": 7322096}

    def _topic(self, params: JSON) -> JSON:
        with self._lock:
            topic = self._state.topics.get(int(params["chat_id"]), {}).get(
                int(params["message_thread_id"]))
        if topic is None or topic["deleted"]:
            raise _ApiError(400, "Bad Request: TOPIC_ID_INVALID")
        return topic

    async def _api_editForumTopic(self, params: JSON) -> bool:
        topic = self._topic(params)
        with self._lock:
            if "name" in params:
                topic["name"] = str(params["name"])
        return True

    async def _api_closeForumTopic(self, params: JSON) -> bool:
        topic = self._topic(params)
        with self._lock:
            topic["closed"] = True
        return True

    async def _api_deleteForumTopic(self, params: JSON) -> bool:
        topic = self._topic(params)
        with self._lock:
            topic["deleted"] = True
        return True

    async def _api_pinChatMessage(self, params: JSON) -> bool:
        with self._lock:
            self._state.pins.append((int(params["chat_id"]), int(params["message_id"])))
        return True

    async def _api_getChat(self, params: JSON) -> JSON:
        chat_id = int(params["chat_id"])
        with self._lock:
            forum = chat_id in self._state.forums
        return {"id": chat_id, "type": "supergroup" if chat_id < 0 else "private",
                "title": "Caseworkers", "is_forum": forum, "accent_color_id": 0,
                "max_reaction_count": 11,
                "accepted_gift_types": {"unlimited_gifts": False, "limited_gifts": False,
                                        "unique_gifts": False,
                                        "premium_subscription": False,
                                        "gifts_from_channels": False}}

    async def _api_getChatMember(self, params: JSON) -> JSON:
        chat_id, user_id = int(params["chat_id"]), int(params["user_id"])
        user = {"id": user_id, "is_bot": False, "first_name": f"User{user_id}"}
        with self._lock:
            if user_id == self.bot_user["id"]:
                return {**self._state.bot_member, "user": self.bot_user}
            status = self._state.members.get((chat_id, user_id), "left")
        member: JSON = {"status": status, "user": user}
        if status == "administrator":
            member.update(BOT_ADMIN_RIGHTS)
        if status == "restricted":
            member.update({"is_member": False, "until_date": 0})
        if status == "kicked":
            member["until_date"] = 0
        return member

    async def _api_editMessageText(self, params: JSON) -> JSON:
        return self._message(int(params["chat_id"]), int(params["message_id"]), params)

    async def _api_editMessageReplyMarkup(self, params: JSON) -> JSON:
        return self._message(int(params["chat_id"]), int(params["message_id"]), params)

    async def _api_answerCallbackQuery(self, params: JSON) -> bool:
        return True

    async def _api_setMyCommands(self, params: JSON) -> bool:
        with self._lock:
            self._state.commands[str(params.get("language_code") or "")] = \
                list(params.get("commands") or [])
        return True

    async def _api_deleteMyCommands(self, params: JSON) -> bool:
        return True

    async def _api_deleteWebhook(self, params: JSON) -> bool:
        with self._lock:
            self._state.webhook = {}
        return True

    async def _api_setWebhook(self, params: JSON) -> bool:
        with self._lock:
            self._state.webhook = dict(params)
        return True

    async def _api_getWebhookInfo(self, params: JSON) -> JSON:
        with self._lock:
            url = self._state.webhook.get("url", "")
            pending = len(self._state.updates)
        return {"url": url, "has_custom_certificate": False, "pending_update_count": pending}

    async def _api_close(self, params: JSON) -> bool:
        return True

    async def _api_logOut(self, params: JSON) -> bool:
        return True

    def _message(self, chat_id: int, message_id: int, params: JSON) -> JSON:
        message = self._plain_message(chat_id, message_id, params)
        if params.get("message_thread_id") is not None:
            message["message_thread_id"] = int(params["message_thread_id"])
            message["is_topic_message"] = True
        return message

    def _plain_message(self, chat_id: int, message_id: int, params: JSON) -> JSON:
        message: JSON = {
            "message_id": message_id, "date": int(time.time()), "from": self.bot_user,
            "chat": {"id": chat_id, "type": "private" if chat_id > 0 else "supergroup",
                     **({"first_name": "Test"} if chat_id > 0 else {"title": "Group"})},
            "text": str(params.get("text", "")),
        }
        if params.get("reply_markup"):
            message["reply_markup"] = params["reply_markup"]
        return message

    # -- control endpoints (for a fake run as a process) -----------------------------
    def _control(self, verb: str, name: str, query: str, body: bytes) -> tuple[int, Any]:
        data: Any = json.loads(body) if body else {}
        args = {k: v[-1] for k, v in parse_qs(query).items()}
        if name == "updates" and verb == "POST":
            ids = [self.add_update(u) for u in (data if isinstance(data, list) else [data])]
            return 200, {"ok": True, "result": ids}
        if name == "say" and verb == "POST":
            user, text = int(data["user"]), str(data["text"])
            entities = [{"type": "bot_command", "offset": 0,
                         "length": _utf16_len(text.split()[0])}] if text.startswith("/") else []
            update_id = self.add_update({"message": {
                "message_id": int(time.time() * 1000) % 1_000_000_000, "date": int(time.time()),
                "chat": {"id": user, "type": "private", "first_name": "Test"},
                "from": {"id": user, "is_bot": False, "first_name": "Test",
                         "language_code": data.get("language_code", "en")},
                "text": text, **({"entities": entities} if entities else {})}})
            return 200, {"ok": True, "result": update_id}
        if name == "fail" and verb == "POST":
            self.fail(data["method"], int(data["status"]), data.get("description", "error"),
                      parameters=data.get("parameters"), chat_id=data.get("chat_id"),
                      times=int(data.get("times", 1)))
            return 200, {"ok": True, "result": True}
        if name == "calls":
            calls = self.calls(args.get("method"), since=int(args.get("since", 0)))
            return 200, {"ok": True, "result": [
                {"method": c.method, "params": c.params, "status": c.status} for c in calls]}
        if name == "stats":
            counts: dict[str, int] = {}
            for call in self.calls():
                counts[call.method] = counts.get(call.method, 0) + 1
            return 200, {"ok": True, "result": {"calls": counts,
                                                "pending_updates": self.pending_updates()}}
        return 404, {"ok": False, "error_code": 404, "description": "Not Found"}


class _ApiError(Exception):
    """A Bot API method's own error answer (400 for a deleted topic, ...)."""

    def __init__(self, status: int, description: str) -> None:
        super().__init__(description)
        self.status = status
        self.description = description


def _utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _decode_params(content_type: str, body: bytes, query: str) -> JSON:
    """Decode a Bot API request: form fields whose values may be JSON, or a JSON body."""
    if content_type.startswith("application/json"):
        return dict(json.loads(body or b"{}"))
    raw = {k: v[-1] for k, v in parse_qs(query).items()}
    if body:
        raw.update({k: v[-1] for k, v in
                    parse_qs(body.decode(), keep_blank_values=True).items()})
    return {key: _decode_value(key, value) for key, value in raw.items()}


def _decode_value(key: str, value: str) -> Any:
    if key in _TEXT_PARAMS:
        return value
    if value[:1] in "{[" or value in ("true", "false", "null") \
            or re.fullmatch(r"-?\d+(\.\d+)?", value):
        with contextlib.suppress(ValueError):
            return json.loads(value)
    return value


def main() -> None:
    """Run the fake as a process until interrupted."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8081)
    parser.add_argument("--token", default="123:abc")
    parser.add_argument("--max-poll", type=float, default=10.0)
    args = parser.parse_args()
    fake = FakeBotAPI(args.token, port=args.port, max_poll=args.max_poll).start()
    print(f"fake Bot API on {fake.base_url} (token {args.token}); Ctrl-C to stop", flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        fake.stop()


if __name__ == "__main__":
    main()
