"""The main admin's directory (OPDs, categories, accounts, holidays, region import) and the
offices' response templates."""
import io
import json

import models
from models import Category, Desa, Official, Opd, ResponseTemplate
from services.auth import verify_password
from tests.factories import PASSWORD, make_official, opd
from tests.panelkit import app, client, logged_in, login, post_form  # noqa: F401 (fixtures)


def _admin(client):
    return logged_in(client, models.ROLE_MAIN_ADMIN, opd="DISKOMINFO")


def test_main_admin_keeps_opds_and_category_deadlines(client):
    _admin(client)
    response = post_form(client, "/admin/opd/new/", "/admin/opd/new/", {
        "code": "DISPERINDAG", "name": "Dinas Perindustrian dan Perdagangan", "short_name": "Disperindag",
        "hotline": "(0534) 300-0120", "whatsapp": "", "email": "", "telegram_chat_id": "", "active": "y"})
    assert response.status_code == 302
    created = Opd.get(Opd.code == "DISPERINDAG")
    assert created.hotline == "(0534) 300-0120" and created.active
    jalan = Category.get(Category.code == "jalan")
    form = {"code": "jalan", "name_id": jalan.name_id, "name_en": jalan.name_en, "group_id": jalan.group_id,
            "group_en": jalan.group_en, "opd": str(created.id), "deadline_unit": "hours", "response_deadline": "24",
            "resolution_deadline": "240", "sort_order": "0", "active": "y"}
    post_form(client, f"/admin/category/edit/?id={jalan.id}", f"/admin/category/edit/?id={jalan.id}", form)
    jalan = Category.get_by_id(jalan.id)
    assert (jalan.response_hours, jalan.opd_id) == (24, created.id)


def _account(username, role, password="sandi-kuat-123", **office):
    return {"username": username, "full_name": "Petugas Baru", "role": role, "language": "id",
            "active": "y", "password": password, **office}


def test_main_admin_creates_accounts_that_can_log_in(client, app):
    _admin(client)
    post_form(client, "/admin/official/new/", "/admin/official/new/",
              _account("Dlh.Budi", models.ROLE_OPD_STAFF, opd=str(opd("DLH").id)))
    budi = Official.get(Official.username == "dlh.budi")
    assert budi.opd.code == "DLH" and verify_password(budi.password_hash, "sandi-kuat-123")
    assert "sandi-kuat-123" not in budi.password_hash
    other = app.test_client()
    assert login(other, "dlh.budi", "sandi-kuat-123").request.path == "/admin/complaint/"  # staff land on their work


def test_accounts_need_the_office_their_role_needs(client):
    _admin(client)
    cases = [
        (_account("tanpa.opd", models.ROLE_OPD_STAFF), "Peran ini membutuhkan OPD."),
        (_account("tanpa.desa", models.ROLE_VILLAGE_HEAD), "Peran ini membutuhkan desa."),
        (_account("pendek", models.ROLE_OVERSIGHT, password="123"), "Kata sandi minimal 12 karakter."),
        (_account("Bukan Valid!", models.ROLE_OVERSIGHT), "Nama pengguna hanya boleh"),
    ]
    for form, message in cases:
        page = post_form(client, "/admin/official/new/", "/admin/official/new/", form).get_data(as_text=True)
        assert message in page, message
    assert Official.select().count() == 1


def test_weak_passwords_are_refused_on_create_and_on_change_with_the_reason(client):
    """One rule (services/auth.py): length, common passwords, guessable patterns, the account's
    own name; a refused change keeps the old password working."""
    _admin(client)
    cases = [
        ("12345678", "Kata sandi minimal 12 karakter."),
        ("password1234", "paling sering dipakai"),
        ("qwertyuiopasdf", "mudah ditebak"),
        ("123456789012", "mudah ditebak"),
        ("aaaaaaaaaaaaaaaa", "mudah ditebak"),
        ("rudi.hartono2026", "dari nama pengguna"),
        ("x" * 201, "paling panjang 200 karakter"),
    ]
    for password, message in cases:
        form = _account("rudi.hartono", models.ROLE_OVERSIGHT, password=password)
        page = post_form(client, "/admin/official/new/", "/admin/official/new/", form).get_data(as_text=True)
        assert message in page, (password, message)
        assert password not in page or len(password) < 12  # a refused password is not echoed back
    assert not Official.select().where(Official.username == "rudi.hartono").exists()
    staff = make_official(models.ROLE_OPD_STAFF, username="dlh.sari", opd="DLH")
    url = f"/admin/official/edit/?id={staff.id}"
    form = _account("dlh.sari", models.ROLE_OPD_STAFF, password="iloveyou1234", opd=str(opd("DLH").id))
    assert "mudah ditebak" in post_form(client, url, url, form).get_data(as_text=True)
    assert verify_password(Official.get_by_id(staff.id).password_hash, PASSWORD)
    form["password"] = "pohon-mangga-berbuah-lebat"
    post_form(client, url, url, form)
    assert verify_password(Official.get_by_id(staff.id).password_hash, "pohon-mangga-berbuah-lebat")


