"""Delivering one outbox row to Telegram: limits, claim, calls, and the row's final state.

`deliver(message_id)` is what the send job runs. It never sends a row twice (see
workers.claims for how claims and dead senders are handled) and never calls Telegram over
the shared rate limit. Waiting for the overall limit happens in the job (the next slot is
a fraction of a second away, and the queue behind waits for it anyway); a row held by its
own chat's limit is handed back at once, to run again when that chat may receive, so that
the worker sends to other chats meanwhile. Once a row's first part is out, its later parts
wait in the job for a moment, else the row is handed back.

Outcomes:
- sent;
- maybe_sent: a part's request went out whole and no answer came (workers.telegram_api
  tells this apart from a request that never left); that part is never sent again;
- failed at once when Telegram refuses the message itself (blocked, chat not found, bad
  request);
- pending again with next_attempt_at after a 429 (its retry_after), or after a temporary
  failure (5xx, a request that never reached Telegram, our token refused...) with a delay
  doubling from SEND_RETRY_SECONDS up to SEND_RETRY_MAX_DELAY_SECONDS, for as long as the
  row is younger than SEND_RETRY_MAX_AGE_HOURS; after that it fails as "undelivered", and
  the outbox sweep reports it to the main admin (workers.sweeps.report_undelivered).
"""
from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from datetime import timedelta

from models import (OUTBOX_FAILED, OUTBOX_MAYBE_SENT, OUTBOX_PENDING, OUTBOX_SENT, Official, Opd,
                    OutboundMessage, db, utcnow)
from services import runtime
from workers import message_parts as parts_mod
from workers import telegram_api as api
from workers.claims import UNKNOWN_ID, Claim, Claims
from services.messaging.ratelimit import RateLimiter
from services.complaints import receipts

log = logging.getLogger(__name__)

INLINE_WAIT = 2.0          # wait this long for the rate limit in the job; longer: run again later
FILE_ID_TTL = 30 * 24 * 3600
# last_error of a row given up after temporary failures; the sweep appends REPORTED once the
# main admin has been told (see workers.sweeps.report_undelivered).
UNDELIVERED = "undelivered: "
REPORTED = " [reported to the main admin]"
STOPPED_NOTE = "a part was in flight when its sender stopped; it was not sent again (Telegram may have it)"


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
    merge = receipts.plan(row)
    if merge.action == "wait":  # the bot is about to record the receipt this notice may join
        (OutboundMessage.update(next_attempt_at=utcnow() + timedelta(seconds=merge.seconds))
         .where(OutboundMessage.id == message_id, OutboundMessage.state == OUTBOX_PENDING).execute())
        return Outcome("pending", later=merge.seconds, detail="waiting for the receipt")
    wait = _wait_for_limit(row.chat_id, hold_for_chat=False)
    if wait:
        # Recorded on the row too, so that the outbox sweep does not queue it again meanwhile.
        (OutboundMessage.update(next_attempt_at=utcnow() + timedelta(seconds=wait))
         .where(OutboundMessage.id == message_id, OutboundMessage.state == OUTBOX_PENDING).execute())
        return Outcome("pending", later=wait, detail="rate limit")
    claim = claims().claim(message_id)
    if claim is None:
        return Outcome("skipped", detail="claimed elsewhere")
    return _send_parts(row, claim, merge)


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


def _send_parts(row: OutboundMessage, claim: Claim, merge: receipts.Plan = receipts.SEND) -> Outcome:
    cfg = runtime.config()
    cl = claims()
    if merge.action == "edit":  # the notice joins the reporter's receipt (services.complaints.receipts)
        calls = [api.Part("editMessageText", {"chat_id": row.chat_id, "message_id": merge.message_id,
                                              "text": merge.text, "parse_mode": row.parse_mode or "HTML"},
                          main=True)]
    else:
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
    note, state = "", OUTBOX_SENT
    cl = claims()
    reason = cl.uncertain(row.id)
    if reason:
        # Telegram may or may not have that part; the panel says so rather than "delivered".
        state = OUTBOX_MAYBE_SENT
        note = STOPPED_NOTE if reason == "1" else f"{reason}; not sent again"
    message_id = int(value) if value not in (UNKNOWN_ID, "None") else None
    if not cl.write(claim, state=state, telegram_message_id=message_id, sent_at=utcnow(), last_error=note[:500]):
        return Outcome("skipped", detail="claim lost")
    cl.release(claim, forget=True)
    return Outcome(state)


def _failed_call(row: OutboundMessage, claim: Claim, part, error: api.TelegramError) -> Outcome:
    """Decide what a refused or failed call means for the row."""
    cfg = runtime.config()
    if error.kind == api.UNCERTAIN:
        # Telegram may have this part: count it as delivered rather than risk sending it twice.
        claims().part_done(claim, None, uncertain=error.description)
        return _back_to_pending(claim, 0, error.description, count_attempt=False)
    if error.kind == api.FLOOD:
        limiter().pause(row.chat_id, error.retry_after)
        return _back_to_pending(claim, error.retry_after, error.description, count_attempt=False)
    if part.method == "editMessageText" and error.code == 400 and row.complaint_id:
        # The receipt cannot be edited (deleted, too old...): the notice goes as its own message.
        receipts.forget(row.complaint_id)
        return _back_to_pending(claim, 0, error.description, count_attempt=False)
    if error.kind == api.MIGRATED:
        _follow_migration(row.chat_id, error.migrate_to)
        return _back_to_pending(claim, 0, error.description, chat_id=error.migrate_to, count_attempt=False)
    if part.meta.get("file_id") and error.code == 400 and not row.photo_file_id:
        _forget_file_id(row.photo_path)  # a stale cached file_id: upload the file instead
        return _back_to_pending(claim, 0, error.description, count_attempt=False)
    if error.kind != api.RETRY:
        return _fail(claim, error.description)  # Telegram refused this message itself: final
    attempt = row.attempts + 1  # `row` was read before this claim counted the attempt
    age = utcnow() - row.created_at
    what = f"{error.code} {error.description}" if error.code else error.description
    if age < timedelta(hours=cfg.SEND_RETRY_MAX_AGE_HOURS):
        return _back_to_pending(claim, retry_delay(cfg, attempt), f"temporary, will retry: {what}")
    return _fail(claim, f"{UNDELIVERED}temporary failures for {_hours(age)} h, {attempt} attempts; last: {what}")


def retry_delay(cfg, attempt: int) -> float:
    """Seconds before attempt `attempt` + 1 after a temporary failure: doubling, capped."""
    return float(min(cfg.SEND_RETRY_MAX_DELAY_SECONDS, cfg.SEND_RETRY_SECONDS * 2 ** min(attempt - 1, 32)))


def _hours(age: timedelta) -> str:
    return f"{age.total_seconds() / 3600:.4g}"


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
