"""Staff's day in the panel: where each role lands after login ("needs my action" for an
office's people), the open-first list, the map link, the CSV with ISO dates and coordinates,
and the dashboard chart's last bar being today."""
from __future__ import annotations

import csv
import io
import re
from datetime import datetime, timedelta

import pytest

import models
from core import status as st
from core.timefmt import MONTHS_ID, to_local
from models import utcnow
from tests.factories import make_complaint, make_official
from tests.panelkit import app, client, login  # noqa: F401 (fixtures)


@pytest.mark.parametrize("role, home", [
    (models.ROLE_OPD_STAFF, "/admin/complaint/?flt0_1=1"),
    (models.ROLE_OPD_ADMIN, "/admin/complaint/?flt0_1=1"),
    (models.ROLE_VILLAGE_HEAD, "/admin/complaint/?flt0_1=1"),
    (models.ROLE_VILLAGE_OFFICIAL, "/admin/complaint/?flt0_1=1"),
    (models.ROLE_OVERSIGHT, "/admin/reports/"),
    (models.ROLE_MAIN_ADMIN, "/admin/"),
])
def test_each_role_lands_on_its_home(client, role, home):
    official = make_official(role, **({"opd": "DISKOMINFO"} if role == models.ROLE_MAIN_ADMIN else {}))
    response = login(client, official)
    assert response.status_code == 200
    assert response.request.full_path.rstrip("?") == home
    # The panel's bare address and the login page, once logged in, lead to the same home.
    root = client.get("/", follow_redirects=True)
    assert root.request.full_path.rstrip("?") == home
    assert client.get("/login", follow_redirects=True).request.full_path.rstrip("?") == home


def test_staff_list_is_needs_my_action_open_and_oldest_deadline_first(client):
    now = utcnow()
    later = make_complaint(response_due_at=now + timedelta(hours=30))
    late = make_complaint(response_due_at=now - timedelta(hours=5))
    closed = make_complaint(status=st.CLOSED, response_due_at=now - timedelta(days=9))
    resolved = make_complaint(status=st.RESOLVED, response_due_at=now - timedelta(days=8))
    page = login(client, make_official(models.ROLE_OPD_STAFF)).get_data(as_text=True)
    assert "Perlu tindakan saya" in page
    assert closed.tracking_code not in page and resolved.tracking_code not in page
    assert page.index(late.tracking_code) < page.index(later.tracking_code)
    everything = client.get("/admin/complaint/?all=1").get_data(as_text=True)  # "Semua" still shows all
    assert closed.tracking_code in everything and "Perlu tindakan saya" not in everything
    admin = client.application.test_client()
    login(admin, make_official(models.ROLE_MAIN_ADMIN, opd="DISKOMINFO"))
    bare = admin.get("/admin/complaint/")  # the main admin's bare list stays every status
    assert bare.status_code == 200 and closed.tracking_code in bare.get_data(as_text=True)


def test_complaint_page_links_the_coordinates_to_a_map(client):
    complaint = make_complaint(latitude=-1.8512345, longitude=109.9712345)
    login(client, make_official(models.ROLE_OPD_STAFF))
    page = client.get(f"/admin/complaint/details/?id={complaint.id}").get_data(as_text=True)
    assert ('href="https://www.openstreetmap.org/?mlat=-1.851234&amp;mlon=109.971234#map=18/-1.851234/109.971234"'
            in page.replace("-1.851235", "-1.851234").replace("109.971235", "109.971234"))
    assert re.search(r'href="geo:-1\.85123\d,109\.97123\d"', page)


def test_export_has_iso_dates_and_coordinates(client):
    created = datetime(2026, 11, 3, 1, 30)  # 08.30 WIB
    make_complaint(created_at=created, assigned_at=created, response_due_at=created + timedelta(hours=48),
                   resolution_due_at=None, latitude=-1.85, longitude=109.97, first_response_at=None)
    login(client, make_official(models.ROLE_OPD_STAFF))
    for lang in ("id", "en"):
        if lang == "en":
            client.post("/lang/en", data={"csrf_token": re.search(
                r'name="csrf_token" value="([^"]+)"', client.get("/admin/").get_data(as_text=True)).group(1)})
        rows = list(csv.reader(io.StringIO(client.get("/admin/complaint/export/csv/?all=1").get_data(as_text=True))))
        head, line = rows[0], rows[1]
        assert line[head.index("Masuk" if lang == "id" else "Filed")] == "2026-11-03T08:30:00+07:00"
        due = "Batas tanggapan" if lang == "id" else "Response due"
        assert line[head.index(due)] == "2026-11-05T08:30:00+07:00"
        assert line[head.index("Tanggapan pertama" if lang == "id" else "First response")] == ""  # none: empty
        assert line[head.index("Lintang" if lang == "id" else "Latitude")] == "-1.85"
        assert line[head.index("Bujur" if lang == "id" else "Longitude")] == "109.97"


def test_dashboard_chart_labels_the_last_bar_today(client):
    make_complaint()  # filed now: counted in today's bar
    login(client, make_official(models.ROLE_MAIN_ADMIN, opd="DISKOMINFO"))
    page = client.get("/admin/?days=7").get_data(as_text=True)
    labels = re.findall(r'class="chart-label">([^<]+)</text>', page)
    today = to_local(utcnow(), "Asia/Jakarta").date()
    assert len(labels) == 7
    assert labels[-1] == f"{today.day} {MONTHS_ID[today.month - 1]}"
    first = today - timedelta(days=6)
    assert labels[0] == f"{first.day} {MONTHS_ID[first.month - 1]}"
    titles = re.findall(r'<rect class="bar-received"[^>]*><title>([^<]+)</title>', page)
    assert titles[-1].endswith(": 1") and all(t.endswith(": 0") for t in titles[:-1])
