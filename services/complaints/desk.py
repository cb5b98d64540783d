"""What an official does on a complaint, from the web panel or a village office's desk on
Telegram (#WadulKades), through the one status door only. Who may act is `services.access`.

Accept, resolve, reject and forward are status changes (`change_status`: history row,
timestamps and the reporter's outbox message in one transaction); a note is `add_note`
(internal, not sent). A result photo is stored with the change, and removed from the disk
again when the change does not happen.

- The panel (`perform`, a `Request` its form validated): a result photo is cleaned (no EXIF)
  and stored; when it cannot be stored (a full or read-only disk) nothing changes and the
  official is told so (ActionError "photo_not_stored"), with one error in the log for the
  operator.
- The village desk (`act`, from a button): active village officials of the complaint's
  assigned village. A button carries the id of the complaint's last status change when it
  was drawn; an action is applied only if that is still the last one, checked under the
  complaint's lock, so an old button (the complaint moved on meanwhile) changes nothing.
"""
from __future__ import annotations

import logging
import shutil
from dataclasses import dataclass

from peewee import fn

import i18n
from core import status as st
from models import VILLAGE_ROLES, Complaint, Desa, Official, Opd, Photo, StatusChange
from services import access, media, runtime
from services.complaints import news, offices
from services.complaints.status_door import Change, add_note, change_status
from services.paging import Page, page_of
from services.tx import locked, transaction

log = logging.getLogger(__name__)

PAGE_SIZE = 5
MAX_PHOTO_BYTES = 10 * 1024 * 1024  # a result photo uploaded in the panel
# Short action names carried by buttons ("va:<complaint>:<action>:<change id>").
ACTIONS = {"ip": access.ACCEPT, "rs": access.RESOLVE, "rj": access.REJECT, "fw": access.FORWARD}
NEEDS_NOTE = frozenset({"rs", "rj", "fw"})


class DeskError(ValueError):
    """An action refused: "not_allowed", "stale" (the complaint moved on) or "no_target"."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


# --- who and which ---------------------------------------------------------------------------
def complaint_for(official: Official | None, complaint_id) -> Complaint | None:
    """The complaint if it is assigned to the official's village (else None, as if unknown)."""
    if official is None or official.role not in VILLAGE_ROLES:
        return None
    return access.visible_complaint(official, complaint_id)


def last_change_id(complaint_id: int) -> int:
    """The id of the complaint's last status change (notes and escalation remarks do not count)."""
    moved = StatusChange.from_status.is_null() | (StatusChange.from_status != StatusChange.to_status)
    return (StatusChange.select(fn.MAX(StatusChange.id))
            .where((StatusChange.complaint == complaint_id) & moved).scalar() or 0)


def available(official: Official, complaint: Complaint) -> list[str]:
    """The short actions this official may take now, in the order the buttons show them."""
    allowed = access.allowed_actions(official, complaint)
    return [short for short, name in ACTIONS.items() if name in allowed]


def action_rows(complaint: Complaint, change_id: int, texts: dict[str, str],
                official: Official | None = None) -> list[list[tuple[str, str]]]:
    """Button rows [(label, callback data)] for the actions open in the complaint's status."""
    if official is not None:
        shorts = available(official, complaint)
    else:  # a notice to every official of the village: what the status allows
        shorts = [s for s, name in ACTIONS.items() if st.is_allowed(complaint.status, access.ACTION_STATUS[name])]
    buttons = [(texts[s], f"va:{complaint.id}:{s}:{change_id}") for s in shorts]
    return [buttons[i:i + 2] for i in range(0, len(buttons), 2)]


def labels(lang: str) -> dict[str, str]:
    return {short: i18n.t(f"village.kb.{short}", lang) for short in ACTIONS}


def notice_markup(complaint: Complaint, change_id: int, lang: str) -> dict | None:
    """Telegram's JSON for a notice's action buttons (the worker writes it on the outbox row)."""
    rows = action_rows(complaint, change_id, labels(lang))
    keyboard = [[{"text": text, "callback_data": data} for text, data in row] for row in rows]
    return {"inline_keyboard": keyboard} if keyboard else None


def open_markup(complaint: Complaint, lang: str) -> dict:
    """One button opening the complaint's card (reminders: the actions are drawn fresh when opened)."""
    return {"inline_keyboard": [[{"text": i18n.t("village.kb.open", lang), "callback_data": f"vo:{complaint.id}"}]]}


