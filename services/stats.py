"""Compliance numbers per office (OPD or village) for the periodic report and the panel.

Definitions (the panel's dashboard counts the same way):
- received: complaints filed in [start, end) that went to the office;
- due: of those, the ones whose first answer was due by `now` or was given;
- answered_on_time: of those, answered no later than the response deadline;
- median_first_response_hours: from assignment (or filing) to the first answer;
- overdue_now: open complaints of the office past a deadline at `now`, whenever filed;
- avg_rating: the reporters' ratings of the received complaints; reopened: received ones
  reopened at least once.
Rows are read as plain tuples and summed in Python: one query, same code on SQLite and
PostgreSQL.
"""
from __future__ import annotations

import statistics
from dataclasses import asdict, dataclass, field
from datetime import datetime

from core import status as st
from models import Complaint, Desa, Opd


@dataclass
class OfficeLine:
    kind: str                  # "opd" | "desa"
    id: int
    name: str = ""
    received: int = 0
    due: int = 0
    answered_on_time: int = 0
    overdue_now: int = 0
    reopened: int = 0
    hours: list[float] = field(default_factory=list)
    ratings: list[int] = field(default_factory=list)

    @property
    def on_time_rate(self) -> float | None:
        return round(100 * self.answered_on_time / self.due, 1) if self.due else None

    def as_dict(self) -> dict:
        data = asdict(self)
        del data["hours"], data["ratings"]
        data["on_time_rate"] = self.on_time_rate
        data["median_first_response_hours"] = round(statistics.median(self.hours), 1) if self.hours else None
        data["avg_rating"] = round(sum(self.ratings) / len(self.ratings), 2) if self.ratings else None
        return data


FIELDS = (Complaint.status, Complaint.created_at, Complaint.assigned_at, Complaint.first_response_at,
          Complaint.response_due_at, Complaint.resolution_due_at, Complaint.rating, Complaint.reopen_count,
          Complaint.assigned_opd, Complaint.assigned_desa)


def compute_report(start: datetime, end: datetime, now: datetime) -> dict:
    """Per-office numbers for complaints filed in [start, end), lateness measured at `now`."""
    in_period = (Complaint.created_at >= start) & (Complaint.created_at < end)
    rows = Complaint.select(*FIELDS).where(in_period | Complaint.status.in_(sorted(st.OPEN))).tuples()
    lines: dict[tuple[str, int], OfficeLine] = {}
    for row in rows.iterator():
        _count(lines, row, start, end, now)
    _name(lines)
    ordered = sorted(lines.values(), key=_rank)
    offices = [line.as_dict() for line in ordered]
    return {"period": {"start": start.isoformat(), "end": end.isoformat()}, "generated_at": now.isoformat(),
            "offices": offices, "totals": _totals(offices)}


def _count(lines: dict, row: tuple, start: datetime, end: datetime, now: datetime) -> None:
    status, created, assigned, first, due, res_due, rating, reopens, opd_id, desa_id = row
    key = ("opd", opd_id) if opd_id else ("desa", desa_id) if desa_id else None
    if key is None:
        return  # not routed yet: nobody to count it against
    line = lines.get(key) or lines.setdefault(key, OfficeLine(*key))
    if status in st.OPEN and is_late(first, due, res_due, now):
        line.overdue_now += 1
    if not start <= created < end:
        return
    line.received += 1
    line.reopened += int(reopens > 0)
    if rating:
        line.ratings.append(rating)
    if first is not None:
        line.hours.append(max(0.0, (first - (assigned or created)).total_seconds() / 3600))
    if due is not None and (first is not None or due <= now):
        line.due += 1
        line.answered_on_time += int(first is not None and first <= due)


def is_late(first, due, res_due, now) -> bool:
    """An open complaint past its response deadline unanswered, or past its resolution deadline."""
    return (first is None and due is not None and due < now) or (res_due is not None and res_due < now)


def _rank(line: OfficeLine):
    """Most punctual first; offices with nothing due yet after them; then fewer overdue."""
    rate = line.on_time_rate
    return (rate is None, -(rate or 0), line.overdue_now, line.name)


def _name(lines: dict) -> None:
    opd_ids = [i for kind, i in lines if kind == "opd"]
    desa_ids = [i for kind, i in lines if kind == "desa"]
    names = {("opd", o.id): str(o) for o in Opd.select().where(Opd.id.in_(opd_ids))} if opd_ids else {}
    if desa_ids:
        names.update({("desa", d.id): str(d) for d in Desa.select().where(Desa.id.in_(desa_ids))})
    for key, line in lines.items():
        line.name = names.get(key, "?")


def _totals(offices: list[dict]) -> dict:
    keys = ("received", "due", "answered_on_time", "overdue_now", "reopened")
    return {k: sum(o[k] for o in offices) for k in keys}
