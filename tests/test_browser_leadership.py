"""In Chromium: a leadership (oversight) user reads the report page and prints it; OPD staff
work on a phone-sized window (390x844) without the list or a complaint page scrolling sideways.
Skipped without Chromium unless WADUL_REQUIRE_BROWSER=1."""
from __future__ import annotations

import os
from datetime import timedelta

import pytest

import models
from core import status as st
from models import utcnow
from services import reports
from tests.browserkit import CHROMIUM, CHROMIUM_ARGS, live_panel  # noqa: F401 (fixture)
from tests.factories import PASSWORD, make_complaint, make_official

pytestmark = pytest.mark.browser
H = timedelta(hours=1)
PHONE = 390
# A phone widens its layout viewport (innerWidth) to fit content wider than the screen, so both
# must stay at the screen's width: nothing sticks out, nothing scrolls sideways.
WIDTHS = "() => [document.scrollingElement.scrollWidth, window.innerWidth]"


def _browser_page(playwright, **context):
    browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    page = browser.new_page(locale="id-ID", **context)
    page.set_default_timeout(15000)
    page.blocked = []
    page.on("console", lambda msg: page.blocked.append(f"{page.url}: {msg.text}") if (
        ("Content Security Policy" in msg.text or msg.type == "error")
        and not msg.location.get("url", "").endswith("/favicon.ico")) else None)
    page.on("pageerror", lambda exc: page.blocked.append(str(exc)))
    return browser, page


def _shot(page, name):
    shot_dir = os.environ.get("WADUL_SCREENSHOTS")
    if shot_dir:
        page.screenshot(path=os.path.join(shot_dir, name), full_page=True)


def _login(page, base, official):
    page.goto(f"{base}/login")
    page.fill("#username", official.username)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")


def test_leadership_reads_and_prints_the_report(live_panel, telegram):
    from playwright.sync_api import sync_playwright

    week = reports.last_complete_week(utcnow())
    day = week.start() + 26 * H
    far = utcnow() + timedelta(days=60)
    make_complaint(created_at=day, assigned_at=day, response_due_at=day + 48 * H, resolution_due_at=far,
                   first_response_at=day + 3 * H, status=st.IN_PROGRESS, rating=5)
    make_complaint(created_at=day, assigned_at=day, response_due_at=day + 48 * H, resolution_due_at=far)
    leader = make_official(models.ROLE_OVERSIGHT, full_name="Sekretaris Daerah")
    with sync_playwright() as playwright:
        browser, page = _browser_page(playwright, viewport={"width": 1280, "height": 900})
        page.add_init_script("window.print = () => { window.printed = (window.printed || 0) + 1; };")
        _login(page, live_panel, leader)
        page.wait_for_url("**/admin/reports/")  # oversight lands on the report
        row = page.locator("tr.report-row", has_text="Dinas PUTR")
        assert row.locator("[data-col=received]").inner_text() == "2"
        assert row.locator("[data-col=on_time]").inner_text().startswith("1/2")
        assert page.locator("[data-figure=overdue]").inner_text() == "1"
        assert page.locator(".report-chart svg rect").count() == 1
        assert f"{week.first.day} " in page.inner_text(".report-period")
        page.click("button[data-print]")
        assert page.evaluate("() => window.printed") == 1
        page.emulate_media(media="print")  # what the printer (or "Save as PDF") gets
        assert not page.locator(".navbar").is_visible() and not page.locator(".report-period-form").is_visible()
        assert page.locator("tr.report-row").first.is_visible()
        page.emulate_media(media="screen")
        with page.expect_download() as download:
            page.click("text=Unduh CSV")
        assert download.value.suggested_filename == f"laporan-{week.first}-{week.last}.csv"
        page.click("text=Halaman cetak")
        page.wait_for_url("**/admin/reports/print?**")
        assert page.locator(".navbar").count() == 0 and "Dinas PUTR" in page.inner_text(".leadership-report")
        _shot(page, "leadership-report.png")
        assert page.blocked == []
        browser.close()


def test_staff_on_a_phone_never_scroll_sideways(live_panel, telegram):
    from playwright.sync_api import sync_playwright

    now = utcnow()
    long_text = ("Jalan penghubung antardesa rusak parah sepanjang dua kilometer, lubang-lubangnya "
                 "sedalam lutut, motor warga sering jatuh ketika hujan deras. ") * 4
    complaint = make_complaint(description=long_text, response_due_at=now - 3 * H,
                               address_text="Jl. Poros Sungai Putri–Tanjungpura RT 003/RW 002, dekat SDN 12")
    make_complaint(response_due_at=now + 20 * H)
    make_complaint(status=st.CLOSED)
    staff = make_official(models.ROLE_OPD_STAFF, full_name="Petugas Dinas PUTR")
    with sync_playwright() as playwright:
        browser, page = _browser_page(playwright, viewport={"width": 390, "height": 844}, is_mobile=True,
                                      has_touch=True, device_scale_factor=2)
        _login(page, live_panel, staff)
        page.wait_for_url("**/admin/complaint/?flt0_1=1")
        page.wait_for_load_state("load")
        assert "Perlu tindakan saya" in page.inner_text("h1")
        assert page.locator("a.code-link").count() == 2  # open ones only; the late one first
        assert page.locator("a.code-link").first.inner_text() == complaint.tracking_code
        assert max(page.evaluate(WIDTHS)) <= PHONE, page.evaluate(WIDTHS)
        _shot(page, "staff-phone-list.png")
        page.locator("a.code-link").first.click()
        page.wait_for_url("**/admin/complaint/details/**")
        page.wait_for_load_state("load")
        assert page.locator("a.map-link-osm").get_attribute("href").startswith("https://www.openstreetmap.org/?mlat=")
        assert max(page.evaluate(WIDTHS)) <= PHONE, page.evaluate(WIDTHS)
        _shot(page, "staff-phone-complaint.png")
        assert page.blocked == []
        browser.close()
