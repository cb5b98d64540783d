"""Who is told about a complaint, and what they read: office notices, reminders, escalations.

Everything here writes outbox rows (services.messaging.outbox) inside the caller's transaction; the
sender job delivers them. An anonymous complaint's texts never name the reporter, and a
confidential one reaches only those the panel would show it to (services.access.may_learn_of:
its office and the main admin, never LEADERSHIP_CHAT_ID): every recipient carries the
audience it stands for, and `may_hear` filters each list against the complaint.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass

import i18n
from core import deadlines
from peewee import JOIN

from models import (OPD_ROLES, ROLE_MAIN_ADMIN, ROLE_OPD_STAFF, ROLE_OVERSIGHT, VILLAGE_ROLES, Category, Complaint,
                    Desa, Kecamatan, Official, Opd, Photo, ReportRecipient, StatusChange, without_geometry)
from services import access, regions, runtime
from services.messaging import outbox
from services.complaints import desk as village_desk
from services.complaints.status_door import format_due

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Recipient:
    """A Telegram chat that should hear about a complaint, in its reader's language."""

    chat_id: int
    lang: str
    label: str
    audience: access.Audience | None = None  # who the chat stands for (None: nobody, told nothing)


def may_hear(recipients: list[Recipient], complaint: Complaint) -> list[Recipient]:
    """The recipients who may learn of `complaint` (the panel's rule, services.access)."""
    return [r for r in recipients if access.may_learn_of(r.audience, complaint)]


def panel_link(complaint_id: int) -> str:
    """The panel page of one complaint (served by the panel's complaint view)."""
    return f"{runtime.config().PANEL_URL.rstrip('/')}/admin/complaint/details/?id={complaint_id}"


# --- recipients ---------------------------------------------------------------------------------
def office_recipients(opd_id: int | None, desa_id: int | None) -> list[Recipient]:
    """The office's notice chat and every active linked official of that office."""
    default = runtime.config().DEFAULT_LANGUAGE
    found: list[Recipient] = []
    if opd_id:
        opd = Opd.get_or_none(Opd.id == opd_id)
        if opd is not None and opd.active and opd.telegram_chat_id:
            found.append(Recipient(opd.telegram_chat_id, default, str(opd), access.Audience(ROLE_OPD_STAFF, opd_id)))
        found += _officials((Official.opd == opd_id) & Official.role.in_(OPD_ROLES + (ROLE_MAIN_ADMIN,)))
    elif desa_id:
        found += _officials((Official.desa == desa_id) & Official.role.in_(VILLAGE_ROLES))
    return _unique(found)


def main_admin_recipients() -> list[Recipient]:
    """Main admins with a linked Telegram account and the main-admin office's chat."""
    default = runtime.config().DEFAULT_LANGUAGE
    found = [Recipient(o.telegram_chat_id, default, str(o), access.MAIN_ADMIN)
             for o in Opd.select().where(Opd.is_main_admin, Opd.active, Opd.telegram_chat_id.is_null(False))]
    found += _officials(Official.role == ROLE_MAIN_ADMIN)
    return _unique(found)


def leadership_recipients() -> list[Recipient]:
    """The leadership chat from LEADERSHIP_CHAT_ID (none when empty or not a chat id)."""
    cfg = runtime.config()
    raw = (cfg.LEADERSHIP_CHAT_ID or "").strip()
    if not raw:
        return []
    try:
        return [Recipient(int(raw), cfg.DEFAULT_LANGUAGE, "leadership", access.LEADERSHIP)]
    except ValueError:
        log.error("LEADERSHIP_CHAT_ID %r is not a Telegram chat id; leadership messages skipped", raw)
        return []


def report_recipients() -> list[Recipient]:
    """Who receives the weekly report, read at each sending (a change in the panel needs no
    restart): oversight officials who linked Telegram, the chats the main admin added in the
    panel (ReportRecipient), and LEADERSHIP_CHAT_ID; each chat once."""
    officials = _officials(Official.role == ROLE_OVERSIGHT)
    added = [Recipient(r.chat_id, r.language or runtime.config().DEFAULT_LANGUAGE, r.label, access.LEADERSHIP)
             for r in ReportRecipient.select().where(ReportRecipient.active).order_by(ReportRecipient.id)]
    return _unique(officials + added + leadership_recipients())


def _officials(condition) -> list[Recipient]:
    query = Official.select().where(condition, Official.active, Official.telegram_chat_id.is_null(False))
    return [Recipient(o.telegram_chat_id, o.language, str(o), access.Audience(o.role, o.opd_id, o.desa_id, o.active))
            for o in query.order_by(Official.id)]


def _unique(recipients: list[Recipient]) -> list[Recipient]:
    seen: set[int] = set()
    return [r for r in recipients if not (r.chat_id in seen or seen.add(r.chat_id))]


