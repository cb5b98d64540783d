"""The panel in a real browser: OPD staff log in, open a complaint, see its photo and map,
mark it in progress with a note, and the reporter's Telegram message arrives.

Headless Chromium from Debian's packages (/usr/bin/chromium), driven by Playwright. Skipped
when Chromium or Playwright is missing, unless WADUL_REQUIRE_BROWSER=1 (then it fails).
"""
import os
from datetime import date

import pytest

import models
from core import status as st
from models import Complaint, Photo
from services import media
from tests.browserkit import CHROMIUM, CHROMIUM_ARGS, live_panel, require_browser  # noqa: F401
from tests.factories import PASSWORD, make_complaint, make_official, make_reporter


pytestmark = pytest.mark.browser


@pytest.fixture
def browser_page():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="id-ID")
        page.set_default_timeout(15000)
        # Whatever the Content-Security-Policy blocks, and any script error, is kept to be checked.
        page.blocked = []
        page.on("console", lambda msg: page.blocked.append(f"{page.url}: {msg.text}") if (
            ("Content Security Policy" in msg.text or msg.type == "error")
            and not msg.location.get("url", "").endswith("/favicon.ico")) else None)
        page.on("pageerror", lambda exc: page.blocked.append(str(exc)))
        yield page
        shot_dir = os.environ.get("WADUL_SCREENSHOTS")
        if shot_dir:
            page.screenshot(path=os.path.join(shot_dir, "panel-after.png"), full_page=True)
        browser.close()


def test_staff_mark_a_complaint_in_progress_and_the_reporter_is_told(live_panel, browser_page, telegram, botapi,
                                                                     run_worker):
    from sandbox.botapi import sample_jpeg

    siti = botapi.user(first_name="Siti")
    complaint = make_complaint(reporter=make_reporter(telegram_id=siti.id, chat_id=siti.id, language="id"),
                               location_accuracy=15)
    saved = media.store_photo(sample_jpeg(640, 480), telegram.MEDIA_DIR, complaint.tracking_code)
    photo = Photo.create(complaint=complaint, path=saved.path, sha256=saved.sha256, size=saved.size,
                         width=saved.width, height=saved.height)
    staff = make_official(models.ROLE_OPD_STAFF)
    page = browser_page

    page.goto(f"{live_panel}/admin/complaint/")
    page.fill("#username", staff.username)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/admin/complaint/?flt0_1=1")  # staff's list: needs my action
    page.click(f"text={complaint.tracking_code}")
    page.wait_for_url("**/admin/complaint/details/**")

    image = page.locator(f"img[src='/media/photo/{photo.id}']")
    image.wait_for()
    image.scroll_into_view_if_needed()
    page.wait_for_function("img => img.complete && img.naturalWidth === 640", arg=image.element_handle())
    page.wait_for_selector("#complaint-map.map-ready .leaflet-marker-icon")
    assert "sisa 1 hari 23 jam" in page.inner_text(".deadline-box")

    page.fill("textarea[name='accept-note']", "Tim survei datang besok pagi.")
    page.click("form[data-action='accept'] button[type=submit]")
    page.wait_for_selector(".alert-success")
    assert "ditandai diproses" in page.inner_text(".alert-success")
    assert "Diproses" in page.inner_text(".tracking-code + span")
    assert Complaint.get_by_id(complaint.id).status == st.IN_PROGRESS

    run_worker()
    message = botapi.wait_for_message(siti.id, lambda m: complaint.tracking_code in m.get("text", ""), timeout=15)
    assert "sedang diproses" in message["text"] and "Tim survei datang besok pagi." in message["text"]
    page.reload()
    page.wait_for_selector(".message-row[data-state='sent']")
    assert page.blocked == []  # the page, its photo, map and forms all work under the CSP


def test_main_admin_pages_work_under_the_content_security_policy(live_panel, browser_page):
    """Every menu page of the main admin, and the forms with Flask-Admin's own scripts (village
    search, date picker, filters), load with no script error and nothing blocked by the CSP."""
    admin = make_official(models.ROLE_MAIN_ADMIN)
    complaint = make_complaint()
    page = browser_page
    page.goto(f"{live_panel}/login")
    page.fill("#username", admin.username)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/admin/")
    assert "script-src 'self' 'nonce-" in page.evaluate("() => fetch('/admin/').then(r => "
                                                         "r.headers.get('content-security-policy'))")
    for path in ("/admin/", "/admin/complaint/", f"/admin/complaint/details/?id={complaint.id}",
                 "/admin/routing/", "/admin/responsetemplate/new/", "/admin/opd/", "/admin/category/new/",
                 "/admin/desa/", "/admin/holiday/new/", "/admin/regions/", "/admin/official/new/",
                 "/admin/reports/", "/admin/reportrecipient/new/"):
        page.goto(live_panel + path)
        page.wait_for_load_state("load")
        assert page.locator(".navbar-brand").count() == 1, path
    page.goto(f"{live_panel}/admin/official/new/")
    page.select_option("#role", "village_head")  # the village field shows for village roles
    page.click("#s2id_desa a, .select2-container")  # Flask-Admin's select2 village search opens
    page.wait_for_selector(".select2-drop-active, .select2-dropdown", state="attached")
    page.goto(f"{live_panel}/admin/complaint/")
    page.click("text=Tambah saringan")
    page.click(".dropdown-menu.show a.filter >> nth=0")  # adds a filter row, stays on the page
    page.wait_for_selector("table.filters tr")
    assert page.url.endswith("/admin/complaint/")

    holiday = models.Holiday.create(day=date(2031, 3, 3), name="Cuti bersama uji")
    page.goto(f"{live_panel}/admin/holiday/")
    page.once("dialog", lambda dialog: dialog.dismiss())  # "no": nothing is deleted
    page.click("button[data-confirm]")
    page.wait_for_timeout(300)
    assert models.Holiday.get_or_none(models.Holiday.id == holiday.id) is not None
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("button[data-confirm]")
    page.wait_for_selector(".alert-success")
    assert models.Holiday.get_or_none(models.Holiday.id == holiday.id) is None
    assert page.blocked == []

