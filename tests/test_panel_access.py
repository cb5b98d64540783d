"""What each role reaches, tried through the URLs themselves: list rows, complaint pages,
CSV exports, photos, actions, edit forms, and other offices' ids typed into the URL."""
import csv
import io

import pytest

import models
from core import status as st
from models import Category, Desa, Photo
from tests.factories import make_complaint, make_reporter
from tests.panelkit import app, client, logged_in, post_form  # noqa: F401 (fixtures)

OTHER_VILLAGE = "61.04.01.2012"


@pytest.fixture
def world(seeded, tmp_path):
    """One complaint of each kind the rules tell apart, each with a photo on disk."""
    village = Category.get(Category.code == "infra_desa")
    made = {
        "dputr": make_complaint(),
        "dlh": make_complaint(category=Category.get(Category.code == "sampah")),
        "village": make_complaint(category=village),
        "other_village": make_complaint(category=village, desa=Desa.get(Desa.code == OTHER_VILLAGE)),
        "confidential": make_complaint(is_confidential=True),
        "anonymous": make_complaint(is_anonymous=True, reporter=make_reporter(first_name="Rahasia", last_name="Sekali")),
    }
    for key, complaint in made.items():
        path = f"{key}.jpg"
        (tmp_path / "media" / path).write_bytes(b"\xff\xd8\xff\xe0 fake jpeg " + key.encode())
        Photo.create(complaint=complaint, path=path)
    return made


SEES = {
    models.ROLE_MAIN_ADMIN: {"dputr", "dlh", "village", "other_village", "confidential", "anonymous"},
    models.ROLE_OPD_ADMIN: {"dputr", "confidential", "anonymous"},
    models.ROLE_OPD_STAFF: {"dputr", "confidential", "anonymous"},
    models.ROLE_VILLAGE_HEAD: {"village"},
    models.ROLE_VILLAGE_OFFICIAL: {"village"},
    models.ROLE_OVERSIGHT: {"dputr", "dlh", "village", "other_village", "anonymous"},
}
OFFICE = {models.ROLE_MAIN_ADMIN: {"opd": "DISKOMINFO"}}


def _codes(text: str, world) -> set[str]:
    return {key for key, c in world.items() if c.tracking_code in text}


@pytest.mark.parametrize("role", list(SEES))
def test_each_role_reaches_exactly_its_complaints(client, world, role):
    logged_in(client, role, **OFFICE.get(role, {}))
    listing = client.get("/admin/complaint/?page_size=100")
    assert listing.status_code == 200
    assert _codes(listing.get_data(as_text=True), world) == SEES[role]
    export = client.get("/admin/complaint/export/csv/")
    rows = list(csv.reader(io.StringIO(export.get_data(as_text=True))))
    assert {row[0] for row in rows[1:]} == {world[k].tracking_code for k in SEES[role]}
    for key, complaint in world.items():
        page = client.get(f"/admin/complaint/details/?id={complaint.id}")
        photo = client.get(f"/media/photo/{complaint.photos.get().id}")
        expected = 200 if key in SEES[role] else 404
        assert (page.status_code, photo.status_code) == (expected, expected), (key, role)
        if expected == 200:
            assert photo.get_data().endswith(key.encode())


@pytest.mark.parametrize("role", list(SEES))
def test_other_offices_ids_cannot_be_acted_on(client, world, role):
    me = logged_in(client, role, **OFFICE.get(role, {}))
    for key, complaint in world.items():
        page_url = "/admin/"
        response = post_form(client, page_url, f"/admin/complaint/act/note/?id={complaint.id}", {"note-note": "cek"})
        if key not in SEES[role]:
            assert response.status_code == 404, (key, role)
        elif role == models.ROLE_OVERSIGHT:
            assert response.status_code == 403, key
        else:
            assert response.status_code == 302, key
    notes = models.StatusChange.select().where(models.StatusChange.actor_official == me.id)
    assert {n.complaint_id for n in notes} == (set() if role == models.ROLE_OVERSIGHT
                                               else {world[k].id for k in SEES[role]})


def test_anonymous_reporter_is_shown_to_the_main_admin_only(client, app, world):
    complaint = world["anonymous"]
    for role in (models.ROLE_OPD_STAFF, models.ROLE_OPD_ADMIN, models.ROLE_OVERSIGHT):
        viewer = app.test_client()
        logged_in(viewer, role)
        page = viewer.get(f"/admin/complaint/details/?id={complaint.id}").get_data(as_text=True)
        assert "Rahasia Sekali" not in page and "Pelapor memilih anonim" in page
        export = viewer.get("/admin/complaint/export/csv/").get_data(as_text=True)
        assert "Rahasia Sekali" not in export and "(anonim)" in export
        search = viewer.get("/admin/complaint/?search=Rahasia").get_data(as_text=True)
        assert f">{complaint.tracking_code}<" not in search  # no search by the hidden name either
    logged_in(client, models.ROLE_MAIN_ADMIN, opd="DISKOMINFO")
    page = client.get(f"/admin/complaint/details/?id={complaint.id}").get_data(as_text=True)
    assert "Rahasia Sekali" in page
    assert "Rahasia Sekali" in client.get("/admin/complaint/export/csv/").get_data(as_text=True)


