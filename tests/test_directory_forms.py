"""The directory's forms through HTTP: the official form (role select, office follows the
role, refused without its office), its details page (no hash, local times, link-code button),
categories with deadlines in days or working days, labels and the search box in both
languages, actor labels in English; link codes in bulk (main admin, OPD admin scoped)."""
from __future__ import annotations

import html as htmllib
import re

import models
from core import status as st
from models import Category, LinkCode, Official, StatusChange
from services import linking
from tests.factories import make_complaint, make_official
from tests.panelkit import app, client, csrf_from, logged_in, post_form  # noqa: F401

VILLAGE = "61.04.01.2011"


def text_of(response) -> str:
    return htmllib.unescape(response.get_data(as_text=True))


def new_official(client, **fields):
    data = {"username": "", "full_name": "", "role": "", "opd": "__None", "desa": "", "language": "id",
            "active": "y", "password": "kata-sandi-yang-panjang-77"}
    data.update(fields)
    return post_form(client, "/admin/official/new/", "/admin/official/new/", data)


def test_the_official_form_offers_the_real_roles_and_refuses_a_role_without_its_office(client):
    logged_in(client, models.ROLE_MAIN_ADMIN, opd="DISKOMINFO")
    page = text_of(client.get("/admin/official/new/"))
    assert '<label for="full_name" class="col-form-label ">Nama lengkap' in page
    assert '<label for="opd" class="col-form-label ">OPD' in page and "Full Name" not in page
    options = re.findall(r'<option[^>]*value="([a-z_]+)"[^>]*>([^<]+)</option>',
                         page[page.index('id="role"'):page.index("</select>", page.index('id="role"'))])
    assert [value for value, _ in options] == list(models.ROLES)
    assert ("village_head", "Kepala desa") in options
    assert 'data-village-roles="village_head,village_official"' in page and "directory.js" in page

    free_text = new_official(client, username="kades.x", full_name="Kades X", role="Kepala desa")
    assert free_text.status_code == 200 and not Official.select().where(Official.username == "kades.x").exists()
    no_village = new_official(client, username="kades.x", full_name="Kades X", role="village_head")
    assert "Peran ini membutuhkan desa." in text_of(no_village)
    no_opd = new_official(client, username="staf.x", full_name="Staf X", role="opd_staff")
    assert "Peran ini membutuhkan OPD." in text_of(no_opd)
    assert not Official.select().where(Official.username.in_(["kades.x", "staf.x"])).exists()

    desa = models.Desa.get(models.Desa.code == VILLAGE)
    made = new_official(client, username="kades.x", full_name="Kades X", role="village_head", desa=str(desa.id),
                        opd=str(models.Opd.get(models.Opd.code == "DPUTR").id))
    assert made.status_code == 302, text_of(made)[:2000]
    kades = Official.get(Official.username == "kades.x")
    assert (kades.role, kades.desa_id, kades.opd_id) == ("village_head", desa.id, None)  # the OPD is dropped


def test_the_details_page_shows_no_hash_local_times_and_the_link_code_button(client):
    logged_in(client, models.ROLE_MAIN_ADMIN, opd="DISKOMINFO", language="en")
    kades = make_official(models.ROLE_VILLAGE_HEAD)
    page = text_of(client.get(f"/admin/official/details/?id={kades.id}"))
    assert "argon2" not in page and kades.password_hash not in page
    assert re.search(r"Account created</b>\s*</td>\s*<td>\s*\d+ \w+ 20\d\d \d\d[.:]\d\d WIB", page), page[-3000:]
    assert "Village head" in page and "Desa Sungai Putri" in page
    assert re.search(r"Language</b>\s*</td>\s*<td>\s*Bahasa Indonesia", page)
    assert "Create a Telegram link code" in page and "/admin/official/link-code/" in page
    assert re.search(r"Password</b>\s*</td>\s*<td>\s*set", page)


