"""The panel in a real browser: OPD staff log in, open a complaint, see its photo and map,
mark it in progress with a note, and the reporter's Telegram message arrives.

Headless Chromium from Debian's packages (/usr/bin/chromium), driven by Playwright. Skipped
when Chromium or Playwright is missing, unless WADUL_REQUIRE_BROWSER=1 (then it fails).
"""
import os
import threading

import pytest

import models
from core import status as st
from models import Complaint, Photo
from services import media
from tests.factories import PASSWORD, make_complaint, make_official, make_reporter

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]

pytestmark = pytest.mark.browser


def _require_browser():
    missing = None
    if not os.path.exists(CHROMIUM):
        missing = f"{CHROMIUM} is not installed (apt-get install chromium)"
    else:
        try:
            import playwright.sync_api  # noqa: F401
        except ImportError:
            missing = "Playwright for Python is not installed (pip install -r requirements.txt)"
    if missing and os.environ.get("WADUL_REQUIRE_BROWSER") == "1":
        pytest.fail(missing)
    if missing:
        pytest.skip(missing)


@pytest.fixture
def live_panel(telegram):
    """The panel served on 127.0.0.1 from a thread, as gunicorn would serve it."""
    _require_browser()
    from werkzeug.serving import make_server

    from panel import create_app

    app = create_app(telegram.with_(TILE_URL=""))  # no tile server in tests: the marker still shows
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)


@pytest.fixture
def browser_page():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="id-ID")
        page.set_default_timeout(15000)
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
    page.wait_for_url("**/admin/complaint/")
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

