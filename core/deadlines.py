"""Deadline arithmetic: when an office must answer, when to remind it, how late it is.

Datetimes in and out are naive UTC, as the database stores them. Day boundaries (which day
a moment falls on, what "the same time of day" means) are taken in the regency's local
zone: WIB (Asia/Jakarta, Asia/Pontianak), WITA (Asia/Makassar) or WIT (Asia/Jayapura).
"""
from __future__ import annotations

import math
from datetime import date, datetime, time, timedelta, timezone
from typing import Iterable
from zoneinfo import ZoneInfo

import holidays


class WorkCalendar:
    """Whether deadlines count working days, and which days are working days."""

    def __init__(self, working_days: bool = False, extra_holidays: Iterable[date] = (), country: str = "ID",
                 weekend: Iterable[int] = (5, 6), tz: str = "Asia/Jakarta"):
        self.working_days = working_days
        # The holidays library has the national public holidays but not cuti bersama
        # (collective leave set each year by joint ministerial decree): those come in here.
        self.extra_holidays = frozenset(extra_holidays)
        self.weekend = frozenset(weekend)  # date.weekday() numbers: 5 = Saturday, 6 = Sunday
        self.tz = ZoneInfo(tz)
        self._public = holidays.country_holidays(country)

    def is_working_day(self, d: date) -> bool:
        """Not a weekend day, a public holiday or an extra holiday."""
        return d.weekday() not in self.weekend and d not in self.extra_holidays and d not in self._public

    def next_working_day(self, d: date) -> date:
        """The first working day strictly after `d`."""
        for _ in range(366):  # a year without a working day is a misconfiguration, not a loop
            d += timedelta(days=1)
            if self.is_working_day(d):
                return d
        raise ValueError("no working day within a year: check the weekend and holiday settings")

    def to_local(self, utc: datetime) -> datetime:
        """A naive UTC moment as an aware local one."""
        return _as_utc(utc).replace(tzinfo=timezone.utc).astimezone(self.tz)

    def to_utc(self, local: datetime) -> datetime:
        """An aware local moment as naive UTC."""
        return local.astimezone(timezone.utc).replace(tzinfo=None)


def _as_utc(moment: datetime) -> datetime:
    """Naive UTC; an aware datetime is converted rather than misread."""
    return moment.astimezone(timezone.utc).replace(tzinfo=None) if moment.tzinfo else moment


def due_at(start: datetime, hours: float, calendar: WorkCalendar) -> datetime:
    """The deadline `hours` after `start`, or that many days of 24 h in working days."""
    if hours < 0:
        raise ValueError("a deadline cannot be negative")
    if not calendar.working_days:
        return _as_utc(start) + timedelta(hours=hours)
    local = calendar.to_local(start)
    day, clock = local.date(), local.time()
    if not calendar.is_working_day(day):
        # Filed on a weekend or holiday: the clock starts at 00:00 of the next working day.
        day, clock = calendar.next_working_day(day), time(0)
    for _ in range(math.ceil(hours / 24)):  # 48 h = 2 working days, 30 h = 2 as well
        day = calendar.next_working_day(day)
    return calendar.to_utc(datetime.combine(day, clock, tzinfo=calendar.tz))


def reminder_points(start: datetime, due: datetime, fractions: Iterable[float] = (0.5,),
                    hours_before: Iterable[float] = (2,)) -> list[tuple[str, datetime]]:
    """The moments to remind an office, as (label, naive UTC) sorted by time.

    Labels are stable de-duplication keys: "50%" for half the span, "2h" for two hours
    before the deadline. Points not strictly between start and due are dropped, and when
    two points fall on the same moment only the first label is kept.
    """
    start, due = _as_utc(start), _as_utc(due)
    span = due - start
    points = [(f"{fraction * 100:g}%", start + span * fraction) for fraction in fractions]
    points += [(f"{hours:g}h", due - timedelta(hours=hours)) for hours in hours_before]
    kept: dict[datetime, str] = {}
    for label, moment in points:
        if start < moment < due:
            kept.setdefault(moment, label)
    return sorted(((label, moment) for moment, label in kept.items()), key=lambda p: (p[1], p[0]))


def is_overdue(due: datetime | None, now: datetime, done_at: datetime | None) -> bool:
    """Past its deadline: still open after `due`, or answered after it (then it stays late)."""
    if due is None:
        return False
    return _as_utc(done_at if done_at is not None else now) > _as_utc(due)


UNITS = {
    "id": {"day": ("hari", "hari"), "hour": ("jam", "jam"), "minute": ("menit", "menit"),
           "left": "sisa {}", "late": "terlambat {}", "now": "jatuh tempo sekarang"},
    "en": {"day": ("day", "days"), "hour": ("hour", "hours"), "minute": ("minute", "minutes"),
           "left": "{} left", "late": "{} overdue", "now": "due now"},
}


def humanize_remaining(due: datetime, now: datetime, lang: str = "id") -> str:
    """E.g. "sisa 1 hari 3 jam" / "terlambat 5 jam"; English "1 day 3 hours left" / "5 hours overdue".

    Shows the two largest units (days and hours, or hours and minutes), rounded down;
    an unknown language falls back to Indonesian.
    """
    words = UNITS.get((lang or "id").split("-")[0].split("_")[0].lower(), UNITS["id"])
    delta = _as_utc(due) - _as_utc(now)
    minutes = int(abs(delta).total_seconds() // 60)
    if minutes == 0:
        return words["now"]
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    amounts = [(days, "day"), (hours, "hour"), (minutes, "minute")]
    first = next(i for i, (amount, _) in enumerate(amounts) if amount)
    parts = [f"{amount} {words[unit][amount != 1]}" for amount, unit in amounts[first:first + 2] if amount]
    return words["left" if delta > timedelta(0) else "late"].format(" ".join(parts))