def test_categories_take_deadlines_in_working_days(client):
    logged_in(client, models.ROLE_MAIN_ADMIN, opd="DISKOMINFO")
    page = text_of(client.get("/admin/category/new/"))
    assert "Batas tanggapan" in page and "Satuan batas waktu" in page and "Response Hours" not in page
    opd = models.Opd.get(models.Opd.code == "DPUTR")
    data = {"code": "gorong", "name_id": "Gorong-gorong", "name_en": "Culvert", "group_id": "Infrastruktur",
            "group_en": "Infrastructure", "opd": str(opd.id), "deadline_unit": "workdays", "response_deadline": "2",
            "resolution_deadline": "10", "sort_order": "5", "active": "y"}
    made = post_form(client, "/admin/category/new/", "/admin/category/new/", data)
    assert made.status_code == 302, text_of(made)[:3000]
    category = Category.get(Category.code == "gorong")
    assert (category.deadline_unit, category.response_hours, category.resolution_hours) == ("workdays", 48, 240)
    listing = text_of(client.get("/admin/category/?search=gorong"))
    assert "2 hari kerja" in listing and "10 hari kerja" in listing
    edit = text_of(client.get(f"/admin/category/edit/?id={category.id}"))
    assert re.search(r'id="response_deadline"[^>]*value="2"', edit)
    shorter = post_form(client, f"/admin/category/edit/?id={category.id}", f"/admin/category/edit/?id={category.id}",
                        {**data, "resolution_deadline": "1"})
    assert "tidak boleh lebih pendek" in text_of(shorter)
    # A category from before keeps its hours
    jalan = Category.get(Category.code == "jalan")
    assert jalan.deadline_unit == "hours" and "48 jam" in text_of(client.get("/admin/category/?search=jalan"))


def test_labels_and_search_boxes_in_both_languages(client):
    logged_in(client, models.ROLE_MAIN_ADMIN, opd="DISKOMINFO", language="en")
    for url in ("/admin/opd/", "/admin/category/", "/admin/official/", "/admin/responsetemplate/"):
        page = text_of(client.get(url))
        assert 'placeholder="None"' not in page and 'placeholder="Search: ' in page, url
    form = text_of(client.get("/admin/responsetemplate/new/"))
    assert ">Title" in form and ">Agency (OPD)" in form and ">Opd" not in form
    client.post("/lang/id", data={"csrf_token": csrf_from(form), "next": "/admin/opd/"})
    page = text_of(client.get("/admin/opd/"))
    assert 'placeholder="Cari: Kode, Nama, Nama singkat"' in page
    form = text_of(client.get("/admin/responsetemplate/new/"))
    assert ">Judul" in form and ">Teks" in form and ">Title" not in form


def test_system_and_reporter_actor_labels_read_in_english(client):
    complaint = make_complaint()
    StatusChange.create(complaint=complaint, from_status=st.NEW, to_status=st.ASSIGNED, actor_label="Sistem")
    logged_in(client, models.ROLE_MAIN_ADMIN, opd="DISKOMINFO", language="en")
    page = text_of(client.get(f"/admin/complaint/details/?id={complaint.id}"))
    actors = re.findall(r'<b class="ml-1">([^<]+)</b>', page)
    assert "System" in actors and "Sistem" not in actors


def cards(page: str) -> list[tuple[str, str]]:
    return re.findall(r'<h2 class="h5 mb-1 card-name">([^<]+)</h2>.*?<code class="link-code">([^<]+)</code>', page, re.S)


def test_link_codes_in_bulk_make_a_printable_card_per_official(client, botapi):
    logged_in(client, models.ROLE_MAIN_ADMIN, opd="DISKOMINFO")
    accounts = text_of(client.get("/admin/official/"))
    assert 'href="/admin/link-codes/"' in accounts and 'href="/admin/directory-import/"' in accounts
    kades = make_official(models.ROLE_VILLAGE_HEAD, full_name="Pak Kades")
    staf = make_official(models.ROLE_OPD_STAFF, full_name="Bu Staf")
    linked = make_official(models.ROLE_OPD_STAFF, full_name="Sudah Tertaut", telegram_user_id=555, telegram_chat_id=555)
    choose = text_of(client.get("/admin/link-codes/"))
    assert "Pak Kades" in choose and "Bu Staf" in choose and "Sudah Tertaut" not in choose
    printed = client.post("/admin/link-codes/print/", data={"csrf_token": csrf_from(choose),
                                                            "official": [str(kades.id), str(staf.id), str(linked.id)]})
    assert printed.status_code == 200 and printed.headers["Cache-Control"] == "no-store"
    page = text_of(printed)
    found = dict(cards(page))
    assert set(found) == {"Pak Kades", "Bu Staf"}
    assert "Kepala desa · Desa Sungai Putri" in page and "Staf OPD · Dinas PUTR" in page
    assert "Kirim kode ini sebagai pesan" in page and "Berlaku satu kali, sampai" in page and "WIB" in page
    assert LinkCode.select().where(LinkCode.official == linked.id).count() == 0
    # The printed code is the one the bot accepts.
    assert linking.redeem(found["Pak Kades"], 4242, 4242).id == kades.id
    assert Official.get_by_id(kades.id).telegram_user_id == 4242


