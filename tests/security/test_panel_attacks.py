"""Bad input against the panel, as an attacker or a careless hand would send it: impossible
ids, numbers no database column holds, NUL characters, forged choices in forms, formulas in
names that end up in CSV files, replayed and forged session cookies. Each case says what it
must get: a clear answer (404, 400, or the form again with the field marked), and nothing
stored, changed or shown that was not before.
"""
from __future__ import annotations

import csv
import io
import re

import pytest
import models
from core import status as st
from models import Complaint, Official, Opd, Photo, ResponseTemplate, StatusChange
from panel.views.complaints import ComplaintView
from tests.factories import PASSWORD, make_complaint, make_official
from tests.panelkit import app, client, csrf_from, logged_in, post_form  # noqa: F401 (fixtures)

BIG = "99999999999999999999"          # more than any 64-bit id
JUST_OVER = str(2**63)                # one past the largest id PostgreSQL's bigint holds
NOT_FOUND = "Halaman atau data tidak ditemukan"
UNREADABLE = "Permintaan tidak dapat dibaca"


@pytest.fixture
def staff(client, seeded):
    """An OPD staff member of DPUTR, logged in, and one complaint of theirs with a photo."""
    official = logged_in(client, models.ROLE_OPD_STAFF)
    complaint = make_complaint()
    Photo.create(complaint=complaint, path="x.jpg")
    return official


@pytest.fixture
def admin(client, seeded):
    return logged_in(client, models.ROLE_MAIN_ADMIN)


# --- ids no row can have: 404, the panel's own page, no database error -------------------
BAD_IDS = [BIG, JUST_OVER, "-1", "0", "abc", "１", "", "1e3", "0x10", " 1 2", "1.0"]


@pytest.mark.parametrize("raw", BAD_IDS)
def test_impossible_complaint_ids_are_not_found(client, staff, raw):
    response = client.get("/admin/complaint/details/", query_string={"id": raw})
    assert response.status_code == 404
    assert NOT_FOUND in response.get_data(as_text=True)


@pytest.mark.parametrize("url", [
    f"/media/photo/{BIG}", f"/media/photo/{JUST_OVER}", "/media/photo/0", "/media/photo/-1",
    f"/admin/complaint/?page={BIG}", "/admin/complaint/?page=-1",
    f"/admin/responsetemplate/details/?id={BIG}", f"/admin/responsetemplate/details/?id={JUST_OVER}",
])
def test_impossible_ids_elsewhere_are_not_found(client, staff, url):
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("url", [
    f"/admin/official/details/?id={BIG}", f"/admin/official/edit/?id={BIG}", f"/admin/opd/edit/?id={JUST_OVER}",
    f"/admin/routing/edit/?id={BIG}", f"/admin/desa/details/?id={BIG}", f"/admin/holiday/edit/?id=-7",
])
def test_impossible_ids_in_the_main_admins_pages_are_not_found(client, admin, url):
    assert client.get(url).status_code == 404


def test_impossible_id_in_an_action_changes_nothing(client, staff):
    complaint = Complaint.select().where(Complaint.assigned_opd == staff.opd_id).get()
    response = post_form(client, f"/admin/complaint/details/?id={complaint.id}",
                         f"/admin/complaint/act/accept/?id={BIG}", {"accept-note": "x"})
    assert response.status_code == 404
    assert Complaint.get_by_id(complaint.id).status == st.ASSIGNED
    assert StatusChange.select().where(StatusChange.complaint == complaint).count() == 0


# --- filter values: the filter is refused with a message, the list still answers ----------
def _filter_arg(app, index: int) -> str:
    view = next(v for v in app.extensions["admin"][0]._views if isinstance(v, ComplaintView))
    with app.test_request_context():
        view._refresh_filters_cache()
        return f"flt0_{view.get_filter_arg(index, view._filters[index])}"


@pytest.mark.parametrize("index, value", [
    (4, BIG), (5, JUST_OVER), (6, "-5"), (4, "kategori"), (8, "9999-12-31"), (9, "9999-12-31"),
    (8, "0001-01-01"), (9, "kemarin"), (0, "status-palsu"), (1, "2"),
])
def test_impossible_filter_values_are_refused_and_the_list_still_shows(app, client, staff, index, value):
    response = client.get("/admin/complaint/", query_string={_filter_arg(app, index): value})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Nilai saringan tidak valid" in page
    assert Complaint.select().where(Complaint.assigned_opd == staff.opd_id).get().tracking_code in page


