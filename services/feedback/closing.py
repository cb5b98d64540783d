"""Closing the loop: the reporter confirms the fix and rates it, says it is not fixed (the
complaint reopens to its office), or adds information to an open complaint.

Only the complaint's reporter may do any of this. Every status change goes through the
status door; checks and change happen under the complaint's lock in one transaction, so a
button pressed after the complaint moved on (resolved again, closed, reopened by another
press) changes nothing and says why (`FeedbackError.code`):

- "not_found", "not_reporter";
- "stale": the complaint is no longer where the button left it;
- "already_rated", "window_closed" (a closed complaint reopens only within
  REOPEN_WINDOW_DAYS), "not_open" (information is added to open complaints only), "empty",
  "bad_stars".

Reopening restarts the office's deadlines from the category (services.complaints.assignment.due_dates,
the rule the assignment uses). Past REOPEN_LIMIT reopenings the complaint is handed to the
main admin: reopened, then forwarded (disposisi) to the main-admin office, which the
assignment job then assigns with fresh deadlines and a notice; the office that failed is
told. Without an active main-admin office it stays with its office and the main admins are
alerted instead.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Iterable


import i18n
from core import status as st
from models import Complaint, Opd, Photo, Reporter, StatusChange, utcnow
from services import media, runtime
from services.feedback import notices as feedback_notices
from services.feedback.messages import resolution_id
from services.complaints import news, offices
from services.complaints.status_door import Change, add_note, change_status
from services.tx import locked, transaction
from services.complaints.assignment import due_dates  # the assignment's deadline rule (category hours, calendar)

ANSWER, REOPEN, RATE, INFO = "answer", "reopen", "rate", "info"
COMMENT_MAX = 1000


class FeedbackError(ValueError):
    """A refused feedback action; `code` names why (see the module's docstring)."""

    def __init__(self, code: str, complaint: Complaint | None = None):
        super().__init__(code)
        self.code = code
        self.complaint = complaint


@dataclass
class Reopened:
    history: StatusChange          # the "reopened" row
    handed_to: Opd | None = None   # the main-admin office, when past the reopen limit
    past_limit: bool = False


# --- who may do what, now -----------------------------------------------------------------------
def reopen_until(complaint: Complaint) -> datetime | None:
    """Until when a closed complaint may still be reopened by its reporter."""
    if complaint.closed_at is None:
        return None
    return complaint.closed_at + timedelta(days=runtime.config().REOPEN_WINDOW_DAYS)


def refusal(complaint: Complaint | None, reporter: Reporter | None, action: str, resolution: int | None = None,
            now: datetime | None = None) -> str | None:
    """Why `reporter` may not take `action` on `complaint` now (None: they may)."""
    now = now or utcnow()
    if complaint is None:
        return "not_found"
    if reporter is None or complaint.reporter_id != reporter.id:
        return "not_reporter"
    if resolution is not None and resolution != resolution_id(complaint.id):
        return "stale"  # a button of an earlier resolution
    if action == ANSWER:
        return None if complaint.status == st.RESOLVED else "stale"
    if action == REOPEN:
        if complaint.status == st.RESOLVED:
            return None
        if complaint.status != st.CLOSED or not resolution_id(complaint.id):
            return "stale"
        return None if now <= reopen_until(complaint) else "window_closed"
    if action == RATE:
        if complaint.status != st.CLOSED:
            return "stale"
        return "already_rated" if complaint.rating is not None else None
    if action == INFO:
        return None if complaint.status in st.OPEN else "not_open"
    raise ValueError(f"unknown feedback action {action!r}")


def check(complaint: Complaint | None, reporter: Reporter | None, action: str, resolution: int | None = None,
          now: datetime | None = None) -> Complaint:
    """The complaint when the action is allowed; raises FeedbackError otherwise."""
    code = refusal(complaint, reporter, action, resolution, now)
    if code:
        raise FeedbackError(code, complaint)
    return complaint


def reporter_of(telegram_id: int) -> Reporter | None:
    return Reporter.get_or_none(Reporter.telegram_id == telegram_id)


def _locked(complaint_id: int) -> Complaint | None:
    return locked(Complaint.select().where(Complaint.id == complaint_id))


def _note(key: str, **values) -> str:
    """History notes are kept in the regency's language, like the worker's."""
    return i18n.t(key, runtime.config().DEFAULT_LANGUAGE, **values)


# --- fixed: confirm and rate ------------------------------------------------------------------
def confirm_fixed(complaint_id: int, reporter: Reporter | None, resolution: int | None = None,
                  now: datetime | None = None) -> StatusChange:
    """The reporter says it is fixed: the complaint is closed (the rating may follow)."""
    now = now or utcnow()
    with transaction():
        complaint = check(_locked(complaint_id), reporter, ANSWER, resolution, now)
        return change_status(complaint.id, Change(st.CLOSED, note=_note("feedback.note.confirmed"),
                                                  reporter_actor=reporter), now=now)


def rate(complaint_id: int, reporter: Reporter | None, stars: int, comment: str = "",
         now: datetime | None = None) -> Complaint:
    """Store the reporter's rating (1-5) of a complaint they confirmed, once."""
    now = now or utcnow()
    if not isinstance(stars, int) or not 1 <= stars <= 5:
        raise FeedbackError("bad_stars")
    comment = (comment or "").strip()[:COMMENT_MAX]
    with transaction():
        complaint = check(_locked(complaint_id), reporter, RATE, now=now)
        Complaint.update(rating=stars, rated_at=now, feedback=comment).where(Complaint.id == complaint.id).execute()
        note = _note("feedback.note.rated", stars=stars)
        if comment:
            note += "\n" + _note("feedback.note.comment", comment=comment)
        add_note(complaint.id, note, reporter_actor=reporter, visible_to_reporter=True)
    return Complaint.get_by_id(complaint_id)


def add_comment(complaint_id: int, reporter: Reporter | None, comment: str) -> Complaint:
    """The optional comment that follows a rating (once)."""
    comment = (comment or "").strip()[:COMMENT_MAX]
    if not comment:
        raise FeedbackError("empty")
    with transaction():
        complaint = _locked(complaint_id)
        code = refusal(complaint, reporter, RATE)
        if code is None:
            code = "stale"  # not rated yet: the comment follows a rating
        elif code == "already_rated" and not complaint.feedback:
            code = None
        if code:
            raise FeedbackError(code, complaint)
        Complaint.update(feedback=comment).where(Complaint.id == complaint.id).execute()
        add_note(complaint.id, _note("feedback.note.comment", comment=comment), reporter_actor=reporter,
                 visible_to_reporter=True)
    return Complaint.get_by_id(complaint_id)


# --- not fixed: reopen -------------------------------------------------------------------------
def reopen(complaint_id: int, reporter: Reporter | None, reason: str, photo_ids: Iterable[int] = (), *,
           photos: Iterable[media.SavedPhoto] = (), resolution: int | None = None,
           now: datetime | None = None) -> Reopened:
    """The reporter says it is not fixed: back to its office with fresh deadlines, the office
    told; past REOPEN_LIMIT handed to the main admin. `photos` are stored with the change."""
    now = now or utcnow()
    reason, photos = (reason or "").strip(), list(photos)
    if not reason:
        raise FeedbackError("empty")
    try:
        with transaction():
            complaint = check(_locked(complaint_id), reporter, REOPEN, resolution, now)
            return _reopen(complaint, reporter, reason, list(photo_ids) + _photo_ids(photos, "reopen"), now)
    except st.TransitionError:
        discard_photos(photos)
        raise FeedbackError("stale") from None
    except FeedbackError:
        discard_photos(photos)
        raise


def _reopen(complaint: Complaint, reporter: Reporter, reason: str, photo_ids: list[int], now: datetime) -> Reopened:
    limit = runtime.config().REOPEN_LIMIT
    past_limit = complaint.reopen_count >= limit
    handed_to = offices.main_admin_office() if past_limit else None
    if handed_to is not None and handed_to.id == complaint.assigned_opd_id:
        handed_to = None  # the main admin already has it: an ordinary reopening
    response_due, resolution_due = due_dates(complaint, now)

    def tell_office(updated: Complaint, history: StatusChange) -> None:
        feedback_notices.write_reopened(updated, history, handed_to)
        if past_limit and handed_to is None and not _with_main_admin(updated):
            feedback_notices.write_limit_escalation(updated, history)

    history = change_status(complaint.id, Change(
        st.REOPENED, note=reason, reporter_actor=reporter, response_due_at=response_due,
        resolution_due_at=resolution_due, photo_ids=photo_ids, also=tell_office), now=now)
    if handed_to is not None:
        count = complaint.reopen_count + 1
        note = (_note("feedback.note.handover", count=count, limit=limit) + "\n"
                + _note("feedback.note.handover_reason", reason=reason))
        change_status(complaint.id, Change(st.FORWARDED, note=note, to_opd=handed_to,
                                           actor_label=_note("actor.system"), notify_reporter=False), now=now)
    return Reopened(history, handed_to, past_limit)


def _with_main_admin(complaint: Complaint) -> bool:
    return bool(complaint.assigned_opd_id) and complaint.assigned_opd.is_main_admin


# --- more information on an open complaint --------------------------------------------------------
def add_info(complaint_id: int, reporter: Reporter | None, text: str, photo_ids: Iterable[int] = (), *,
             photos: Iterable[media.SavedPhoto] = (), now: datetime | None = None) -> StatusChange:
    """The reporter's extra text or photo: in the history (visible to them) and told to the office."""
    text, photos, photo_ids = (text or "").strip(), list(photos), list(photo_ids)
    if not text and not photo_ids and not photos:
        raise FeedbackError("empty")
    try:
        with transaction():
            complaint = check(_locked(complaint_id), reporter, INFO, now=now)
            ids = photo_ids + _photo_ids(photos, "followup")
            history = add_note(complaint.id, text, reporter_actor=reporter, visible_to_reporter=True, photo_ids=ids)
            news.mark(complaint.id, now)  # flagged to the office, like an answer to its question
            feedback_notices.write_info_added(complaint, history)
            return history
    except FeedbackError:
        discard_photos(photos)
        raise


# --- photos ---------------------------------------------------------------------------------------
def _photo_ids(photos: list[media.SavedPhoto], kind: str) -> list[int]:
    """Rows for photos already on disk; the door attaches them to the history row."""
    return [Photo.create(kind=kind, file_id=p.file_id, file_unique_id=p.file_unique_id, path=p.path,
                         sha256=p.sha256, size=p.size, width=p.width, height=p.height, mime_type=p.mime_type).id
            for p in photos]


def discard_photos(photos: list[media.SavedPhoto]) -> None:
    """Photos of a refused action are not kept on disk (unless another row uses the same file)."""
    paths = [p.path for p in photos if not Photo.select().where(Photo.path == p.path).exists()]
    if paths:
        media.remove_files(runtime.config().MEDIA_DIR, paths)
