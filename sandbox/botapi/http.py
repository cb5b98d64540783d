"""The HTTP side of the fake Bot API: an aiohttp server on its own thread and event loop.

Routes are Telegram's: /bot<token>/<method> (GET or POST, any letter case) and
/file/bot<token>/<path>. Long polls wait on futures woken from any thread; a client that
hangs up mid-poll just cancels its handler. A background task delivers updates to the
webhook while one is set: like Telegram, over up to `max_connections` requests at once
(setWebhook's parameter, default 40), never two for the same chat at once, so one chat's
updates arrive in order and a failing update holds back only its own chat.
"""
from __future__ import annotations

import asyncio
import json
import logging
import mimetypes
import socket
import struct
import threading
import time
from email.parser import BytesParser
from email.policy import HTTP
from typing import Any

from aiohttp import ClientError, ClientSession, ClientTimeout, TCPConnector, web

from sandbox.botapi.errors import MALFORMED, REFUSED, ApiError, conflict, injected
from sandbox.botapi.media import FileStore
from sandbox.botapi.methods import Answer, Methods
from sandbox.botapi.sending import Call
from sandbox.botapi.state import BotState
from sandbox.botapi.spec import Spec, Upload

log = logging.getLogger(__name__)

MAX_BODY = 60 * 1024 * 1024  # above Telegram's 50 MB upload limit, so the fake can answer 413 itself
SERVER_ERROR = "server_error"
DROPPED = "dropped"