class RecipientBook:
    """Recipients and directory rows for one batch of messages (a sweep), each read once.

    A sweep reminding thousands of complaints would otherwise read the same office, its
    officials, category and village for every one of them. The book lives only as long as
    its caller (one sweep run), so directory edits are seen by the next run.
    """

    def __init__(self) -> None:
        self._offices: dict[tuple, list[Recipient]] = {}
        self._escalation: list[Recipient] | None = None
        self._rows: dict[tuple, object] = {}

    def office(self, opd_id: int | None, desa_id: int | None) -> list[Recipient]:
        key = (opd_id, desa_id)
        if key not in self._offices:
            self._offices[key] = office_recipients(opd_id, desa_id)
        return self._offices[key]

    def escalation(self) -> list[Recipient]:
        if self._escalation is None:
            self._escalation = main_admin_recipients() + leadership_recipients()
        return self._escalation

    def attach(self, complaint: Complaint) -> None:
        """Give `complaint` its category, villages and office from the book (no lazy loads)."""
        for field, loader in (("category", self._category), ("desa", self._desa),
                              ("assigned_desa", self._desa), ("assigned_opd", self._opd)):
            row_id = getattr(complaint, f"{field}_id")
            if row_id is not None:
                row = self._row((field if field != "assigned_desa" else "desa", row_id), loader)
                if row is not None:
                    setattr(complaint, field, row)

    def _row(self, key: tuple, loader):
        if key not in self._rows:
            self._rows[key] = loader(key[1])
        return self._rows[key]

    @staticmethod
    def _category(row_id: int):
        return Category.get_or_none(Category.id == row_id)

    @staticmethod
    def _opd(row_id: int):
        return Opd.get_or_none(Opd.id == row_id)

    @staticmethod
    def _desa(row_id: int):
        # The village with its kecamatan, without the boundary (kilobytes no message needs).
        return (Desa.select(*without_geometry(Desa), Kecamatan).join(Kecamatan, JOIN.LEFT_OUTER, attr="kecamatan")
                .where(Desa.id == row_id).get_or_none())


# --- pieces of text ----------------------------------------------------------------------------
def place_text(complaint: Complaint, lang: str) -> str:
    """Village and kecamatan, else the typed address, escaped for HTML."""
    desa = complaint.assigned_desa if complaint.assigned_desa_id and not complaint.desa_id else complaint.desa
    return outbox.escape(regions.place_text(desa, complaint.address_text)) or i18n.t("worker.place.unknown", lang)


def category_text(complaint: Complaint, lang: str) -> str:
    if complaint.category is None:
        return i18n.t("worker.category.unknown", lang)
    return outbox.escape(complaint.category.name(lang))


def reporter_line(complaint: Complaint, lang: str, audience=None) -> str:
    """Who reported it, as `audience` (an access.Audience or Official; None: anyone) may read
    it: the anonymity rule of services.access.shows_reporter."""
    if complaint.is_anonymous and not (audience is not None and access.shows_reporter(audience, complaint)):
        return i18n.t("worker.notice.anonymous", lang)
    if (complaint.channel or "telegram") != "telegram":  # recorded by staff, or posted through Open311
        who = complaint.contact_name or i18n.t("behalf.notice.unnamed", lang)
        return i18n.t("behalf.notice.reporter", lang, reporter=outbox.escape(who),
                      channel=i18n.t(f"behalf.channel.{complaint.channel}", lang))
    if complaint.filed_by_official is not None:
        return i18n.t("worker.notice.village_head", lang, reporter=outbox.escape(str(complaint.filed_by_official)))
    if complaint.reporter is not None:
        return i18n.t("worker.notice.reporter", lang, reporter=outbox.escape(str(complaint.reporter)))
    return i18n.t("worker.notice.anonymous", lang)


def short_description(complaint: Complaint, limit: int = 600) -> str:
    text = " ".join((complaint.description or "").split())
    return outbox.escape(text if len(text) <= limit else text[:limit].rstrip() + "…")


def first_photo_path(complaint: Complaint) -> str:
    photo = (Photo.select().where(Photo.complaint == complaint, Photo.kind == "report", Photo.path != "")
             .order_by(Photo.id).first())
    return photo.path if photo else ""


def office_summary(complaint: Complaint, lang: str) -> list[str]:
    """Category and place lines shared by notices, reminders and escalations."""
    return [i18n.t("worker.notice.category", lang, category=category_text(complaint, lang)),
            i18n.t("worker.notice.place", lang, place=place_text(complaint, lang))]


