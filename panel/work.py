"""What an official's action on a complaint does, through the status door only.

Accept, resolve, reject and forward are status changes (`change_status`: history row,
timestamps and the reporter's outbox message in one transaction); a note is `add_note`
(internal, not sent). A result photo is cleaned (no EXIF) and stored with the change;
when it cannot be stored (a full or read-only disk) nothing changes and the official is
told so (ActionError "photo_not_stored"), with one error in the log for the operator.
"""
from __future__ import annotations

import logging
import shutil
from dataclasses import dataclass

from models import Complaint, Desa, Official, Opd, Photo
from services import access, media, runtime
from services.complaints.status_door import Change, add_note, change_status
from services.tx import transaction

log = logging.getLogger(__name__)

MAX_PHOTO_BYTES = 10 * 1024 * 1024


@dataclass
class Request:
    """An action as the official asked for it, already validated by its form."""

    action: str
    note: str = ""
    target: str = ""            # forward: "opd:<id>" or "desa:<id>"
    photo: bytes | None = None  # resolve: the result photo as uploaded


class ActionError(ValueError):
    """The request cannot be carried out; `code` names a panel message ("panel.error.<code>")."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


def perform(complaint: Complaint, official: Official, req: Request):
    """Carry out `req` on `complaint` for `official` (who must be allowed to); raises
    ActionError, or core.status.TransitionError when the status moved meanwhile."""
    if req.action not in access.allowed_actions(official, complaint):
        raise ActionError("not_allowed")
    if req.action == access.NOTE:
        return add_note(complaint.id, req.note, actor=official, visible_to_reporter=False)
    change = Change(to_status=access.ACTION_STATUS[req.action], note=req.note, actor=official)
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
        if photo is not None and not Photo.select().where(Photo.path == photo.path).exists():
            media.remove_files(runtime.config().MEDIA_DIR, [photo.path])  # its row was rolled back
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
    return Photo.create(complaint=complaint, kind="result", path=saved.path, sha256=saved.sha256,
                        size=saved.size, width=saved.width, height=saved.height, mime_type=saved.mime_type)


def _free_space(path: str) -> str:
    try:
        return f"{shutil.disk_usage(path).free / 1e6:.1f} MB"
    except OSError:
        return "unknown"
