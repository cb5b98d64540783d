"""The panel's fast paths at scale give what the slow ones gave: the stored current deadline
through every transition and the migration that adds it, the capped list count, the SQL
dashboard and weekly report against the former row-by-row sums, and the tuple-based CSV
export against Flask-Admin's model-based one."""
from __future__ import annotations

import csv
import io
import random
import statistics
from collections import Counter, defaultdict
from datetime import datetime, timedelta

import pytest
from flask_admin.model.base import BaseModelView
from playhouse.migrate import migrate

import migrations
import models
from core import status as st
from models import Category, Complaint, Desa, Opd, SchemaVersion, utcnow
from panel import dashboard
from panel.views import complaints as complaint_views
from services import stats
from services.feedback import closing as feedback
from services.complaints.status_door import Change, change_status
from tests.factories import make_complaint, make_official, make_reporter, opd
from tests.panelkit import app, client, logged_in  # noqa: F401 (fixtures)
from workers import reminders
from services.complaints import assignment

H = timedelta(hours=1)


def reload(complaint) -> Complaint:
    return Complaint.get_by_id(complaint.id)


def stored_due(complaint) -> datetime | None:
    """The stored column, checked against the model's rule and the SQL the migration uses."""
    fresh = reload(complaint)
    derived = Complaint.select(Complaint.due_now_sql()).where(Complaint.id == complaint.id).scalar()
    assert fresh.current_due == fresh.due_now() == _as_datetime(derived)
    return fresh.current_due


def _as_datetime(value):
    if isinstance(value, str):  # SQLite hands a CASE of datetimes back as text
        return datetime.fromisoformat(value)
    return value


# --- the stored current deadline ---------------------------------------------------------------
def test_stored_deadline_follows_every_transition(telegram):
    now = utcnow()
    staff = make_official()
    complaint = make_complaint(status=st.NEW, assigned_opd=None, assigned_desa=None, assigned_at=None,
                               response_due_at=None, resolution_due_at=None, created_at=now - 2 * H)
    assert stored_due(complaint) is None                                   # filed: nothing due yet

    assert assignment.assign(complaint.id, now=now - H) == "assigned"      # assign: the first answer's
    assigned = reload(complaint)
    assert stored_due(complaint) == assigned.response_due_at is not None

    change_status(complaint.id, Change(st.IN_PROGRESS, note="Dicek", actor=staff), now=now)  # first answer
    assert stored_due(complaint) == assigned.resolution_due_at

    reminders.sweep_deadlines(assigned.resolution_due_at + 2 * H)          # escalate: deadline unchanged
    assert reload(complaint).escalation_level >= 1
    assert stored_due(complaint) == assigned.resolution_due_at

    change_status(complaint.id, Change(st.RESOLVED, note="Sudah ditambal", actor=staff), now=now + H)
    assert stored_due(complaint) is None                                   # resolve: none

    resolution = Complaint.get_by_id(complaint.id).history.order_by(models.StatusChange.id.desc()).first()
    feedback.reopen(complaint.id, reload(complaint).reporter, "Masih berlubang", resolution=resolution.id,
                    now=now + 2 * H)
    reopened = reload(complaint)                                           # reopen: fresh first answer
    assert reopened.status == st.REOPENED and reopened.response_due_at > assigned.response_due_at
    assert stored_due(complaint) == reopened.response_due_at

    change_status(complaint.id, Change(st.IN_PROGRESS, note="Dicek lagi", actor=staff), now=now + 3 * H)
    assert stored_due(complaint) == reload(complaint).resolution_due_at
    change_status(complaint.id, Change(st.FORWARDED, note="Bukan wewenang kami", actor=staff, to_opd=opd("DLH")),
                  now=now + 4 * H)                                         # forward: the new office answers
    assert reload(complaint).first_response_at is None
    assert stored_due(complaint) == reopened.response_due_at
    assert assignment.assign(complaint.id, now=now + 5 * H) == "assigned"  # assigned again: new deadlines
    again = reload(complaint)
    assert again.assigned_opd.code == "DLH" and stored_due(complaint) == again.response_due_at
    assert again.response_due_at > reopened.response_due_at

    change_status(complaint.id, Change(st.REJECTED, note="Di luar wilayah", actor=make_official(opd="DLH")),
                  now=now + 6 * H)
    assert stored_due(complaint) is None                                   # reject: none


STEP_3_INDEXES = ["complaint_assigned_opd_id_status_current_due", "complaint_assigned_desa_id_status_current_due",
                  "complaint_status_current_due", "complaint_assigned_opd_id_current_due",
                  "complaint_assigned_desa_id_current_due", "complaint_current_due", "complaint_resolved_at",
                  "complaint_open_deadlines"]


