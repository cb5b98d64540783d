"""Duplicates nearby: open complaints of the same category close to a new one, supporting one
instead of filing, and an office merging a duplicate into another complaint.

- `nearby`: what the public may see (services.publicity: never a confidential or hidden
  complaint), still open, not merged, same category, within DUPLICATE_RADIUS_M: a bounding
  box in SQL on the (category, latitude, longitude) index, then the exact distance
  (core.geo.haversine_m). Only what a stranger may read is returned, never the reporter.
- `support`: the resident becomes a supporter (models.Support) instead of filing; their
  description and photos are attached to the supported complaint as information from a
  supporter: a history note the office reads (never sent to the reporter, never public) and
  photos of kind "support" (never public: the reporter's photo consent is not theirs).
- `merge`: a duplicate is rejected through the status door with the reason "Digabung ke
  <code>" and `merged_into` set; no new status (see NOTE: rejected is final already, and the
  status machine, deadlines, reports, public pages and Open311 keep one set of statuses). Its
  reporter and supporters become supporters of the target and are told once, instead of the
  rejection message.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from peewee import JOIN

import i18n
from core import geo, status as st, tracking
from models import Complaint, Desa, Kecamatan, Official, Photo, Reporter, without_geometry
from services import access, publicity, runtime
from services.complaints import supporters
from services.complaints.filing import ReporterInfo, upsert_reporter
from services.complaints.status_door import Change, add_note, change_status
from services.messaging import outbox
from services.tx import locked, transaction

CANDIDATES = 200     # rows the bounding box may give before the exact check (a crowded corner)
EXCERPT = 120        # characters of a description shown to another resident


class DuplicateError(ValueError):
    """A refused support or merge; `code`: not_found, not_available, same, not_allowed,
    target_closed, target_not_public."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class Nearby:
    """An open complaint near a point, as another resident may read it."""

    id: int
    tracking_code: str
    category_id: int
    status: str
    created_at: datetime
    excerpt: str
    place: str           # village, kecamatan ("" when the complaint has no village)
    distance_m: float


def _excerpt(text: str, limit: int = EXCERPT) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= limit else text[:limit].rstrip() + "…"


def candidates_query(category_id: int, lat: float, lon: float, radius_m: float):
    """The SQL prefilter: public, open, unmerged complaints of the category in the bounding box."""
    min_lat, max_lat, min_lon, max_lon = geo.bounding_box(lat, lon, radius_m)
    return (Complaint.select(Complaint.id, Complaint.tracking_code, Complaint.category, Complaint.status,
                             Complaint.created_at, Complaint.description, Complaint.desa, Complaint.latitude,
                             Complaint.longitude, Complaint.reporter)
            .where(publicity.public_condition(), Complaint.category == category_id,
                   Complaint.latitude.between(min_lat, max_lat), Complaint.longitude.between(min_lon, max_lon),
                   Complaint.status.in_(sorted(st.OPEN)), Complaint.merged_into.is_null())
            .order_by(Complaint.created_at.desc()).limit(CANDIDATES))


def nearby(category_id: int, lat: float, lon: float, radius_m: float | None = None, limit: int = 3,
           exclude_reporter: int | None = None) -> list[Nearby]:
    """Up to `limit` open complaints of the category within `radius_m` (default
    DUPLICATE_RADIUS_M; 0 turns the offer off), nearest first; `exclude_reporter` (a Telegram
    user id): leave out that person's own complaints."""
    radius_m = runtime.config().DUPLICATE_RADIUS_M if radius_m is None else radius_m
    if not radius_m or radius_m <= 0 or lat is None or lon is None or not category_id:
        return []
    own = None
    if exclude_reporter is not None:
        own = Reporter.select(Reporter.id).where(Reporter.telegram_id == exclude_reporter).scalar()
    found = []
    for c in candidates_query(category_id, lat, lon, radius_m):
        distance = geo.haversine_m(lat, lon, c.latitude, c.longitude)
        if distance <= radius_m and (own is None or c.reporter_id != own):
            found.append((distance, c))
    found.sort(key=lambda pair: (pair[0], -pair[1].id))
    found = found[:limit]
    named = places({c.desa_id for _, c in found if c.desa_id})
    return [Nearby(c.id, c.tracking_code, c.category_id, c.status, c.created_at, _excerpt(c.description),
                   named.get(c.desa_id, ""), distance) for distance, c in found]