# --- notices to the office -----------------------------------------------------------------------
def notice_text(complaint: Complaint, lang: str, forward_note: str | None = None, audience=None) -> str:
    """The office's notice; `forward_note` (None: a new complaint) marks a disposisi."""
    office = outbox.escape(complaint.office_name)
    key = "worker.notice.assigned" if forward_note is None else "worker.notice.forwarded"
    lines = [i18n.t(key, lang, code=complaint.tracking_code, office=office), ""]
    lines += office_summary(complaint, lang)
    lines.append(reporter_line(complaint, lang, audience))
    lines += ["", f"<i>{short_description(complaint)}</i>", ""]
    if forward_note:
        lines += [i18n.t("worker.notice.forward_note", lang, note=outbox.escape(forward_note[:500])), ""]
    lines.append(i18n.t("worker.notice.respond_by", lang, due=format_due(complaint.response_due_at, lang)))
    if forward_note is not None:
        lines.append(i18n.t("ask.notice.deadline_reset", lang))
    lines.append(i18n.t("worker.notice.link", lang, link=panel_link(complaint.id)))
    return "\n".join(lines)


def write_office_notices(complaint: Complaint, history: StatusChange, forward_note: str | None = None) -> int:
    """Outbox rows telling the office (chat and officials) about a complaint just assigned to it."""
    photo = first_photo_path(complaint)
    location = (complaint.latitude, complaint.longitude) if complaint.latitude is not None else None
    count = 0
    for r in may_hear(office_recipients(complaint.assigned_opd_id, complaint.assigned_desa_id), complaint):
        # A village's officials act from the chat (#WadulKades): the notice carries the buttons.
        markup = village_desk.notice_markup(complaint, history.id, r.lang) if complaint.assigned_desa_id else None
        row = outbox.add_message(
            r.chat_id, notice_text(complaint, r.lang, forward_note, r.audience), kind="notice", complaint=complaint,
            recipient_label=r.label[:120], photo_path=photo, location=location, reply_markup=markup,
            dedupe_key=f"notice:{history.id}:{r.chat_id}")
        count += row is not None
    return count


# --- reminders and escalations ----------------------------------------------------------------------
def reminder_text(complaint: Complaint, phase: str, due, now, lang: str) -> str:
    head = i18n.t(f"worker.reminder.{phase}", lang, code=complaint.tracking_code, due=format_due(due, lang),
                  remaining=deadlines.humanize_remaining(due, now, lang))
    return "\n".join([head, ""] + office_summary(complaint, lang)
                     + [i18n.t("worker.notice.link", lang, link=panel_link(complaint.id))])


def overdue_text(complaint: Complaint, phase: str, due, now, lang: str, to_office: bool) -> str:
    key = f"worker.overdue.office.{phase}" if to_office else f"worker.escalation.{phase}"
    head = i18n.t(key, lang, code=complaint.tracking_code, due=format_due(due, lang),
                  late=deadlines.humanize_remaining(due, now, lang),
                  office=outbox.escape(complaint.office_name or "-"))
    return "\n".join([head, ""] + office_summary(complaint, lang)
                     + [i18n.t("worker.notice.link", lang, link=panel_link(complaint.id))])


def write_reminder(complaint: Complaint, phase: str, due, now, mark_key: str,
                   book: RecipientBook | None = None) -> int:
    """Remind the office of a deadline coming up; one row per chat, deduplicated by the mark."""
    book = book or RecipientBook()
    count = 0
    for r in may_hear(book.office(complaint.assigned_opd_id, complaint.assigned_desa_id), complaint):
        markup = village_desk.open_markup(complaint, r.lang) if complaint.assigned_desa_id else None
        row = outbox.add_message(r.chat_id, reminder_text(complaint, phase, due, now, r.lang), kind="reminder",
                                 complaint=complaint, recipient_label=r.label[:120], reply_markup=markup,
                                 dedupe_key=f"{mark_key}:{complaint.id}:{r.chat_id}")
        count += row is not None
    return count


def write_escalation(complaint: Complaint, phase: str, due, now, mark_key: str,
                     book: RecipientBook | None = None) -> int:
    """Tell the office it is late, and the main admin and leadership that it is."""
    book = book or RecipientBook()
    count = 0
    groups = ((book.office(complaint.assigned_opd_id, complaint.assigned_desa_id), True, "reminder"),
              (book.escalation(), False, "escalation"))
    told: set[int] = set()
    for recipients, to_office, kind in groups:
        for r in may_hear(recipients, complaint):  # a confidential one: never the leadership chat
            if r.chat_id in told:
                continue
            told.add(r.chat_id)
            # The village acts from the chat (#WadulKades): its overdue notice opens the complaint's card.
            markup = village_desk.open_markup(complaint, r.lang) if to_office and complaint.assigned_desa_id else None
            row = outbox.add_message(r.chat_id, overdue_text(complaint, phase, due, now, r.lang, to_office),
                                     kind=kind, complaint=complaint, recipient_label=r.label[:120],
                                     reply_markup=markup, dedupe_key=f"{mark_key}:{complaint.id}:{r.chat_id}")
            count += row is not None
    return count