def test_a_village_name_filter_of_wildcards_matches_only_names(app, client, staff):
    response = client.get("/admin/complaint/", query_string={_filter_arg(app, 7): "%_%"})
    assert response.status_code == 200
    assert "TST-" not in response.get_data(as_text=True)  # no village is named "%_%"


# --- NUL characters and oversized text ---------------------------------------------------
@pytest.mark.parametrize("url", ["/admin/complaint/?search=%00", "/admin/complaint/details/?id=1%00",
                                 "/admin/complaint/?flt0_7=a%00b", "/admin/responsetemplate/ajax/lookup/?name=desa&query=%00"])
def test_nul_characters_are_answered_400(client, staff, url):
    response = client.get(url)
    assert response.status_code == 400
    assert UNREADABLE in response.get_data(as_text=True)


def test_nul_in_the_login_form_is_400_and_counts_nothing(client, seeded, redis_conn):
    page = client.get("/login")
    response = client.post("/login", data={"username": "admin\x00", "password": "x",
                                           "csrf_token": csrf_from(page.get_data(as_text=True))})
    assert response.status_code == 400
    assert redis_conn.keys("*login-fail*") == []


@pytest.mark.parametrize("search", ["jalan " * 2000, "x" * 20000])
def test_a_very_long_search_answers_the_list_with_its_first_words(client, staff, search):
    complaint = Complaint.select().where(Complaint.assigned_opd == staff.opd_id).get()
    response = client.get("/admin/complaint/", query_string={"search": search})
    assert response.status_code == 200
    assert (complaint.tracking_code in response.get_data(as_text=True)) == search.startswith("jalan")
    assert client.get("/admin/complaint/export/csv/", query_string={"search": search}).status_code == 200


@pytest.mark.parametrize("query", [{"offset": BIG}, {"offset": "-1"}, {"limit": BIG}, {"limit": "-3"}])
def test_village_search_keeps_offset_and_limit_in_range(client, admin, query):
    response = client.get("/admin/official/ajax/lookup/", query_string={"name": "desa", "query": "Sungai", **query})
    assert response.status_code == 200
    assert isinstance(response.get_json(), list) and len(response.get_json()) <= 50


def test_the_dashboard_ignores_an_impossible_period(client, staff):
    response = client.get(f"/admin/?days={BIG}")
    assert response.status_code == 200
    export = client.get(f"/admin/export/offices.csv?days={BIG}")
    assert export.status_code == 200 and "kinerja-30-hari.csv" in export.headers["Content-Disposition"]


# --- forged choices in forms: the field is marked, nothing is stored ----------------------
@pytest.mark.parametrize("field, value", [("opd", BIG), ("opd", "abc"), ("opd", "-1")])
def test_forged_office_in_a_new_account_is_refused(client, admin, field, value):
    before = Official.select().count()
    response = post_form(client, "/admin/official/new/", "/admin/official/new/",
                         {"username": "siti.baru", "full_name": "Siti", "role": models.ROLE_OPD_STAFF,
                          field: value, "language": "id", "password": "kata-sandi-panjang-sekali"})
    assert response.status_code == 200
    assert "Pilihan tidak sah" in response.get_data(as_text=True)
    assert Official.select().count() == before


@pytest.mark.parametrize("value", [BIG, JUST_OVER, "abc"])
def test_forged_village_in_a_new_account_is_refused(client, admin, value):
    response = post_form(client, "/admin/official/new/", "/admin/official/new/",
                         {"username": "kades.baru", "role": models.ROLE_VILLAGE_HEAD, "desa": value,
                          "language": "id", "password": "kata-sandi-panjang-sekali"})
    assert response.status_code == 200
    assert "Pilihan tidak sah" in response.get_data(as_text=True)
    assert not Official.select().where(Official.username == "kades.baru").exists()


def test_forged_category_in_routing_leaves_the_complaint_as_it_was(client, admin):
    complaint = make_complaint(status=st.NEW, assigned_opd=None, routing_problem="no_village")
    url = f"/admin/routing/edit/?id={complaint.id}"
    response = post_form(client, url, url, {"category": BIG})
    assert response.status_code == 200
    assert "Pilihan tidak sah" in response.get_data(as_text=True)
    assert Complaint.get_by_id(complaint.id).category_id == complaint.category_id


