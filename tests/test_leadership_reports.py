"""The leadership report page (figures on known data, scoping, CSV, print page), the weekly
report's recipients kept in the panel, and the weekly job sending to them with a link to the
page (a real RQ burst worker, the fake Bot API)."""
from __future__ import annotations

import csv
import io
import re
from datetime import date, datetime, timedelta

import pytest

from core import status as st
from models import (ROLE_MAIN_ADMIN, ROLE_OPD_ADMIN, ROLE_OPD_STAFF, ROLE_OVERSIGHT, ROLE_VILLAGE_HEAD, Category,
                    Desa, PeriodicReport, ReportRecipient, utcnow)
from services import reports as period_rules
from services import runtime
from services.messaging import notices
from tests.factories import make_complaint, make_official
from tests.panelkit import app, client, logged_in, post_form  # noqa: F401 (fixtures)
from tests.workerkit import SUNGAI_PUTRI, texts
from workers import jobs, reports

START = datetime(2026, 11, 1, 17, 0)   # Monday 2 Nov 2026 00.00 WIB
END = START + timedelta(days=7)        # Monday 9 Nov 00.00 WIB
H = timedelta(hours=1)
PERIOD = {"from": "2026-11-02", "to": "2026-11-08"}


def filed(at: datetime, **overrides):
    far = utcnow() + timedelta(days=60)  # resolution deadlines never pass while the test runs
    values = dict(created_at=at, assigned_at=at, response_due_at=at + 48 * H, resolution_due_at=far)
    values.update(overrides)
    return make_complaint(**values)


def known_data():
    """Dinas PUTR: 4 received (2 on time of 4 due, median 10 h, ratings 4 and 2) plus one
    confidential answered on time; 2 overdue now (one filed before the period). DLH: 1 received,
    nothing due. Sungai Putri (village): 1 received, unanswered and overdue."""
    day = START + 24 * H
    filed(day, first_response_at=day + 2 * H, status=st.IN_PROGRESS, rating=4)
    filed(day, first_response_at=day + 10 * H, status=st.RESOLVED, rating=2)
    filed(day, first_response_at=day + 60 * H, status=st.IN_PROGRESS)
    filed(day, status=st.ASSIGNED)
    filed(START - 30 * 24 * H, status=st.ASSIGNED)
    filed(day, first_response_at=day + H, status=st.IN_PROGRESS, is_confidential=True)
    filed(day, category=Category.get(Category.code == "sampah"), response_due_at=utcnow() + timedelta(days=10))
    filed(day, category=Category.get(Category.code == "infra_desa"), status=st.ASSIGNED)



def row(html: str, name: str) -> str:
    match = re.search(r'<tr class="report-row"[^>]*>\s*<td>' + re.escape(name) + r"</td>(.*?)</tr>", html, re.S)
    assert match, f"no line for {name}"
    return match.group(1)


def cell(line: str, col: str) -> str:
    match = re.search(r'data-col="' + col + r'">(.*?)</td>', line, re.S)
    return re.sub(r"<[^>]+>", "", match.group(1)).split()


def test_report_page_figures_on_known_data(client):
    known_data()
    logged_in(client, ROLE_MAIN_ADMIN, opd="DISKOMINFO")
    html = client.get("/admin/reports/", query_string=PERIOD).get_data(as_text=True)
    assert "Periode 2 Nov 2026 – 8 Nov 2026 (7 hari)" in html
    putr = row(html, "Dinas PUTR")
    # The main admin counts the confidential one too: 5 received, 3 of 5 due on time.
    assert cell(putr, "received") == ["5"] and cell(putr, "on_time") == ["3/5", "(60%)"]
    assert cell(putr, "median") == ["6"]          # median of 1, 2, 10, 60 hours
    assert cell(putr, "overdue") == ["2"] and cell(putr, "rating") == ["3", "(2)"]
    dlh = row(html, "DLH")
    assert cell(dlh, "received") == ["1"] and "tidak ada yang jatuh tempo" in " ".join(cell(dlh, "on_time"))
    assert "0/0" not in dlh and "0 tepat waktu" not in html
    village = row(html, str(Desa.get(Desa.code == SUNGAI_PUTRI)))
    assert cell(village, "received") == ["1"] and cell(village, "on_time") == ["0/1", "(0%)"]
    assert cell(village, "overdue") == ["1"] and cell(village, "median") == ["—"]
    assert 'data-figure="received">7<' in html and 'data-figure="overdue">3<' in html
    assert "<svg" in html and "Cara menghitung" in html and "data-print" in html
    assert "Cetak / simpan PDF" in html


