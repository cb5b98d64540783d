"""How offices answer: dashboard numbers, list filters and sorting, CSV exports."""
import csv
import io
from datetime import timedelta

import models
from core import status as st
from models import Category, Desa, utcnow
from panel import dashboard
from tests.factories import make_complaint, make_official
from tests.panelkit import app, client, logged_in  # noqa: F401 (fixtures)


def _csv(response):
    return list(csv.reader(io.StringIO(response.get_data(as_text=True))))


def test_office_numbers(seeded):
    now = utcnow()
    sampah = Category.get(Category.code == "sampah")
    # DPUTR: answered in 2 h (on time), answered late after 60 h, unanswered and overdue, one not yet due
    make_complaint(created_at=now - timedelta(days=3), assigned_at=now - timedelta(days=3),
                   first_response_at=now - timedelta(days=3) + timedelta(hours=2),
                   response_due_at=now - timedelta(days=1), status=st.RESOLVED, rating=5)
    make_complaint(created_at=now - timedelta(days=5), assigned_at=now - timedelta(days=5),
                   first_response_at=now - timedelta(days=5) + timedelta(hours=60),
                   response_due_at=now - timedelta(days=3), status=st.IN_PROGRESS, rating=3,
                   resolution_due_at=now + timedelta(days=9))
    make_complaint(created_at=now - timedelta(days=4), response_due_at=now - timedelta(days=2))
    make_complaint(created_at=now - timedelta(hours=1), response_due_at=now + timedelta(hours=47))
    make_complaint(category=sampah, created_at=now - timedelta(days=40), response_due_at=now - timedelta(days=38))
    admin = make_official(models.ROLE_MAIN_ADMIN, opd="DISKOMINFO")
    data = dashboard.build(admin, 30, now)
    by_name = {o.name: o for o in data.offices}
    putr = by_name["Dinas PUTR"]
    assert (putr.received, putr.due, putr.on_time, putr.overdue_now) == (4, 3, 1, 1)
    assert putr.on_time_rate == 33 and putr.median_response_hours == 31.0 and putr.average_rating == 4.0
    dlh = by_name["DLH"]  # filed before the period, still overdue now
    assert (dlh.received, dlh.overdue_now) == (0, 1)
    assert data.status_counts[st.ASSIGNED] == 2 and data.status_counts[st.RESOLVED] == 1
    assert sum(r for _, r, _ in data.series) == 4 and sum(s for _, _, s in data.series) == 0
    worst = [c.tracking_code for c in data.worst_overdue]
    assert len(worst) == 2 and worst[0].startswith("TST")  # DLH's is the oldest deadline
    assert data.worst_overdue[0].assigned_opd.code == "DLH"


def test_dashboard_is_scoped_to_the_viewer(client, app):
    make_complaint(description="Jalan A")
    make_complaint(category=Category.get(Category.code == "sampah"))
    logged_in(client, models.ROLE_OPD_STAFF)
    page = client.get("/admin/").get_data(as_text=True)
    assert "Dinas PUTR" in page and ">DLH <" not in page and "DLH <small" not in page
    rows = _csv(client.get("/admin/export/offices.csv?days=30"))
    assert [r[1] for r in rows[1:]] == ["Dinas PUTR"] and rows[0][0] == "Jenis"
    admin = app.test_client()
    logged_in(admin, models.ROLE_MAIN_ADMIN, opd="DISKOMINFO")
    rows = _csv(admin.get("/admin/export/offices.csv"))
    assert sorted(r[1] for r in rows[1:]) == ["DLH", "Dinas PUTR"]


def test_quick_filters_and_filters(client):
    now = utcnow()
    late = make_complaint(response_due_at=now - timedelta(hours=5), escalation_level=1)
    fresh = make_complaint()
    done = make_complaint(status=st.RESOLVED, response_due_at=now - timedelta(days=3),
                          first_response_at=now - timedelta(days=4))
    other_kec = make_complaint(desa=Desa.get(Desa.code == "61.04.02.2001"))
    old = make_complaint(created_at=now - timedelta(days=20))
    logged_in(client, models.ROLE_OPD_STAFF)

    def codes(query):
        page = client.get("/admin/complaint/?" + query).get_data(as_text=True)
        return {c for c in (late, fresh, done, other_kec, old) if f">{c.tracking_code}<" in page}

    assert codes("flt0_2=1") == {late}                      # overdue
    assert codes("flt0_3=1") == {late}                      # escalated
    assert codes("flt0_1=1") == {late, fresh, other_kec, old}  # open
    assert codes(f"flt0_0={st.RESOLVED}") == {done}         # status
    kec = Desa.get(Desa.code == "61.04.02.2001").kecamatan_id
    assert codes(f"flt0_6={kec}") == {other_kec}            # kecamatan
    assert codes("flt0_7=sungai putri") == {late, fresh, done, old}  # village name
    since = (now - timedelta(days=2)).date().isoformat()
    assert old not in codes(f"flt0_8={since}") and fresh in codes(f"flt0_8={since}")
    assert codes(f"search={late.tracking_code}") == {late}
    page = client.get("/admin/complaint/?flt0_2=1").get_data(as_text=True)
    assert "btn-primary" in page.split("Terlambat")[0].rsplit("<a", 1)[1]  # the quick filter shows as chosen


def test_list_is_sorted_by_the_deadline_being_worked_against(client):
    now = utcnow()
    answered_soon = make_complaint(status=st.IN_PROGRESS, first_response_at=now - timedelta(hours=1),
                                   response_due_at=now + timedelta(hours=1), resolution_due_at=now + timedelta(hours=3))
    late = make_complaint(response_due_at=now - timedelta(hours=2))
    later = make_complaint(response_due_at=now + timedelta(hours=30))
    finished = make_complaint(status=st.CLOSED, response_due_at=now - timedelta(days=9))
    logged_in(client, models.ROLE_OPD_STAFF)
    page = client.get("/admin/complaint/?all=1").get_data(as_text=True)  # staff's bare list: open ones only
    order = sorted((page.index(f">{c.tracking_code}<"), c) for c in (answered_soon, late, later, finished))
    assert [c for _, c in order] == [late, answered_soon, later, finished]
    assert "terlambat 2 jam" in page and "sisa 2 jam" in page


def test_export_follows_the_filters_and_defuses_formulas(client):
    now = utcnow()
    late = make_complaint(response_due_at=now - timedelta(hours=5), description="=HYPERLINK(\"http://x\")")
    make_complaint()
    logged_in(client, models.ROLE_OPD_STAFF)
    rows = _csv(client.get("/admin/complaint/export/csv/?flt0_2=1"))
    assert rows[0][:3] == ["Kode", "Masuk", "Kategori"]
    assert [r[0] for r in rows[1:]] == [late.tracking_code]
    description = rows[1][rows[0].index("Isi aduan")]
    assert description.startswith("'=HYPERLINK")
    assert rows[1][rows[0].index("Status")] == "Diteruskan"
