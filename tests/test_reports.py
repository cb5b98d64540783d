"""The periodic compliance report: numbers per office, the stored row, the leadership's
message, once per week."""
from __future__ import annotations

from datetime import datetime, timedelta

from core import status as st
from models import Category, Desa, PeriodicReport
from services import runtime
from services.stats import compute_report
from tests.factories import make_complaint, opd
from tests.workerkit import SUNGAI_PUTRI, texts
from workers import jobs, reports
from workers.message_parts import TEXT_LIMIT, units

START = datetime(2026, 11, 1, 17, 0)   # Monday 2 Nov 00.00 WIB
END = START + timedelta(days=7)
NOW = END + timedelta(hours=1)
H = timedelta(hours=1)


def filed(at: datetime, **overrides):
    values = dict(created_at=at, assigned_at=at, response_due_at=at + 48 * H, resolution_due_at=at + 30 * 24 * H)
    values.update(overrides)
    return make_complaint(**values)


def office(data: dict, name: str) -> dict:
    return next(o for o in data["offices"] if o["name"] == name)


def test_numbers_per_office(seeded):
    day = START + 24 * H
    filed(day, first_response_at=day + 2 * H, status=st.IN_PROGRESS, rating=4)            # on time, 2 h
    filed(day, first_response_at=day + 10 * H, status=st.RESOLVED, rating=2, reopen_count=1)  # on time, 10 h
    filed(day, first_response_at=day + 60 * H, status=st.IN_PROGRESS)                     # late answer, 60 h
    filed(day, status=st.ASSIGNED)                                                        # unanswered, overdue
    filed(END - H, status=st.ASSIGNED)                                                    # not due yet
    filed(START - 30 * 24 * H, status=st.ASSIGNED)                # filed before: only "overdue now" counts it
    filed(day, category=Category.get(Category.code == "sampah"), first_response_at=day + H, status=st.RESOLVED)
    filed(day, category=Category.get(Category.code == "infra_desa"), status=st.ASSIGNED)
    filed(END + H, status=st.ASSIGNED)                                                    # after the period
    data = compute_report(START, END, NOW)
    putr = office(data, "Dinas PUTR")
    assert putr["received"] == 5 and putr["due"] == 4 and putr["answered_on_time"] == 2
    assert putr["on_time_rate"] == 50.0 and putr["median_first_response_hours"] == 10.0
    assert putr["overdue_now"] == 2 and putr["avg_rating"] == 3.0 and putr["reopened"] == 1
    dlh = office(data, "DLH")
    assert (dlh["received"], dlh["answered_on_time"], dlh["overdue_now"]) == (1, 1, 0)
    village = office(data, str(Desa.get(Desa.code == SUNGAI_PUTRI)))
    assert village["kind"] == "desa" and village["overdue_now"] == 1
    assert [o["name"] for o in data["offices"]][:2] == ["DLH", "Dinas PUTR"]  # most punctual first
    assert data["totals"]["received"] == 7


def test_report_is_kept_and_sent_to_leadership(telegram, botapi, run_worker):
    leaders = botapi.group(title="Pimpinan")
    runtime.use(telegram.with_(LEADERSHIP_CHAT_ID=str(leaders)))
    filed(START + 24 * H, first_response_at=START + 25 * H, status=st.IN_PROGRESS)
    report = reports.make_report(START, END, NOW)
    run_worker()
    stored = PeriodicReport.get_by_id(report.id)
    assert stored.period_start == START and office(stored.data, "Dinas PUTR")["received"] == 1
    [message] = texts(botapi, leaders)
    assert "Laporan kepatuhan" in message and "Aduan masuk: 1" in message
    assert "Ditanggapi tepat waktu: 1 dari 1 yang jatuh tempo (100%)" in message
    assert botapi.rejected_calls() == []


def test_a_report_of_many_offices_stays_one_short_message(telegram, botapi, run_worker):
    """300 villages are the panel page's business: the message names the 5 most overdue."""
    leaders = botapi.group(title="Pimpinan")
    runtime.use(telegram.with_(LEADERSHIP_CHAT_ID=str(leaders)))
    category = Category.get(Category.code == "infra_desa")
    for desa in Desa.select().limit(50):
        filed(START + H, category=category, desa=desa, assigned_desa=desa, assigned_opd=None)
    reports.make_report(START, END, NOW)
    run_worker()
    [sent] = texts(botapi, leaders)
    assert units(sent) <= TEXT_LIMIT and sent.count(" terlambat · ") == reports.MAX_LINES
    assert "Aduan masuk: 50" in sent


def test_weekly_report_once_per_week(telegram, botapi, run_worker):
    leaders = botapi.group(title="Pimpinan")
    runtime.use(telegram.with_(LEADERSHIP_CHAT_ID=str(leaders)))
    monday_morning = END + 9 * H        # 09.00 WIB Monday, after REPORT_HOUR (07.00)
    first = jobs.weekly_report(now=monday_morning)
    assert jobs.weekly_report(now=monday_morning + 3 * H) is None
    run_worker()
    report = PeriodicReport.get_by_id(first)
    assert (report.period_start, report.period_end) == (START, END)
    assert len(texts(botapi, leaders)) == 1


def test_week_boundaries_follow_the_local_calendar(telegram):
    assert reports.last_week(END + 9 * H) == (START, END)                   # Monday 09.00 WIB
    assert reports.last_week(END - H) == (START - 7 * 24 * H, START)        # Sunday 23.00 WIB
    assert reports.last_week(END + 3 * 24 * H) == (START, END)              # Thursday
    assert reports.last_week(END + 5 * H) == (START - 7 * 24 * H, START)    # Monday 05.00, before REPORT_HOUR


def test_on_demand_report_without_leadership_chat(telegram, run_worker):
    filed(NOW - H)
    report_id = jobs.weekly_report(now=NOW, days=3)
    report = PeriodicReport.get_by_id(report_id)
    assert report.period_end == NOW and report.period_start == NOW - timedelta(days=3)
    assert office(report.data, "Dinas PUTR")["received"] == 1


def test_nothing_to_report_says_so(telegram, botapi, run_worker):
    leaders = botapi.group(title="Pimpinan")
    runtime.use(telegram.with_(LEADERSHIP_CHAT_ID=str(leaders)))
    assert opd("DPUTR").active
    reports.make_report(START, END, NOW)
    run_worker()
    assert "Tidak ada aduan" in texts(botapi, leaders)[0]
