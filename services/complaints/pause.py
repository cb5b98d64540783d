"""The deadline's pause while the office waits for the reporter's answer (issue 17).

A category with `pause_when_asking` stops the office's clock when a question is asked
(`Complaint.deadline_paused_since`). The pause ends when the answer arrives, when the office
withdraws the question, when the complaint changes status (the office acted, or it moved
on), or after ASK_PAUSE_MAX_HOURS (the deadline sweep ends it: an unanswered question cannot
hold a deadline for ever). Ending it moves every deadline still running (the response
deadline until the first answer, and the resolution deadline) later by the time waited,
in plain hours. The deadline sweep leaves a paused complaint alone.

Plain functions over a loaded complaint; the caller saves it in its transaction.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from models import Complaint, Question
from services import runtime


def max_pause() -> timedelta:
    return timedelta(hours=runtime.config().ASK_PAUSE_MAX_HOURS)


def end(complaint: Complaint, now: datetime) -> int:
    """End the complaint's pause (if any) at `now`, capped; returns the seconds the deadlines moved.
    The open question's `paused_seconds` is added to; the complaint is not saved here."""
    since = complaint.deadline_paused_since
    if since is None:
        return 0
    waited = min(max(now - since, timedelta(0)), max_pause())
    if complaint.first_response_at is None and complaint.response_due_at is not None:
        complaint.response_due_at += waited
    if complaint.resolution_due_at is not None:
        complaint.resolution_due_at += waited
    complaint.deadline_paused_since = None
    seconds = int(waited.total_seconds())
    (Question.update(paused_seconds=Question.paused_seconds + seconds)
     .where((Question.complaint == complaint.id) & Question.closed_at.is_null()).execute())
    return seconds


def paused_condition(now: datetime):
    """SQL: complaints whose deadline is paused now (the sweep skips them)."""
    return Complaint.deadline_paused_since.is_null(False) & (Complaint.deadline_paused_since > now - max_pause())


def end_expired(now: datetime) -> int:
    """End the pauses older than ASK_PAUSE_MAX_HOURS (the deadline sweep calls it first): the
    deadlines move by the cap, and the clock runs again though the question stays open."""
    from services.tx import locked, transaction

    ids = [c.id for c in Complaint.select(Complaint.id).where(
        Complaint.deadline_paused_since.is_null(False), Complaint.deadline_paused_since <= now - max_pause())]
    for complaint_id in ids:
        with transaction():
            complaint = locked(Complaint.select().where(Complaint.id == complaint_id))
            if complaint is not None and complaint.deadline_paused_since is not None:
                end(complaint, now)
                complaint.save()
    return len(ids)
