"""Periodic sweeps that finish work a lost job left behind, and automatic closing.

Jobs are queued after their transaction commits; when Redis was down at that moment, or a
worker died holding a job, the rows are still there and these sweeps queue the work again.
Every job they queue is idempotent, so queueing one twice is harmless.
"""
from __future__ import annotations

import logging
import time
from datetime import datetime, timedelta, timezone

import i18n
from core import status as st
from models import (OUTBOX_FAILED, OUTBOX_PENDING, OUTBOX_SENDING, Complaint, OutboundMessage, db, utcnow)
from services import runtime
from services.feedback import messages as feedback_messages
from services.messaging import outbox
from services.complaints.status_door import Change, change_status
from services.messaging import enqueue
from services.messaging import notices
from workers.claims import Claim
from workers.sender import REPORTED, UNDELIVERED, claims

log = logging.getLogger(__name__)

BATCH = 500


# --- the outbox ---------------------------------------------------------------------------------
def sweep_outbox(now: datetime | None = None) -> dict[str, int]:
    """Re-queue pending rows whose job was lost, and recover rows whose sender died."""
    now = now or utcnow()
    stale = timedelta(seconds=runtime.config().OUTBOX_STALE_SECONDS)
    pending = [r.id for r in OutboundMessage.select(OutboundMessage.id)
               .where(OutboundMessage.state == OUTBOX_PENDING, OutboundMessage.next_attempt_at <= now - stale)
               .order_by(OutboundMessage.next_attempt_at).limit(BATCH)]
    recovered = [row.id for row in OutboundMessage.select()
                 .where(OutboundMessage.state == OUTBOX_SENDING, OutboundMessage.claimed_at <= now - stale)
                 .order_by(OutboundMessage.claimed_at).limit(BATCH)
                 if recover_stale(row, now)]
    if pending or recovered:
        enqueue.send_messages(pending + recovered)
    return {"requeued": len(pending), "recovered": len(recovered)}


def recover_stale(row: OutboundMessage, now: datetime, stale_before: float | None = None) -> bool:
    """Take a dead sender's row back (rules in workers.claims); True when it should be sent.
    `stale_before` (epoch seconds): a heartbeat after it means a live sender (default: now
    less OUTBOX_STALE_SECONDS)."""
    cl = claims()
    if stale_before is None:
        stale_before = time.time() - (utcnow() - now).total_seconds() - runtime.config().OUTBOX_STALE_SECONDS
    phase = cl.recover(row.id, row.claimed_at, stale_before)
    claim = Claim(row.id, row.claimed_at, 0, [])
    if phase in ("claimed", "calling", "idle"):
        # "calling": the part in flight now counts as delivered; the rest still goes out.
        cl.write(claim, state=OUTBOX_PENDING, next_attempt_at=min(now, utcnow()), attempts=OutboundMessage.attempts - 1,
                 last_error=f"recovered from a stopped sender ({phase})")
        log.warning("outbox message %s recovered from a stopped sender (%s)", row.id, phase)
        return True
    if phase == "missing":
        cl.write(claim, state=OUTBOX_FAILED,
                 last_error="delivery unknown: its sender stopped and the progress record is gone; not resent")
        log.error("outbox message %s: sender stopped, progress unknown; marked failed", row.id)
    return False  # "alive" or "other": somebody holds it


# --- messages given up after a long outage --------------------------------------------------------
UNDELIVERED_KIND = "undelivered"
REPORT_LIST = 10  # rows named in the report; the rest are counted


def report_undelivered() -> int:
    """Tell the main admins about rows the sender gave up after SEND_RETRY_MAX_AGE_HOURS of
    temporary failures (one message per admin for all such rows at once), and mark those
    rows reported in the same transaction. The reports' own failures are not reported again.
    Returns how many rows were reported."""
    rows = list(OutboundMessage.select()
                .where(OutboundMessage.state == OUTBOX_FAILED, OutboundMessage.last_error.startswith(UNDELIVERED),
                       ~OutboundMessage.last_error.endswith(REPORTED), OutboundMessage.kind != UNDELIVERED_KIND)
                .order_by(OutboundMessage.id).limit(BATCH))
    if not rows:
        return 0
    cfg = runtime.config()
    recipients = notices.main_admin_recipients()
    with db.atomic():
        for r in recipients:
            lines = [i18n.t("worker.undelivered.head", r.lang, count=len(rows), hours=f"{cfg.SEND_RETRY_MAX_AGE_HOURS:g}")]
            lines += [i18n.t("worker.undelivered.row", r.lang, to=outbox.escape(row.recipient_label or str(row.chat_id)),
                             kind=outbox.escape(row.kind),
                             code=outbox.escape(row.complaint.tracking_code if row.complaint_id else "-"))
                      for row in rows[:REPORT_LIST]]
            if len(rows) > REPORT_LIST:
                lines.append(i18n.t("worker.undelivered.more", r.lang, count=len(rows) - REPORT_LIST))
            lines.append(i18n.t("worker.undelivered.tail", r.lang))
            outbox.add_message(r.chat_id, "\n".join(lines), kind=UNDELIVERED_KIND, recipient_label=r.label[:120],
                               dedupe_key=f"undelivered:{rows[0].id}:{rows[-1].id}:{len(rows)}:{r.chat_id}")
        for row in rows:
            (OutboundMessage.update(last_error=(row.last_error[:500 - len(REPORTED)] + REPORTED))
             .where(OutboundMessage.id == row.id, OutboundMessage.state == OUTBOX_FAILED).execute())
    if recipients:
        log.warning("%d undelivered outbox messages reported to %d main admin chats", len(rows), len(recipients))
    else:
        log.error("%d outbox messages undelivered after %g h and no main admin is linked to Telegram to tell; "
                  "they are listed in the panel", len(rows), cfg.SEND_RETRY_MAX_AGE_HOURS)
    return len(rows)


