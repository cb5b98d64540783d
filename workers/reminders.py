"""Reminders before a deadline and escalation after it (the periodic deadline sweep).

Two deadlines are watched: the first response (statuses in which the office still owes
one) and the resolution. Before a deadline, at the configured points (REMINDER_FRACTIONS of
the time given, REMINDER_HOURS_BEFORE the end), the office is reminded; once it has passed
with no answer, the complaint escalates: the office, the main admin and the leadership
chat are told, a history note is written and `escalation_level` rises (1: response
deadline missed, 2: resolution deadline missed; the status door resets it when the
complaint moves to another office or is reopened).

Each reminder happens once, even with the sweep running every minute on several workers:
a ReminderMark (complaint, key) row is inserted first, and only the worker whose insert
succeeds writes the messages, in the same transaction. Keys carry the deadline, so a new
deadline (disposisi, reopening) gets its own reminders.

Cost: the sweep reads only complaints not yet escalated whose deadline falls within the
reminder lead time (index on status + deadline), not every open complaint, and of those it
skips, in SQL, the ones already reminded whose next point has not come (the mark's
`next_at`): a sweep with nothing due reads nothing, however many were reminded before.
Office recipients and directory rows (category, village) are read once per sweep.
"""
from __future__ import annotations

import logging
import math
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

from peewee import fn

import i18n
from core import deadlines, status as st
from models import DEADLINE_WORKDAYS, Category, Complaint, ReminderMark, StatusChange, utcnow
from services import runtime
from services.complaints import pause
from services.complaints.status_door import add_note
from services.tx import locked, transaction
from services.messaging import notices

log = logging.getLogger(__name__)

BATCH = 1000
# A sweep stops taking new complaints after this long, so that one run fits in the clock's
# minute and well inside RQ's job timeout (180 s); the next run goes on where it stopped,
# earliest deadline first (nothing is lost: each complaint is its own transaction).
BUDGET_SECONDS = 50.0


@dataclass(frozen=True)
class Phase:
    """One deadline a complaint can miss."""

    name: str                 # "response" | "resolution" (also the message keys' suffix)
    due_field: str
    done_field: str
    hours_field: str          # the category's hours, for the lead time
    statuses: frozenset
    level: int                # escalation level once this deadline is missed


PHASES = (
    Phase("response", "response_due_at", "first_response_at", "response_hours",
          frozenset({st.ASSIGNED, st.REOPENED}), 1),
    Phase("resolution", "resolution_due_at", "resolved_at", "resolution_hours",
          frozenset({st.ASSIGNED, st.IN_PROGRESS, st.REOPENED}), 2),
)


def sweep_deadlines(now: datetime | None = None, batch: int = BATCH,
                    budget: float | None = None) -> dict[str, int]:
    """Send the reminders and escalations that are due; returns how many of each.

    After `budget` seconds (BUDGET_SECONDS) it stops and leaves the rest to the next run."""
    now = now or utcnow()
    stop_at = time.monotonic() + (BUDGET_SECONDS if budget is None else budget)
    pause.end_expired(now)  # a question unanswered past ASK_PAUSE_MAX_HOURS: the clock runs again
    done = {"reminders": 0, "escalations": 0}
    book = notices.RecipientBook()  # one sweep: who hears about which office, read once
    for phase in PHASES:
        for candidates in _batches(phase, now, batch):
            marks = _marks([c.id for c in candidates])
            for complaint in candidates:
                if time.monotonic() >= stop_at:
                    log.warning("deadline sweep stopped after its %.0f s budget (%s so far); the next run goes on",
                                BUDGET_SECONDS if budget is None else budget, done)
                    return done
                result = _check(complaint, phase, now, marks, book)
                if result:
                    done[result] += 1
    return done


def _batches(phase: Phase, now: datetime, size: int):
    """Every candidate, a batch at a time in deadline order.

    Reading on past the first batch matters: complaints already reminded stay candidates
    until their deadline, and a single batch of them would hide later complaints whose
    reminder is due (they would never be reminded).
    """
    after = None
    while True:
        rows = list(_candidates(phase, now, size, after))
        if rows:
            yield rows
        if len(rows) < size:
            return
        after = (getattr(rows[-1], phase.due_field), rows[-1].id)


def lead_time(phase: Phase) -> timedelta:
    """How long before its deadline a complaint may need its first reminder."""
    cfg = runtime.config()
    default = cfg.RESPONSE_HOURS if phase.name == "response" else cfg.RESOLUTION_HOURS
    longest = max(Category.select(fn.MAX(getattr(Category, phase.hours_field))).scalar() or 0, default)
    if cfg.WORKING_DAYS or Category.select().where(Category.deadline_unit == DEADLINE_WORKDAYS).exists():
        # Working days stretch over weekends and holiday runs (Lebaran's cuti bersama).
        longest = math.ceil(longest / 24) * 24 * 7 / 5 + 12 * 24
    hours = [(1 - f) * longest for f in cfg.REMINDER_FRACTIONS] + list(cfg.REMINDER_HOURS_BEFORE)
    return timedelta(hours=max(hours + [0]))


