"""Blocking until the bot has sent a message, with a useful report when it never does."""
from __future__ import annotations

import time
from typing import Callable

from sandbox.botapi.state import BotState

Predicate = Callable[[dict], bool] | None


def wait_for_message(state: BotState, calls_for: Callable[[int], list[dict]], chat_id: int,
                     predicate: Predicate, timeout: float, after: int | None) -> dict:
    """Wait on the state's condition (notified on every new, edited or deleted message)."""
    deadline = time.monotonic() + timeout
    with state.changed:
        while True:
            match = _first_match(state.outgoing(chat_id), predicate, after)
            if match is not None:
                return match
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                break
            state.changed.wait(remaining)
    raise TimeoutError(_report(state.outgoing(chat_id), calls_for(chat_id), chat_id, predicate, timeout, after))


def _first_match(messages: list[dict], predicate: Predicate, after: int | None) -> dict | None:
    for message in messages:
        if after is not None and message["message_id"] <= after:
            continue
        if predicate is None or predicate(message):
            return message
    return None


def _report(messages: list[dict], calls: list[dict], chat_id: int, predicate: Predicate, timeout: float,
            after: int | None) -> str:
    wanted = "a matching message" if predicate else "a message"
    lines = [f"no bot message: waited {timeout:.1f}s for {wanted} to chat {chat_id}"
             + (f" after message_id {after}" if after is not None else "")]
    lines.append(f"bot messages in that chat ({len(messages)}):")
    lines += [f"  #{m['message_id']}{' (deleted)' if m.get('deleted') else ''}: {_summary(m)}" for m in messages[-10:]]
    failed = [c for c in calls if not c["ok"]]
    if failed:
        lines.append("failed calls to that chat:")
        lines += [f"  {c['method']}: {c['error_code']} {c['description']}" for c in failed[-10:]]
    return "\n".join(lines)


def _summary(message: dict) -> str:
    for key in ("text", "caption"):
        if key in message:
            return repr(message[key][:120])
    kinds = [k for k in ("photo", "document", "location", "venue", "video", "voice", "sticker") if k in message]
    return kinds[0] if kinds else "?"