class CallLog:
    """Every call the bot made, in order, with how the fake answered it."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.calls: list[dict] = []
        self.downloaded: list[str] = []

    def record(self, method: str, params: dict, *, error: ApiError | None = None, result: Any = None,
               kind: str | None = None, ignored: list[str] | None = None) -> None:
        entry = {"method": method, "params": _loggable(params), "ok": error is None,
                 "error_code": error.code if error else None, "description": error.description if error else None,
                 "ts": time.time(), "kind": kind or (error.kind if error else "ok")}
        if error is None:
            entry["result"] = result
        if ignored:
            entry["ignored_params"] = ignored  # unknown to the spec: Telegram ignores them silently
        with self.lock:
            self.calls.append(entry)


def _loggable(params: dict) -> dict:
    def clean(value: Any) -> Any:
        if isinstance(value, Upload):
            return {"file_name": value.filename, "content_type": value.content_type, "size": len(value.data)}
        return value
    return {key: clean(value) for key, value in params.items()}


BEFORE_READ = "before_read"   # hang up (TCP reset) before reading the request's body: never performed
AFTER_CALL = "after_call"     # perform the call, then hang up without answering: the answer is lost
DROPS = (BEFORE_READ, AFTER_CALL)


class FailurePlan:
    """Failures armed by tests, consumed by the next calls of a method: error answers, and
    dropped connections (only through FakeBotAPI's Python methods, never over HTTP)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._armed: dict[str, list[tuple[int, int | None, str | None]]] = {}
        self._drops: dict[tuple[str, str], int] = {}

    def arm_drop(self, method: str, when: str, count: int) -> None:
        if when not in DROPS:
            raise ValueError(f"when must be one of {DROPS}")
        with self._lock:
            key = (method.lower(), when)
            self._drops[key] = self._drops.get(key, 0) + count

    def take_drop(self, method: str, when: str) -> bool:
        with self._lock:
            key = (method.lower(), when)
            if self._drops.get(key, 0) <= 0:
                return False
            self._drops[key] -= 1
            return True

    def clear(self) -> None:
        with self._lock:
            self._armed.clear()
            self._drops.clear()

    def arm(self, method: str, code: int, retry_after: int | None, description: str | None, count: int) -> None:
        with self._lock:
            self._armed.setdefault(method.lower(), []).extend([(code, retry_after, description)] * count)

    def take(self, method: str) -> ApiError | None:
        with self._lock:
            queue = self._armed.get(method.lower())
            if not queue:
                return None
            return injected(*queue.pop(0))


class BotApiServer:
    """Runs the aiohttp application in a daemon thread with its own event loop."""

    def __init__(self, token: str, spec: Spec, state: BotState, files: FileStore, methods: Methods,
                 log_: CallLog, failures: FailurePlan) -> None:
        self.token, self.spec, self.state, self.files = token, spec, state, files
        self.methods, self.log, self.failures = methods, log_, failures
        self.webhook_retry_delays: tuple[float, ...] = (0.2, 0.5, 1.0, 2.0)
        self.webhook_timeout = 5.0
        self.port = 0
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._runner: web.AppRunner | None = None
        self._waiters: set[asyncio.Future] = set()
        self._poller: object | None = None
        self._stopping = False
        self._webhook_task: asyncio.Task | None = None

    # --- lifecycle -------------------------------------------------------------------------
    def start(self, port: int = 0, sock: socket.socket | None = None) -> None:
        """Serve on 127.0.0.1:port, or on `sock` already bound (and listening) by the caller."""
        if sock is None:
            sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            sock.bind(("127.0.0.1", port))
        self.port = sock.getsockname()[1]
        self._stopping = False
        self._loop = asyncio.new_event_loop()
        ready = threading.Event()
        self._thread = threading.Thread(target=self._run, args=(sock, ready), name="fake-bot-api", daemon=True)
        self._thread.start()
        if not ready.wait(5):
            raise RuntimeError("the fake Bot API server did not start")
        self.state.on_update = self._wake_threadsafe

    def _run(self, sock: socket.socket, ready: threading.Event) -> None:
        asyncio.set_event_loop(self._loop)
        self._loop.run_until_complete(self._serve(sock))
        ready.set()
        self._loop.run_forever()
        self._loop.close()

    async def _serve(self, sock: socket.socket) -> None:
        app = web.Application(client_max_size=MAX_BODY)
        app.router.add_route("*", "/bot{token}/{method}", self._handle_method)
        app.router.add_get("/file/bot{token}/{path:.+}", self._handle_file)
        app.router.add_route("*", "/{tail:.*}", self._handle_unknown)
        self._runner = web.AppRunner(app, access_log=None, handler_cancellation=True, shutdown_timeout=0.5)
        await self._runner.setup()
        await web.SockSite(self._runner, sock).start()
        self._webhook_task = asyncio.get_running_loop().create_task(self._webhook_loop())

    def stop(self) -> None:
        if self._loop is None or self._thread is None:
            return
        self.state.on_update = lambda: None
        future = asyncio.run_coroutine_threadsafe(self._shutdown(), self._loop)
        try:
            future.result(5)
        finally:
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(5)
            self._loop = self._thread = None

    async def _shutdown(self) -> None:
        self._stopping = True
        self._wake()
        if self._webhook_task is not None:
            self._webhook_task.cancel()
        await self._runner.cleanup()

    # --- waking long polls and the webhook sender ------------------------------------------
    def _wake_threadsafe(self) -> None:
        loop = self._loop
        if loop is not None and not loop.is_closed():
            loop.call_soon_threadsafe(self._wake)

    def _wake(self) -> None:
        for waiter in list(self._waiters):
            if not waiter.done():
                waiter.set_result(None)

    async def _sleep_until_woken(self, timeout: float | None) -> None:
        waiter = asyncio.get_running_loop().create_future()
        self._waiters.add(waiter)
        try:
            await asyncio.wait({waiter}, timeout=timeout)
        finally:
            self._waiters.discard(waiter)

    # --- API calls -------------------------------------------------------------------------
    async def _handle_method(self, request: web.Request) -> web.Response:
        name = request.match_info["method"]
        if request.match_info["token"] != self.token:
            error = ApiError(401, "Unauthorized", kind=REFUSED)
            self.log.record(name, {}, error=error)
            return _json(error.payload(), 401)
        method = self.spec.method(name)
        if method is None:
            error = ApiError(404, "Not Found", kind=MALFORMED)
            self.log.record(name, {}, error=error)
            return _json(error.payload(), 404)
        params: dict = {}
        ignored: list[str] = []
        if self.failures.take_drop(method.name, BEFORE_READ):
            self.log.record(method.name, {}, error=ApiError(0, "connection reset before the request was read",
                                                            kind=DROPPED))
            _hang_up(request, reset=True)
            return web.Response(status=500)  # never written: the connection is gone
        try:
            raw, uploads = await _read_params(request)
            decoded = self.spec.decode_call(method, raw, uploads)
            params, ignored = decoded.params, decoded.ignored
            failure = self.failures.take(method.name)
            if failure is not None:
                raise failure
            answer = await self._answer(Call(method.name, params, uploads))
        except ApiError as error:
            self.log.record(method.name, params, error=error, ignored=ignored)
            return _json(error.payload(), error.code)
        except Exception:  # noqa: BLE001 - a bug in the fake must not look like a Telegram answer
            log.exception("fake Bot API failed on %s", method.name)
            error = ApiError(500, "Internal Server Error", kind=SERVER_ERROR)
            self.log.record(method.name, params, error=error, kind=SERVER_ERROR)
            return _json(error.payload(), 500)
        body = {"ok": True, "result": answer.result}
        if answer.description:
            body["description"] = answer.description
        self.log.record(method.name, params, result=answer.result, ignored=ignored)
        if self.failures.take_drop(method.name, AFTER_CALL):
            _hang_up(request, reset=False)  # performed, but the caller never hears so
        return _json(body, 200)

    async def _answer(self, call: Call) -> Answer:
        if call.method == "getUpdates":
            return Answer(await self._get_updates(call))
        result = self.methods.dispatch(call)
        return result if isinstance(result, Answer) else Answer(result)

    async def _get_updates(self, call: Call) -> list[dict]:
        p = call.params
        self.methods.refuse_polling_with_webhook()
        self.state.confirm(p.get("offset"))
        self.state.set_allowed_updates(p.get("allowed_updates"))
        limit, timeout = min(max(p.get("limit", 100), 1), 100), max(p.get("timeout", 0), 0)
        ticket = self._poller = object()
        self._wake()  # an older poll still waiting ends with 409, as on Telegram
        deadline = asyncio.get_running_loop().time() + timeout
        while True:
            if self._poller is not ticket:
                raise conflict("terminated by other getUpdates request; make sure that only one bot instance "
                               "is running")
            updates = self.state.pending(limit)
            remaining = deadline - asyncio.get_running_loop().time()
            if updates or remaining <= 0 or self._stopping:
                return updates
            await self._sleep_until_woken(remaining)

    async def _handle_unknown(self, request: web.Request) -> web.Response:
        return _json(ApiError(404, "Not Found").payload(), 404)

    # --- files -----------------------------------------------------------------------------
    async def _handle_file(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return _json(ApiError(401, "Unauthorized").payload(), 401)
        path = request.match_info["path"]
        stored = self.files.by_path(path)
        if stored is None:
            return _json(ApiError(404, "Not Found").payload(), 404)
        with self.log.lock:
            self.log.downloaded.append(path)
        content_type = stored.mime_type or mimetypes.guess_type(path)[0] or "application/octet-stream"
        return web.Response(body=stored.data, content_type=content_type)

    # --- webhook ---------------------------------------------------------------------------
    async def _webhook_loop(self) -> None:
        inflight: dict[int, asyncio.Task] = {}   # update_id -> its delivery
        busy: set = set()                          # chats with a delivery in flight
        async with ClientSession(timeout=ClientTimeout(total=self.webhook_timeout),
                                 connector=TCPConnector(limit=100)) as session:
            try:
                while not self._stopping:
                    hook = self.state.webhook
                    room = max(1, hook.max_connections) - len(inflight) if hook is not None else 0
                    batch = self.state.webhook_batch(room, inflight, busy) if room > 0 else []
                    if not batch:
                        await self._sleep_until_woken(None)
                        continue
                    for update, chat in batch:
                        busy.add(chat)
                        inflight[update["update_id"]] = asyncio.get_running_loop().create_task(
                            self._deliver(session, hook, update, chat, inflight, busy))
            finally:
                for task in list(inflight.values()):
                    task.cancel()

    async def _deliver(self, session: ClientSession, hook, update: dict, chat, inflight: dict, busy: set) -> None:
        """POST one update until the receiver takes it or the retries are spent, then drop it."""
        failures = 0
        try:
            while not self._stopping:
                error = await _post_update(session, hook, update)
                if error is None or failures >= len(self.webhook_retry_delays):
                    if error is not None:
                        log.warning("webhook gave up on update %s: %s", update["update_id"], error)
                    self.state.drop_delivered(update["update_id"])
                    return
                self._note_webhook_error(hook, error)
                await asyncio.sleep(self.webhook_retry_delays[failures])
                failures += 1
        finally:
            inflight.pop(update["update_id"], None)
            busy.discard(chat)
            self._wake()

    def _note_webhook_error(self, hook, error: str) -> None:
        with self.state.lock:
            hook.last_error_date, hook.last_error_message = int(time.time()), error


async def _post_update(session: ClientSession, hook, update: dict) -> str | None:
    """POST one update; None on a 2xx answer, else Telegram's wording of the failure."""
    headers = {"Content-Type": "application/json"}
    if hook.secret_token:
        headers["X-Telegram-Bot-Api-Secret-Token"] = hook.secret_token
    try:
        async with session.post(hook.url, data=json.dumps(update, ensure_ascii=False), headers=headers) as reply:
            if 200 <= reply.status < 300:
                return None
            return f"Wrong response from the webhook: {reply.status} {reply.reason}"
    except (ClientError, asyncio.TimeoutError, OSError) as error:
        return f"Connection failed: {error.__class__.__name__}"


async def _read_params(request: web.Request) -> tuple[dict, dict[str, Upload]]:
    """Query string, then the body: JSON, form-encoded or multipart (files become Uploads)."""
    raw: dict[str, Any] = dict(request.query)
    uploads: dict[str, Upload] = {}
    if not request.body_exists:
        return raw, uploads
    if request.content_type == "application/json":
        try:
            body = await request.json()
        except ValueError:
            body = None
        if not isinstance(body, dict):
            raise ApiError(400, "Bad Request: can't parse JSON encoded request")
        raw.update(body)
    elif request.content_type == "application/x-www-form-urlencoded":
        raw.update((await request.post()).items())
    elif request.content_type == "multipart/form-data":
        body = await request.read()
        fields, uploads = await asyncio.to_thread(_parse_multipart, request.headers["Content-Type"], body)
        raw.update(fields)
    return raw, uploads


def _parse_multipart(content_type: str, body: bytes) -> tuple[dict[str, str], dict[str, Upload]]:
    """Split a multipart/form-data body with the standard library.

    aiohttp's own multipart reader emits a DeprecationWarning on large parts; this keeps
    the project's test output clean and handles binary payloads byte for byte.
    """
    message = BytesParser(policy=HTTP).parsebytes(b"Content-Type: " + content_type.encode("latin-1") + b"\r\n\r\n"
                                                  + body)
    if not message.is_multipart():
        raise ApiError(400, "Bad Request: can't parse multipart/form-data request")
    fields: dict[str, str] = {}
    uploads: dict[str, Upload] = {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        data = part.get_payload(decode=True) or b""
        if name is None:
            continue
        if part.get_filename() is not None:
            kind = part.get_content_type() if part.get("Content-Type") else "application/octet-stream"
            uploads[name] = Upload(part.get_filename(), kind, data)
        else:
            fields[name] = data.decode(part.get_content_charset() or "utf-8", errors="replace")
    return fields, uploads


def _hang_up(request: web.Request, reset: bool) -> None:
    """Close the request's connection without an answer; `reset`: abortively (TCP RST, what a
    server does when it drops a connection with the request still unread)."""
    transport = request.transport
    if transport is None:
        return
    sock = transport.get_extra_info("socket")
    if reset and sock is not None:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    transport.abort()


def _json(body: dict, status: int) -> web.Response:
    return web.Response(text=json.dumps(body, ensure_ascii=False), status=status, content_type="application/json")