# --- complaints nobody assigned ---------------------------------------------------------------------
def sweep_unassigned(now: datetime | None = None) -> int:
    """Queue assignment again for complaints still new (or forwarded) after a while."""
    now = now or utcnow()
    before = now - timedelta(seconds=runtime.config().OUTBOX_STALE_SECONDS)
    waiting = (Complaint.select(Complaint.id)
               .where(((Complaint.status == st.NEW) & (Complaint.routing_problem == "") & (Complaint.created_at <= before))
                      | ((Complaint.status == st.FORWARDED) & (Complaint.updated_at <= before)
                         & (Complaint.assigned_opd.is_null(False) | Complaint.assigned_desa.is_null(False))))
               .order_by(Complaint.created_at).limit(BATCH))
    ids = [c.id for c in waiting]
    for complaint_id in ids:
        enqueue.assign_complaint(complaint_id)
    return len(ids)


# --- closing what the reporter did not confirm ------------------------------------------------------
class _Rated(Exception):
    """The reporter rated the complaint while the sweep was closing it: leave it."""


def sweep_auto_close(now: datetime | None = None) -> int:
    """Close resolved complaints the reporter did not rate within AUTO_CLOSE_DAYS."""
    now = now or utcnow()
    cfg = runtime.config()
    due = (Complaint.select(Complaint.id)
           .where(Complaint.status == st.RESOLVED, Complaint.resolved_at <= now - timedelta(days=cfg.AUTO_CLOSE_DAYS),
                  Complaint.rating.is_null(True))
           .order_by(Complaint.resolved_at).limit(BATCH))
    closed = 0
    for row in due:
        try:
            _close(row.id, now)
            closed += 1
        except (st.TransitionError, _Rated):
            continue  # reopened, rated or closed meanwhile (another worker, the reporter)
    return closed


def _close(complaint_id: int, now: datetime) -> None:
    cfg = runtime.config()
    note = i18n.t("worker.autoclose.note", cfg.DEFAULT_LANGUAGE, days=cfg.AUTO_CLOSE_DAYS)

    def tell_reporter(complaint: Complaint, history) -> None:
        if complaint.rating is not None:
            raise _Rated()
        reporter = complaint.reporter
        if reporter is None:
            return
        text = i18n.t("worker.autoclose.reporter", reporter.language, code=complaint.tracking_code,
                      days=cfg.AUTO_CLOSE_DAYS, reopen_days=cfg.REOPEN_WINDOW_DAYS)
        # The button reopens within REOPEN_WINDOW_DAYS (services.feedback.closing checks the window).
        outbox.add_message(reporter.chat_id, text, kind="status", complaint=complaint,
                           recipient_label=i18n.t("actor.reporter"), dedupe_key=f"status:{history.id}:reporter",
                           reply_markup=feedback_messages.reopen_markup(complaint, reporter.language))

    change_status(complaint_id, Change(st.CLOSED, note=note, actor_label=i18n.t("actor.system"),
                                       notify_reporter=False, also=tell_reporter), now=now)


# --- after Redis was away ---------------------------------------------------------------------
def catch_up(since: datetime, now: datetime | None = None) -> dict[str, int]:
    """Queue again, at once, everything a Redis outage may have cost its job (the clock
    queues this when Redis answers again; `since`: when Redis was last known to work).

    The periodic sweeps wait OUTBOX_STALE_SECONDS before they touch a row, so as not to
    queue twice what is merely waiting its turn; after an outage nothing queued meanwhile
    reached Redis, and a restarted Redis may have lost every queue and scheduled job. So:
    every pending row that is due is queued now, every one not yet due is scheduled for
    its time, every row a sender held when Redis went away is taken back (the claim rules
    of workers.claims: a heartbeat from before `since` is a sender that stopped with Redis),
    and every complaint still waiting for assignment is queued. Jobs queued twice are
    harmless: a row is claimed once, an assignment is done once.
    """

    now = now or utcnow()
    done = {"queued": 0, "scheduled": 0, "recovered": 0, "assignments": 0}
    after = 0
    while True:
        rows = list(OutboundMessage.select(OutboundMessage.id, OutboundMessage.next_attempt_at)
                    .where(OutboundMessage.state == OUTBOX_PENDING, OutboundMessage.id > after)
                    .order_by(OutboundMessage.id).limit(BATCH))
        if not rows:
            break
        after = rows[-1].id
        due = [r.id for r in rows if r.next_attempt_at <= now]
        enqueue.send_messages(due)
        done["queued"] += len(due)
        for row in rows:
            if row.next_attempt_at > now:
                enqueue.send_later(row.id, (row.next_attempt_at - now).total_seconds())
                done["scheduled"] += 1
    held_before = since.replace(tzinfo=timezone.utc).timestamp()  # naive UTC, like every column
    stranded = [row.id for row in OutboundMessage.select()
                .where(OutboundMessage.state == OUTBOX_SENDING, OutboundMessage.claimed_at <= since)
                .order_by(OutboundMessage.claimed_at).limit(BATCH)
                if recover_stale(row, now, stale_before=held_before)]
    enqueue.send_messages(stranded)
    done["recovered"] = len(stranded)
    # No age limit here: every complaint still new (or forwarded and not yet re-assigned).
    done["assignments"] = sweep_unassigned(now + timedelta(seconds=runtime.config().OUTBOX_STALE_SECONDS))
    log.info("caught up after Redis was away (since %s): %s", since, done)
    return done
