"""The bot's HTTP client: python-telegram-bot's `BaseRequest` on aiohttp instead of httpx.

PTB's default, `HTTPXRequest`, spends most of the bot's time under load inside httpcore's
connection pool: measured here, one httpx client at 64 concurrent requests managed 65
sendMessage calls a second against the local fake Bot API, aiohttp 3,400 (bench/intake.py,
"fake server alone"). aiohttp is already a dependency (the sandbox and the webhook proxy).

Requests are sent as httpx sends them for PTB: form-encoded parameters, or multipart when a
file is uploaded. Timeouts follow PTB's meaning (connect, read; pool = waiting for a free
connection; aiohttp has no separate write timeout, the read timeout covers the exchange).
Proxies come from the environment (HTTPS_PROXY, NO_PROXY), like httpx's default.
"""
from __future__ import annotations

import asyncio

import aiohttp
from telegram._utils.defaultvalue import DefaultValue
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData

FORM = "application/x-www-form-urlencoded"


class AiohttpRequest(BaseRequest):
    """One aiohttp session with a bounded pool of keep-alive connections."""

    __slots__ = ("_connect_timeout", "_media_write_timeout", "_pool_size", "_pool_timeout", "_read_timeout",
                 "_session", "_write_timeout")

    def __init__(self, connection_pool_size: int = 64, read_timeout: float | None = 5.0,
                 write_timeout: float | None = 5.0, connect_timeout: float | None = 5.0,
                 pool_timeout: float | None = 1.0, media_write_timeout: float | None = 20.0) -> None:
        if connection_pool_size < 1:
            raise ValueError("connection_pool_size must be at least 1")
        self._pool_size = connection_pool_size
        self._read_timeout, self._write_timeout = read_timeout, write_timeout
        self._connect_timeout, self._pool_timeout = connect_timeout, pool_timeout
        self._media_write_timeout = media_write_timeout
        self._session: aiohttp.ClientSession | None = None

    @property
    def read_timeout(self) -> float | None:
        return self._read_timeout

    async def initialize(self) -> None:
        """Open the session on the running loop (aiohttp binds it to the loop that creates it)."""
        if self._session is None or self._session.closed:
            connector = aiohttp.TCPConnector(limit=self._pool_size, limit_per_host=self._pool_size,
                                             keepalive_timeout=30, ttl_dns_cache=300)
            self._session = aiohttp.ClientSession(connector=connector, trust_env=True,
                                                  headers={"User-Agent": self.USER_AGENT},
                                                  timeout=aiohttp.ClientTimeout(total=None))

    async def shutdown(self) -> None:
        if self._session is not None and not self._session.closed:
            await self._session.close()
        self._session = None

    async def do_request(self, url: str, method: str, request_data: RequestData | None = None,
                         read_timeout=BaseRequest.DEFAULT_NONE, write_timeout=BaseRequest.DEFAULT_NONE,
                         connect_timeout=BaseRequest.DEFAULT_NONE,
                         pool_timeout=BaseRequest.DEFAULT_NONE) -> tuple[int, bytes]:
        """See telegram.request.BaseRequest.do_request: (status code, body)."""
        if self._session is None or self._session.closed:
            raise RuntimeError("This AiohttpRequest is not initialized!")
        files = request_data.multipart_data if request_data else None
        read = self._read_timeout if isinstance(read_timeout, DefaultValue) else read_timeout
        connect = self._connect_timeout if isinstance(connect_timeout, DefaultValue) else connect_timeout
        pool = self._pool_timeout if isinstance(pool_timeout, DefaultValue) else pool_timeout
        write = write_timeout
        if isinstance(write, DefaultValue):
            write = self._media_write_timeout if files else self._write_timeout
        # sock_read bounds each wait for the answer; an upload's write time is added for big files.
        sock_read = None if read is None else read + ((write or 0) if files else 0)
        timeout = aiohttp.ClientTimeout(total=None, connect=_sum(pool, connect), sock_connect=connect,
                                        sock_read=sock_read)
        body, headers = _body(request_data, files)
        try:
            async with self._session.request(method, url, data=body, headers=headers, timeout=timeout) as answer:
                return answer.status, await answer.read()
        except asyncio.TimeoutError as exc:
            raise TimedOut from exc
        except aiohttp.ClientError as exc:
            raise NetworkError(f"aiohttp.{exc.__class__.__name__}: {exc}") from exc


def _sum(pool: float | None, connect: float | None) -> float | None:
    """aiohttp's `connect` covers waiting for a pooled connection and opening a new one."""
    if pool is None or connect is None:
        return None
    return pool + connect


def _body(request_data: RequestData | None, files: dict | None):
    if request_data is None:
        return None, None
    parameters = request_data.json_parameters
    if not files:
        if not parameters:
            return None, None
        return request_data.url_encoded_parameters().encode("ascii"), {"Content-Type": FORM}
    form = aiohttp.FormData(quote_fields=False)
    for name, value in parameters.items():
        form.add_field(name, value)
    for name, part in files.items():
        if isinstance(part, tuple):  # (file name, content, mime type), as PTB builds them for httpx
            filename, content, *rest = part
            form.add_field(name, content, filename=filename,
                           content_type=rest[0] if rest and rest[0] else "application/octet-stream")
        else:
            form.add_field(name, part)
    return form, None
