"""Bot API requests over aiohttp, with JSON bodies.

python-telegram-bot sends requests through httpx by default. Measured on the
throughput benchmark (benchmarks/), httpx (with httpcore's anyio backend and
its connection pool, which checks every idle socket before each request)
cost more CPU per reply than everything else our bot does, matching included,
and it form-encodes bodies by percent-quoting each byte in Python: a 1-2 KB
Burmese, Khmer or Lao answer is three bytes a letter. aiohttp parses HTTP in C
and pools connections cheaply; the parameters go as one JSON object (numbers,
booleans and objects in their JSON types), which the Bot API accepts for every
method except file uploads, and uploads go as multipart form data as PTB would
send them. PTB's ``BaseRequest`` is the documented way to swap the transport:
it still builds the parameters, parses answers and raises its own errors
(``RetryAfter``, ``Forbidden``...) from the status and body returned here.
"""

from __future__ import annotations

import json
import ssl
from functools import lru_cache
from typing import Any

import aiohttp
import certifi
from aiohttp.helpers import get_env_proxy_for_url
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, HTTPXRequest, RequestData
from yarl import URL

__all__ = ["AiohttpRequest", "json_body"]

_NOT_GIVEN = type(BaseRequest.DEFAULT_NONE)  # PTB's "use the request's default timeout"


def json_body(request_data: RequestData) -> bytes:
    """The request's parameters as a compact UTF-8 JSON object."""
    return json.dumps(request_data.parameters, ensure_ascii=False,
                      separators=(",", ":")).encode()


class AiohttpRequest(BaseRequest):
    """A ``BaseRequest`` on one ``aiohttp.ClientSession`` (created in ``initialize``).

    Timeouts mean what they mean for PTB's ``HTTPXRequest`` (seconds, None for
    none): ``connect`` to open a connection, ``pool`` to wait for a free one,
    ``read`` between bytes of the answer. aiohttp has no write timeout of its
    own, so the sum of all four bounds the whole request.
    """

    def __init__(self, connection_pool_size: int = 256, *, connect_timeout: float | None = 5.0,
                 read_timeout: float | None = 5.0, write_timeout: float | None = 5.0,
                 pool_timeout: float | None = 1.0) -> None:
        self._pool_size = connection_pool_size
        self._defaults = {"connect": connect_timeout, "read": read_timeout,
                          "write": write_timeout, "pool": pool_timeout}
        self._session: aiohttp.ClientSession | None = None
        self._proxies: dict[str, tuple[URL | None, aiohttp.BasicAuth | None]] = {}

    @property
    def closed(self) -> bool:
        """True when no session is open (before ``initialize``, after ``shutdown``)."""
        return self._session is None or self._session.closed

    @property
    def read_timeout(self) -> float | None:
        """The default read timeout (PTB adds the long-poll time to it for getUpdates)."""
        return self._defaults["read"]

    async def initialize(self) -> None:
        """Open the session; a closed one is replaced (PTB may initialise twice)."""
        if self.closed:
            # trust_env stays off: it makes aiohttp read ~/.netrc and the proxy
            # variables in a worker thread on every request (a seventh of the bot's CPU
            # in the benchmark); _proxy looks the proxy up once per server instead.
            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=self._pool_size, ssl=_tls_context()),
                headers={"User-Agent": HTTPXRequest.USER_AGENT})

    async def shutdown(self) -> None:
        """Close the session and its connections."""
        if self._session is not None and not self._session.closed:
            await self._session.close()

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: float | object | None = BaseRequest.DEFAULT_NONE,
        write_timeout: float | object | None = BaseRequest.DEFAULT_NONE,
        connect_timeout: float | object | None = BaseRequest.DEFAULT_NONE,
        pool_timeout: float | object | None = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        """Send one request; return the status and the raw body for PTB to parse."""
        session = self._session
        if session is None or session.closed:
            raise RuntimeError("AiohttpRequest is not initialized")
        given = self._defaults
        timeout = _client_timeout(
            connect=given["connect"] if isinstance(connect_timeout, _NOT_GIVEN)
            else connect_timeout,
            read=given["read"] if isinstance(read_timeout, _NOT_GIVEN) else read_timeout,
            write=given["write"] if isinstance(write_timeout, _NOT_GIVEN) else write_timeout,
            pool=given["pool"] if isinstance(pool_timeout, _NOT_GIVEN) else pool_timeout)
        body: Any = None
        headers: dict[str, str] = {}
        if request_data is not None and request_data.contains_files:
            body = _multipart(request_data)
        elif request_data is not None:
            body = json_body(request_data)
            headers["Content-Type"] = "application/json"
        proxy, proxy_auth = self._proxy(url)
        try:
            async with session.request(method, url, data=body, headers=headers,
                                       proxy=proxy, proxy_auth=proxy_auth,
                                       timeout=timeout) as response:
                return response.status, await response.read()
        except TimeoutError as err:
            raise TimedOut from err
        except aiohttp.ClientError as err:
            # The same error HTTPXRequest raises, so PTB's retries see no difference.
            raise NetworkError(f"aiohttp.{err.__class__.__name__}: {err}") from err

    def _proxy(self, url: str) -> tuple[URL | None, aiohttp.BasicAuth | None]:
        """The proxy for this URL's server from HTTPS_PROXY / HTTP_PROXY / NO_PROXY,
        as httpx (PTB's default transport) would use it; None for a direct connection."""
        path_at = url.find("/", url.find("//") + 2) if "//" in url else -1
        origin = url[:path_at] if path_at != -1 else url
        found = self._proxies.get(origin)
        if found is None:
            try:
                found = get_env_proxy_for_url(URL(origin))
            except LookupError:  # no proxy for this scheme, or NO_PROXY covers the host
                found = (None, None)
            self._proxies[origin] = found
        return found


def _tls_context() -> ssl.SSLContext:
    """Certificates from certifi, as httpx verifies them: the same trust in any image,
    whether or not the system has a CA store (slim containers may not)."""
    return ssl.create_default_context(cafile=certifi.where())


# Nearly every request has the same four timeouts: build their ClientTimeout (frozen) once.
@lru_cache(maxsize=64)
def _client_timeout(*, connect: Any, read: Any, write: Any, pool: Any) -> aiohttp.ClientTimeout:
    """aiohttp's timeouts from PTB's four (each a number of seconds or None)."""
    given = (connect, read, write, pool)
    total = None if None in given else float(sum(given))
    waiting = None if connect is None or pool is None else float(connect + pool)
    return aiohttp.ClientTimeout(total=total, connect=waiting, sock_connect=connect,
                                 sock_read=read)


def _multipart(request_data: RequestData) -> aiohttp.FormData:
    """Files and parameters as multipart form data, the way PTB sends uploads."""
    form = aiohttp.FormData(quote_fields=False)
    for name, value in request_data.json_parameters.items():
        form.add_field(name, value)
    for name, (filename, content, mimetype) in request_data.multipart_data.items():
        form.add_field(name, content, filename=filename, content_type=mimetype)
    return form
