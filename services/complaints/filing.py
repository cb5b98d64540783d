"""Complaints as the bot files and shows them: creation from a finished draft, and the
reporter's views (their list, one complaint's history) with who may see what.

Creation is one transaction (reporter, complaint, photos, first history row); the
assignment job is queued only after it commits. The draft's token is the complaint's
source_key, so a confirm delivered twice finds the complaint it already made.
"""
from __future__ import annotations

import secrets
from dataclasses import dataclass, fields

from peewee import JOIN, IntegrityError

import i18n

from core import status as st, tracking
from models import (ROLE_MAIN_ADMIN, VILLAGE_ROLES, Category, Complaint, Desa, Official, Opd, Photo, Reporter,
                    StatusChange, db, utcnow)
from services.complaints import offices
from services.paging import Page, page_of
from services.messaging import enqueue
from services.tx import after_commit, transaction

CODE_ATTEMPTS = 8
PAGE_SIZE = 5


class IncompleteDraft(ValueError):
    """The draft lacks something a complaint needs; `missing` names the parts."""

    def __init__(self, missing: list[str]):
        super().__init__("draft is missing " + ", ".join(missing))
        self.missing = missing


@dataclass
class ReporterInfo:
    """Who is filing, as Telegram describes them."""

    telegram_id: int
    chat_id: int
    first_name: str = ""
    last_name: str = ""
    username: str = ""
    language: str = "id"


def missing_parts(data: dict) -> list[str]:
    """What a draft still needs before it can be confirmed (pure)."""
    missing = []
    if not data.get("category_id"):
        missing.append("category")
    if not (data.get("description") or "").strip():
        missing.append("description")
    has_point = data.get("latitude") is not None and data.get("longitude") is not None
    if not has_point and not (data.get("address_text") or "").strip():
        missing.append("location")
    return missing


def upsert_reporter(info: ReporterInfo) -> Reporter:
    """The Reporter row for a Telegram user, names and chat refreshed; a chosen language kept."""
    reporter = Reporter.get_or_none(Reporter.telegram_id == info.telegram_id)
    values = {f.name: getattr(info, f.name) or "" for f in fields(ReporterInfo) if f.name not in ("telegram_id",)}
    values["chat_id"] = info.chat_id
    if reporter is None:
        try:
            with db.atomic():
                return Reporter.create(telegram_id=info.telegram_id, **values)
        except IntegrityError:  # created meanwhile by the same user's other update
            reporter = Reporter.get(Reporter.telegram_id == info.telegram_id)
    if reporter.language_chosen:
        values.pop("language")
    Reporter.update(**values).where(Reporter.id == reporter.id).execute()
    return Reporter.get_by_id(reporter.id)


def by_source_key(source_key: str | None) -> Complaint | None:
    return Complaint.get_or_none(Complaint.source_key == source_key) if source_key else None


CHANNELS = ("telegram", "phone", "whatsapp", "walk_in", "social", "open311")


def create_from_draft(draft_data: dict, reporter: ReporterInfo | Reporter | None, official: Official | None = None, *,
                      source_key: str | None = None) -> Complaint:
    """Store the complaint a draft describes (or return the one this source_key already made).

    `reporter` is None for a complaint that did not come through the bot (recorded by staff,
    posted through Open311): the draft then says its `channel` and may carry `contact_name`,
    `contact_phone`, `contact_email`."""
    source_key = source_key or draft_data.get("token")
    existing = by_source_key(source_key)
    if existing is not None:
        return existing
    missing = missing_parts(draft_data)
    if missing:
        raise IncompleteDraft(missing)
    with transaction():
        reporter_row = upsert_reporter(reporter) if isinstance(reporter, ReporterInfo) else reporter  # may be None
        complaint, created = _insert(draft_data, reporter_row, official, source_key)
        if not created:
            return complaint  # made by a concurrent confirm of the same draft
        _add_photos(complaint, draft_data.get("photos") or [])
        StatusChange.create(complaint=complaint, from_status=None, to_status=st.NEW,
                            actor_reporter=reporter_row, actor_official=official,
                            actor_label=_filing_label(official, complaint), visible_to_reporter=True,
                            created_at=complaint.created_at)
        complaint_id = complaint.id
        after_commit(lambda: enqueue.assign_complaint(complaint_id))
    return complaint


def _filing_label(official: Official | None, complaint: Complaint) -> str:
    """The filing entry's actor: the village official who filed, unless the complaint is
    anonymous (then "Pelapor" is all the row keeps; the main admin still sees who filed it
    from the complaint's filed_by_official)."""
    if official is None:
        return ""
    return i18n.t("actor.reporter") if complaint.is_anonymous else str(official)


RECEIPT_PENDING = -1  # Complaint.receipt_message_id while the bot is showing its receipt (services.complaints.receipts)


