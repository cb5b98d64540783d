"""Delivering one outbox row to Telegram: limits, claim, calls, and the row's final state.

`deliver(message_id)` is what the send job runs. It never sends a row twice (see
workers.claims for how claims and dead senders are handled) and never calls Telegram over
the shared rate limit. Waiting for the overall limit happens in the job (the next slot is
a fraction of a second away, and the queue behind waits for it anyway); a row held by its
own chat's limit is handed back at once, to run again when that chat may receive, so that
the worker sends to other chats meanwhile. Once a row's first part is out, its later parts
wait in the job for a moment, else the row is handed back. Outcomes: sent; failed with
Telegram's reason (blocked user, unknown chat, too many attempts); pending again with
next_attempt_at (429 retry_after, network errors and 5xx with growing delays).
"""
from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from datetime import timedelta

from models import (OUTBOX_FAILED, OUTBOX_PENDING, OUTBOX_SENT, Official, Opd, OutboundMessage, db,
                    utcnow)
from services import runtime
from workers import parts as parts_mod
from workers import telegram_api as api
from workers.claims import UNKNOWN_ID, Claim, Claims
from workers.ratelimit import RateLimiter

log = logging.getLogger(__name__)

INLINE_WAIT = 2.0          # wait this long for the rate limit in the job; longer: run again later
MAX_RETRY_DELAY = 3600.0
FILE_ID_TTL = 30 * 24 * 3600


@dataclass
class Outcome:
    """What happened to the row; `later` is the delay after which the job should run again."""

    status: str                  # sent | failed | pending | skipped
    later: float | None = None
    detail: str = ""


def claims() -> Claims:
    return Claims(runtime.redis(), runtime.config().QUEUE_PREFIX)


def limiter() -> RateLimiter:
    return RateLimiter(runtime.redis(), runtime.config())


def deliver(message_id: int) -> Outcome:
    """Send one outbox row if it is pending and due (idempotent)."""
    row = OutboundMessage.get_or_none(OutboundMessage.id == message_id)
    if row is None or row.state != OUTBOX_PENDING:
        return Outcome("skipped", detail=row.state if row else "missing")
    wait = (row.next_attempt_at - utcnow()).total_seconds()
    if wait > 0:
        return Outcome("pending", later=wait, detail="not due")
    wait = _wait_for_limit(row.chat_id, hold_for_chat=False)
    if wait:
        # Recorded on the row too, so that the outbox sweep does not queue it again meanwhile.
        (OutboundMessage.update(next_attempt_at=utcnow() + timedelta(seconds=wait))
         .where(OutboundMessage.id == message_id, OutboundMessage.state == OUTBOX_PENDING).execute())
        return Outcome("pending", later=wait, detail="rate limit")
    claim = claims().claim(message_id)
    if claim is None:
        return Outcome("skipped", detail="claimed elsewhere")
    return _send_parts(row, claim)


def _wait_for_limit(chat_id: int, hold_for_chat: bool = True) -> float:
    """Take one message from the shared limit, waiting up to INLINE_WAIT (for the chat's own
    limit only when `hold_for_chat`); else the wait left."""
    rl = limiter()
    deadline = time.monotonic() + INLINE_WAIT
    while True:
        grant = rl.take(chat_id)
        if not grant.wait:
            return 0.0
        if (grant.chat and not hold_for_chat) or time.monotonic() + grant.wait > deadline:
            return grant.wait
        time.sleep(grant.wait)


def _send_parts(row: OutboundMessage, claim: Claim) -> Outcome:
    cfg = runtime.config()
    cl = claims()
    cached = _cached_file_id(row.photo_path) if row.photo_path and not row.photo_file_id else ""
    calls = parts_mod.build_parts(row, cfg.MEDIA_DIR, cached)
    first = claim.done  # part_done counts claim.done up as the parts go out
    for index in range(first, len(calls)):
        part = calls[index]
        if index > first:  # the first part's limit was taken before claiming
            wait = _wait_for_limit(row.chat_id)
            if wait:
                return _back_to_pending(claim, wait, "rate limit", count_attempt=False)
        if not cl.start_call(claim):
            return Outcome("skipped", detail="claim lost")
        try:
            result = api.call(cfg.TELEGRAM_API_URL, cfg.TELEGRAM_BOT_TOKEN, part)
        except api.TelegramError as error:
            return _failed_call(row, claim, part, error)
        _remember_file_id(part, result)
        if not cl.part_done(claim, (result or {}).get("message_id") if isinstance(result, dict) else None):
            return Outcome("skipped", detail="claim lost")
    return _finish_sent(row, claim, calls)