def forward_target(complaint: Complaint) -> Opd | None:
    """Where "beyond the village's authority" sends it: the category's OPD, else the main admin's office."""
    category = complaint.category
    if category is not None and category.opd_id:
        opd = offices.active_opd(category.opd_id)
        if opd is not None:
            return opd
    return offices.main_admin_office()


# --- acting from the panel ----------------------------------------------------------------------
@dataclass
class Request:
    """An action as the official asked for it, already validated by its form."""

    action: str
    note: str = ""
    target: str = ""            # forward: "opd:<id>" or "desa:<id>"
    photo: bytes | None = None  # resolve: the result photo as uploaded
    note_private: bool = False  # the note is for the reporter only, not a public reply


class ActionError(ValueError):
    """The request cannot be carried out; `code` names a panel message ("panel.error.<code>")."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


def perform(complaint: Complaint, official: Official, req: Request):
    """Carry out `req` on `complaint` for `official` (who must be allowed to); raises
    ActionError, or core.status.TransitionError when the status moved meanwhile."""
    if req.action not in access.allowed_actions(official, complaint) or req.action == access.ASK:
        raise ActionError("not_allowed")  # a question goes through services.complaints.asking
    news.seen_by(official, complaint)  # acting on it: the reporter's news has been seen
    if req.action == access.NOTE:
        return add_note(complaint.id, req.note, actor=official, visible_to_reporter=False)
    change = Change(to_status=access.ACTION_STATUS[req.action], note=req.note, actor=official,
                    note_private=req.note_private)
    if req.action == access.FORWARD:
        change.to_opd, change.to_desa = parse_target(req.target)
    if req.photo is None:
        return change_status(complaint.id, change)
    photo = None
    try:
        with transaction():
            photo = store_result_photo(complaint, req.photo)
            change.photo_ids = [photo.id]
            return change_status(complaint.id, change)
    except Exception:
        _drop(photo)  # its row was rolled back
        raise


def parse_target(target: str) -> tuple[Opd | None, Desa | None]:
    """The office named by a forward choice ("opd:3" / "desa:17")."""
    kind, _, raw_id = (target or "").partition(":")
    if not raw_id.isdigit():
        raise ActionError("target_required")
    if kind == "opd":
        opd = Opd.get_or_none(Opd.id == int(raw_id), Opd.active == True)  # noqa: E712
        if opd is not None:
            return opd, None
    if kind == "desa":
        desa = Desa.get_or_none(Desa.id == int(raw_id))
        if desa is not None:
            return None, desa
    raise ActionError("target_required")


def forward_opds(complaint: Complaint) -> list[Opd]:
    """The OPDs a village head may send a complaint beyond the village's authority to: every
    active OPD, the category's first (the main admin's office with them, for "not sure")."""
    opds = list(Opd.select().where(Opd.active == True).order_by(Opd.short_name, Opd.id))  # noqa: E712
    first = complaint.category.opd_id if complaint.category_id else None
    return sorted(opds, key=lambda o: (o.id != first, o.is_main_admin, (o.short_name or o.name).lower()))


def forward_choices(complaint: Complaint) -> list[tuple[str, str]]:
    """Where a complaint may be forwarded: any other active OPD, or the village it is in."""
    choices = []
    if complaint.desa_id and complaint.desa_id != complaint.assigned_desa_id:
        desa = Desa.get_by_id(complaint.desa_id)
        choices.append((f"desa:{desa.id}", f"{desa} ({desa.kecamatan})"))
    opds = Opd.select().where(Opd.active == True).order_by(Opd.short_name)  # noqa: E712
    choices += [(f"opd:{o.id}", f"{o.short_name} — {o.name}") for o in opds if o.id != complaint.assigned_opd_id]
    return choices


def suggested_target(complaint: Complaint) -> str:
    """The office the category points to, when that is not where the complaint already is."""
    category = complaint.category
    if category is None:
        return ""
    if category.village_level and complaint.desa_id and complaint.desa_id != complaint.assigned_desa_id:
        return f"desa:{complaint.desa_id}"
    if not category.village_level and category.opd_id and category.opd_id != complaint.assigned_opd_id:
        return f"opd:{category.opd_id}"
    return ""


def store_result_photo(complaint: Complaint, data: bytes) -> Photo:
    """Clean and keep the result photo; raises ActionError for a file that is not a usable image."""
    if len(data) > MAX_PHOTO_BYTES:
        raise ActionError("photo_too_big")
    media_dir = runtime.config().MEDIA_DIR
    try:
        saved = media.store_photo(data, media_dir, f"result-{complaint.tracking_code}")
    except media.MediaError:
        raise ActionError("photo_unreadable") from None
    except OSError as exc:
        # The disk, not the official: full, read-only, or MEDIA_DIR not ours to write. Nothing
        # is changed (the status change needs its photo); the official is told so and may
        # resolve without one.
        log.error("could not store a result photo for %s in MEDIA_DIR=%s (%s; %s free): its status was left "
                  "unchanged. Free space on that disk or make MEDIA_DIR writable for the panel; GET /health "
                  "shows the media store", complaint.tracking_code, media_dir, exc, _free_space(media_dir))
        raise ActionError("photo_not_stored") from None
    return _result_photo(complaint, saved)


def _free_space(path: str) -> str:
    try:
        return f"{shutil.disk_usage(path).free / 1e6:.1f} MB"
    except OSError:
        return "unknown"


# --- acting from the village desk ----------------------------------------------------------------
def act(official_id: int, complaint_id: int, short: str, expected_change: int, note: str = "",
        photo: media.SavedPhoto | None = None, to_opd_id: int | None = None) -> StatusChange:
    """Apply one action if the official may and the complaint has not moved on; raises DeskError.
    "fw" goes to `to_opd_id` (an active OPD the head chose), else to `forward_target`."""
    try:
        with transaction():
            official = Official.get_or_none(Official.id == official_id)
            complaint = _locked(official, complaint_id)
            if complaint is None or short not in ACTIONS:
                raise DeskError("not_allowed")
            if last_change_id(complaint.id) != expected_change or short not in available(official, complaint):
                raise DeskError("stale")
            change = Change(access.ACTION_STATUS[ACTIONS[short]], note=note, actor=official)
            if short == "fw":
                change.to_opd = offices.active_opd(to_opd_id) if to_opd_id else forward_target(complaint)
                if change.to_opd is None:
                    raise DeskError("no_target")
            news.seen_by(official, complaint)
            if photo is not None:
                change.photo_ids = [_result_photo(complaint, photo).id]
            return change_status(complaint.id, change)
    except st.TransitionError:
        _drop(photo)
        raise DeskError("stale") from None
    except DeskError:
        _drop(photo)
        raise


def _locked(official: Official | None, complaint_id: int) -> Complaint | None:
    """The complaint under lock, if this official's village has it."""
    if official is None or not official.active or official.role not in VILLAGE_ROLES:
        return None
    return locked(access.visible_complaints(official).where(Complaint.id == complaint_id))


