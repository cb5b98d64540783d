"""How offices answer: the dashboard's numbers, over the complaints the viewer may see.

Per office (OPD or village): complaints received in the period, first answers on time out
of those whose answer was due, median hours to the first answer, overdue now, average
rating. Rows are fetched as plain tuples and summed here: one regency's year is a few
thousand rows, and the same code runs on SQLite and PostgreSQL.
"""
from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from core import status as st
from models import Complaint, Desa, Opd, utcnow
from panel.queries import complaint_rows, deadline_order, overdue_condition
from services import access

PERIODS = (7, 30, 90, 365)


@dataclass
class OfficeStats:
    """One office's line in the table."""

    kind: str                  # "opd" | "desa"
    office_id: int
    name: str
    received: int = 0
    due: int = 0               # received whose first answer is due by now (or given)
    on_time: int = 0
    overdue_now: int = 0
    reopened: int = 0          # received and reopened by the reporter at least once
    response_hours: list[float] = field(default_factory=list)
    ratings: list[int] = field(default_factory=list)

    @property
    def on_time_rate(self) -> float | None:
        return round(100 * self.on_time / self.due) if self.due else None

    @property
    def median_response_hours(self) -> float | None:
        return round(statistics.median(self.response_hours), 1) if self.response_hours else None

    @property
    def average_rating(self) -> float | None:
        return round(sum(self.ratings) / len(self.ratings), 1) if self.ratings else None


@dataclass
class Dashboard:
    period_days: int
    start: datetime
    status_counts: dict[str, int]
    offices: list[OfficeStats]
    worst_overdue: list[Complaint]
    series: list[tuple[datetime, int, int]]   # (bucket start, received, resolved)


def build(official, period_days: int = 30, now: datetime | None = None) -> Dashboard:
    """Everything the dashboard shows, limited to what `official` may see."""
    now = now or utcnow()
    period_days = period_days if period_days in PERIODS else 30
    start = now - timedelta(days=period_days)
    rows = list(_rows(official, start, now))
    offices = _office_stats(rows, start, now)
    return Dashboard(
        period_days=period_days, start=start,
        status_counts=Counter(r[1] for r in rows if r[2] >= start),
        offices=offices, worst_overdue=worst_overdue(official, now),
        series=_series(rows, start, now, period_days),
    )


FIELDS = (Complaint.id, Complaint.status, Complaint.created_at, Complaint.assigned_at, Complaint.first_response_at,
          Complaint.response_due_at, Complaint.resolution_due_at, Complaint.resolved_at, Complaint.rating,
          Complaint.assigned_opd, Complaint.assigned_desa, Complaint.reopen_count)


def _rows(official, start: datetime, now: datetime):
    """Visible complaints filed or resolved in the period, and open ones (lateness counts now)."""
    recent_or_open = ((Complaint.created_at >= start) | Complaint.status.in_(list(st.OPEN))
                      | (Complaint.resolved_at >= start))
    query = Complaint.select(*FIELDS).where(recent_or_open)
    return access.visible_complaints(official, query).tuples().iterator()


def _office_stats(rows, start: datetime, now: datetime) -> list[OfficeStats]:
    offices: dict[tuple[str, int], OfficeStats] = {}
    for (_id, status, created, assigned, first, due, res_due, _resolved, rating, opd_id, desa_id, reopens) in rows:
        key = ("opd", opd_id) if opd_id else ("desa", desa_id) if desa_id else None
        if key is None:
            continue
        stats = offices.setdefault(key, OfficeStats(key[0], key[1], ""))
        if status in st.OPEN and _late(first, due, res_due, now):
            stats.overdue_now += 1
        if created < start:
            continue
        stats.received += 1
        stats.reopened += int(reopens > 0)
        if rating:
            stats.ratings.append(rating)
        if first is not None:
            stats.response_hours.append(max(0.0, (first - (assigned or created)).total_seconds() / 3600))
        if due is not None and (first is not None or due <= now):
            stats.due += 1
            stats.on_time += int(first is not None and first <= due)
    _name(offices)
    return sorted(offices.values(), key=lambda s: (s.kind, -(s.overdue_now), s.name))


def _late(first, due, res_due, now) -> bool:
    return (first is None and due is not None and due < now) or (res_due is not None and res_due < now)


def _name(offices: dict) -> None:
    opd_ids = [i for kind, i in offices if kind == "opd"]
    desa_ids = [i for kind, i in offices if kind == "desa"]
    names = {("opd", o.id): str(o) for o in Opd.select().where(Opd.id.in_(opd_ids))} if opd_ids else {}
    if desa_ids:
        names.update({("desa", d.id): str(d) for d in Desa.select().where(Desa.id.in_(desa_ids))})
    for key, stats in offices.items():
        stats.name = names.get(key, "?")


def worst_overdue(official, now: datetime, limit: int = 10) -> list[Complaint]:
    """The open complaints most past their deadline, oldest deadline first."""
    query = complaint_rows().where(overdue_condition(now)).order_by(deadline_order().asc(nulls="LAST"))
    return list(access.visible_complaints(official, query).limit(limit))


def _series(rows, start: datetime, now: datetime, period_days: int) -> list[tuple[datetime, int, int]]:
    """Received and resolved per day (periods up to a month) or per week."""
    step = timedelta(days=1 if period_days <= 31 else 7)
    buckets = max(1, int((now - start) / step) + (1 if (now - start) % step else 0))
    received, resolved = defaultdict(int), defaultdict(int)
    for row in rows:
        created, resolved_at = row[2], row[7]
        if created >= start:
            received[int((created - start) / step)] += 1
        if resolved_at is not None and resolved_at >= start:
            resolved[int((resolved_at - start) / step)] += 1
    return [(start + i * step, received[i], resolved[i]) for i in range(buckets)]
