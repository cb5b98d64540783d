"""Compliance numbers per office (OPD or village) for the periodic report and the panel.

Definitions (the panel's dashboard counts with the same code, `office_figures`):
- received: complaints filed in [start, end) that went to the office;
- due: of those, the ones whose first answer was due by `now` or was given;
- answered_on_time: of those, answered no later than the response deadline;
- median_first_response_hours: from assignment (or filing) to the first answer;
- overdue_now: open complaints of the office past a deadline at `now`, whenever filed;
- avg_rating: the reporters' ratings of the received complaints; reopened: received ones
  reopened at least once.
The database does the counting: one GROUP BY office with conditional sums, and one query
for the medians (window functions), so a regency's million complaints never travel to
Python. The same SQL runs on SQLite and PostgreSQL; only the seconds between two times is
spelled per database (`_seconds_between`).
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime

from peewee import SQL, Case, NodeList, PostgresqlDatabase, Value, fn

from core import status as st
from models import Complaint, Desa, Opd, db

OPEN = sorted(st.OPEN)


@dataclass
class Figures:
    """One office's raw numbers, as the database summed them."""

    received: int = 0
    due: int = 0
    on_time: int = 0
    overdue_now: int = 0
    reopened: int = 0
    rating_sum: int = 0
    rating_count: int = 0
    median_hours: float | None = None


def office_key(opd_id, desa_id):
    """A complaint counts for its OPD, else for its village; None when not routed yet."""
    return ("opd", opd_id) if opd_id else ("desa", desa_id) if desa_id else None


def _office_columns():
    # The village only when there is no OPD: the same key as `office_key`.
    return Complaint.assigned_opd, Case(None, [(Complaint.assigned_opd.is_null(), Complaint.assigned_desa)], None)


def _routed():
    return Complaint.assigned_opd.is_null(False) | Complaint.assigned_desa.is_null(False)


def _received(start: datetime, end: datetime | None):
    filed = Complaint.created_at >= start
    return filed & (Complaint.created_at < end) if end is not None else filed


def late_condition(now: datetime):
    """Past the response deadline unanswered, or past the resolution deadline (see `is_late`)."""
    return ((Complaint.first_response_at.is_null() & Complaint.response_due_at.is_null(False)
             & (Complaint.response_due_at < now))
            | (Complaint.resolution_due_at.is_null(False) & (Complaint.resolution_due_at < now)))


def plain_rows(query) -> list[tuple]:
    """The rows of an aggregate query straight from the driver: ids, strings and numbers only,
    so peewee's per-row conversion (a tenth of a millisecond a row) has nothing to do."""
    return db.execute_sql(*query.sql()).fetchall()


def _count_if(condition):
    return fn.SUM(Case(None, [(condition, 1)], 0))


def _seconds_between(later, earlier):
    """Seconds from `earlier` to `later` (the one expression SQLite and PostgreSQL spell apart)."""
    if isinstance(db.obj, PostgresqlDatabase):
        return NodeList((SQL("EXTRACT(EPOCH FROM"), NodeList((later, SQL("-"), earlier)), SQL(")")))
    # SQLite keeps times to the millisecond: rounding there drops the float noise of julianday.
    return fn.ROUND((fn.julianday(later) - fn.julianday(earlier)) * 86400.0, 3)


def office_figures(scope, start: datetime, end: datetime | None, now: datetime) -> dict[tuple, Figures]:
    """Figures per office over the complaints matching `scope` (the viewer's), for every office
    with a complaint filed in [start, end) (`end` None: until now) or open now."""
    figures: dict[tuple, Figures] = {}
    for key, _groups, sums in received_sums(scope, start, end, now):
        if key is not None:
            add(figures.setdefault(key, Figures()), sums)
    return add_overdue_and_medians(figures, scope, start, end, now)


def add_overdue_and_medians(figures: dict[tuple, Figures], scope, start: datetime, end: datetime | None,
                            now: datetime) -> dict[tuple, Figures]:
    """Complete the received sums: overdue now for every office with an open complaint (a
    line of its own if it has none received), median hours for the received ones."""
    for key, overdue in open_sums(scope, now).items():
        figures.setdefault(key, Figures()).overdue_now = overdue
    for key, hours in medians(scope & _received(start, end)).items():
        if key in figures:
            figures[key].median_hours = hours
    return figures


def add(total: Figures, sums: Figures) -> None:
    """Add the counts of `sums` into `total` (the median is not a sum: set apart)."""
    for name in ("received", "due", "on_time", "reopened", "rating_sum", "rating_count"):
        setattr(total, name, getattr(total, name) + getattr(sums, name))


def received_sums(scope, start: datetime, end: datetime | None, now: datetime, groups=()) -> list:
    """[(office key or None when unrouted, values of `groups`, Figures)] over the complaints
    filed in [start, end): one GROUP BY office (and `groups`, e.g. status and day for the
    dashboard's cards and chart, which then need no query of their own)."""
    rated = Complaint.rating.is_null(False) & (Complaint.rating != 0)
    due = (Complaint.response_due_at.is_null(False)
           & (Complaint.first_response_at.is_null(False) | (Complaint.response_due_at <= now)))
    opd, desa = _office_columns()
    query = (Complaint.select(
        opd.alias("opd"), desa.alias("desa"), *groups,
        fn.COUNT(Complaint.id), _count_if(due),
        _count_if(due & Complaint.first_response_at.is_null(False)
                  & (Complaint.first_response_at <= Complaint.response_due_at)),
        _count_if(Complaint.reopen_count > 0),
        fn.SUM(Case(None, [(rated, Complaint.rating)], 0)), _count_if(rated))
        .where(scope & _received(start, end))
        .group_by(*[SQL(str(i + 1)) for i in range(2 + len(groups))]))
    rows = []
    for opd_id, desa_id, *values in plain_rows(query):
        extra, numbers = values[:len(groups)], [int(n or 0) for n in values[len(groups):]]
        received, due_n, on_time, reopened, rating_sum, rating_count = numbers
        rows.append((office_key(opd_id, desa_id), tuple(extra),
                     Figures(received=received, due=due_n, on_time=on_time, reopened=reopened,
                             rating_sum=rating_sum, rating_count=rating_count)))
    return rows