def back_to_version_2() -> None:
    """The schema as version 2 had it: no stored deadline, the old list indexes."""
    migrator = migrations._migrator()
    table = Complaint._meta.table_name
    with models.db.atomic():
        migrate(*[migrator.drop_index(table, name) for name in STEP_3_INDEXES],
                migrator.drop_column(table, "current_due"),
                migrator.add_index(table, ("assigned_opd_id", "status", "response_due_at")),
                migrator.add_index(table, ("assigned_desa_id", "status", "response_due_at")))
        SchemaVersion.delete().execute()
        SchemaVersion.create(version=2)


def test_the_migration_adds_and_fills_the_stored_deadline(seeded):
    now = utcnow()
    rows = [make_complaint(),                                                       # response due
            make_complaint(status=st.IN_PROGRESS, first_response_at=now),           # resolution due
            make_complaint(status=st.IN_PROGRESS, response_due_at=None, first_response_at=None),
            make_complaint(status=st.CLOSED, first_response_at=now),                # finished: none
            make_complaint(status=st.NEW, response_due_at=None, resolution_due_at=None)]
    expected = {c.id: reload(c).due_now() for c in rows}
    assert any(expected.values()) and None in expected.values()
    back_to_version_2()
    table = Complaint._meta.table_name
    assert "current_due" not in {c.name for c in models.db.get_columns(table)}

    done = migrations.upgrade()
    assert done[0] == "3: complaints: stored current deadline (current_due) and the list indexes on it"
    assert len(done) == migrations.LATEST_VERSION - 2  # and the later steps
    assert {c.id: c.current_due for c in Complaint.select()} == expected
    indexes = {i.name for i in models.db.get_indexes(table)}
    assert set(STEP_3_INDEXES) <= indexes and "complaint_assigned_opd_id_status_response_due_at" not in indexes
    assert migrations.current_version() == migrations.LATEST_VERSION and migrations.upgrade() == []


# --- the capped count -----------------------------------------------------------------------------
def test_the_list_counts_up_to_the_cap_and_says_so(client, monkeypatch):
    made = [make_complaint() for _ in range(5)]
    monkeypatch.setattr(complaint_views.ComplaintView, "page_size_options", (2, 20, 50, 100))
    logged_in(client, models.ROLE_OPD_STAFF)
    page = client.get("/admin/complaint/?page_size=2").get_data(as_text=True)
    assert "(5)" in page and "count-capped" not in page                      # under the cap: exact

    monkeypatch.setattr(complaint_views, "COUNT_CAP", 3)
    page = client.get("/admin/complaint/?page_size=2").get_data(as_text=True)
    assert "(3+)" in page and "Lebih dari 3 aduan cocok" in page              # over it: "3+" and a hint
    assert "page=1" in page                                                   # the pager still goes on
    # Counting goes on from the page shown: the next page counts further (here: all, exactly).
    second = client.get("/admin/complaint/?page_size=2&page=1").get_data(as_text=True)
    assert sum(f">{c.tracking_code}<" in second for c in made) == 2 and "(5)" in second

    assert complaint_views.format_count(10000) == "10.000"                    # Indonesian outside a request
    count = complaint_views.CappedCount(10001)
    assert int(count) == 10001 and count.capped


def test_capped_count_is_the_count_below_the_cap(seeded):
    for _ in range(4):
        make_complaint()
    query = Complaint.select().order_by(Complaint.id).limit(2).offset(1)
    assert complaint_views.capped_count(query, 10) == 4 and not hasattr(complaint_views.capped_count(query, 10),
                                                                         "capped")
    capped = complaint_views.capped_count(query, 3)
    assert isinstance(capped, complaint_views.CappedCount) and int(capped) == 4


