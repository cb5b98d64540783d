"""Leadership reports: which period (the last complete week in the regency's time zone, or
any dates), the figures per OPD and per village over it (`services.stats`, the dashboard's
code), the headline totals, the CSV lines and the address of the panel's report page. The
panel's report page and the weekly job (workers.reports) both read this.

Definitions (written on the page too):
- received: complaints filed in the period (local dates, first day 00.00 to the day after the
  last 00.00) that went to the office;
- due: of those, the ones whose response deadline had passed when the report was made, or
  that were answered; answered on time: of the due ones, answered no later than the response
  deadline. An office with nothing due has no on-time figure ("—", never "0 on time");
- median first response: hours from assignment to the first answer, over the received ones
  answered;
- overdue now: the office's open complaints past a deadline when the report was made,
  whenever they were filed;
- rating: the average of the reporters' ratings of the received complaints, and how many.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from core.timefmt import to_local
from services import runtime, stats

MAX_DAYS = 731  # two years: a longer period is a typing mistake, not a report


@dataclass(frozen=True)
class Period:
    """Local calendar days `first` to `last`, both included."""

    first: date
    last: date

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1

    def start(self) -> datetime:
        """The first day's local midnight, as stored (naive UTC)."""
        return local_midnight(self.first)

    def end(self) -> datetime:
        """The local midnight after the last day, as stored (naive UTC)."""
        return local_midnight(self.last + timedelta(days=1))

    def query(self) -> dict:
        return {"from": self.first.isoformat(), "to": self.last.isoformat()}


def _zone() -> ZoneInfo:
    return ZoneInfo(runtime.config().TIMEZONE)


def local_midnight(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=_zone()).astimezone(timezone.utc).replace(tzinfo=None)


def local_today(now: datetime) -> date:
    return to_local(now, runtime.config().TIMEZONE).date()


def last_complete_week(now: datetime) -> Period:
    """The latest full week before today, local time: Monday to Sunday with the default
    REPORT_WEEKDAY 0 (the week ends the day before REPORT_WEEKDAY, as the weekly job's)."""
    today = local_today(now)
    end = today - timedelta(days=(today.weekday() - runtime.config().REPORT_WEEKDAY) % 7)
    return Period(end - timedelta(days=7), end - timedelta(days=1))


def period_of(start: datetime, end: datetime) -> Period:
    """The local days a stored [start, end) covers (the day of `end` itself when it is not a
    midnight: a report "for the last N days" made at 10.00 covers today too)."""
    tz = runtime.config().TIMEZONE
    first = to_local(start, tz).date()
    last_local = to_local(end, tz)
    last = last_local.date() - timedelta(days=1) if last_local.time() == time(0) else last_local.date()
    return Period(first, max(first, last))


def parse_period(first_text: str | None, last_text: str | None, now: datetime) -> tuple[Period, bool]:
    """The period from the page's `from`/`to` (ISO dates); the last complete week when either is
    missing. Returns (period, whether the dates given were refused and the default used)."""
    default = last_complete_week(now)
    if not first_text and not last_text:
        return default, False
    try:
        first = date.fromisoformat((first_text or last_text or "").strip())
        last = date.fromisoformat((last_text or first_text or "").strip())
    except ValueError:
        return default, True
    if last < first:
        first, last = last, first
    if (last - first).days + 1 > MAX_DAYS:
        return default, True
    return Period(first, last), False


def page_url(period: Period) -> str:
    """The panel's report page for `period`, as a link sent in Telegram (PANEL_URL)."""
    base = runtime.config().PANEL_URL.rstrip("/")
    return f"{base}/admin/reports/?{urlencode(period.query())}"


@dataclass
class Report:
    period: Period
    generated_at: datetime
    opd: list[dict] = field(default_factory=list)      # stats.OfficeLine.as_dict(), most punctual first
    desa: list[dict] = field(default_factory=list)
    totals: dict = field(default_factory=dict)

    @property
    def offices(self) -> list[dict]:
        return self.opd + self.desa


def build(period: Period, now: datetime, scope=None) -> Report:
    """The report over the complaints `scope` admits (services.access.complaint_condition of
    the viewer; the weekly message uses the leadership's)."""
    data = stats.compute_report(period.start(), period.end(), now, scope=scope)
    return from_data(period, now, data)


def from_data(period: Period, now: datetime, data: dict) -> Report:
    offices = data["offices"]
    return Report(period=period, generated_at=now, opd=[o for o in offices if o["kind"] == "opd"],
                  desa=[o for o in offices if o["kind"] == "desa"], totals=headline(offices))


def headline(offices: list[dict]) -> dict:
    """The figures a leader reads first: over all offices of the report."""
    names = ("received", "due", "answered_on_time", "overdue_now", "reopened", "rating_count")
    total = {name: sum(o.get(name) or 0 for o in offices) for name in names}
    rating_sum = sum(o.get("rating_sum") or 0 for o in offices)
    total["on_time_rate"] = round(100 * total["answered_on_time"] / total["due"], 1) if total["due"] else None
    total["avg_rating"] = round(rating_sum / total["rating_count"], 2) if total["rating_count"] else None
    total["offices_with_overdue"] = sum(1 for o in offices if o.get("overdue_now"))
    return total


CSV_FIELDS = ("period_from", "period_to", "office_kind", "office", "received", "due", "answered_on_time",
              "on_time_rate", "median_first_response_hours", "overdue_now", "avg_rating", "rating_count",
              "reopened")


def csv_rows(report: Report) -> list[dict]:
    """One line per office, ISO dates, numbers as numbers, empty where there is none."""
    rows = []
    for office in report.offices:
        row = {"period_from": report.period.first.isoformat(), "period_to": report.period.last.isoformat(),
               "office_kind": office["kind"], "office": office["name"]}
        for name in CSV_FIELDS[4:]:
            value = office.get(name)
            row[name] = "" if value is None else value
        rows.append(row)
    return rows
