"""The one door through which a complaint's status changes.

Panel, bot and worker all call `change_status`. In one transaction it checks the
transition (core.status), applies the office change of a disposisi, stamps the timestamps
that deadlines and reports read, writes the history row, and writes the reporter's outbox
message; the sender job is queued only after the commit.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Callable

import i18n
from core import status as st
from core.timefmt import local_datetime
from models import Complaint, Official, Opd, Photo, Question, Reporter, StatusChange, utcnow
from services import runtime
from services.complaints import pause, supporters
from services.messaging import enqueue, outbox
from services.tx import after_commit, locked, transaction


@dataclass
class Change:
    """What the caller wants; the door decides whether it may happen."""

    to_status: str
    note: str = ""
    actor: Official | None = None            # an official acting (panel or village-head chat)
    reporter_actor: Reporter | None = None   # the reporter acting (confirm, reopen, add info)
    actor_label: str = ""                    # e.g. "Sistem" when neither is given
    visible_to_reporter: bool = True
    to_opd: Opd | None = None                # disposisi target (status forwarded)
    to_desa: object | None = None
    response_due_at: datetime | None = None  # set on assignment and reopening
    resolution_due_at: datetime | None = None
    photo_ids: list[int] = field(default_factory=list)  # result/reopen photos to attach
    # Extra rows written in the same transaction (office notices...): fn(complaint, history).
    also: Callable | None = None
    notify_reporter: bool = True
    # The reporter's message said otherwise than for the status: the catalogue key's last part
    # ("reporter.change.<key>") and the note it carries (the assignment after a disposisi).
    reporter_key: str = ""
    reporter_note: str = ""
    note_private: bool = False               # the note is not a public reply (services.publicity)


def change_status(complaint_id: int, change: Change, now: datetime | None = None) -> StatusChange:
    """Apply `change` to the complaint; raises core.status.TransitionError when refused."""
    now = now or utcnow()
    with transaction():
        complaint = _locked(complaint_id)
        st.check_transition(complaint.status, change.to_status, change.note)
        _check_target(complaint, change)
        history = _apply(complaint, change, now)
        if change.photo_ids:
            Photo.update(status_change=history, complaint=complaint).where(Photo.id.in_(change.photo_ids)).execute()
        if change.notify_reporter and change.visible_to_reporter:
            _message_reporter(complaint, history, change)
            supporters.write_status_messages(complaint, history, lambda lang, with_note: supporter_text(
                complaint, history, lang, with_note), by_reporter=change.reporter_actor is not None)
        if change.also:
            change.also(complaint, history)
        if change.to_status == st.FORWARDED:
            after_commit(lambda: enqueue.assign_complaint(complaint.id))
    return history


def add_note(complaint_id: int, note: str, *, actor: Official | None = None,
             reporter_actor: Reporter | None = None, visible_to_reporter: bool = False,
             photo_ids: list[int] | None = None, actor_label: str = "", note_private: bool = False) -> StatusChange:
    """A history entry without a status change (internal note, reporter's extra info)."""
    if not (note or "").strip() and not photo_ids:
        raise st.TransitionError("note_required", "", "")
    with transaction():
        complaint = _locked(complaint_id)
        history = StatusChange.create(
            complaint=complaint, from_status=complaint.status, to_status=complaint.status,
            note=note.strip(), actor_official=actor, actor_reporter=reporter_actor,
            actor_label=_actor_label(actor, reporter_actor, actor_label), office_label=complaint.office_name,
            visible_to_reporter=visible_to_reporter, note_private=note_private,
        )
        if photo_ids:
            Photo.update(status_change=history, complaint=complaint).where(Photo.id.in_(photo_ids)).execute()
        Complaint.update(updated_at=utcnow()).where(Complaint.id == complaint.id).execute()
    return history


def _locked(complaint_id: int) -> Complaint:
    complaint = locked(Complaint.select().where(Complaint.id == complaint_id))
    if complaint is None:
        raise st.TransitionError("not_found", "", "")
    return complaint


def _check_target(complaint: Complaint, change: Change) -> None:
    if change.to_status != st.FORWARDED:
        return
    if change.to_opd is None and change.to_desa is None:
        raise st.TransitionError("target_required", complaint.status, change.to_status)
    same_opd = change.to_opd is not None and change.to_opd.id == complaint.assigned_opd_id
    same_desa = change.to_desa is not None and change.to_desa.id == complaint.assigned_desa_id
    if same_opd or same_desa:
        raise st.TransitionError("same_office", complaint.status, change.to_status)


def _apply(complaint: Complaint, change: Change, now: datetime) -> StatusChange:
    """Update the complaint's columns for the new status and write the history row."""
    before = complaint.status
    complaint.status = change.to_status
    complaint.updated_at = now
    if before != change.to_status:
        _end_waiting(complaint, now)
    _stamp(complaint, change, now)
    complaint.save()
    return StatusChange.create(
        complaint=complaint, from_status=before, to_status=change.to_status, note=change.note.strip(),
        actor_official=change.actor, actor_reporter=change.reporter_actor,
        actor_label=_actor_label(change.actor, change.reporter_actor, change.actor_label),
        office_label=complaint.office_name, visible_to_reporter=change.visible_to_reporter,
        note_private=change.note_private, created_at=now,
    )


def _stamp(complaint: Complaint, change: Change, now: datetime) -> None:
    to = change.to_status
    answered_by_office = change.reporter_actor is None and to in (st.IN_PROGRESS, st.RESOLVED, st.REJECTED)
    if answered_by_office and complaint.first_response_at is None:
        complaint.first_response_at = now
    if to == st.ASSIGNED:
        complaint.assigned_at = now
        complaint.routing_problem = ""
    if change.response_due_at:
        complaint.response_due_at = change.response_due_at
    if change.resolution_due_at:
        complaint.resolution_due_at = change.resolution_due_at
    if to == st.RESOLVED:
        complaint.resolved_at = now
    elif to in (st.CLOSED, st.REJECTED):
        complaint.closed_at = now
    elif to == st.FORWARDED:
        complaint.assigned_opd = change.to_opd
        complaint.assigned_desa = change.to_desa
        complaint.first_response_at = None  # the new office owes its own first answer
        complaint.escalation_level = 0
        complaint.handler = None  # a named handler belongs to the office it leaves
    elif to == st.REOPENED:
        complaint.reopen_count += 1
        complaint.resolved_at = complaint.closed_at = complaint.first_response_at = None
        complaint.escalation_level = 0


def _end_waiting(complaint: Complaint, now: datetime) -> None:
    """A status change ends a paused deadline (services.complaints.pause); a finished
    complaint's open question to the reporter is closed."""
    pause.end(complaint, now)
    if complaint.status not in st.OPEN and complaint.waiting_reporter_since is not None:
        complaint.waiting_reporter_since = None
        (Question.update(closed_at=now, close_reason="finished")
         .where((Question.complaint == complaint.id) & Question.closed_at.is_null()).execute())


def _actor_label(actor: Official | None, reporter_actor: Reporter | None, given: str) -> str:
    if given:
        return given
    if actor is not None:
        office = actor.opd or actor.desa
        return f"{actor} ({office})" if office else str(actor)
    if reporter_actor is not None:
        return i18n.t("actor.reporter")
    return i18n.t("actor.system")


def reporter_text(complaint: Complaint, history: StatusChange, lang: str, key: str = "", note: str = "") -> str:
    """The reporter's message for a status change, with the office's note (HTML); `key` and
    `note` say it otherwise (Change.reporter_key / reporter_note)."""
    office = complaint.office_name or i18n.t("office.unknown", lang)
    due = format_due(complaint.response_due_at, lang)
    text = i18n.t(f"reporter.change.{key or history.to_status}", lang,
                  code=complaint.tracking_code, office=outbox.escape(office), due=due)
    note = note or history.note
    if note:
        key = "reporter.change.reason" if history.to_status == st.REJECTED else "reporter.change.note"
        text += i18n.t(key, lang, note=outbox.escape(note))
    return text + i18n.t("reporter.change.footer", lang, code=complaint.tracking_code)


def supporter_text(complaint: Complaint, history: StatusChange, lang: str, with_note: bool) -> str:
    """A supporter's message for a status change (services.complaints.supporters decides who
    and whether the note may go): the reporter's news in a supporter's words, no buttons."""
    office = complaint.office_name or i18n.t("office.unknown", lang)
    text = i18n.t("supporter.change.head", lang) + "\n" + i18n.t(
        f"supporter.change.{history.to_status}", lang, code=complaint.tracking_code, office=outbox.escape(office),
        due=format_due(complaint.response_due_at, lang))
    if with_note and history.note:
        key = "reporter.change.reason" if history.to_status == st.REJECTED else "reporter.change.note"
        text += i18n.t(key, lang, note=outbox.escape(history.note))
    return text + i18n.t("supporter.change.footer", lang)


# Resolved complaints get a different message (with buttons) from the loop-closing code
# (services.feedback.messages, which imports this module). It is registered here by an
# explicit call from services.wiring.wire(), which every process makes at start.
REPORTER_MESSAGE_BUILDERS: dict[str, Callable] = {}


def register(status: str, builder: Callable) -> None:
    """Let `builder(complaint, history, lang) -> (text, markup)` write the reporter's message
    for changes to `status` (instead of the plain `reporter_text`)."""
    REPORTER_MESSAGE_BUILDERS[status] = builder


def _message_reporter(complaint: Complaint, history: StatusChange, change: Change) -> None:
    reporter = complaint.reporter
    if reporter is None or change.reporter_actor is not None:
        return  # nobody to tell, or the reporter did it themselves
    if history.to_status == st.FORWARDED:
        # A disposisi is one hop for the reporter: the assignment that follows it tells them
        # once where it went, with the note and the new office's deadline (reporter_key "moved").
        return
    lang = reporter.language
    builder = None if change.reporter_key else REPORTER_MESSAGE_BUILDERS.get(history.to_status)
    text, markup = builder(complaint, history, lang) if builder else (
        reporter_text(complaint, history, lang, change.reporter_key, change.reporter_note), None)
    photo = history.photos.first() if history.to_status == st.RESOLVED else None
    outbox.add_message(
        reporter.chat_id, text, kind="status", complaint=complaint, recipient_label=i18n.t("actor.reporter"),
        reply_markup=markup, photo_path=photo.path if photo else "",
        dedupe_key=f"status:{history.id}:reporter",
    )


def format_due(due: datetime | None, lang: str) -> str:
    """A deadline in the regency's local time, e.g. "24 Nov 2026 14.00 WIB"."""
    return local_datetime(due, lang, runtime.config().TIMEZONE) if due else i18n.t("time.no_deadline", lang)