def _finish_sent(row: OutboundMessage, claim: Claim, calls: list) -> Outcome:
    main = next((i for i, p in enumerate(calls) if p.main), 0)
    ids = claim.ids
    value = ids[main] if main < len(ids) else (ids[0] if ids else UNKNOWN_ID)
    note = ""
    cl = claims()
    if cl.uncertain(row.id):
        note = "a part was in flight when its sender stopped; it was not sent again (Telegram most likely has it)"
    message_id = int(value) if value not in (UNKNOWN_ID, "None") else None
    if not cl.write(claim, state=OUTBOX_SENT, telegram_message_id=message_id, sent_at=utcnow(), last_error=note):
        return Outcome("skipped", detail="claim lost")
    cl.release(claim, forget=True)
    return Outcome("sent")


def _failed_call(row: OutboundMessage, claim: Claim, part, error: api.TelegramError) -> Outcome:
    """Decide what a refused or failed call means for the row."""
    cfg = runtime.config()
    if error.kind == api.UNCERTAIN:
        # Telegram may have this part: count it as delivered rather than risk sending it twice.
        claims().part_done(claim, None, uncertain=True)
        return _back_to_pending(claim, 0, error.description, count_attempt=False)
    if error.kind == api.FLOOD:
        limiter().pause(row.chat_id, error.retry_after)
        return _back_to_pending(claim, error.retry_after, error.description, count_attempt=False)
    if error.kind == api.MIGRATED:
        _follow_migration(row.chat_id, error.migrate_to)
        return _back_to_pending(claim, 0, error.description, chat_id=error.migrate_to, count_attempt=False)
    if part.meta.get("file_id") and error.code == 400 and not row.photo_file_id:
        _forget_file_id(row.photo_path)  # a stale cached file_id: upload the file instead
        return _back_to_pending(claim, 0, error.description, count_attempt=False)
    attempt = row.attempts + 1  # `row` was read before this claim counted the attempt
    if error.kind == api.RETRY and attempt < cfg.SEND_MAX_ATTEMPTS:
        delay = min(MAX_RETRY_DELAY, cfg.SEND_RETRY_SECONDS * 2 ** (attempt - 1))
        return _back_to_pending(claim, delay, error.description)
    return _fail(claim, error.description)


def _back_to_pending(claim: Claim, delay: float, reason: str, chat_id: int | None = None,
                     count_attempt: bool = True) -> Outcome:
    fields = dict(state=OUTBOX_PENDING, next_attempt_at=utcnow() + timedelta(seconds=delay), last_error=reason[:500])
    if chat_id is not None:
        fields["chat_id"] = chat_id
    if not count_attempt:
        fields["attempts"] = OutboundMessage.attempts - 1
    if not claims().write(claim, **fields):
        return Outcome("skipped", detail="claim lost")
    claims().release(claim, forget=False)
    return Outcome("pending", later=delay, detail=reason)


def _fail(claim: Claim, reason: str) -> Outcome:
    if not claims().write(claim, state=OUTBOX_FAILED, last_error=reason[:500]):
        return Outcome("skipped", detail="claim lost")
    claims().release(claim, forget=True)
    log.warning("outbox message %s failed: %s", claim.message_id, reason)
    return Outcome("failed", detail=reason)


def _follow_migration(old_chat: int, new_chat: int) -> None:
    """A group became a supergroup: its new id replaces the old one everywhere we keep it."""
    with db.atomic():
        Opd.update(telegram_chat_id=new_chat).where(Opd.telegram_chat_id == old_chat).execute()
        Official.update(telegram_chat_id=new_chat).where(Official.telegram_chat_id == old_chat).execute()
        (OutboundMessage.update(chat_id=new_chat)
         .where(OutboundMessage.chat_id == old_chat, OutboundMessage.state == OUTBOX_PENDING).execute())


# --- photos uploaded once, then reused by file_id ---------------------------------------------------
def _file_key(path: str) -> str:
    return f"{runtime.config().QUEUE_PREFIX}:tgfile:{path}"


def _cached_file_id(path: str) -> str:
    value = runtime.redis().get(_file_key(path))
    return value.decode() if value else ""


def _forget_file_id(path: str) -> None:
    if path:
        runtime.redis().delete(_file_key(path))


def _remember_file_id(part, result) -> None:
    if part.upload is None or not part.upload_key or not isinstance(result, dict):
        return
    sizes = result.get("photo") or []
    if sizes:
        runtime.redis().set(_file_key(part.upload_key), sizes[-1]["file_id"], ex=FILE_ID_TTL)
