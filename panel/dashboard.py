"""How offices answer: the dashboard's numbers, over the complaints the viewer may see.

Per office (OPD or village): complaints received in the period, first answers on time out
of those whose answer was due, median hours to the first answer, overdue now, average
rating. The database sums them (GROUP BY office, GROUP BY status and day/week) with the
report's code (`services.stats.office_figures`); only a few hundred numbers come back, on
SQLite and PostgreSQL alike.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from peewee import SQL, Case, fn

from models import Complaint, utcnow
from panel.queries import complaint_rows, deadline_order, overdue_condition
from services import access, reports, stats

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
    median_response_hours: float | None = None
    rating_sum: int = 0
    rating_count: int = 0

    @property
    def on_time_rate(self) -> float | None:
        return round(100 * self.on_time / self.due) if self.due else None

    @property
    def average_rating(self) -> float | None:
        return round(self.rating_sum / self.rating_count, 1) if self.rating_count else None


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
    start, step, buckets = chart_frame(period_days, now)
    scope = access.complaint_condition(official)
    # One pass over the period's complaints: per office, status and day/week.
    rows = stats.received_sums(scope, start, None, now,
                               groups=(Complaint.status, _bucket(Complaint.created_at, start, step, buckets)))
    status_counts: dict[str, int] = {}
    received: dict[int, int] = {}
    figures: dict[tuple, stats.Figures] = {}
    for key, (status, index), sums in rows:
        status_counts[status] = status_counts.get(status, 0) + sums.received
        if index is not None:
            received[int(index)] = received.get(int(index), 0) + sums.received
        if key is not None:
            stats.add(figures.setdefault(key, stats.Figures()), sums)
    resolved, resolving_offices = _resolved(scope, start, step, buckets)
    return Dashboard(
        period_days=period_days, start=start, status_counts=status_counts,
        offices=_office_stats(scope, start, now, figures, resolving_offices),
        worst_overdue=worst_overdue(official, now),
        series=[(start + i * step, received.get(i, 0), resolved.get(i, 0)) for i in range(buckets)],
    )


def chart_frame(period_days: int, now: datetime) -> tuple[datetime, timedelta, int]:
    """(start, bar width, bars). Up to a month: one bar per local calendar day, the last one
    today (the period starts at local midnight period_days - 1 days ago; a bar per 24 hours
    counted back from now made the last bar start yesterday and carry yesterday's date).
    Longer: one bar per 7 days counted back from now, each labelled with its first day."""
    if period_days <= 31:
        today = reports.local_today(now)
        return reports.local_midnight(today - timedelta(days=period_days - 1)), timedelta(days=1), period_days
    start, step = now - timedelta(days=period_days), timedelta(days=7)
    return start, step, max(1, int((now - start) / step) + (1 if (now - start) % step else 0))


def _bucket(column, start: datetime, step: timedelta, buckets: int):
    """The day/week (0..buckets-1) a time falls in, counted from `start`, in SQL that both
    databases run (comparisons with the bucket edges); None past the last one."""
    return Case(None, [(column < start + (i + 1) * step, i) for i in range(buckets)], None)


def _resolved(scope, start: datetime, step: timedelta, buckets: int):
    """Complaints resolved in the period per day/week, and the offices they belong to (an
    office that only resolved older complaints still has its line)."""
    bucket = _bucket(Complaint.resolved_at, start, step, buckets)
    query = (Complaint.select(bucket.alias("bucket"), Complaint.assigned_opd, Complaint.assigned_desa,
                              fn.COUNT(Complaint.id))
             .where(scope & (Complaint.resolved_at >= start))
             .group_by(SQL("1"), SQL("2"), SQL("3")))
    by_bucket: dict[int, int] = {}
    offices = set()
    for index, opd_id, desa_id, count in stats.plain_rows(query):
        if index is not None:
            by_bucket[int(index)] = by_bucket.get(int(index), 0) + count
        key = stats.office_key(opd_id, desa_id)
        if key is not None:
            offices.add(key)
    return by_bucket, offices


def _office_stats(scope, start: datetime, now: datetime, figures: dict, resolving_offices: set) -> list[OfficeStats]:
    stats.add_overdue_and_medians(figures, scope, start, None, now)
    for key in resolving_offices:
        figures.setdefault(key, stats.Figures())
    names = stats.office_names(figures)
    offices = [OfficeStats(kind, office_id, names.get((kind, office_id), "?"), received=f.received, due=f.due,
                           on_time=f.on_time, overdue_now=f.overdue_now, reopened=f.reopened,
                           median_response_hours=f.median_hours, rating_sum=f.rating_sum,
                           rating_count=f.rating_count)
               for (kind, office_id), f in figures.items()]
    return sorted(offices, key=lambda s: (s.kind, -(s.overdue_now), s.name))


def worst_overdue(official, now: datetime, limit: int = 10) -> list[Complaint]:
    """The open complaints most past their deadline, oldest deadline first."""
    # Overdue implies a stored deadline: the condition lets the deadline indexes be walked.
    query = (complaint_rows().where(overdue_condition(now) & Complaint.current_due.is_null(False))
             .order_by(deadline_order().asc(nulls="LAST")))
    return list(access.visible_complaints(official, query).limit(limit))
