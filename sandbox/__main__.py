"""`python -m sandbox`: a local Telegram for Wadul — the Bot API server and the chat page.

    python -m sandbox          serve the Bot API (SANDBOX_API_PORT, 8081) and the chat page
                               (SANDBOX_CHAT_PORT, 8080) on 127.0.0.1 until stopped
    python -m sandbox env      print NAME=value lines that point the bot and the worker at it
                               (an env file for `set -a; source FILE` and for honcho's -e)

Both ports are bound before anything heavy is imported, so a bot that starts at the same
moment (honcho starts every process together) connects and simply waits for the answer.
Everything lives in memory: a restart forgets the chats, never the product's data.
"""
from __future__ import annotations

import shlex
import socket
import sys

from sandbox.settings import HOST, SandboxSettings, SettingsError

EXIT_USAGE = 2


def bind(port: int) -> socket.socket:
    """A listening socket on 127.0.0.1:port; connections queue in its backlog until served."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((HOST, port))
    except OSError as error:
        sock.close()
        raise SettingsError(f"port {port} on {HOST} is not free ({error.strerror}); "
                            f"choose others with SANDBOX_API_PORT / SANDBOX_CHAT_PORT") from None
    sock.listen(128)
    return sock


def print_env(settings: SandboxSettings) -> int:
    """NAME=value lines for the bot and the worker (used by scripts/run.sh)."""
    for name, value in settings.bot_environment().items():
        print(f"{name}={shlex.quote(value)}")
    return 0


def serve(settings: SandboxSettings) -> int:
    """Run until SIGINT or SIGTERM."""
    api_sock, chat_sock = bind(settings.api_port), bind(settings.chat_port)
    import asyncio
    import logging

    from core import logsafe
    from sandbox.server import run

    logsafe.install(settings.token)  # no log line of this process carries the token
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    asyncio.run(run(settings, api_sock, chat_sock))
    return 0


def main(argv: list[str]) -> int:
    """Dispatch the sub-command; settings errors end the process with a message, not a traceback."""
    command = argv[0] if argv else "serve"
    if command not in ("serve", "env"):
        sys.stderr.write(__doc__)
        return EXIT_USAGE
    try:
        settings = SandboxSettings.from_env()
        return print_env(settings) if command == "env" else serve(settings)
    except SettingsError as error:
        sys.stderr.write(f"sandbox: {error}\n")
        return EXIT_USAGE


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
