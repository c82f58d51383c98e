"""The aiohttp transport: JSON bodies, uploads, timeouts and errors as PTB expects them."""

from __future__ import annotations

import asyncio
import io
import ssl
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import BadRequest, NetworkError, RetryAfter, TimedOut

from bot.adapters.telegram.request import AiohttpRequest, _client_timeout
from tests.adapters.web import free_port
from tests.fakes.bot_api import FakeBotAPI

pytestmark = [pytest.mark.timeout(30),
              pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")]

TOKEN = "123456:TEST-token_for-the-fake"


def bot_on(base_url: str, **timeouts: float) -> Bot:
    return Bot(TOKEN, base_url=base_url, request=AiohttpRequest(4, **timeouts))


async def test_parameters_go_as_one_json_object_with_their_types(fake: FakeBotAPI) -> None:
    markup = InlineKeyboardMarkup([[InlineKeyboardButton("ပြန်သွားရန်", callback_data="m")]])
    since = fake.call_count()
    async with bot_on(fake.base_url) as bot:
        sent = await bot.send_message(4242, "ကျေးဇူး <b>&amp;</b> ✓", parse_mode="HTML",
                                      reply_markup=markup, disable_notification=True)
    call = fake.calls("sendMessage", since=since)[-1]
    assert call.content_type == "application/json"
    assert call.params["chat_id"] == 4242
    assert call.params["text"] == "ကျေးဇူး <b>&amp;</b> ✓"
    assert call.params["disable_notification"] is True
    assert call.params["reply_markup"] == {
        "inline_keyboard": [[{"text": "ပြန်သွားရန်", "callback_data": "m"}]]}
    assert sent.text == "ကျေးဇူး <b>&amp;</b> ✓"  # PTB parsed the answer as usual
    assert sent.reply_markup == markup


async def test_api_errors_become_ptbs_own_exceptions(fake: FakeBotAPI) -> None:
    fake.fail("sendMessage", 429, "Too Many Requests: retry after 3",
              parameters={"retry_after": 3})
    fake.fail("editMessageText", 400, "Bad Request: message to edit not found")
    async with bot_on(fake.base_url) as bot:
        with pytest.raises(RetryAfter) as waited:
            await bot.send_message(1, "hi")
        with pytest.raises(BadRequest, match=r"(?i)message to edit not found"):
            await bot.edit_message_text("x", chat_id=1, message_id=99)
    assert "retry in 3" in waited.value.message.lower()


async def test_nobody_listening_is_a_network_error() -> None:
    with pytest.raises(NetworkError) as raised:
        async with bot_on(f"http://127.0.0.1:{free_port()}/bot"):
            pass  # initialising asks getMe first
    assert not isinstance(raised.value, TimedOut)
    assert "aiohttp." in str(raised.value)


@pytest.fixture
async def silent_server() -> AsyncIterator[str]:
    """A server that accepts connections and never answers."""
    async def hold(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await asyncio.sleep(60)

    server = await asyncio.start_server(hold, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    yield f"http://127.0.0.1:{port}/bot"
    server.close()


async def test_an_answer_that_never_comes_times_out(silent_server: str) -> None:
    bot = bot_on(silent_server, read_timeout=0.2)
    request = bot.request
    assert isinstance(request, AiohttpRequest)
    await request.initialize()
    started = asyncio.get_running_loop().time()
    with pytest.raises(TimedOut):
        await bot.get_me()
    # The call's own timeout wins over the default one.
    with pytest.raises(TimedOut):
        await bot.send_message(1, "hi", read_timeout=0.1)
    assert asyncio.get_running_loop().time() - started < 5
    await request.shutdown()


def test_timeouts_map_onto_aiohttps() -> None:
    timeout = _client_timeout(connect=5.0, read=30.0, write=5.0, pool=1.0)
    assert (timeout.connect, timeout.sock_connect, timeout.sock_read) == (6.0, 5.0, 30.0)
    assert timeout.total == 41.0
    unbounded = _client_timeout(connect=None, read=None, write=5.0, pool=1.0)
    assert (unbounded.total, unbounded.connect, unbounded.sock_read) == (None, None, None)


@pytest.fixture
async def upload_server() -> AsyncIterator[tuple[str, list[dict[str, Any]]]]:
    """A Bot API stand-in that reads multipart uploads (the fake takes form and JSON)."""
    received: list[dict[str, Any]] = []

    async def send_document(request: web.Request) -> web.Response:
        fields: dict[str, Any] = {}
        async for part in await request.multipart():
            assert isinstance(part, aiohttp.BodyPartReader)
            fields[part.name or ""] = (part.filename, await part.read()) if part.filename \
                else await part.text()
        received.append(fields)
        return web.json_response({"ok": True, "result": {
            "message_id": 1, "date": 0, "chat": {"id": int(fields["chat_id"]), "type": "private"},
            "caption": fields.get("caption")}})

    async def get_me(request: web.Request) -> web.Response:
        return web.json_response({"ok": True, "result": {
            "id": 1, "is_bot": True, "first_name": "Test", "username": "test_bot"}})

    app = web.Application()
    app.router.add_post(f"/bot{TOKEN}/getMe", get_me)
    app.router.add_post(f"/bot{TOKEN}/sendDocument", send_document)
    runner = web.AppRunner(app)
    await runner.setup()
    port = free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    yield f"http://127.0.0.1:{port}/bot", received
    await runner.cleanup()


async def test_files_are_uploaded_as_multipart(
        upload_server: tuple[str, list[dict[str, Any]]]) -> None:
    base_url, received = upload_server
    async with bot_on(base_url) as bot:
        message = await bot.send_document(77, io.BytesIO(b"unmatched,count\nhello,3\n"),
                                          filename="report.csv", caption="ລາຍງານ")
    assert message.caption == "ລາຍງານ"
    (fields,) = received
    assert fields["chat_id"] == "77"
    assert fields["caption"] == "ລາຍງານ"
    assert fields["document"] == ("report.csv", b"unmatched,count\nhello,3\n")


async def is_bot(request: AiohttpRequest, url: str) -> bool:
    answer = await request.post(url)
    return isinstance(answer, dict) and answer["is_bot"] is True


async def test_requests_need_initialize_and_a_shut_down_one_can_start_again(
        fake: FakeBotAPI) -> None:
    request = AiohttpRequest(2)
    with pytest.raises(NetworkError, match="not initialized"):
        await request.post(f"{fake.base_url}{fake.token}/getMe")
    await request.initialize()
    assert await is_bot(request, f"{fake.base_url}{fake.token}/getMe")
    await request.shutdown()
    await request.shutdown()  # twice is harmless
    await request.initialize()
    assert await is_bot(request, f"{fake.base_url}{fake.token}/getMe")
    await request.shutdown()


def clear_proxy_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    """No proxy variables from the machine running the tests."""
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.lower(), raising=False)


async def test_the_proxy_from_the_environment_is_used_unless_no_proxy_names_the_host(
        fake: FakeBotAPI, monkeypatch: pytest.MonkeyPatch) -> None:
    clear_proxy_settings(monkeypatch)
    monkeypatch.setenv("HTTP_PROXY", f"http://127.0.0.1:{fake.port}")
    since = fake.call_count()
    # No such host: only the proxy (the fake, which reads the path) can answer.
    async with bot_on("http://bot-api.invalid/bot") as bot:
        assert bot.username == fake.bot_user["username"]
    assert [call.method for call in fake.calls(since=since)] == ["getMe"]

    monkeypatch.setenv("NO_PROXY", "bot-api.invalid")
    with pytest.raises(NetworkError):
        async with bot_on("http://bot-api.invalid/bot"):
            pass
    assert len(fake.calls(since=since)) == 1


def test_the_proxy_is_looked_up_per_server_even_for_a_url_without_a_path(
        monkeypatch: pytest.MonkeyPatch) -> None:
    clear_proxy_settings(monkeypatch)
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.example:3128")
    monkeypatch.setenv("NO_PROXY", "direct.example")
    request = AiohttpRequest()
    proxy, _ = request._proxy("https://api.telegram.org/bot1:x/getMe")
    assert str(proxy) == "http://proxy.example:3128"
    assert request._proxy("https://api.telegram.org") == (proxy, None)
    assert request._proxy("https://direct.example") == (None, None)  # the host, whole
    assert request._proxy("https://direct.example/bot1:x/getMe") == (None, None)
    assert request._proxy("http://127.0.0.1:8081/bot1:x/getMe") == (None, None)  # no HTTP_PROXY


async def test_tls_is_verified_with_certifis_bundle() -> None:
    request = AiohttpRequest()
    await request.initialize()
    try:
        assert request._session is not None
        connector = request._session.connector
        assert isinstance(connector, aiohttp.TCPConnector)
        context = connector._ssl
        assert isinstance(context, ssl.SSLContext)
        assert context.verify_mode == ssl.CERT_REQUIRED and context.check_hostname
        assert context.get_ca_certs(), "the CA bundle is loaded"
    finally:
        await request.shutdown()
