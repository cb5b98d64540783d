"""What the office is told when the reporter reopens a complaint or adds information.

Outbox rows written inside the caller's transaction (the status door's `also`, or the
feedback service's own transaction); the worker's sender delivers them. Recipients and the
shared pieces of text are the worker's (services.messaging.notices), so every office notice reads alike.
An anonymous complaint's notices never name the reporter.
"""
from __future__ import annotations

import i18n
from models import Complaint, Opd, Photo, StatusChange
from services import runtime
from services.messaging import outbox
from services.complaints.status_door import format_due
from services.messaging import notices

REASON_PREVIEW = 1000


def _photo_path(history: StatusChange) -> str:
    photo = Photo.select().where(Photo.status_change == history, Photo.path != "").order_by(Photo.id).first()
    return photo.path if photo else ""


def _quote(text: str) -> str:
    text = (text or "").strip()
    return outbox.escape(text if len(text) <= REASON_PREVIEW else text[:REASON_PREVIEW].rstrip() + "…")


def reopened_text(complaint: Complaint, reason: str, lang: str, handed_to: Opd | None) -> str:
    """The office's notice of a reopening: why, where, and the fresh deadline (or the handover)."""
    limit = runtime.config().REOPEN_LIMIT
    if handed_to is not None:
        head = i18n.t("feedback.office.handed_over", lang, code=complaint.tracking_code,
                      count=complaint.reopen_count, limit=limit, office=outbox.escape(str(handed_to)))
    else:
        head = i18n.t("feedback.office.reopened", lang, code=complaint.tracking_code, count=complaint.reopen_count)
    lines = [head, "", i18n.t("feedback.office.reason", lang, reason=_quote(reason)), ""]
    lines += notices.office_summary(complaint, lang)
    if handed_to is None:
        lines.append(i18n.t("worker.notice.respond_by", lang, due=format_due(complaint.response_due_at, lang)))
    lines.append(i18n.t("worker.notice.link", lang, link=notices.panel_link(complaint.id)))
    return "\n".join(lines)


def write_reopened(complaint: Complaint, history: StatusChange, handed_to: Opd | None = None) -> int:
    """Tell the office that the reporter reopened the complaint (with the reporter's photo)."""
    photo = _photo_path(history)
    count = 0
    for r in notices.may_hear(notices.office_recipients(complaint.assigned_opd_id, complaint.assigned_desa_id),
                              complaint):
        row = outbox.add_message(r.chat_id, reopened_text(complaint, history.note, r.lang, handed_to),
                                 kind="notice", complaint=complaint, recipient_label=r.label[:120],
                                 photo_path=photo, dedupe_key=f"reopen:{history.id}:{r.chat_id}")
        count += row is not None
    return count


def write_limit_escalation(complaint: Complaint, history: StatusChange) -> int:
    """Past the reopen limit with no main-admin office to hand it to: tell the main admins."""
    limit = runtime.config().REOPEN_LIMIT
    count = 0
    for r in notices.may_hear(notices.main_admin_recipients(), complaint):
        text = "\n".join([
            i18n.t("feedback.office.escalated", r.lang, code=complaint.tracking_code, count=complaint.reopen_count,
                   limit=limit, office=outbox.escape(complaint.office_name or "-")), "",
            i18n.t("feedback.office.reason", r.lang, reason=_quote(history.note)), "",
            *notices.office_summary(complaint, r.lang),
            i18n.t("worker.notice.link", r.lang, link=notices.panel_link(complaint.id))])
        row = outbox.add_message(r.chat_id, text, kind="escalation", complaint=complaint,
                                 recipient_label=r.label[:120], dedupe_key=f"reopen-limit:{history.id}:{r.chat_id}")
        count += row is not None
    return count


def write_info_added(complaint: Complaint, history: StatusChange) -> int:
    """Tell the office that the reporter added text or a photo to an open complaint."""
    photo = _photo_path(history)
    count = 0
    for r in notices.may_hear(notices.office_recipients(complaint.assigned_opd_id, complaint.assigned_desa_id),
                              complaint):
        lines = [i18n.t("feedback.office.info", r.lang, code=complaint.tracking_code), ""]
        if history.note:
            lines += [f"<i>{_quote(history.note)}</i>", ""]
        elif photo:
            lines += [i18n.t("feedback.office.info_photo", r.lang), ""]
        lines += notices.office_summary(complaint, r.lang)
        lines.append(i18n.t("worker.notice.link", r.lang, link=notices.panel_link(complaint.id)))
        row = outbox.add_message(r.chat_id, "\n".join(lines), kind="notice", complaint=complaint,
                                 recipient_label=r.label[:120], photo_path=photo,
                                 dedupe_key=f"info:{history.id}:{r.chat_id}")
        count += row is not None
    return count