def _result_photo(complaint: Complaint, photo: media.SavedPhoto) -> Photo:
    return Photo.create(complaint=complaint, kind="result", file_id=photo.file_id,
                        file_unique_id=photo.file_unique_id, path=photo.path, sha256=photo.sha256,
                        size=photo.size, width=photo.width, height=photo.height, mime_type=photo.mime_type)


def _drop(photo: media.SavedPhoto | Photo | None) -> None:
    """A result photo whose change was refused is not kept on disk."""
    if photo is not None and not Photo.select().where(Photo.path == photo.path).exists():
        media.remove_files(runtime.config().MEDIA_DIR, [photo.path])


# --- the village's list ---------------------------------------------------------------------------


def current_due(complaint: Complaint):
    """The deadline the complaint works against: the first answer, then the resolution."""
    if complaint.first_response_at is None and complaint.response_due_at:
        return "response", complaint.response_due_at
    if complaint.resolution_due_at:
        return "resolution", complaint.resolution_due_at
    return None, None


def open_complaints(desa_id: int, page: int = 1, per_page: int = PAGE_SIZE) -> Page:
    """The village's open complaints, the nearest (or most overdue) deadline first."""
    query = Complaint.select().where((Complaint.assigned_desa == desa_id) & Complaint.status.in_(sorted(st.OPEN)))
    # The stored deadline (Complaint.current_due, kept by save()) is current_due() for open ones.
    return page_of(query.order_by(Complaint.current_due.asc(nulls="LAST"), Complaint.created_at, Complaint.id),
                   page, per_page)