def test_oversight_sees_no_confidential_complaint_and_others_are_refused(client, app):
    known_data()
    logged_in(client, ROLE_OVERSIGHT)
    html = client.get("/admin/reports/", query_string=PERIOD).get_data(as_text=True)
    putr = row(html, "Dinas PUTR")
    assert cell(putr, "received") == ["4"] and cell(putr, "on_time") == ["2/4", "(50%)"]
    assert cell(putr, "median") == ["10"]
    assert "reportrecipient" not in html  # recipients are the main admin's
    assert client.get("/admin/reportrecipient/").status_code == 403
    for role in (ROLE_OPD_ADMIN, ROLE_OPD_STAFF, ROLE_VILLAGE_HEAD):
        other = app.test_client()
        logged_in(other, role)
        for url in ("/admin/reports/", "/admin/reports/print", "/admin/reports/export.csv",
                    "/admin/reportrecipient/"):
            assert other.get(url, query_string=PERIOD).status_code == 403, (role, url)
    assert app.test_client().get("/admin/reports/").status_code == 302  # nobody: to the login


def test_csv_and_print_page(client):
    known_data()
    logged_in(client, ROLE_OVERSIGHT, language="en")
    response = client.get("/admin/reports/export.csv", query_string=PERIOD)
    assert response.mimetype == "text/csv"
    assert "laporan-2026-11-02-2026-11-08.csv" in response.headers["Content-Disposition"]
    lines = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    putr = next(line for line in lines if line["office"] == "Dinas PUTR")
    assert (putr["period_from"], putr["period_to"], putr["office_kind"]) == ("2026-11-02", "2026-11-08", "opd")
    assert (putr["received"], putr["due"], putr["answered_on_time"], putr["on_time_rate"]) == ("4", "4", "2", "50.0")
    assert (putr["median_first_response_hours"], putr["overdue_now"], putr["avg_rating"]) == ("10.0", "2", "3.0")
    dlh = next(line for line in lines if line["office"] == "DLH")
    assert dlh["due"] == "0" and dlh["on_time_rate"] == ""
    printed = client.get("/admin/reports/print", query_string=PERIOD)
    html = printed.get_data(as_text=True)
    assert printed.status_code == 200 and "navbar" not in html and "Print / save as PDF" in html
    assert "Period 2 Nov 2026 – 8 Nov 2026" in html and "nothing was due" in html


def test_default_period_is_the_last_complete_week_in_local_time(telegram):
    sunday_late = datetime(2026, 11, 8, 16, 30)     # Sunday 8 Nov 23.30 WIB
    monday_early = datetime(2026, 11, 8, 17, 30)    # Monday 9 Nov 00.30 WIB
    assert period_rules.last_complete_week(sunday_late) == period_rules.Period(date(2026, 10, 26), date(2026, 11, 1))
    assert period_rules.last_complete_week(monday_early) == period_rules.Period(date(2026, 11, 2), date(2026, 11, 8))
    week = period_rules.last_complete_week(monday_early)
    assert (week.start(), week.end()) == (START, END)
    assert period_rules.parse_period("2026-11-08", "2026-11-02", monday_early)[0] == week  # swapped: put right
    assert period_rules.parse_period("kemarin", None, monday_early) == (week, True)
    runtime.use(telegram.with_(TIMEZONE="Asia/Jayapura"))  # WIT, UTC+9
    assert period_rules.Period(date(2026, 11, 2), date(2026, 11, 8)).start() == datetime(2026, 11, 1, 15, 0)


def test_recipients_are_managed_in_the_panel(client, telegram):
    logged_in(client, ROLE_MAIN_ADMIN, opd="DISKOMINFO")
    page = "/admin/reportrecipient/new/"
    answer = post_form(client, page, page, {"label": "Bupati", "chat_id": "-1001234", "language": "id",
                                            "active": "y"}, follow_redirects=True)
    assert answer.status_code == 200
    bupati = ReportRecipient.get(ReportRecipient.chat_id == -1001234)
    assert bupati.label == "Bupati" and bupati.active
    again = post_form(client, page, page, {"label": "Dobel", "chat_id": "-1001234", "language": "id"})
    assert "sudah terdaftar" in again.get_data(as_text=True) and ReportRecipient.select().count() == 1
    zero = post_form(client, page, page, {"label": "Nol", "chat_id": "0", "language": "id"})
    assert "tidak boleh 0" in zero.get_data(as_text=True)
    listed = client.get("/admin/reportrecipient/").get_data(as_text=True)
    assert "Bupati" in listed and "-1001234" in listed and "Nama penerima" in listed
    edit = f"/admin/reportrecipient/edit/?id={bupati.id}"
    post_form(client, edit, edit, {"label": "Bupati Ketapang", "chat_id": "-1001234", "language": "en"})
    bupati = ReportRecipient.get_by_id(bupati.id)
    assert (bupati.label, bupati.language, bupati.active) == ("Bupati Ketapang", "en", False)  # unticked: inactive
    assert notices.report_recipients() == []  # read at each sending: no restart
    post_form(client, edit, edit, {"label": "Bupati Ketapang", "chat_id": "-1001234", "language": "en",
                                   "active": "y"})
    assert [r.chat_id for r in notices.report_recipients()] == [-1001234]
    delete = post_form(client, "/admin/reportrecipient/", "/admin/reportrecipient/delete/", {"id": bupati.id})
    assert delete.status_code == 302 and ReportRecipient.select().count() == 0


