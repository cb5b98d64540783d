"""The main admin imports the directory from one spreadsheet, through the panel over HTTP:
preview (created / changed / unchanged / row errors), confirm, idempotent re-run; the
template is the directory; an OPD admin may not import. Also the deadline unit (days,
working days) in assignment, and the migration step that adds it."""
from __future__ import annotations

import csv
import html as htmllib
import io
import re
from datetime import datetime

import pytest
from openpyxl import Workbook, load_workbook

import migrations
import models
from models import Category, Complaint, Holiday, Official, Opd
from services import directory_import as di
from tests.factories import make_complaint
from tests.panelkit import app, client, csrf_from, logged_in  # noqa: F401

VILLAGE = "61.04.01.2011"
OPD_HEAD = ["kode", "nama", "nama_singkat", "telepon", "whatsapp", "email", "id_grup_telegram", "aktif"]
CAT_HEAD = ["kode", "nama_id", "nama_en", "kelompok", "kode_opd", "urusan_desa", "batas_tanggapan",
            "batas_penyelesaian", "satuan", "aktif"]
OFF_HEAD = ["nama_pengguna", "nama_lengkap", "peran", "kode_opd", "kode_desa", "bahasa"]


def directory(bad: bool = False) -> dict[str, list[list]]:
    """A small regency directory; `bad` puts three mistakes in it."""
    return {
        "OPD": [OPD_HEAD,
                ["DPKP", "Dinas Pertanian dan Ketahanan Pangan", "Distan", "(0534) 111", "0812-1", "distan@demo.id", "", "ya"],
                ["DPUTR", "Dinas Pekerjaan Umum dan Penataan Ruang", "Dinas PUTR", "(0534) 300-0199", "0812-0000-0102",
                 "putr@demo.ketapangkab.go.id", "-1001234", "ya"]],
        "Kategori": [CAT_HEAD,
                     ["irigasi", "Irigasi rusak", "Broken irrigation", "Pertanian", "DPKP", "tidak", 2, 10, "hari kerja", "ya"],
                     ["pupuk", "Pupuk langka", "", "Pertanian", "DPKX" if bad else "DPKP", "tidak", 3, 14, "hari", ""]],
        "Petugas": [OFF_HEAD,
                    ["distan.admin", "Admin Distan", "Admin OPD", "DPKP", "", "id"],
                    ["kades.baru", "Kepala Desa Baru", "Kepala desa", "", "" if bad else VILLAGE, "id"],
                    ["distan.staf", "Staf Distan", "pegawai" if bad else "opd_staff", "DPKP", "", "en"]],
    }