def _insert(data: dict, reporter: Reporter | None, official: Official | None,
            source_key: str | None) -> tuple[Complaint, bool]:
    """Insert with a fresh tracking code, retrying the rare collision of random codes."""
    category = Category.get_by_id(data["category_id"])
    if (data.get("channel") or "telegram") not in CHANNELS:
        raise ValueError(f"unknown channel {data.get('channel')!r}")
    now = utcnow()
    values = dict(
        reporter=reporter, filed_by_official=official,
        from_village_head=bool(official and official.role in VILLAGE_ROLES), source_key=source_key,
        category=category, description=data["description"].strip(), latitude=data.get("latitude"),
        longitude=data.get("longitude"), location_accuracy=data.get("accuracy"),
        address_text=(data.get("address_text") or "").strip(), desa=data.get("desa_id"),
        is_anonymous=bool(data.get("anonymous")), is_confidential=bool(data.get("confidential")),
        status=st.NEW, created_at=now, updated_at=now,
        channel=data.get("channel") or "telegram", photos_public=bool(data.get("photos_public")),
        claim_pin=f"{secrets.randbelow(10_000):04d}" if (data.get("channel") or "telegram") != "telegram" else "",
        contact_name=(data.get("contact_name") or "").strip()[:120],
        contact_phone=(data.get("contact_phone") or "").strip()[:40],
        contact_email=(data.get("contact_email") or "").strip()[:120],
        # Only a village official filing for the village chooses the office (bot.handlers_village_filing).
        requested_opd=data.get("requested_opd_id") if official is not None else None,
        # The bot shows a receipt right after this commits; the assignment notice may join it
        # (services.complaints.receipts).
        receipt_message_id=RECEIPT_PENDING if data.get("receipt_pending") else None,
    )
    for _ in range(CODE_ATTEMPTS):
        try:
            with db.atomic():  # savepoint: a collision must not spoil the outer transaction
                return Complaint.create(tracking_code=tracking.new_code(), **values), True
        except IntegrityError:
            existing = by_source_key(source_key)
            if existing is not None:
                return existing, False
    raise RuntimeError(f"no free tracking code after {CODE_ATTEMPTS} attempts")


def _add_photos(complaint: Complaint, photos: list[dict]) -> None:
    for photo in photos:
        Photo.create(complaint=complaint, kind="report", file_id=photo.get("file_id", ""),
                     file_unique_id=photo.get("file_unique_id", ""), path=photo["path"],
                     sha256=photo.get("sha256", ""), size=photo.get("size", 0), width=photo.get("width", 0),
                     height=photo.get("height", 0), mime_type=photo.get("mime_type", "image/jpeg"))


# --- what the reporter is told ----------------------------------------------------------
def predicted_office(category: Category, desa_id: int | None, requested_opd_id: int | None = None) -> str | None:
    """The office the assignment job will choose, by the same rule (services.complaints.offices,
    an inactive OPD included); None: the main admin routes."""
    office = offices.choose(category, desa_id, requested_opd_id)
    if office is None:
        return None
    row = Opd.get_or_none(Opd.id == office.id) if office.kind == "opd" else Desa.get_or_none(Desa.id == office.id)
    return str(row) if row is not None else None


def find_by_code(text: str) -> Complaint | None:
    code = tracking.normalize(text)
    return Complaint.get_or_none(Complaint.tracking_code == code) if code else None



def complaints_of(telegram_id: int, page: int = 1, per_page: int = PAGE_SIZE) -> Page:
    """A reporter's complaints, newest first, one page (1-based; clamped to what exists)."""
    query = (Complaint.select(Complaint, Category).join(Category, JOIN.LEFT_OUTER)
             .switch(Complaint).join(Reporter)
             .where(Reporter.telegram_id == telegram_id))
    return page_of(query.order_by(Complaint.created_at.desc(), Complaint.id.desc()), page, per_page)


def official_for(telegram_id: int) -> Official | None:
    """The active official whose Telegram account this is, if any."""
    return Official.get_or_none((Official.telegram_user_id == telegram_id) & (Official.active == True))  # noqa: E712


def village_official_for(telegram_id: int) -> Official | None:
    """An active village head or village official linked to this Telegram account."""
    official = official_for(telegram_id)
    return official if official is not None and official.role in VILLAGE_ROLES and official.desa_id else None


def is_office_official(official: Official | None, complaint: Complaint) -> bool:
    """Officials of the office handling the complaint (and the main admin) may follow it."""
    if official is None:
        return False
    if official.role == ROLE_MAIN_ADMIN:
        return True
    if official.opd_id and official.opd_id == complaint.assigned_opd_id:
        return True
    return bool(official.desa_id and official.desa_id == complaint.assigned_desa_id)


def history_visible_to(complaint: Complaint, telegram_user_id: int) -> list[StatusChange] | None:
    """The history this Telegram user may read, oldest first; None when they may not see it."""
    is_reporter = complaint.reporter_id is not None and complaint.reporter.telegram_id == telegram_user_id
    official = None if is_reporter else official_for(telegram_user_id)
    if not is_reporter and not is_office_official(official, complaint):
        return None
    query = complaint.history.order_by(StatusChange.created_at, StatusChange.id)
    if is_reporter:
        query = query.where(StatusChange.visible_to_reporter == True)  # noqa: E712
    return list(query)