def open_sums(scope, now: datetime) -> dict[tuple, int]:
    """{office key: open complaints past a deadline now} for every office with an open one;
    read from the partial index of open complaints' deadlines (models: complaint_open_deadlines)."""
    opd, desa = _office_columns()
    query = (Complaint.select(opd.alias("opd"), desa.alias("desa"), _count_if(late_condition(now)))
             .where(scope & Complaint.status.in_(OPEN) & _routed()).group_by(SQL("1"), SQL("2")))
    return {office_key(opd_id, desa_id): int(late or 0) for opd_id, desa_id, late in plain_rows(query)}


def medians(where) -> dict[tuple, float]:
    """Median hours from assignment (or filing) to the first answer, per office, in SQL: the
    middle one (odd count) or the mean of the middle two, as statistics.median."""
    since = fn.COALESCE(Complaint.assigned_at, Complaint.created_at)
    seconds = Case(None, [(Complaint.first_response_at < since, Value(0.0))],
                   _seconds_between(Complaint.first_response_at, since))
    opd, desa = _office_columns()
    ranked = (Complaint.select(
        opd.alias("opd"), desa.alias("desa"), seconds.alias("seconds"),
        fn.ROW_NUMBER().over(order_by=[seconds], partition_by=[opd, desa]).alias("rn"),
        fn.COUNT(SQL("*")).over(partition_by=[opd, desa]).alias("n"))
        .where(where & _routed() & Complaint.first_response_at.is_null(False))).alias("ranked")
    query = (Complaint.select(ranked.c.opd, ranked.c.desa, fn.MIN(ranked.c.seconds), fn.MAX(ranked.c.seconds),
                              fn.COUNT(SQL("*")))
             .from_(ranked)
             .where((ranked.c.rn == (ranked.c.n + 1) / 2) | (ranked.c.rn == (ranked.c.n + 2) / 2))
             .group_by(ranked.c.opd, ranked.c.desa))
    medians = {}
    for opd_id, desa_id, low, high, middle in plain_rows(query):
        # statistics.median's own arithmetic on hours, so a half-way value rounds the same.
        low, high = float(low) / 3600, float(high) / 3600
        medians[office_key(opd_id, desa_id)] = round(low if middle == 1 else (low + high) / 2, 1)
    return medians


# --- the periodic report -----------------------------------------------------------------
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
    figures: Figures = field(default_factory=Figures)

    @property
    def on_time_rate(self) -> float | None:
        return round(100 * self.answered_on_time / self.due, 1) if self.due else None

    def as_dict(self) -> dict:
        data = asdict(self)
        del data["figures"]
        data["on_time_rate"] = self.on_time_rate
        data["median_first_response_hours"] = self.figures.median_hours
        count = self.figures.rating_count
        data["avg_rating"] = round(self.figures.rating_sum / count, 2) if count else None
        data["rating_count"], data["rating_sum"] = count, self.figures.rating_sum
        return data


def compute_report(start: datetime, end: datetime, now: datetime, scope=None) -> dict:
    """Per-office numbers for complaints filed in [start, end), lateness measured at `now`,
    over the complaints `scope` (a services.access.complaint_condition; default all) admits."""
    figures = office_figures(Value(1) == Value(1) if scope is None else scope, start, end, now)
    lines = {key: OfficeLine(*key, received=f.received, due=f.due, answered_on_time=f.on_time,
                             overdue_now=f.overdue_now, reopened=f.reopened, figures=f)
             for key, f in figures.items()}
    _name(lines)
    ordered = sorted(lines.values(), key=_rank)
    offices = [line.as_dict() for line in ordered]
    return {"period": {"start": start.isoformat(), "end": end.isoformat()}, "generated_at": now.isoformat(),
            "offices": offices, "totals": _totals(offices)}


def is_late(first, due, res_due, now) -> bool:
    """An open complaint past its response deadline unanswered, or past its resolution deadline."""
    return (first is None and due is not None and due < now) or (res_due is not None and res_due < now)


def _rank(line: OfficeLine):
    """Most punctual first; offices with nothing due yet after them; then fewer overdue."""
    rate = line.on_time_rate
    return (rate is None, -(rate or 0), line.overdue_now, line.name)


def office_names(keys) -> dict:
    """{("opd", id) | ("desa", id): the office's name}."""
    opd_ids = [i for kind, i in keys if kind == "opd"]
    desa_ids = [i for kind, i in keys if kind == "desa"]
    names = {("opd", o.id): str(o) for o in Opd.select().where(Opd.id.in_(opd_ids))} if opd_ids else {}
    if desa_ids:
        names.update({("desa", d.id): str(d) for d in Desa.select(Desa.id, Desa.name, Desa.kind)
                      .where(Desa.id.in_(desa_ids))})
    return names


def _name(lines: dict) -> None:
    names = office_names(lines)
    for key, line in lines.items():
        line.name = names.get(key, "?")


def _totals(offices: list[dict]) -> dict:
    keys = ("received", "due", "answered_on_time", "overdue_now", "reopened")
    return {k: sum(o[k] for o in offices) for k in keys}