def places(desa_ids: set[int]) -> dict[int, str]:
    if not desa_ids:
        return {}
    rows = (Desa.select(*without_geometry(Desa), Kecamatan).join(Kecamatan, JOIN.LEFT_OUTER, attr="kecamatan")
            .where(Desa.id.in_(sorted(desa_ids))))
    return {d.id: (f"{d}, {d.kecamatan}" if d.kecamatan_id else str(d)) for d in rows}


def is_supportable(complaint: Complaint | None) -> bool:
    """Open, public and not merged: what a resident may still support."""
    return (complaint is not None and complaint.status in st.OPEN and publicity.is_public(complaint)
            and complaint.merged_into_id is None)


@dataclass
class Supported:
    complaint: Complaint
    created: bool          # False: they supported it before
    photos: int            # photos attached as the supporter's information


def support(complaint_id: int, who: ReporterInfo, description: str = "", photos: list[dict] | None = None) -> Supported:
    """`who` supports the complaint instead of filing their draft; the draft's description and
    photos become information from a supporter on it. Raises DuplicateError("not_available")
    when it is no longer open and public (or is their own)."""
    photos = photos or []
    with transaction():
        reporter = upsert_reporter(who)
        complaint = locked(Complaint.select().where(Complaint.id == complaint_id))
        if not is_supportable(complaint) or complaint.reporter_id == reporter.id:
            raise DuplicateError("not_available")
        created = supporters.add(complaint, reporter)
        photo_ids = [Photo.create(complaint=complaint, kind="support", file_id=p.get("file_id", ""),
                                  file_unique_id=p.get("file_unique_id", ""), path=p["path"],
                                  sha256=p.get("sha256", ""), size=p.get("size", 0), width=p.get("width", 0),
                                  height=p.get("height", 0), mime_type=p.get("mime_type", "image/jpeg")).id
                     for p in photos if p.get("path")]
        text = (description or "").strip()
        if text or photo_ids:
            note = i18n.t("dupes.history.info", runtime.config().DEFAULT_LANGUAGE, text=text or "—")
            add_note(complaint.id, note, photo_ids=photo_ids, visible_to_reporter=False, note_private=True,
                     actor_label=i18n.t("actor.supporter"))
    return Supported(complaint, created, len(photo_ids))


# --- merging (the panel) -------------------------------------------------------------------------
def merge_target(official: Official | None, source: Complaint, code: str) -> Complaint:
    """The complaint `official` may merge `source` into, by its tracking code; DuplicateError
    otherwise. The official must be able to reject `source` and act on the target: their own
    office's complaints (the main admin's: any)."""
    if access.REJECT not in access.allowed_actions(official, source):
        raise DuplicateError("not_allowed")

    normal = tracking.normalize(code or "")
    target = (access.visible_complaints(official).where(Complaint.tracking_code == normal).get_or_none()
              if normal else None)
    if target is None or not access.can_act(official, target):
        raise DuplicateError("not_found")
    if target.id == source.id:
        raise DuplicateError("same")
    if target.status not in st.OPEN or target.merged_into_id is not None:
        raise DuplicateError("target_closed")
    if not publicity.is_public(target):
        raise DuplicateError("target_not_public")
    return target


def merge(source_id: int, code: str, official: Official) -> Complaint:
    """Merge complaint `source_id` into the complaint with tracking code `code`: rejected
    "Digabung ke <code>" through the status door, `merged_into` set, its reporter and
    supporters made supporters of the target and told once. Returns the target."""
    with transaction():
        source = locked(Complaint.select().where(Complaint.id == source_id))
        if source is None:
            raise DuplicateError("not_found")
        target = merge_target(official, source, code)
        note = i18n.t("dupes.merged.note", "id", code=target.tracking_code)

        def carry_over(complaint: Complaint, history) -> None:
            Complaint.update(merged_into=target.id).where(Complaint.id == complaint.id).execute()
            people = ([complaint.reporter] if complaint.reporter_id else []) + supporters.supporters_of(complaint.id)
            office = complaint.office_name or str(official.opd or official.desa or official)
            for person in people:
                supporters.add(target, person, merged_from=complaint)  # the target's own reporter stays its reporter
                text = i18n.t("dupes.merged", person.language, old=complaint.tracking_code,
                              new=target.tracking_code, office=outbox.escape(office))
                outbox.add_message(person.chat_id, text, kind="status", complaint=complaint,
                                   recipient_label=i18n.t("actor.supporter" if person.id != complaint.reporter_id
                                                          else "actor.reporter"),
                                   dedupe_key=f"merged:{complaint.id}:{person.id}")

        change_status(source.id, Change(st.REJECTED, note=note, actor=official, notify_reporter=False,
                                        also=carry_over))
    return target
