"""Running the sandbox: the Bot API server (its own thread) and the chat page (this loop, or a
thread of its own next to an in-process server)."""
from __future__ import annotations

import asyncio
import logging
import signal
import socket
import threading

from aiohttp import web

from sandbox.webchat.live import SandboxAPI
from sandbox.settings import SandboxSettings
from sandbox.webchat.app import create_chat_app

log = logging.getLogger("sandbox")


async def run(settings: SandboxSettings, api_sock: socket.socket, chat_sock: socket.socket,
              stop: asyncio.Event | None = None) -> None:
    """Serve both until `stop` is set, or until SIGINT/SIGTERM when no event is given."""
    api = SandboxAPI(settings.token, sock=api_sock).start()
    runner = web.AppRunner(create_chat_app(api, settings), access_log=None, handler_cancellation=True,
                           shutdown_timeout=0.5)
    try:
        await runner.setup()
        await web.SockSite(runner, chat_sock).start()
        log.info("Bot API for the bot and the worker: %s (token %s)", api.url, settings.token)
        log.info("Chat page: open %s in a browser", settings.chat_url)
        if stop is None:
            stop = asyncio.Event()
            for number in (signal.SIGINT, signal.SIGTERM):
                asyncio.get_running_loop().add_signal_handler(number, stop.set)
        await stop.wait()
    finally:
        await runner.cleanup()
        api.stop()
        log.info("sandbox stopped")


class ChatPageThread:
    """The chat page for an already running SandboxAPI, served from a background thread.

    For tests and tools that run the Bot API server in-process: `ChatPageThread(api).start().url`.
    """

    def __init__(self, api: SandboxAPI, settings: SandboxSettings | None = None) -> None:
        self.api, self.settings = api, settings or SandboxSettings()
        self.url: str | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._runner: web.AppRunner | None = None

    def start(self, timeout: float = 10) -> "ChatPageThread":
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="sandbox-chat-page", daemon=True)
        self._thread.start()
        port = asyncio.run_coroutine_threadsafe(self._serve(), self._loop).result(timeout)
        self.url = f"http://127.0.0.1:{port}"
        return self

    async def _serve(self) -> int:
        self._runner = web.AppRunner(create_chat_app(self.api, self.settings), access_log=None,
                                     handler_cancellation=True, shutdown_timeout=0.5)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        return self._runner.addresses[0][1]

    def stop(self, timeout: float = 10) -> None:
        if self._loop is None:
            return
        try:
            asyncio.run_coroutine_threadsafe(self._runner.cleanup(), self._loop).result(timeout)
        finally:
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(timeout)
            self._loop.close()
            self._loop = self._thread = None

    def __enter__(self) -> "ChatPageThread":
        return self.start()

    def __exit__(self, *exc_info) -> None:
        self.stop()