# --- the SQL dashboard and report against the former row-by-row sums -------------------------------
def _reference_dashboard(official, period_days, now):
    """The dashboard as it was computed before (every row read and summed in Python)."""
    from services import access

    start, step, buckets = dashboard.chart_frame(period_days, now)  # the days (or weeks) shown
    fields = (Complaint.id, Complaint.status, Complaint.created_at, Complaint.assigned_at,
              Complaint.first_response_at, Complaint.response_due_at, Complaint.resolution_due_at,
              Complaint.resolved_at, Complaint.rating, Complaint.assigned_opd, Complaint.assigned_desa,
              Complaint.reopen_count)
    recent_or_open = ((Complaint.created_at >= start) | Complaint.status.in_(list(st.OPEN))
                      | (Complaint.resolved_at >= start))
    rows = list(access.visible_complaints(official, Complaint.select(*fields).where(recent_or_open)).tuples())
    offices = {}
    for (_id, status, created, assigned, first, due, res_due, _res, rating, opd_id, desa_id, reopens) in rows:
        key = ("opd", opd_id) if opd_id else ("desa", desa_id) if desa_id else None
        if key is None:
            continue
        o = offices.setdefault(key, dict(received=0, due=0, on_time=0, overdue_now=0, reopened=0, hours=[],
                                         ratings=[]))
        if status in st.OPEN and stats.is_late(first, due, res_due, now):
            o["overdue_now"] += 1
        if created < start:
            continue
        o["received"] += 1
        o["reopened"] += int(reopens > 0)
        if rating:
            o["ratings"].append(rating)
        if first is not None:
            o["hours"].append(max(0.0, (first - (assigned or created)).total_seconds() / 3600))
        if due is not None and (first is not None or due <= now):
            o["due"] += 1
            o["on_time"] += int(first is not None and first <= due)
    table = {key: (o["received"], o["due"], o["on_time"], o["overdue_now"], o["reopened"],
                   round(statistics.median(o["hours"]), 1) if o["hours"] else None,
                   round(sum(o["ratings"]) / len(o["ratings"]), 1) if o["ratings"] else None)
             for key, o in offices.items()}
    received, resolved = defaultdict(int), defaultdict(int)
    for row in rows:
        if row[2] >= start:
            received[int((row[2] - start) / step)] += 1
        if row[7] is not None and row[7] >= start:
            resolved[int((row[7] - start) / step)] += 1
    series = [(start + i * step, received[i], resolved[i]) for i in range(buckets)]
    return table, Counter(r[1] for r in rows if r[2] >= start), series


def _many_complaints(now: datetime, count: int = 160) -> None:
    """A varied mix: every status, OPD and village offices, unrouted, answers before and after
    the deadline (and before the assignment), ratings 0..5, reopened, old and new."""
    rng = random.Random(9)
    categories = list(Category.select())
    villages = list(Desa.select().limit(4))
    reporter = make_reporter()
    for n in range(count):
        category = rng.choice(categories)
        days = 6 if rng.random() < 0.4 else 400
        created = now - timedelta(minutes=rng.randrange(days * 24 * 60))
        status = rng.choice(st.ALL)
        routed = status != st.NEW or rng.random() < 0.3
        assigned = created + timedelta(minutes=rng.randrange(1, 90)) if routed and rng.random() < 0.9 else None
        due = (assigned or created) + timedelta(hours=rng.choice((24, 48, 72))) if routed else None
        answered = status in (st.IN_PROGRESS, st.RESOLVED, st.CLOSED, st.REJECTED) or rng.random() < 0.2
        first = (created + timedelta(minutes=rng.randrange(-30, 100 * 60))) if answered and routed else None
        resolved = (first or created) + timedelta(hours=rng.randrange(1, 500)) if status in (
            st.RESOLVED, st.CLOSED) else None
        village = rng.choice(villages)
        make_complaint(
            category=category, desa=village, status=status, created_at=created, assigned_at=assigned,
            assigned_opd=(category.opd if routed and not category.village_level else None),
            assigned_desa=(village if routed and category.village_level else None),
            response_due_at=due, resolution_due_at=(due + timedelta(days=rng.randrange(-3, 20))) if due else None,
            first_response_at=first, resolved_at=resolved, rating=rng.choice((None, None, 0, 1, 3, 4, 5)),
            reopen_count=rng.choice((0, 0, 1, 2)), reporter=reporter)


@pytest.mark.parametrize("period", [7, 30, 365])
def test_sql_dashboard_gives_the_former_numbers(seeded, period):
    now = utcnow()
    _many_complaints(now)
    for official in (make_official(models.ROLE_MAIN_ADMIN, opd="DISKOMINFO"), make_official(opd="DPUTR"),
                     make_official(models.ROLE_OVERSIGHT)):
        data = dashboard.build(official, period, now)
        table, status_counts, series = _reference_dashboard(official, period, now)
        got = {(o.kind, o.office_id): (o.received, o.due, o.on_time, o.overdue_now, o.reopened,
                                       o.median_response_hours, o.average_rating) for o in data.offices}
        assert got == table
        assert data.status_counts == dict(status_counts)
        assert data.series == series
        assert sum(r for _, r, _ in series) > 0 and any(o.median_response_hours for o in data.offices)


