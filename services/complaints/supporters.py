"""Supporters of a complaint: residents who support it instead of filing the same one, or
whose own duplicate was merged into it. They are told of its status changes like the
reporter (the status door calls `write_status_messages`), with what the public may read of
it (services.publicity): nothing while the complaint is confidential or hidden from the
public, no note the office marked private, never the reporter's own words, never the
reporter's identity, and never the reporter's buttons (the rating question is the reporter's).
"""
from __future__ import annotations

from typing import Callable

from peewee import IntegrityError, fn

import i18n
from models import Complaint, Reporter, StatusChange, Support, db
from services import publicity
from services.messaging import outbox


def add(complaint: Complaint, reporter: Reporter, merged_from: Complaint | None = None) -> bool:
    """`reporter` supports `complaint` from now on (inside the caller's transaction); False
    when they already did, or when they are its reporter."""
    if complaint.reporter_id == reporter.id:
        return False
    try:
        with db.atomic():  # savepoint: a repeated support must not spoil the caller's transaction
            Support.create(complaint=complaint, reporter=reporter, merged_from=merged_from)
        return True
    except IntegrityError:
        return False


def count(complaint_id: int) -> int:
    return Support.select().where(Support.complaint == complaint_id).count()


def attach_counts(complaints: list[Complaint]) -> None:
    """Give each complaint of a list page its `support_count`, in one query for the page (served
    by the unique (complaint, reporter) index); the list's own query stays as it is."""
    ids = [c.id for c in complaints]
    counts = dict(Support.select(Support.complaint, fn.COUNT(Support.id)).where(Support.complaint.in_(ids))
                  .group_by(Support.complaint).tuples()) if ids else {}
    for complaint in complaints:
        complaint.support_count = counts.get(complaint.id, 0)


def supporters_of(complaint_id: int) -> list[Reporter]:
    return list(Reporter.select().join(Support, on=(Support.reporter == Reporter.id))
                .where(Support.complaint == complaint_id).order_by(Support.id))


def write_status_messages(complaint: Complaint, history: StatusChange, text_for: Callable[[str, bool], str],
                          by_reporter: bool) -> int:
    """Outbox rows telling every supporter of `complaint` about `history` (the status door's
    change, inside its transaction). `text_for(lang, with_note)` writes the message; the note
    goes only when the public could read it (an office's note not marked private)."""
    if not publicity.is_public(complaint):
        return 0
    with_note = bool(history.note) and not by_reporter and not history.note_private
    count_written = 0
    for reporter in supporters_of(complaint.id):
        if reporter.id == complaint.reporter_id or not reporter.chat_id:
            continue
        row = outbox.add_message(reporter.chat_id, text_for(reporter.language, with_note), kind="status",
                                 complaint=complaint, recipient_label=i18n.t("actor.supporter"),
                                 dedupe_key=f"status:{history.id}:supporter:{reporter.id}")
        count_written += row is not None
    return count_written
