"""A village office's desk on Telegram (#WadulKades): its open complaints and the actions
its officials take from the chat — through the one status door, as the panel does.

Who may act is `services.access` (active village officials of the complaint's assigned
village). A button carries the id of the complaint's last status change when it was drawn;
an action is applied only if that is still the last one, checked under the complaint's lock,
so an old button (the complaint moved on meanwhile) changes nothing.
"""
from __future__ import annotations

import math

from peewee import fn

import i18n
from core import status as st
from models import VILLAGE_ROLES, Complaint, Official, Opd, Photo, StatusChange
from services import access, media, runtime
from services.complaints.status_door import Change, change_status
from services.complaints.filing import Page
from services.tx import locked, transaction

PAGE_SIZE = 5
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
        opd = Opd.get_or_none((Opd.id == category.opd_id) & (Opd.active == True))  # noqa: E712
        if opd is not None:
            return opd
    return Opd.select().where(Opd.is_main_admin, Opd.active).order_by(Opd.id).first()


# --- acting ------------------------------------------------------------------------------------
def act(official_id: int, complaint_id: int, short: str, expected_change: int, note: str = "",
        photo: media.SavedPhoto | None = None) -> StatusChange:
    """Apply one action if the official may and the complaint has not moved on; raises DeskError."""
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
                change.to_opd = forward_target(complaint)
                if change.to_opd is None:
                    raise DeskError("no_target")
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


def _drop(photo: media.SavedPhoto | None) -> None:
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
    total = query.count()
    pages = max(1, math.ceil(total / per_page))
    page = min(max(1, page), pages)
    # The stored deadline (Complaint.current_due, kept by save()) is current_due() for open ones.
    items = list(query.order_by(Complaint.current_due.asc(nulls="LAST"), Complaint.created_at, Complaint.id)
                 .paginate(page, per_page))
    return Page(items, page, pages, total)
