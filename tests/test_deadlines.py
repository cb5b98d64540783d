"""Deadline arithmetic: hours, working days with Indonesian holidays, reminders, wording.

Times are naive UTC like the database's; WIB is UTC+7, WITA UTC+8.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest

from core.deadlines import WorkCalendar, due_at, humanize_remaining, is_overdue, reminder_points


def wib(*args) -> datetime:
    """A WIB wall-clock time as the naive UTC the database stores."""
    return datetime(*args) - timedelta(hours=7)


WORKING = WorkCalendar(working_days=True)


# --- calendar ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("day, working", [
    (date(2026, 8, 14), True),    # Friday
    (date(2026, 8, 15), False),   # Saturday
    (date(2026, 8, 16), False),   # Sunday
    (date(2026, 8, 17), False),   # Monday, Independence Day
    (date(2026, 8, 18), True),
    (date(2026, 4, 3), False),    # Good Friday
    (date(2026, 12, 25), False),  # Christmas
])
def test_is_working_day(day, working):
    assert WORKING.is_working_day(day) is working


def test_extra_holidays_and_custom_weekend():
    calendar = WorkCalendar(extra_holidays=[date(2026, 8, 18)], weekend=(6,))
    assert not calendar.is_working_day(date(2026, 8, 18))   # cuti bersama, not in the holidays library
    assert calendar.is_working_day(date(2026, 8, 15))       # Saturday is a working day here
    assert not calendar.is_working_day(date(2026, 8, 16))


# --- due_at -------------------------------------------------------------------------------------------
def test_hours_mode_ignores_weekends_and_holidays():
    start = wib(2026, 8, 14, 10, 0)
    assert due_at(start, 48, WorkCalendar()) == start + timedelta(hours=48)
    assert due_at(start, 0, WorkCalendar()) == start


@pytest.mark.parametrize("start, hours, due", [
    (wib(2026, 8, 3, 10, 0), 48, wib(2026, 8, 5, 10, 0)),     # Monday: a plain week
    (wib(2026, 8, 7, 10, 0), 24, wib(2026, 8, 10, 10, 0)),    # Friday: over the weekend
    (wib(2026, 8, 14, 10, 0), 48, wib(2026, 8, 19, 10, 0)),   # Friday: weekend and 17 August
    (wib(2026, 8, 3, 10, 0), 30, wib(2026, 8, 5, 10, 0)),     # 30 h rounds up to 2 working days
    (wib(2026, 8, 8, 15, 0), 48, wib(2026, 8, 12, 0, 0)),     # Saturday: counts from Monday 00:00
    (wib(2026, 8, 15, 15, 0), 48, wib(2026, 8, 20, 0, 0)),    # Saturday before the holiday: from Tuesday
    (wib(2026, 8, 14, 23, 30), 48, wib(2026, 8, 19, 23, 30)),
])
def test_working_days(start, hours, due):
    assert due_at(start, hours, WORKING) == due


def test_day_boundaries_are_local():
    # Friday 20:00 UTC is already Saturday 03:00 WIB: a non-working day in Ketapang.
    start = datetime(2026, 8, 14, 20, 0)
    assert due_at(start, 48, WORKING) == wib(2026, 8, 20, 0, 0)
    # Friday 16:30 UTC is Friday 23:30 WIB but Saturday 00:30 WITA.
    start = datetime(2026, 8, 14, 16, 30)
    assert due_at(start, 48, WORKING) == wib(2026, 8, 19, 23, 30)
    wita = WorkCalendar(working_days=True, tz="Asia/Makassar")
    assert due_at(start, 48, wita) == datetime(2026, 8, 20, 0, 0) - timedelta(hours=8)


def test_extra_holidays_push_the_deadline():
    calendar = WorkCalendar(working_days=True, extra_holidays=[date(2026, 8, 18)])
    assert due_at(wib(2026, 8, 14, 10, 0), 48, calendar) == wib(2026, 8, 20, 10, 0)


def test_aware_start_is_converted_and_the_result_is_naive_utc():
    start = datetime(2026, 8, 3, 10, 0, tzinfo=timezone(timedelta(hours=7)))
    due = due_at(start, 48, WORKING)
    assert due == wib(2026, 8, 5, 10, 0) and due.tzinfo is None


def test_negative_hours_are_refused():
    with pytest.raises(ValueError):
        due_at(wib(2026, 8, 3, 10, 0), -1, WORKING)


# --- reminders ----------------------------------------------------------------------------------------
def test_reminder_points_for_a_two_day_deadline():
    start = datetime(2026, 8, 3, 3, 0)
    due = start + timedelta(hours=48)
    assert reminder_points(start, due) == [("50%", start + timedelta(hours=24)), ("2h", due - timedelta(hours=2))]


def test_reminder_points_are_sorted_and_drop_points_outside_the_span():
    start = datetime(2026, 8, 3, 3, 0)
    due = start + timedelta(hours=3)
    points = reminder_points(start, due, fractions=(0.5, 0.25, 1.0), hours_before=(2, 72, 0))
    assert points == [("25%", start + timedelta(minutes=45)), ("2h", start + timedelta(hours=1)),
                      ("50%", start + timedelta(minutes=90))]


def test_reminder_points_at_the_same_moment_are_merged():
    start = datetime(2026, 8, 3, 3, 0)
    assert reminder_points(start, start + timedelta(hours=4)) == [("50%", start + timedelta(hours=2))]


def test_no_reminders_without_a_span():
    start = datetime(2026, 8, 3, 3, 0)
    assert reminder_points(start, start) == []
    assert reminder_points(start, start - timedelta(hours=5)) == []


def test_reminder_labels_for_fractional_hours():
    start = datetime(2026, 8, 3, 3, 0)
    labels = [label for label, _ in reminder_points(start, start + timedelta(hours=10), (0.75,), (0.5,))]
    assert labels == ["75%", "0.5h"]


# --- overdue and wording ------------------------------------------------------------------------------
@pytest.mark.parametrize("due, now, done_at, overdue", [
    (None, datetime(2026, 8, 5), None, False),
    (datetime(2026, 8, 5), datetime(2026, 8, 4), None, False),
    (datetime(2026, 8, 5), datetime(2026, 8, 5), None, False),     # exactly at the deadline: on time
    (datetime(2026, 8, 5), datetime(2026, 8, 6), None, True),
    (datetime(2026, 8, 5), datetime(2026, 8, 9), datetime(2026, 8, 4), False),  # answered in time
    (datetime(2026, 8, 5), datetime(2026, 8, 9), datetime(2026, 8, 6), True),   # answered late
])
def test_is_overdue(due, now, done_at, overdue):
    assert is_overdue(due, now, done_at) is overdue


NOW = datetime(2026, 8, 3, 3, 0)


@pytest.mark.parametrize("delta, lang, text", [
    (timedelta(days=1, hours=3), "id", "sisa 1 hari 3 jam"),
    (timedelta(days=1, hours=3, minutes=40), "id", "sisa 1 hari 3 jam"),
    (timedelta(days=2), "id", "sisa 2 hari"),
    (timedelta(hours=-5), "id", "terlambat 5 jam"),
    (timedelta(hours=1, minutes=30), "id", "sisa 1 jam 30 menit"),
    (timedelta(minutes=-45), "id", "terlambat 45 menit"),
    (timedelta(seconds=20), "id", "jatuh tempo sekarang"),
    (timedelta(days=1, hours=3), "en", "1 day 3 hours left"),
    (timedelta(days=2, hours=1), "en", "2 days 1 hour left"),
    (timedelta(hours=-5), "en", "5 hours overdue"),
    (timedelta(minutes=1), "en", "1 minute left"),
    (timedelta(0), "en", "due now"),
    (timedelta(hours=-5), "en-US", "5 hours overdue"),
    (timedelta(hours=-5), "fr", "terlambat 5 jam"),   # unknown language: Indonesian
])
def test_humanize_remaining(delta, lang, text):
    assert humanize_remaining(NOW + delta, NOW, lang) == text