def test_named_reporter_is_shown_to_the_office(client, world):
    logged_in(client, models.ROLE_OPD_STAFF)
    page = client.get(f"/admin/complaint/details/?id={world['dputr'].id}").get_data(as_text=True)
    assert world["dputr"].reporter.first_name in page


def test_confidential_complaint_leaves_no_trace_outside_its_office(client, app, world):
    code = world["confidential"].tracking_code
    logged_in(client, models.ROLE_OVERSIGHT)
    for url in ("/admin/", "/admin/complaint/?search=" + code, "/admin/complaint/export/csv/",
                "/admin/export/offices.csv"):
        page = client.get(url).get_data(as_text=True)
        assert f">{code}<" not in page and f"\n{code}," not in page, url  # the search box echoes the term
    dlh = app.test_client()
    logged_in(dlh, models.ROLE_OPD_STAFF, opd="DLH")
    assert f">{code}<" not in dlh.get("/admin/complaint/?search=" + code).get_data(as_text=True)


def test_forms_that_edit_are_gated_by_role(client, app, world):
    opd_row = models.Opd.get(models.Opd.code == "DPUTR")
    unrouted = make_complaint(status=st.NEW, assigned_opd=None, routing_problem="no_village")
    urls = [f"/admin/routing/edit/?id={unrouted.id}", f"/admin/opd/edit/?id={opd_row.id}",
            "/admin/opd/new/", "/admin/category/new/", "/admin/official/", "/admin/official/new/",
            "/admin/regions/", "/admin/holiday/new/"]
    for role, expected in ((models.ROLE_OPD_STAFF, 403), (models.ROLE_VILLAGE_HEAD, 403),
                           (models.ROLE_OVERSIGHT, 403), (models.ROLE_MAIN_ADMIN, 200)):
        viewer = app.test_client()
        logged_in(viewer, role, **OFFICE.get(role, {}))
        for url in urls:
            assert viewer.get(url).status_code == expected, (role, url)
    # complaints have no generic edit form at all: their changes go through the status door
    logged_in(client, models.ROLE_MAIN_ADMIN, opd="DISKOMINFO")
    response = client.get(f"/admin/complaint/edit/?id={world['dputr'].id}")
    assert response.status_code == 302 and "/edit/" not in response.headers["Location"]


def test_oversight_reads_the_directory_but_changes_nothing(client):
    logged_in(client, models.ROLE_OVERSIGHT)
    page = client.get("/admin/opd/")
    assert page.status_code == 200 and "Dinas PUTR" in page.get_data(as_text=True)
    opd_row = models.Opd.get(models.Opd.code == "DPUTR")
    response = post_form(client, "/admin/opd/", f"/admin/opd/edit/?id={opd_row.id}", {"name": "Diganti"})
    assert response.status_code == 403
    assert models.Opd.get_by_id(opd_row.id).name != "Diganti"


def test_menu_shows_each_role_its_pages(client, app):
    logged_in(client, models.ROLE_OPD_STAFF)
    page = client.get("/admin/").get_data(as_text=True)
    assert "Aduan" in page and "Template jawaban" in page
    assert "Data induk" not in page and "Perlu dirutekan" not in page
    admin = app.test_client()
    logged_in(admin, models.ROLE_MAIN_ADMIN, opd="DISKOMINFO")
    page = admin.get("/admin/").get_data(as_text=True)
    assert "Data induk" in page and "Perlu dirutekan" in page and "Akun petugas" in page


def test_malformed_ids_are_not_found(client, world):
    logged_in(client, models.ROLE_MAIN_ADMIN, opd="DISKOMINFO")
    for bad in ("abc", "1 OR 1=1", "", "99999999"):
        assert client.get(f"/admin/complaint/details/?id={bad}").status_code == 404, bad


def test_status_of_finished_complaint_offers_no_actions(client, world):
    models.Complaint.update(status=st.CLOSED).where(models.Complaint.id == world["dputr"].id).execute()
    logged_in(client, models.ROLE_OPD_STAFF)
    response = post_form(client, "/admin/", f"/admin/complaint/act/accept/?id={world['dputr'].id}", {})
    assert response.status_code == 403