def test_weekly_job_sends_a_short_message_with_the_link_to_every_recipient(telegram, botapi, run_worker):
    leaders = botapi.group(title="Pimpinan (lama)")
    runtime.use(telegram.with_(LEADERSHIP_CHAT_ID=str(leaders), PANEL_URL="https://wadul.example.go.id/"))
    regent = botapi.user(first_name="Bupati")
    make_official(ROLE_OVERSIGHT, telegram_user_id=regent.id, telegram_chat_id=regent.id, language="en")
    unlinked = make_official(ROLE_OVERSIGHT)
    assert unlinked.telegram_chat_id is None
    inspectorate = botapi.group(title="Inspektorat")
    ReportRecipient.create(chat_id=inspectorate, label="Inspektorat", language="id")
    ReportRecipient.create(chat_id=botapi.group(title="Lama"), label="Tidak aktif", active=False)
    known_data()
    monday_morning = END + 9 * H  # 09.00 WIB Monday, after REPORT_HOUR
    assert jobs.weekly_report(now=monday_morning) is not None
    assert jobs.weekly_report(now=monday_morning + H) is None  # the clock's run: once per week
    run_worker()
    link = "https://wadul.example.go.id/admin/reports/?from=2026-11-02&amp;to=2026-11-08"
    [to_inspectorate] = texts(botapi, inspectorate)
    [to_leaders] = texts(botapi, leaders)
    [to_regent] = texts(botapi, regent.id)
    assert to_inspectorate == to_leaders
    assert "Periode 2 Nov 2026 – 8 Nov 2026" in to_inspectorate
    assert "Aduan masuk: 6" in to_inspectorate                       # leadership's count: no confidential one
    assert "Ditanggapi tepat waktu: 2 dari 5 yang jatuh tempo (40%)" in to_inspectorate
    assert "Terlambat saat ini: 3 aduan di 2 instansi" in to_inspectorate
    assert "• Dinas PUTR: 2 terlambat · 2 dari 4 tepat waktu" in to_inspectorate
    assert "Period 2 Nov 2026 – 8 Nov 2026" in to_regent and "Answered on time: 2 of 5 due (40%)" in to_regent
    assert len(to_inspectorate) < 1000
    sent_html = [m for m in botapi.messages(inspectorate)][0]
    assert link.replace("&amp;", "&") in sent_html.get("text", "") + str(sent_html.get("entities", ""))
    assert botapi.rejected_calls() == []


def test_manual_report_sends_again_for_the_period_asked(telegram, botapi, run_worker):
    leaders = botapi.group(title="Pimpinan")
    ReportRecipient.create(chat_id=leaders, label="Pimpinan")
    monday_morning = END + 9 * H
    jobs.weekly_report(now=monday_morning)
    jobs.weekly_report(now=monday_morning, force=True)                  # the same week, asked by hand
    jobs.weekly_report(now=monday_morning, first="2026-10-01", last="2026-10-31")
    run_worker()
    sent = texts(botapi, leaders)
    assert len(sent) == 3
    assert "2 Nov 2026 – 8 Nov 2026" in sent[0] and "2 Nov 2026 – 8 Nov 2026" in sent[1]
    assert "1 Okt 2026 – 31 Okt 2026" in sent[2]
    october = PeriodicReport.select().order_by(PeriodicReport.id.desc()).get()
    assert (october.period_start, october.period_end) == (datetime(2026, 9, 30, 17), datetime(2026, 10, 31, 17))


def test_nothing_due_never_reads_zero_on_time(telegram, botapi, run_worker):
    leaders = botapi.group(title="Pimpinan")
    ReportRecipient.create(chat_id=leaders, label="Pimpinan")
    filed(START + H, category=Category.get(Category.code == "sampah"), response_due_at=utcnow() + timedelta(days=9))
    reports.make_report(START, END, END + H)
    run_worker()
    [message] = texts(botapi, leaders)
    assert "tidak ada yang jatuh tempo" in message and "0 tepat waktu" not in message and "0 dari" not in message


def test_the_command_line_always_sends(telegram, monkeypatch):
    queued = []
    from services.messaging import enqueue

    monkeypatch.setattr(enqueue, "enqueue", lambda queue, name, **kwargs: queued.append((name, kwargs)) or True)
    from workers.__main__ import _report

    class Args:
        days, first, last = 0, "2026-10-01", "2026-10-31"

    assert _report(Args()) == 0
    assert queued == [("workers.jobs.weekly_report", {"force": True, "days": None, "first": "2026-10-01",
                                                      "last": "2026-10-31"})]


def test_migration_step_creates_the_recipients_table(db):
    import migrations
    import models

    [(version, _, step)] = [s for s in migrations.STEPS if s[1].startswith("report recipients")]
    models.ReportRecipient.drop_table()
    from playhouse.migrate import migrate

    migrate(*step(migrations._migrator()))
    migrate(*step(migrations._migrator()))  # idempotent
    assert models.ReportRecipient.table_exists()
