"""The worker's Bot API client: one synchronous HTTP call per message part (httpx).

The answer is sorted into what the sender must do: Telegram refused on purpose (permanent),
asked us to wait (429 retry_after), failed on its side or on the network (retry later),
or may have received the request without us seeing the answer (never resend that part).

"Never sent" and "maybe sent" are told apart by how far the request got, not by the
exception's name alone: httpx's trace extension reports when the request body has been
handed to the network (`http11.send_request_body.complete`). A failure before that point
(no connection, a pool timeout, a write refused because the server had already closed or
reset the connection) means Telegram cannot have the whole request, so it cannot have acted
on it: retry. httpcore hides a failed write on purpose (it goes on to read, in case the
server answered early) and then raises RemoteProtocolError "Server disconnected without
sending a response"; the same exception after a complete write means the server took the
request and hung up without answering, which is the truly uncertain case, like a read
timeout or a read error after the request went out.
"""
from __future__ import annotations

import json
import os
import ssl
import threading
from dataclasses import dataclass, field

import httpx

# Every call is bounded, so a live sender always returns within the outbox's stale timeout.
TIMEOUT = httpx.Timeout(connect=5.0, read=25.0, write=30.0, pool=5.0)

PERMANENT = "permanent"
RETRY = "retry"
FLOOD = "flood"
MIGRATED = "migrated"
UNCERTAIN = "uncertain"


class TelegramError(Exception):
    """A failed call; `kind` tells the sender whether and when to try again."""

    def __init__(self, kind: str, description: str, *, code: int | None = None, retry_after: float = 0.0,
                 migrate_to: int | None = None):
        super().__init__(description)
        self.kind = kind
        self.description = description
        self.code = code
        self.retry_after = retry_after
        self.migrate_to = migrate_to


@dataclass
class Part:
    """One Bot API call of an outbox message (photo, text, location)."""

    method: str
    params: dict
    upload: tuple[str, bytes, str] | None = None   # (field, file bytes, file name) for sendPhoto
    upload_key: str = ""                           # cache key for the file_id Telegram returns
    main: bool = False                             # its message id is the row's telegram_message_id
    meta: dict = field(default_factory=dict)


# Failures that always happen before Telegram has the whole request: safe to send again.
# Any other transport error is "not sent" only when the trace shows the request was not
# completely written (see the module docstring); after that the outcome is unknown.
NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout, httpx.WriteError, httpx.WriteTimeout,
            httpx.LocalProtocolError, httpx.UnsupportedProtocol, httpx.ProxyError)

_clients: dict[tuple[int, str], httpx.Client] = {}
_lock = threading.Lock()


_tls: list[ssl.SSLContext] = []


def tls_context() -> ssl.SSLContext:
    """One TLS context per process tree: building it costs more than a whole send, so the
    worker makes it before forking and every work-horse inherits it."""
    with _lock:
        if not _tls:
            _tls.append(httpx.create_ssl_context())
        return _tls[0]


def _client(base: str) -> httpx.Client:
    key = (os.getpid(), base)  # a forked work-horse must not reuse its parent's sockets
    context = tls_context()
    with _lock:
        if key not in _clients:
            _clients[key] = httpx.Client(base_url=base, timeout=TIMEOUT, verify=context)
        return _clients[key]


def call(api_url: str, token: str, part: Part) -> dict:
    """Perform one call; return Telegram's result or raise TelegramError."""
    client = _client(f"{api_url.rstrip('/')}/bot{token}/")
    progress = _Progress()
    extensions = {"trace": progress}
    try:
        if part.upload is not None:
            field_name, data, name = part.upload
            form = {k: json.dumps(v) if isinstance(v, (dict, list)) else str(v) for k, v in part.params.items()}
            reply = client.post(part.method, data=form, files={field_name: (name, data, "image/jpeg")},
                                extensions=extensions)
        else:
            reply = client.post(part.method, json=part.params, extensions=extensions)
    except httpx.TransportError as exc:
        raise transport_error(exc, progress.written) from None
    return _result(reply)


class _Progress:
    """httpx trace callback: whether the whole request was handed to the network."""

    __slots__ = ("written",)

    def __init__(self) -> None:
        self.written = False

    def __call__(self, event: str, info: dict) -> None:
        if event.endswith("send_request_headers.started"):
            self.written = False  # a fresh attempt (httpcore may move to another connection first)
        elif event.endswith("send_request_body.complete"):
            self.written = True


def transport_error(exc: httpx.TransportError, written: bool) -> TelegramError:
    """A network failure: retry when the request never completely left us, else uncertain."""
    if isinstance(exc, NOT_SENT) or not written:
        return TelegramError(RETRY, f"not sent, network: {type(exc).__name__}: {exc}")
    # The request left us but no answer came back: Telegram may well have delivered it.
    return TelegramError(UNCERTAIN, f"sent, but no answer from Telegram: {type(exc).__name__}: {exc}")


def _result(reply: httpx.Response) -> dict:
    try:
        body = reply.json()
    except ValueError:
        body = {}
    if reply.status_code == 200 and body.get("ok"):
        return body.get("result")
    raise classify(reply.status_code, body)


def classify(status: int, body: dict) -> TelegramError:
    """The sender's reading of a Bot API error answer."""
    code = body.get("error_code") or status
    description = str(body.get("description") or f"HTTP {status}")
    parameters = body.get("parameters") or {}
    if code == 429:
        return TelegramError(FLOOD, description, code=code, retry_after=float(parameters.get("retry_after") or 5))
    if parameters.get("migrate_to_chat_id"):
        return TelegramError(MIGRATED, description, code=code, migrate_to=int(parameters["migrate_to_chat_id"]))
    if code >= 500 or code in (401, 404, 409):
        # The server's trouble or our configuration (token), not this message's: try again later.
        return TelegramError(RETRY, description, code=code)
    return TelegramError(PERMANENT, description, code=code)  # 400 chat not found, 403 blocked...