def xlsx(sheets: dict[str, list[list]]) -> bytes:
    book = Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        ws = book.create_sheet(title)
        for row in rows:
            ws.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def as_csv(sheets: dict[str, list[list]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    for title, rows in sheets.items():
        writer.writerow([f"[{title}]"])
        writer.writerows(rows)
    return out.getvalue().encode()


def upload(client, data: bytes, name: str = "direktori.xlsx"):
    page = client.get("/admin/directory-import/")
    assert page.status_code == 200
    return client.post("/admin/directory-import/", data={"csrf_token": csrf_from(page.get_data(as_text=True)),
                                                         "file": (io.BytesIO(data), name)},
                       content_type="multipart/form-data")


def confirm(client, preview_html: str):
    payload = re.search(r'name="payload" type="hidden" value="([^"]*)"', preview_html).group(1)
    filename = re.search(r'name="filename" type="hidden" value="([^"]*)"', preview_html).group(1)
    return client.post("/admin/directory-import/confirm/", data={
        "csrf_token": csrf_from(preview_html), "payload": payload, "filename": filename}, follow_redirects=True)


def counts(html: str, sheet: str) -> dict[str, int]:
    row = re.search(rf'<tr data-sheet="{sheet}">(.*?)</tr>', html, re.S).group(1)
    return {k: int(re.search(rf'class="n-{k}">(\d+)<', row).group(1)) for k in ("create", "update", "unchanged", "error")}


def test_import_preview_confirm_and_rerun_changes_nothing(client):
    logged_in(client, models.ROLE_MAIN_ADMIN, opd="DISKOMINFO")
    before = Opd.get(Opd.code == "DPUTR")
    preview = upload(client, xlsx(directory()))
    html = preview.get_data(as_text=True)
    assert preview.status_code == 200, html[:500]
    assert counts(html, "opd") == {"create": 1, "update": 1, "unchanged": 0, "error": 0}
    assert counts(html, "category") == {"create": 2, "update": 0, "unchanged": 0, "error": 0}
    assert counts(html, "official") == {"create": 3, "update": 0, "unchanged": 0, "error": 0}
    assert "(0534) 300-0102 → (0534) 300-0199" in html  # what changes, before anything is written
    assert not Opd.select().where(Opd.code == "DPKP").exists()
    assert Opd.get(Opd.code == "DPUTR").hotline == before.hotline

    done = confirm(client, html)
    text = done.get_data(as_text=True)
    assert done.status_code == 200 and "Direktori diperbarui" in text
    assert "/admin/link-codes/" in done.request.path  # new officials are chosen for link codes
    distan = Opd.get(Opd.code == "DPKP")
    assert (distan.short_name, distan.email) == ("Distan", "distan@demo.id")
    assert Opd.get(Opd.code == "DPUTR").telegram_chat_id == -1001234
    irigasi = Category.get(Category.code == "irigasi")
    assert (irigasi.deadline_unit, irigasi.response_hours, irigasi.resolution_hours, irigasi.opd_id) == (
        "workdays", 48, 240, distan.id)
    pupuk = Category.get(Category.code == "pupuk")
    assert (pupuk.deadline_unit, pupuk.response_hours, pupuk.name_en, pupuk.active) == ("days", 72, "Pupuk langka", True)
    kades = Official.get(Official.username == "kades.baru")
    assert (kades.role, kades.desa.code, kades.opd_id) == (models.ROLE_VILLAGE_HEAD, VILLAGE, None)
    assert not di.has_usable_password(kades)  # no password until the admin sets one
    staf = Official.get(Official.username == "distan.staf")
    assert (staf.role, staf.opd_id, staf.language) == (models.ROLE_OPD_STAFF, distan.id, "en")
    for new in ("kades.baru", "distan.staf", "distan.admin"):
        assert f'value="{Official.get(Official.username == new).id}" id=' in text  # preselected
        assert re.search(rf'value="{Official.get(Official.username == new).id}" id="[^"]+" class="pick-official"\s+checked',
                         text)

    # The same file again: nothing to change, nothing written.
    snapshot = di.Directory.load()
    again = upload(client, xlsx(directory())).get_data(as_text=True)
    assert counts(again, "opd") == {"create": 0, "update": 0, "unchanged": 2, "error": 0}
    assert counts(again, "category") == {"create": 0, "update": 0, "unchanged": 2, "error": 0}
    assert counts(again, "official") == {"create": 0, "update": 0, "unchanged": 3, "error": 0}
    assert 'name="payload"' not in again and "tidak ada yang perlu diubah" in again
    assert di.Directory.load() == snapshot


def test_row_errors_are_shown_and_nothing_is_written_until_the_file_is_fixed(client):
    logged_in(client, models.ROLE_MAIN_ADMIN, opd="DISKOMINFO")
    officials = Official.select().count()
    html = htmllib.unescape(upload(client, xlsx(directory(bad=True))).get_data(as_text=True))
    assert counts(html, "category")["error"] == 1 and counts(html, "official")["error"] == 2
    assert "Lembar Kategori, baris 3, kolom kode_opd" in html and 'tidak ada OPD dengan kode "DPKX"' in html
    assert "Lembar Petugas, baris 3, kolom kode_desa" in html and "peran Kepala desa perlu kode desa" in html
    assert "Lembar Petugas, baris 4, kolom peran" in html and 'peran "pegawai" tidak dikenal' in html
    assert 'name="payload"' not in html  # no confirm button with errors
    assert not Opd.select().where(Opd.code == "DPKP").exists()

    # A forged confirm of the bad file is refused as well: nothing is written.
    import base64

    page = client.get("/admin/directory-import/").get_data(as_text=True)
    refused = client.post("/admin/directory-import/confirm/", data={
        "csrf_token": csrf_from(page), "payload": base64.b64encode(xlsx(directory(bad=True))).decode(),
        "filename": "x.xlsx"})
    assert refused.status_code == 200 and "Galat" in refused.get_data(as_text=True)
    assert Official.select().count() == officials and not Opd.select().where(Opd.code == "DPKP").exists()

    # The fixed file, as CSV this time, goes through.
    fixed = upload(client, as_csv(directory()), "direktori.csv").get_data(as_text=True)
    assert counts(fixed, "official") == {"create": 3, "update": 0, "unchanged": 0, "error": 0}
    confirm(client, fixed)
    assert Official.select().count() == officials + 3


def test_english_mode_messages_and_sheet_names(client):
    logged_in(client, models.ROLE_MAIN_ADMIN, opd="DISKOMINFO", language="en")
    sheets = directory(bad=True)
    english = {"Agencies": sheets["OPD"], "Categories": sheets["Kategori"], "Officials": sheets["Petugas"]}
    html = upload(client, xlsx(english)).get_data(as_text=True)
    assert "Sheet Officials, row 3, column kode_desa" in html and "the role Village head needs a village code" in html
    assert "Lembar" not in html and "wajib" not in html


def test_a_missing_column_and_an_unreadable_file_are_explained(client):
    logged_in(client, models.ROLE_MAIN_ADMIN, opd="DISKOMINFO")
    sheets = directory()
    sheets["Kategori"] = [row[:8] + row[9:] for row in sheets["Kategori"]]  # no "satuan"
    html = upload(client, xlsx(sheets)).get_data(as_text=True)
    assert 'kolom "satuan" tidak ada di baris judul' in htmllib.unescape(html)
    page = upload(client, b"\x00\x01 not a spreadsheet", "x.xlsx")
    assert page.status_code == 302
    assert "Berkas tidak bisa dibaca" in client.get(page.headers["Location"]).get_data(as_text=True)


def test_the_template_is_the_directory_and_imports_unchanged(client):
    logged_in(client, models.ROLE_MAIN_ADMIN, opd="DISKOMINFO")
    response = client.get("/admin/directory-import/template.xlsx")
    assert response.status_code == 200 and "attachment" in response.headers["Content-Disposition"]
    book = load_workbook(io.BytesIO(response.data))
    assert book.sheetnames == ["OPD", "Kategori", "Petugas"]
    codes = {row[0] for row in book["OPD"].iter_rows(min_row=2, values_only=True)}
    assert codes == {o.code for o in Opd.select()}
    html = upload(client, response.data).get_data(as_text=True)
    for sheet in ("opd", "category", "official"):
        assert counts(html, sheet)["create"] == counts(html, sheet)["update"] == counts(html, sheet)["error"] == 0
    csv_template = client.get("/admin/directory-import/template.csv")
    html = upload(client, csv_template.data, "t.csv").get_data(as_text=True)
    assert counts(html, "category")["unchanged"] == Category.select().count()


def test_only_the_main_admin_may_import(app, client):
    logged_in(client, models.ROLE_OPD_ADMIN, opd="DPUTR")
    assert client.get("/admin/directory-import/").status_code == 403
    assert client.get("/admin/directory-import/template.xlsx").status_code == 403
    page = client.get("/admin/link-codes/")  # to take a CSRF token from a page it may open
    refused = client.post("/admin/directory-import/", data={"csrf_token": csrf_from(page.get_data(as_text=True)),
                                                            "file": (io.BytesIO(xlsx(directory())), "d.xlsx")},
                          content_type="multipart/form-data")
    assert refused.status_code == 403
    assert not Opd.select().where(Opd.code == "DPKP").exists()
    anonymous = app.test_client().get("/admin/directory-import/")
    assert anonymous.status_code == 302 and "/login" in anonymous.headers["Location"]


def test_the_importer_cannot_demote_themselves(client):
    me = logged_in(client, models.ROLE_MAIN_ADMIN, opd="DISKOMINFO")
    sheets = {"Petugas": [OFF_HEAD, [me.username, "Saya", "Staf OPD", "DPUTR", "", "id"]]}
    html = upload(client, xlsx(sheets)).get_data(as_text=True)
    assert "tidak bisa mencabut akses admin utama Anda sendiri" in html
    assert Official.get_by_id(me.id).role == models.ROLE_MAIN_ADMIN


# --- deadlines in days and working days ------------------------------------------------------
def test_working_days_skip_weekends_and_holidays_whatever_the_setting(seeded):
    cat = Category.get(Category.code == "jalan")
    # Friday 10:00 WIB (03:00 UTC), 4 Dec 2026; the next Monday is a holiday row.
    Holiday.create(day=datetime(2026, 12, 7).date(), name="Cuti bersama")
    start = datetime(2026, 12, 4, 3, 0)
    from services.complaints.assignment import due_dates

    Category.update(deadline_unit="workdays", response_hours=48, resolution_hours=5 * 24).where(
        Category.id == cat.id).execute()
    complaint = make_complaint(category=Category.get_by_id(cat.id))
    response, resolution = due_dates(Complaint.get_by_id(complaint.id), start)
    assert response == datetime(2026, 12, 9, 3, 0)   # Tue 8, Wed 9 (Sat, Sun, Mon off)
    assert resolution == datetime(2026, 12, 14, 3, 0)  # 8, 9, 10, 11, 14

    Category.update(deadline_unit="days").where(Category.id == cat.id).execute()
    response, _ = due_dates(Complaint.get_by_id(complaint.id), start)
    assert response == datetime(2026, 12, 6, 3, 0)   # two calendar days

    Category.update(deadline_unit="hours").where(Category.id == cat.id).execute()
    response, _ = due_dates(Complaint.get_by_id(complaint.id), start)
    assert response == datetime(2026, 12, 6, 3, 0)   # as before: 48 h, WORKING_DAYS is off in tests


def test_migration_step_adds_the_unit_and_keeps_meaning(db):
    step = next(s for s in migrations.STEPS if "deadline unit" in s[1])
    table = Category._meta.table_name
    models.db.execute_sql(f"ALTER TABLE {table} DROP COLUMN deadline_unit")
    Opd.create(code="X", name="X", short_name="X")
    # A category row as the release before the unit wrote it; columns of later steps (e.g.
    # pause_when_asking) hold their defaults, as their own steps would have filled them.
    models.db.execute_sql(f"INSERT INTO {table} (code, name_id, name_en, group_id, group_en, village_level, "
                          "response_hours, resolution_hours, sort_order, active, pause_when_asking) "
                          "VALUES ('lama', 'Lama', 'Old', '', '', false, 48, 336, 0, true, false)")
    from playhouse.migrate import migrate

    migrate(*step[2](migrations._migrator()))
    migrate(*step[2](migrations._migrator()))  # again: nothing to add, no error
    assert Category.get(Category.code == "lama").deadline_unit == "hours"


def test_a_file_near_the_size_limit_goes_through_and_a_larger_one_is_refused(client):
    logged_in(client, models.ROLE_MAIN_ADMIN, opd="DISKOMINFO")
    sheets = directory()
    sheets["OPD"] = [sheets["OPD"][0] + ["catatan", "catatan2", "catatan3"]] + [
        row + ["x" * 50_000] * 3 for row in sheets["OPD"][1:]]
    data = as_csv(sheets)
    assert di.MAX_BYTES - 60_000 < len(data) <= di.MAX_BYTES
    preview = upload(client, data, "besar.csv").get_data(as_text=True)
    assert counts(preview, "opd")["create"] == 1
    done = confirm(client, preview)
    assert done.status_code == 200 and Opd.select().where(Opd.code == "DPKP").exists()
    too_big = upload(client, data + b"y" * 60_000, "besar.csv")
    assert too_big.status_code == 302
    assert "Berkas terlalu besar" in client.get(too_big.headers["Location"]).get_data(as_text=True)
    one_huge_cell = upload(client, b"kode,nama\nX," + b"y" * 200_000, "sel.csv")
    assert "Berkas tidak bisa dibaca" in client.get(one_huge_cell.headers["Location"]).get_data(as_text=True)