def test_password_reasons_in_english_for_an_english_admin(client):
    logged_in(client, models.ROLE_MAIN_ADMIN, opd="DISKOMINFO", language="en")
    form = _account("new.person", models.ROLE_OVERSIGHT, password="password1234")
    page = post_form(client, "/admin/official/new/", "/admin/official/new/", form).get_data(as_text=True)
    assert "one of the most commonly used" in page
    form["password"] = "short"
    page = post_form(client, "/admin/official/new/", "/admin/official/new/", form).get_data(as_text=True)
    assert "The password needs at least 12 characters." in page
    assert Official.select().count() == 1


def test_village_account_with_a_village_from_the_search(client):
    _admin(client)
    desa = Desa.get(Desa.code == "61.04.01.2011")
    found = client.get("/admin/official/ajax/lookup/?name=desa&query=Sungai Put").get_json()
    assert [desa.id, f"{desa} — {desa.kecamatan}"] in found
    post_form(client, "/admin/official/new/", "/admin/official/new/",
              _account("kades.sp", models.ROLE_VILLAGE_HEAD, desa=str(desa.id), opd=str(opd("DLH").id)))
    kades = Official.get(Official.username == "kades.sp")
    assert kades.desa_id == desa.id and kades.opd_id is None


def test_main_admin_cannot_lock_themselves_out(client):
    me = _admin(client)
    form = _account(me.username, models.ROLE_OPD_STAFF, password="", opd=str(opd("DLH").id))
    page = post_form(client, f"/admin/official/edit/?id={me.id}", f"/admin/official/edit/?id={me.id}", form)
    assert "tidak dapat menonaktifkan" in page.get_data(as_text=True)
    assert Official.get_by_id(me.id).role == models.ROLE_MAIN_ADMIN


def test_region_import_from_a_geojson_upload(client):
    _admin(client)
    square = {"type": "Polygon", "coordinates": [[[100.0, 0.0], [100.1, 0.0], [100.1, 0.1], [100.0, 0.1], [100.0, 0.0]]]}
    geojson = {"type": "FeatureCollection", "features": [{"type": "Feature", "geometry": square, "properties": {
        "kode": "99.01.01.2001", "desa": "Uji Coba", "kecamatan": "Contoh", "kabupaten": "Kabupaten Contoh"}}]}
    data = {"file": (io.BytesIO(json.dumps(geojson).encode()), "wilayah.geojson")}
    response = post_form(client, "/admin/regions/", "/admin/regions/", data, content_type="multipart/form-data",
                         follow_redirects=True)
    assert "1 baru" in response.get_data(as_text=True)
    assert Desa.get(Desa.code == "99.01.01.2001").name == "Uji Coba"
    bad = {"file": (io.BytesIO(b"{not json"), "rusak.geojson")}
    response = post_form(client, "/admin/regions/", "/admin/regions/", bad, content_type="multipart/form-data")
    assert "tidak dapat diimpor" in response.get_data(as_text=True)


def test_opd_admin_keeps_their_own_templates(client, app):
    ResponseTemplate.create(opd=opd("DLH"), title="Milik DLH", text="Truk dijadwalkan.")
    putr_admin = logged_in(client, models.ROLE_OPD_ADMIN)
    response = post_form(client, "/admin/responsetemplate/new/", "/admin/responsetemplate/new/",
                         {"title": "Survei", "text": "Tim survei datang.", "opd": str(opd("DLH").id)})
    assert response.status_code == 302
    made = ResponseTemplate.get(ResponseTemplate.title == "Survei")
    assert made.opd_id == putr_admin.opd_id  # a posted office of someone else is ignored
    listing = client.get("/admin/responsetemplate/").get_data(as_text=True)
    assert "Survei" in listing and "Milik DLH" not in listing
    dlh_row = ResponseTemplate.get(ResponseTemplate.title == "Milik DLH")
    assert client.get(f"/admin/responsetemplate/edit/?id={dlh_row.id}").status_code == 404
    staff = app.test_client()
    logged_in(staff, models.ROLE_OPD_STAFF)
    assert "Survei" in staff.get("/admin/responsetemplate/").get_data(as_text=True)
    assert staff.get(f"/admin/responsetemplate/edit/?id={made.id}").status_code == 403
    assert staff.get("/admin/responsetemplate/new/").status_code == 403


def test_main_admin_sees_every_template_and_names_its_office(client):
    ResponseTemplate.create(opd=opd("DLH"), title="Milik DLH", text="Truk dijadwalkan.")
    _admin(client)
    assert "Milik DLH" in client.get("/admin/responsetemplate/").get_data(as_text=True)
    page = post_form(client, "/admin/responsetemplate/new/", "/admin/responsetemplate/new/",
                     {"title": "Tanpa kantor", "text": "x"}).get_data(as_text=True)
    assert "Pilih satu instansi" in page
    assert not ResponseTemplate.select().where(ResponseTemplate.title == "Tanpa kantor").exists()