def test_an_opd_admin_prints_codes_for_their_own_staff_only(client):
    admin = logged_in(client, models.ROLE_OPD_ADMIN, opd="DPUTR")
    own = make_official(models.ROLE_OPD_STAFF, opd="DPUTR", full_name="Staf Sendiri")
    other = make_official(models.ROLE_OPD_STAFF, opd="DLH", full_name="Staf Lain")
    kades = make_official(models.ROLE_VILLAGE_HEAD, full_name="Kades Lain")
    choose = text_of(client.get("/admin/link-codes/"))
    assert "Staf Sendiri" in choose and "Staf Lain" not in choose and "Kades Lain" not in choose
    printed = text_of(client.post("/admin/link-codes/print/", data={
        "csrf_token": csrf_from(choose), "all": "1", "official": [str(other.id), str(kades.id)]}))
    names = {name for name, _ in cards(printed)}
    assert "Staf Sendiri" in names and "Staf Lain" not in names and "Kades Lain" not in names
    assert not LinkCode.select().where(LinkCode.official.in_([other.id, kades.id])).exists()
    assert admin.id and own.id
    staff = make_official(models.ROLE_OPD_STAFF, opd="DPUTR")
    client2 = client.application.test_client()
    from tests.panelkit import login

    login(client2, staff)
    assert client2.get("/admin/link-codes/").status_code == 403


def test_an_imported_official_logs_in_once_the_admin_sets_a_password(client, app):
    from services.directory_import import unusable_password
    from tests.panelkit import login

    logged_in(client, models.ROLE_MAIN_ADMIN, opd="DISKOMINFO")
    staf = make_official(models.ROLE_OPD_STAFF, opd="DPUTR", username="imported.staf")
    Official.update(password_hash=unusable_password()).where(Official.id == staf.id).execute()
    other = app.test_client()
    assert "/login" in login(other, "imported.staf", "!unset:").request.path
    edit = text_of(client.get(f"/admin/official/edit/?id={staf.id}"))
    assert "Belum ada kata sandi" in edit
    assert "belum disetel" in text_of(client.get(f"/admin/official/details/?id={staf.id}"))
    saved = post_form(client, f"/admin/official/edit/?id={staf.id}", f"/admin/official/edit/?id={staf.id}", {
        "username": "imported.staf", "full_name": "Staf Impor", "role": "opd_staff",
        "opd": str(models.Opd.get(models.Opd.code == "DPUTR").id), "language": "id", "active": "y",
        "password": "kata-sandi-baru-staf-99"})
    assert saved.status_code == 302, text_of(saved)[:2000]
    assert "/login" not in login(other, "imported.staf", "kata-sandi-baru-staf-99").request.path


def visible_text(page: str) -> str:
    body = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", page, flags=re.S)
    body = re.sub(r'<input[^>]*type="hidden"[^>]*>', " ", body)
    return htmllib.unescape(re.sub(r"<[^>]+>", " ", body))


def test_the_new_pages_show_no_raw_keys_and_no_none_in_either_language(client):
    import io

    from tests.test_directory_import import directory, xlsx

    me = logged_in(client, models.ROLE_MAIN_ADMIN, opd="DISKOMINFO")
    kades = make_official(models.ROLE_VILLAGE_HEAD)
    for lang in ("id", "en"):
        page = client.get("/admin/directory-import/").get_data(as_text=True)
        client.post(f"/lang/{lang}", data={"csrf_token": csrf_from(page), "next": "/admin/"})
        pages = {url: client.get(url).get_data(as_text=True) for url in (
            "/admin/directory-import/", "/admin/link-codes/", "/admin/official/new/", "/admin/category/new/",
            f"/admin/official/details/?id={kades.id}", f"/admin/official/edit/?id={me.id}", "/admin/category/",
            "/admin/opd/new/", "/admin/holiday/new/", "/admin/responsetemplate/new/")}
        token = csrf_from(pages["/admin/directory-import/"])
        for bad in (True, False):
            pages[f"preview bad={bad}"] = client.post("/admin/directory-import/", data={
                "csrf_token": token, "file": (io.BytesIO(xlsx(directory(bad=bad))), "d.xlsx")},
                content_type="multipart/form-data").get_data(as_text=True)
        pages["print"] = client.post("/admin/link-codes/print/", data={
            "csrf_token": token, "official": [str(kades.id)]}).get_data(as_text=True)
        assert ("Sheet Petugas, row 3" if lang == "en" else "Lembar Petugas, baris 3") in visible_text(
            pages["preview bad=True"])  # the pages are what the checks below think they are
        for name, page in pages.items():
            text = visible_text(page)
            assert not re.search(r"\b(dirimport|linkcodes|panel)\.[a-z_.]+", text), (lang, name)
            assert not re.search(r"\bNone\b", text), (lang, name)
            assert 'placeholder="None"' not in page, (lang, name)
            if lang == "en":
                for word in ("Lembar", "baris", "Simpan", "Pilih", "Batas tanggapan", "Nama lengkap", "Kode tautan"):
                    assert word not in text, (name, word)
