"""Routing and assignment of a confirmed (or forwarded) complaint.

The rules are core.routing's (which village holds the point, which office acts) and
core.deadlines' (hours or working days); this module reads the rows they need, and applies
the result through the status door in one transaction: the complaint becomes "assigned",
the reporter's message and the office notices are written with it.

What cannot be routed automatically stays "new" with `routing_problem` set, for the main
admin's "needs routing" list: "no_village" (a GPS point outside every village, or an
address naming no village the category needs), "no_category", "no_office" (a category
without an active OPD). A complaint a village head filed with a wanted OPD goes to that OPD.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime


from core import deadlines, routing, status as st
from models import Complaint, Desa, Holiday, Kecamatan, StatusChange, utcnow
from services import regions, runtime
from services.complaints import offices
from services.complaints.status_door import Change, change_status
from services.tx import locked, transaction
from services.messaging import notices

log = logging.getLogger(__name__)

NO_VILLAGE = "no_village"
NO_CATEGORY = "no_category"
NO_OFFICE = "no_office"


@dataclass(frozen=True)
class Route:
    """Where a complaint goes: its village (may stay unknown) and office, or the problem."""

    desa_id: int | None
    office: routing.Office | None
    problem: str = ""


# --- where is it ---------------------------------------------------------------------------
def find_village(complaint: Complaint) -> tuple[int | None, int | None]:
    """(desa id, kecamatan id) from the stored village, the GPS point, or the typed address."""
    if complaint.desa_id:
        return complaint.desa_id, None
    if complaint.latitude is not None and complaint.longitude is not None:
        desa = regions.locate(complaint.latitude, complaint.longitude)
        return (desa.id if desa else None), None
    text = complaint.address_text or ""
    if not text.strip():
        return None, None
    villages = (Desa.select(Desa.id, Desa.code, Desa.name, Kecamatan.name.alias("kec"))
                .join(Kecamatan).tuples())
    ids = {code: desa_id for desa_id, code, _, _ in villages}
    code = routing.match_address(text, [(code, name, kec) for _, code, name, kec in villages])
    if code:
        return ids[code], None
    kec_code = routing.match_kecamatan(text, list(Kecamatan.select(Kecamatan.code, Kecamatan.name).tuples()))
    kec = Kecamatan.get_or_none(Kecamatan.code == kec_code) if kec_code else None
    return None, (kec.id if kec else None)


def route(complaint: Complaint) -> Route:
    """The office a new complaint goes to (pure rules over the rows it needs)."""
    desa_id, kecamatan_id = find_village(complaint)
    requested = offices.wanted(complaint.requested_opd_id)
    if requested is not None:
        return Route(desa_id, requested)
    category = complaint.category
    if category is None:
        return Route(desa_id, None, NO_CATEGORY)
    if desa_id is None and (category.village_level or kecamatan_id is None):
        # An OPD can act on an address that names at least the kecamatan; a village cannot.
        return Route(None, None, NO_VILLAGE)
    office = offices.choose(category, desa_id)
    if office is None:
        return Route(desa_id, None, NO_OFFICE)
    return Route(desa_id, office)


# --- when is it due -------------------------------------------------------------------------
def calendar(start: datetime, working_days: bool | None = None) -> deadlines.WorkCalendar:
    """The regency's calendar: national holidays, configured extra days and Holiday rows.
    `working_days` None follows the WORKING_DAYS setting."""
    cfg = runtime.config()
    working_days = cfg.WORKING_DAYS if working_days is None else working_days
    extra = set(cfg.EXTRA_HOLIDAYS)
    if working_days:
        extra |= {h.day for h in Holiday.select(Holiday.day).where(Holiday.day >= start.date())}
    return deadlines.WorkCalendar(working_days=working_days, extra_holidays=extra, tz=cfg.TIMEZONE)


def due_dates(complaint: Complaint, start: datetime) -> tuple[datetime, datetime]:
    """Response and resolution deadlines from the category (or the configured defaults): in
    hours as WORKING_DAYS says, in calendar days, or in working days (Category.deadline_unit)."""
    cfg = runtime.config()
    category = complaint.category
    response = category.response_hours if category else cfg.RESPONSE_HOURS
    resolution = category.resolution_hours if category else cfg.RESOLUTION_HOURS
    working = category.counts_working_days(cfg.WORKING_DAYS) if category else cfg.WORKING_DAYS
    cal = calendar(start, working)
    return deadlines.due_at(start, response, cal), deadlines.due_at(start, resolution, cal)


# --- applying it --------------------------------------------------------------------------------
def assign(complaint_id: int, now: datetime | None = None) -> str:
    """Route and assign one complaint; returns "assigned", the routing problem, or "skipped"."""
    now = now or utcnow()
    with transaction():
        complaint = _locked(complaint_id)
        if complaint is None or complaint.status not in (st.NEW, st.FORWARDED):
            return "skipped"  # already assigned (a job run twice) or closed meanwhile
        if complaint.status == st.FORWARDED:
            return _assign_forwarded(complaint, now)
        found = route(complaint)
        if found.problem:
            Complaint.update(routing_problem=found.problem, desa=found.desa_id or complaint.desa_id,
                             updated_at=now).where(Complaint.id == complaint.id).execute()
            log.info("complaint %s needs routing by hand: %s", complaint.tracking_code, found.problem)
            return found.problem
        is_desa = found.office.kind == "desa"
        Complaint.update(desa=found.desa_id, assigned_opd=None if is_desa else found.office.id,
                         assigned_desa=found.office.id if is_desa else None).where(
            Complaint.id == complaint.id).execute()
        _apply(complaint, now, forwarded=False)
    return "assigned"


def _assign_forwarded(complaint: Complaint, now: datetime) -> str:
    """A disposisi: the office is already chosen; fresh deadlines and a notice to it."""
    if not complaint.assigned_opd_id and not complaint.assigned_desa_id:
        Complaint.update(routing_problem=NO_OFFICE).where(Complaint.id == complaint.id).execute()
        return NO_OFFICE
    _apply(complaint, now, forwarded=True)
    return "assigned"


def _apply(complaint: Complaint, now: datetime, forwarded: bool) -> None:
    response_due, resolution_due = due_dates(complaint, now)
    forward_note = _forward_note(complaint) if forwarded else None

    def office_notices(updated: Complaint, history) -> None:
        notices.write_office_notices(updated, history, forward_note)

    # After a disposisi the reporter hears of the hop once, here: where it went, the note,
    # and that the new office's deadline counts from now (the door says nothing at "forwarded").
    change_status(complaint.id, Change(st.ASSIGNED, response_due_at=response_due, resolution_due_at=resolution_due,
                                       also=office_notices, reporter_key="moved" if forwarded else "",
                                       reporter_note=forward_note or ""), now=now)


def _forward_note(complaint: Complaint) -> str:
    """The note of the disposisi that sent the complaint to this office, for its notice."""
    last = (StatusChange.select().where(StatusChange.complaint == complaint, StatusChange.to_status == st.FORWARDED)
            .order_by(StatusChange.created_at.desc(), StatusChange.id.desc()).first())
    return last.note if last else ""


def _locked(complaint_id: int) -> Complaint | None:
    # two assign jobs for one complaint: the second waits, then skips
    return locked(Complaint.select().where(Complaint.id == complaint_id))