def test_forged_office_in_a_template_stores_nothing(client, admin):
    response = post_form(client, "/admin/responsetemplate/new/", "/admin/responsetemplate/new/",
                         {"opd": BIG, "title": "Palsu", "text": "Tidak boleh tersimpan."})
    assert response.status_code == 200
    assert not ResponseTemplate.select().where(ResponseTemplate.title == "Palsu").exists()


@pytest.mark.parametrize("target", [f"opd:{BIG}", "opd:-1", "desa:abc", "opd:1 OR 1=1", ""])
def test_forged_forward_target_changes_nothing(client, staff, target):
    complaint = Complaint.select().where(Complaint.assigned_opd == staff.opd_id).get()
    response = post_form(client, f"/admin/complaint/details/?id={complaint.id}",
                         f"/admin/complaint/act/forward/?id={complaint.id}",
                         {"forward-target": target, "forward-note": "Bukan wewenang kami."}, follow_redirects=True)
    assert response.status_code == 200
    assert "alert-danger" in response.get_data(as_text=True) or "error" in response.get_data(as_text=True)
    after = Complaint.get_by_id(complaint.id)
    assert (after.status, after.assigned_opd_id) == (st.ASSIGNED, staff.opd_id)


def test_an_unknown_action_is_refused(client, staff):
    complaint = Complaint.select().where(Complaint.assigned_opd == staff.opd_id).get()
    response = post_form(client, f"/admin/complaint/details/?id={complaint.id}",
                         f"/admin/complaint/act/delete/?id={complaint.id}", {})
    assert response.status_code == 403
    assert Complaint.get_by_id(complaint.id).status == st.ASSIGNED


def test_an_action_without_the_csrf_token_is_refused(client, staff):
    complaint = Complaint.select().where(Complaint.assigned_opd == staff.opd_id).get()
    response = client.post(f"/admin/complaint/act/note/?id={complaint.id}", data={"note-note": "Catatan palsu"})
    assert response.status_code == 400
    assert StatusChange.select().where(StatusChange.complaint == complaint).count() == 0


# --- where the panel sends people after a login: only to itself --------------------------
@pytest.mark.parametrize("target", ["//evil.example/", "https://evil.example/", "/\\evil.example", "javascript:alert(1)"])
def test_login_never_redirects_off_the_site(client, seeded, target):
    official = make_official(models.ROLE_OPD_STAFF)
    page = client.get("/login", query_string={"next": target})
    response = client.post("/login", query_string={"next": target},
                           data={"username": official.username, "password": PASSWORD,
                                 "csrf_token": csrf_from(page.get_data(as_text=True))})
    location = response.headers["Location"]
    assert response.status_code == 302
    assert location.startswith("/") and not location.startswith("//") and "\\" not in location
    assert "evil" not in location and location.endswith("/admin/complaint/")  # staff's own home


# --- CSV files: a cell never starts a formula --------------------------------------------
NUMBER = re.compile(r"^-?\d+(\.\d+)?$")
FORMULAS = ["=HYPERLINK(\"http://evil.example\",\"klik\")", "+1+1", "-2+3", "@SUM(A1)", "\t=1", " =1"]


@pytest.mark.parametrize("name", FORMULAS)
def test_office_names_in_the_dashboard_csv_start_no_formula(client, seeded, name):
    Opd.update(name=name, short_name=name).where(Opd.code == "DPUTR").execute()
    make_complaint()
    logged_in(client, models.ROLE_MAIN_ADMIN)
    rows = list(csv.reader(io.StringIO(client.get("/admin/export/offices.csv").get_data(as_text=True))))
    offices = [row[1] for row in rows[1:]]
    assert "'" + name in offices
    assert not any(cell.lstrip(" ")[:1] in "=+-@\t\r" for row in rows for cell in row if cell)


@pytest.mark.parametrize("text", FORMULAS[:4])
def test_complaint_texts_in_the_complaint_csv_start_no_formula(client, seeded, text):
    make_complaint(description=text + " jalan rusak parah sekali", address_text=text)
    logged_in(client, models.ROLE_MAIN_ADMIN)
    export = client.get("/admin/complaint/export/csv/")
    rows = list(csv.reader(io.StringIO(export.get_data(as_text=True))))
    assert any(cell == "'" + text for row in rows for cell in row)
    # a plain number (a negative latitude, "-1.85") is no formula; anything else starting so is
    assert not any(cell[:1] in "=+-@\t\r" for row in rows for cell in row if cell and not NUMBER.match(cell))