def _candidates(phase: Phase, now: datetime, size: int = BATCH, after: tuple | None = None):
    due = getattr(Complaint, phase.due_field)
    done = getattr(Complaint, phase.done_field)
    query = (Complaint.select()
             .where(Complaint.status.in_(sorted(phase.statuses)), due.is_null(False), due <= now + lead_time(phase),
                    done.is_null(True), Complaint.escalation_level < phase.level))
    quiet = (ReminderMark.select(ReminderMark.id)
             .where(ReminderMark.complaint == Complaint.id, ReminderMark.phase == phase.name,
                    ReminderMark.due_at == due, ReminderMark.next_at > now))
    query = query.where(~fn.EXISTS(quiet), ~pause.paused_condition(now))  # waiting for the reporter's answer
    if after is not None:  # keyset paging: stable under concurrent sweeps, no OFFSET scans
        query = query.where((due > after[0]) | ((due == after[0]) & (Complaint.id > after[1])))
    return query.order_by(due, Complaint.id).limit(size)


def _marks(ids: list[int]) -> set[tuple[int, str]]:
    if not ids:
        return set()
    rows = ReminderMark.select(ReminderMark.complaint, ReminderMark.key).where(ReminderMark.complaint.in_(ids))
    return {(r.complaint_id, r.key) for r in rows}


def mark_key(phase: Phase, due: datetime, label: str) -> str:
    return f"{phase.name}:{due:%Y%m%dT%H%M%S}:{label}"


def _check(complaint: Complaint, phase: Phase, now: datetime, marks: set,
           book: notices.RecipientBook) -> str | None:
    due = getattr(complaint, phase.due_field)
    if now >= due:
        key = mark_key(phase, due, "overdue")
        done = (complaint.id, key) not in marks and _escalate(complaint, phase, now, key, book)
        return "escalations" if done else None
    cfg = runtime.config()
    points = deadlines.reminder_points(_cycle_start(complaint), due, cfg.REMINDER_FRACTIONS,
                                       cfg.REMINDER_HOURS_BEFORE)
    passed = [mark_key(phase, due, label) for label, moment in points if moment <= now]
    # Nothing is owed before the next point, or the deadline itself (then it escalates).
    next_at = min([moment for _label, moment in points if moment > now] + [due])
    if not passed or (complaint.id, passed[-1]) in marks:
        return None
    # Only the latest point is sent (after an outage the earlier ones are stale); all are marked.
    return "reminders" if _remind(complaint, phase, now, passed, next_at, book) else None


def _cycle_start(complaint: Complaint) -> datetime:
    """When the office's current clock started: its assignment, or the last reopening."""
    if complaint.status == st.REOPENED:
        last = (StatusChange.select(fn.MAX(StatusChange.created_at))
                .where(StatusChange.complaint == complaint, StatusChange.to_status == st.REOPENED).scalar())
        if last:
            return last
    return complaint.assigned_at or complaint.created_at


def _remind(complaint: Complaint, phase: Phase, now: datetime, keys: list[str], next_at: datetime,
            book: notices.RecipientBook) -> bool:
    due = getattr(complaint, phase.due_field)
    with transaction():
        fresh = _still_owed(complaint, phase)
        if fresh is None or not _mark(complaint.id, keys[-1], phase, due, next_at):
            return False
        for key in keys[:-1]:
            _mark(complaint.id, key, phase, due, next_at)
        book.attach(fresh)
        notices.write_reminder(fresh, phase.name, due, now, keys[-1], book)
    return True


def _escalate(complaint: Complaint, phase: Phase, now: datetime, key: str, book: notices.RecipientBook) -> bool:
    due = getattr(complaint, phase.due_field)
    with transaction():
        fresh = _still_owed(complaint, phase)
        if fresh is None or not _mark(complaint.id, key, phase, due, None):
            return False
        (Complaint.update(escalation_level=phase.level)
         .where(Complaint.id == complaint.id, Complaint.escalation_level < phase.level).execute())
        book.attach(fresh)
        notices.write_escalation(fresh, phase.name, due, now, key, book)
        add_note(complaint.id, i18n.t(f"worker.escalation.note.{phase.name}", runtime.config().DEFAULT_LANGUAGE))
    log.info("complaint %s escalated: %s deadline missed", complaint.tracking_code, phase.name)
    return True


def _still_owed(complaint: Complaint, phase: Phase) -> Complaint | None:
    """The complaint re-read under lock, if the office still owes what the sweep saw it owe."""
    fresh = locked(Complaint.select().where(Complaint.id == complaint.id))
    if (fresh is None or fresh.status not in phase.statuses or getattr(fresh, phase.done_field) is not None
            or getattr(fresh, phase.due_field) != getattr(complaint, phase.due_field)):
        return None
    return fresh


def _mark(complaint_id: int, key: str, phase: Phase, due: datetime, next_at: datetime | None) -> bool:
    """Insert the mark; False when another worker already did (each reminder once).

    ON CONFLICT DO NOTHING (no savepoint): a concurrent sweep's uncommitted mark makes this
    insert wait for it, then do nothing, on both PostgreSQL and SQLite."""
    inserted = (ReminderMark.insert(complaint=complaint_id, key=key, created_at=utcnow(), phase=phase.name,
                                    due_at=due, next_at=next_at)
                .on_conflict_ignore().as_rowcount().execute())
    return inserted == 1
