"""No process logs the bot token: redaction at the source of every log record.

The Bot API puts the token in every URL (`/bot<TOKEN>/sendMessage`, `/file/bot<TOKEN>/...`),
and HTTP clients log their URLs: httpx at INFO ("HTTP Request: POST .../bot123:ABC/..."),
aiohttp and urllib3 at DEBUG, and an exception's text often quotes the URL too. A filter on
one handler is not enough (RQ, gunicorn and PTB add handlers of their own, some after
start-up), so `install` replaces the process's LogRecord factory: every record of every
logger is redacted when it is made, before any handler or formatter sees it, its message,
its arguments and its exception text alike. The HTTP clients' own loggers are set to
WARNING (their per-request lines are noise, and noise with a secret in it).

Each process entry (bot, workers, clock, web, sandbox) makes one `install(token)` call.
"""
from __future__ import annotations

import logging
import os
import re
import threading

REDACTED = "<token>"
# BotFather's shape: the bot's numeric id, a colon, a secret of 30-odd URL-safe characters.
# A token nobody configured here (another bot's, a pasted one) is redacted too.
TOKEN_SHAPE = re.compile(r"(?<!\d)\d{5,}:[A-Za-z0-9_-]{20,}")
QUIET_LOGGERS = ("httpx", "httpcore", "aiohttp.client", "aiohttp.internal", "urllib3", "hpack", "telegram.request")

_lock = threading.Lock()
_secrets: set[str] = set()
_original_factory = None


def redact(text: str) -> str:
    """`text` with every configured token and every token-shaped string replaced."""
    for secret in sorted(_secrets, key=len, reverse=True):
        text = text.replace(secret, REDACTED)
    return TOKEN_SHAPE.sub(REDACTED, text)


def _contains_secret(text: str) -> bool:
    return any(secret in text for secret in _secrets) or TOKEN_SHAPE.search(text) is not None


def _make_record(*args, **kwargs) -> logging.LogRecord:
    record = _original_factory(*args, **kwargs)
    try:
        message = record.getMessage()
    except Exception:  # a broken format string: let the handler report it as usual
        return record
    if _contains_secret(message):
        record.msg, record.args = redact(message), None
    if record.exc_info and not record.exc_text:
        text = logging.Formatter().formatException(record.exc_info)
        if _contains_secret(text):
            record.exc_text = redact(text)  # formatters print exc_text when it is set
    if record.stack_info and _contains_secret(record.stack_info):
        record.stack_info = redact(record.stack_info)
    return record


def install(*tokens: str | None) -> None:
    """Redact `tokens` (and TELEGRAM_BOT_TOKEN from the environment) in every log record of
    this process from now on, and quiet the HTTP clients' request logging. Idempotent."""
    global _original_factory
    with _lock:
        for token in (*tokens, os.environ.get("TELEGRAM_BOT_TOKEN")):
            if token and len(token) >= 6:
                _secrets.add(token)
        if _original_factory is None:
            _original_factory = logging.getLogRecordFactory()
            logging.setLogRecordFactory(_make_record)
    for name in QUIET_LOGGERS:
        logger = logging.getLogger(name)
        if logger.getEffectiveLevel() < logging.WARNING:
            logger.setLevel(logging.WARNING)