# --- what every response carries ----------------------------------------------------------
def test_pages_exports_and_photos_are_not_stored_and_carry_the_policy(app, client, staff, tmp_path):
    complaint = Complaint.select().where(Complaint.assigned_opd == staff.opd_id).get()
    (tmp_path / "media" / "x.jpg").parent.mkdir(exist_ok=True)
    (tmp_path / "media" / "x.jpg").write_bytes(b"\xff\xd8\xff\xe0 photo")
    photo = Photo.get(Photo.complaint == complaint)
    for url in ("/admin/", "/admin/complaint/?all=1", f"/admin/complaint/details/?id={complaint.id}",
                "/admin/complaint/export/csv/", "/admin/export/offices.csv", f"/media/photo/{photo.id}",
                "/admin/complaint/details/?id=0"):
        response = client.get(url)
        assert response.status_code in (200, 404), url
        headers = response.headers
        assert headers["Cache-Control"] == "no-store", url
        assert "frame-ancestors 'none'" in headers["Content-Security-Policy"], url
        assert "script-src 'self' 'nonce-" in headers["Content-Security-Policy"], url
        assert "'unsafe-inline'" not in headers["Content-Security-Policy"], url
        assert headers["X-Content-Type-Options"] == "nosniff" and headers["Referrer-Policy"] == "same-origin"
    assert "no-store" not in client.get("/static/panel.css").headers.get("Cache-Control", "")


def test_each_page_has_its_own_nonce_and_flask_admins_scripts_carry_it(client, admin):
    first, second = client.get("/admin/official/new/"), client.get("/admin/official/new/")
    nonce = first.headers["Content-Security-Policy"].split("'nonce-")[1].split("'")[0]
    assert nonce not in second.headers["Content-Security-Policy"]
    page = first.get_data(as_text=True)
    assert f'nonce="{nonce}"' in page
    assert "onclick=" not in page and "onclick=" not in client.get("/admin/holiday/").get_data(as_text=True)


def test_the_tile_server_is_allowed_for_images_only(seeded, redis_conn):
    from panel import create_app
    from services import runtime

    policy = create_app(runtime.config().with_(TILE_URL="https://{s}.tiles.example.id/{z}/{x}/{y}.png")).test_client(
    ).get("/login").headers["Content-Security-Policy"]
    assert "img-src 'self' data: https://*.tiles.example.id;" in policy
    assert "tiles.example.id" not in policy.split("img-src")[0]


# --- secrets never on a page --------------------------------------------------------------
def test_an_officials_page_and_list_show_no_password_hash(client, admin):
    other = make_official(models.ROLE_OPD_STAFF)
    for url in (f"/admin/official/details/?id={other.id}", "/admin/official/", f"/admin/official/edit/?id={other.id}"):
        page = client.get(url).get_data(as_text=True)
        assert "$argon2" not in page and other.password_hash not in page
        assert "password_hash" not in page and "Password Hash" not in page


def test_no_view_lists_a_secret_column(app):
    from panel.views.base import SECRET_COLUMNS, PanelModelView

    with app.test_request_context():
        for view in app.extensions["admin"][0]._views:
            if not isinstance(view, PanelModelView):
                continue
            columns = {name for name, _ in view.get_details_columns()} | {name for name, _ in view.get_list_columns()}
            columns |= {name for name, _ in view.get_export_columns()}
            columns |= {field.name for field in view.get_create_form()()}
            assert not columns & set(SECRET_COLUMNS), view.endpoint


@pytest.mark.parametrize("code, target", [("xx", "//evil.example/"), ("id'--", "https://evil.example/"),
                                          ("en" * 500, "/\\evil.example")])
def test_a_forged_language_switch_changes_nothing_and_stays_on_the_site(client, staff, code, target):
    response = post_form(client, "/admin/", f"/lang/{code}", {"next": target})
    assert response.status_code == 302 and response.headers["Location"].endswith("/admin/")
    assert Official.get_by_id(staff.id).language == "id"
    assert "Aduan" in client.get("/admin/").get_data(as_text=True)  # still Indonesian


@pytest.mark.parametrize("query", ["a%00=1", "flt0_7=ok&flt0_7=a%00", "search=ok&x=%00"])
def test_nul_in_a_parameter_name_or_a_repeated_value_is_400(client, staff, query):
    assert client.get(f"/admin/complaint/?{query}").status_code == 400
