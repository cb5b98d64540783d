"""Recording a complaint on behalf of a resident in a real browser: the map click fills the
point and names the village, the form files, the slip shows the code. Skipped without Chromium
unless WADUL_REQUIRE_BROWSER=1."""
import pytest

import models
from models import Complaint
from tests.browserkit import live_panel  # noqa: F401 (fixture)
from tests.factories import PASSWORD, make_official
from tests.test_browser_panel import browser_page  # noqa: F401 (fixture)
from tests.workerkit import SUNGAI_PUTRI, point_in

pytestmark = pytest.mark.browser


def test_a_map_click_places_the_complaint_and_the_slip_shows_the_code(live_panel, browser_page):
    staff = make_official(models.ROLE_OPD_STAFF, opd="DISKOMINFO")
    page = browser_page
    page.goto(f"{live_panel}/admin/behalf/")
    page.fill("#username", staff.username)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/admin/behalf/")
    page.wait_for_selector("#behalf-map.map-ready")

    lat, lon = point_in(SUNGAI_PUTRI)
    page.evaluate("([lat, lon]) => document.getElementById('behalf-map').wadulMap.setView([lat, lon], 16, {animate: false})",
                  [lat, lon])
    box = page.locator("#behalf-map").bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.wait_for_selector("#behalf-map .leaflet-marker-icon")
    page.wait_for_function("() => document.getElementById('behalf-place').textContent.includes('Sungai Putri')")
    assert abs(float(page.input_value("#latitude")) - lat) < 0.001
    assert abs(float(page.input_value("#longitude")) - lon) < 0.001

    page.select_option("#channel", "whatsapp")
    page.fill("#contact_name", "Ibu Wati")
    page.select_option("#category_id", label="Jalan rusak")
    page.fill("#description", "Jalan di depan rumah warga berlubang dalam dan tergenang air.")
    page.click("form.behalf-form button[type=submit]")
    page.wait_for_url("**/admin/behalf/slip/**")
    complaint = Complaint.get(Complaint.contact_name == "Ibu Wati")
    assert complaint.tracking_code in page.inner_text(".slip-code")
    assert complaint.desa.code == SUNGAI_PUTRI and complaint.channel == "whatsapp"
    assert f"/publik/lacak?kode={complaint.tracking_code}" in page.input_value(".slip[data-lang='id'] textarea")
    assert page.blocked == []  # nothing refused by the Content-Security-Policy, no script error