def _reference_report(start, end, now):
    """The weekly report's office numbers as they were computed before."""
    rows = (Complaint.select(Complaint.status, Complaint.created_at, Complaint.assigned_at,
                             Complaint.first_response_at, Complaint.response_due_at, Complaint.resolution_due_at,
                             Complaint.rating, Complaint.reopen_count, Complaint.assigned_opd, Complaint.assigned_desa)
            .where(((Complaint.created_at >= start) & (Complaint.created_at < end))
                   | Complaint.status.in_(sorted(st.OPEN))).tuples())
    lines = {}
    for status, created, assigned, first, due, res_due, rating, reopens, opd_id, desa_id in rows:
        key = ("opd", opd_id) if opd_id else ("desa", desa_id) if desa_id else None
        if key is None:
            continue
        line = lines.setdefault(key, dict(received=0, due=0, answered_on_time=0, overdue_now=0, reopened=0,
                                          hours=[], ratings=[]))
        if status in st.OPEN and stats.is_late(first, due, res_due, now):
            line["overdue_now"] += 1
        if not start <= created < end:
            continue
        line["received"] += 1
        line["reopened"] += int(reopens > 0)
        if rating:
            line["ratings"].append(rating)
        if first is not None:
            line["hours"].append(max(0.0, (first - (assigned or created)).total_seconds() / 3600))
        if due is not None and (first is not None or due <= now):
            line["due"] += 1
            line["answered_on_time"] += int(first is not None and first <= due)
    result = {}
    for key, line in lines.items():
        hours, ratings = line.pop("hours"), line.pop("ratings")
        line["on_time_rate"] = round(100 * line["answered_on_time"] / line["due"], 1) if line["due"] else None
        line["median_first_response_hours"] = round(statistics.median(hours), 1) if hours else None
        line["avg_rating"] = round(sum(ratings) / len(ratings), 2) if ratings else None
        result[key] = line
    return result


def test_sql_report_gives_the_former_numbers(seeded):
    now = utcnow()
    _many_complaints(now)
    end = now - timedelta(days=2)
    start = end - timedelta(days=60)
    data = stats.compute_report(start, end, now)
    expected = _reference_report(start, end, now)
    got = {(o["kind"], o["id"]): {k: v for k, v in o.items() if k not in ("kind", "id", "name", "rating_count",
                                                                        "rating_sum")}
           for o in data["offices"]}
    assert got == expected
    assert list(data["offices"][0]) == ["kind", "id", "name", "received", "due", "answered_on_time", "overdue_now",
                                        "reopened", "on_time_rate", "median_first_response_hours", "avg_rating",
                                        "rating_count", "rating_sum"]
    names = {("opd", o.id): str(o) for o in Opd.select()} | {("desa", d.id): str(d) for d in Desa.select()}
    assert all(o["name"] == names[(o["kind"], o["id"])] for o in data["offices"])
    rates = [(o["on_time_rate"] is None, -(o["on_time_rate"] or 0), o["overdue_now"], o["name"]) for o in data["offices"]]
    assert rates == sorted(rates)  # most punctual first, as before


# --- the export ------------------------------------------------------------------------------------
def _csv(response):
    return list(csv.reader(io.StringIO(response.get_data(as_text=True))))


@pytest.mark.parametrize("role", [models.ROLE_MAIN_ADMIN, models.ROLE_OPD_STAFF])
def test_export_lines_read_as_the_model_rows_did(client, monkeypatch, role):
    now = utcnow()
    filer = make_official(models.ROLE_MAIN_ADMIN, opd="DISKOMINFO", full_name="Petugas Pengadu")
    village = Desa.get(Desa.code == "61.04.01.2011")
    make_complaint(is_anonymous=True, rating=4, description="+SUM(A1)")
    by_official = make_complaint(filed_by_official=filer, address_text="Jl. Merdeka", desa=None)
    Complaint.update(reporter=None).where(Complaint.id == by_official.id).execute()  # filed at the desk
    make_complaint(category=Category.get(Category.code == "infra_desa"), assigned_opd=None, assigned_desa=village)
    make_complaint(status=st.RESOLVED, first_response_at=now - H, resolved_at=now, escalation_level=2)
    make_complaint(status=st.IN_PROGRESS, first_response_at=now - 3 * H, response_due_at=now - 5 * H)
    make_complaint(category=None, is_confidential=True, response_due_at=now - 2 * H)
    make_complaint(status=st.NEW, assigned_opd=None, response_due_at=None, resolution_due_at=None)
    if role == models.ROLE_MAIN_ADMIN:
        logged_in(client, role, opd="DISKOMINFO")
    else:
        logged_in(client, role)
    for query in ("", "?flt0_1=1", "?sort=1&desc=1"):
        fast = _csv(client.get("/admin/complaint/export/csv/" + query))
        with monkeypatch.context() as patched:
            patched.setattr(complaint_views.ComplaintView, "_export_data", BaseModelView._export_data)
            slow = _csv(client.get("/admin/complaint/export/csv/" + query))
        assert fast == slow and len(fast) > 1
    rows = _csv(client.get("/admin/complaint/export/csv/"))
    if role == models.ROLE_MAIN_ADMIN:
        assert len(rows) == 8 and any("Petugas Pengadu" in r and "Jl. Merdeka" in r for r in rows)
        assert any(r[rows[0].index("Isi aduan")] == "'+SUM(A1)" for r in rows)
