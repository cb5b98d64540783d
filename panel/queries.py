"""Complaint queries shared by the lists, the dashboard and the exports."""
from __future__ import annotations

from datetime import datetime

from peewee import JOIN

from core import status as st
from models import Category, Complaint, Desa, Kecamatan, Official, Opd, Reporter, without_geometry
from services import stats

AssignedDesa = Desa.alias("assigned_desa_row")
LocationKecamatan = Kecamatan.alias("location_kecamatan")
HandlerOfficial = Official.alias("handler_official")


def complaint_rows():
    """Complaints with the rows every list line shows, in one query (no query per line)."""
    return (Complaint.select(Complaint, Category, Opd, *without_geometry(Desa), LocationKecamatan,
                             *without_geometry(AssignedDesa), Reporter, HandlerOfficial.id, HandlerOfficial.username,
                             HandlerOfficial.full_name)
            .join_from(Complaint, Category, JOIN.LEFT_OUTER, on=(Complaint.category == Category.id), attr="category")
            .join_from(Complaint, Opd, JOIN.LEFT_OUTER, on=(Complaint.assigned_opd == Opd.id), attr="assigned_opd")
            .join_from(Complaint, Desa, JOIN.LEFT_OUTER, on=(Complaint.desa == Desa.id), attr="desa")
            .join_from(Desa, LocationKecamatan, JOIN.LEFT_OUTER, on=(Desa.kecamatan == LocationKecamatan.id),
                       attr="kecamatan")
            .join_from(Complaint, AssignedDesa, JOIN.LEFT_OUTER, on=(Complaint.assigned_desa == AssignedDesa.id),
                       attr="assigned_desa")
            .join_from(Complaint, Reporter, JOIN.LEFT_OUTER, on=(Complaint.reporter == Reporter.id), attr="reporter")
            .join_from(Complaint, HandlerOfficial, JOIN.LEFT_OUTER, on=(Complaint.handler == HandlerOfficial.id),
                       attr="handler"))


def deadline_order():
    """Sort key: the deadline an open complaint works against (the stored `current_due`, which
    the office/status indexes end with); finished ones have none."""
    return Complaint.current_due


def overdue_condition(now: datetime):
    """Open and past the deadline it is working against (first answer, then resolution)."""
    return Complaint.status.in_(list(st.OPEN)) & stats.late_condition(now)
