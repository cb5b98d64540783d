"""The "new information from the reporter" flag (Complaint.reporter_news_at, issue 17): set
when the reporter answers a question or adds information, cleared when an official of the
complaint's current office opens it (panel page, village card) or acts on it."""
from __future__ import annotations

from datetime import datetime

from models import OPD_ROLES, ROLE_MAIN_ADMIN, VILLAGE_ROLES, Complaint, Official, utcnow


def of_the_office(official: Official | None, complaint: Complaint) -> bool:
    """An official working at the complaint's current office."""
    if official is None or not official.active:
        return False
    if complaint.assigned_opd_id and official.role in OPD_ROLES + (ROLE_MAIN_ADMIN,):
        return official.opd_id == complaint.assigned_opd_id
    if complaint.assigned_desa_id and official.role in VILLAGE_ROLES:
        return official.desa_id == complaint.assigned_desa_id
    return False


def seen_by(official: Official | None, complaint: Complaint) -> bool:
    """The office looked or acted: the reporter's news is no longer new (True when cleared)."""
    if complaint.reporter_news_at is None or not of_the_office(official, complaint):
        return False
    return bool(Complaint.update(reporter_news_at=None).where(Complaint.id == complaint.id).execute())


def mark(complaint_id: int, now: datetime | None = None) -> None:
    """The reporter sent something new: flag it to the office."""
    Complaint.update(reporter_news_at=now or utcnow()).where(Complaint.id == complaint_id).execute()
