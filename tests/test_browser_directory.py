"""A new main admin adopts Wadul in a real browser (Chromium): imports the directory from a
spreadsheet, sees a row error, uploads the fixed file, confirms; creates a village head
through the form (the office field follows the role); prints Telegram link codes.

Skipped without Chromium or Playwright, unless WADUL_REQUIRE_BROWSER=1 (then it fails)."""
import os

import pytest

import models
from models import Category, LinkCode, Official, Opd
from tests.browserkit import CHROMIUM, CHROMIUM_ARGS, live_panel, require_browser  # noqa: F401
from tests.factories import PASSWORD, make_official
from tests.test_directory_import import directory, xlsx

pytestmark = pytest.mark.browser
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def admin_page():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="id-ID")
        page.set_default_timeout(30000)  # nine agents share two CPUs: be patient, not flaky
        page.blocked = []
        page.on("console", lambda msg: page.blocked.append(f"{page.url}: {msg.text}") if (
            ("Content Security Policy" in msg.text or msg.type == "error")
            and not msg.location.get("url", "").endswith("/favicon.ico")) else None)
        page.on("pageerror", lambda exc: page.blocked.append(str(exc)))
        yield page
        shot_dir = os.environ.get("WADUL_SCREENSHOTS")
        if shot_dir:
            page.screenshot(path=os.path.join(shot_dir, "directory-after.png"), full_page=True)
        browser.close()


def upload(page, base: str, data: bytes, name: str) -> None:
    page.goto(f"{base}/admin/directory-import/")
    page.set_input_files("input[type=file]", files=[{"name": name, "mimeType": XLSX, "buffer": data}])
    page.click("form.import-upload button[type=submit]")
    page.wait_for_selector(".import-counts")


def test_a_new_main_admin_imports_the_directory_creates_a_village_head_and_prints_link_codes(live_panel,
                                                                                              admin_page):
    admin = make_official(models.ROLE_MAIN_ADMIN, opd="DISKOMINFO", full_name="Admin Baru")
    page = admin_page
    page.goto(f"{live_panel}/login")
    page.fill("#username", admin.username)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/admin/")

    # 1. The spreadsheet with mistakes: the preview names sheet, row and column; nothing is saved.
    upload(page, live_panel, xlsx(directory(bad=True)), "direktori-ketapang.xlsx")
    errors = page.inner_text(".import-errors")
    assert "Lembar Petugas, baris 3, kolom kode_desa: peran Kepala desa perlu kode desa." in errors
    assert 'Lembar Kategori, baris 3, kolom kode_opd: tidak ada OPD dengan kode "DPKX"' in errors
    assert page.locator(".import-confirm").count() == 0
    assert not Opd.select().where(Opd.code == "DPKP").exists()

    # 2. The fixed file: a preview without errors, then confirm.
    page.click("text=Unggah berkas yang sudah diperbaiki")
    page.wait_for_url("**/admin/directory-import/")
    upload(page, live_panel, xlsx(directory()), "direktori-ketapang.xlsx")
    assert page.inner_text("tr[data-sheet=official] .n-create") == "3"
    assert page.locator(".import-row.action-update[data-key=DPUTR]").count() == 1
    page.click(".import-confirm button[type=submit]")
    page.wait_for_url("**/admin/link-codes/**")
    assert "Direktori diperbarui" in page.inner_text(".alert-success")
    assert Category.get(Category.code == "irigasi").deadline_unit == "workdays"
    assert Official.get(Official.username == "kades.baru").desa.code == "61.04.01.2011"

    # 3. A village head through the form: the office field follows the role; no village is refused.
    page.goto(f"{live_panel}/admin/official/new/")
    page.fill("#username", "kades.sukamaju")
    page.fill("#full_name", "Kepala Desa Sungai Putri Dua")
    page.select_option("#role", "village_head")
    assert page.is_hidden("#opd") and page.is_visible("#s2id_desa")
    page.select_option("#role", "opd_staff")
    assert page.is_visible("#opd") and page.is_hidden("#s2id_desa")
    page.select_option("#role", "village_head")
    page.fill("#password", "kata-sandi-kades-2026")
    page.locator("input[type=submit]").first.click()
    page.wait_for_selector("text=Peran ini membutuhkan desa.")
    assert not Official.select().where(Official.username == "kades.sukamaju").exists()
    page.select_option("#role", "village_head")
    page.click("#s2id_desa a")
    page.fill(".select2-drop-active input.select2-input", "Sungai Putri")
    page.click(".select2-result-selectable >> nth=0")
    page.fill("#password", "kata-sandi-kades-2026")
    page.locator("input[type=submit]").first.click()
    page.wait_for_selector(".alert-success")
    kades = Official.get(Official.username == "kades.sukamaju")
    assert (kades.role, kades.desa.code, kades.opd_id) == (models.ROLE_VILLAGE_HEAD, "61.04.01.2011", None)

    # 4. Link codes for the new village heads, printed on one page.
    page.goto(f"{live_panel}/admin/link-codes/")
    imported = Official.get(Official.username == "kades.baru")
    page.check(f"#official-{kades.id}")
    page.check(f"#official-{imported.id}")
    page.click(".make-codes")
    page.wait_for_selector(".link-card")
    assert page.locator(".link-card").count() == 2
    card = page.inner_text(f".link-card[data-official='{kades.id}']")
    assert "Kepala Desa Sungai Putri Dua" in card and "Kepala desa · Desa Sungai Putri" in card
    assert "Kirim kode ini sebagai pesan" in card
    assert LinkCode.select().where(LinkCode.official.in_([kades.id, imported.id])).count() == 2
    page.wait_for_load_state("load")  # the print button's script is attached by then
    page.evaluate("() => { window.print = () => { document.body.dataset.printed = 'yes'; }; }")
    page.click(".print-page")
    assert page.get_attribute("body", "data-printed") == "yes"
    assert page.blocked == []
