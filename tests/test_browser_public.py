"""The public pages in a real browser (Debian's Chromium through Playwright), on a desktop window
and a phone-sized one: the map draws the server's clusters, the list, the performance page and
the code lookup work, nothing is blocked by the Content-Security-Policy, nothing is wider than
the phone. Skipped without Chromium or Playwright unless WADUL_REQUIRE_BROWSER=1.
"""
import os
from datetime import timedelta

import pytest

from core import status as st
from core import tracking
from models import Desa, utcnow
from services.complaints import status_door
from tests.browserkit import CHROMIUM, CHROMIUM_ARGS, live_panel, require_browser  # noqa: F401
from tests.factories import make_complaint

pytestmark = pytest.mark.browser


@pytest.fixture
def browser():
    require_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def _page(browser, width, height):
    page = browser.new_page(viewport={"width": width, "height": height}, locale="id-ID",
                            is_mobile=width < 600, has_touch=width < 600)
    page.set_default_timeout(15000)
    page.blocked = []
    page.on("console", lambda msg: page.blocked.append(f"{page.url}: {msg.text}") if (
        ("Content Security Policy" in msg.text or msg.type == "error")
        and not msg.location.get("url", "").endswith("/favicon.ico")) else None)
    page.on("pageerror", lambda exc: page.blocked.append(str(exc)))
    return page


def _shot(page, name):
    shot_dir = os.environ.get("WADUL_SCREENSHOTS")
    if shot_dir:
        page.screenshot(path=os.path.join(shot_dir, f"public-{name}.png"), full_page=True)


def _seed():
    now = utcnow()
    made = []
    villages = list(Desa.select().where(Desa.centroid_lat.is_null(False)).limit(4))
    for i in range(24):
        desa = villages[i % len(villages)]
        made.append(make_complaint(tracking_code=tracking.new_code(), desa=desa,
                                   latitude=desa.centroid_lat + (i % 3) * 0.0003,
                                   longitude=desa.centroid_lon + (i % 5) * 0.0003,
                                   created_at=now - timedelta(hours=i)))
    status_door.change_status(made[0].id, status_door.Change(to_status=st.IN_PROGRESS, note="Tim kami datang besok.",
                                                             actor_label="Dinas PUTR"))
    secret = make_complaint(tracking_code=tracking.new_code(), is_confidential=True)
    return made, secret


@pytest.mark.parametrize("width,height", [(1280, 900), (390, 844)], ids=["desktop", "phone"])
def test_public_map_list_performance_and_lookup(live_panel, browser, width, height):
    made, secret = _seed()
    page = _page(browser, width, height)
    name = "phone" if width < 600 else "desktop"

    page.goto(f"{live_panel}/publik/")
    page.wait_for_selector("#public-map.map-ready")
    clusters = page.locator("#public-map .marker-cluster")
    assert clusters.count() >= 1
    shown = sum(int(t) for t in clusters.all_inner_texts())
    assert shown == len(made)  # every public complaint counted once, the confidential one not
    assert page.locator("#complaint-list .public-item").count() == 20  # one page
    page.click("a[rel=next]")
    page.wait_for_selector("#public-map.map-ready")
    assert page.locator("#complaint-list .public-item").count() == len(made) - 20
    page.click("a[rel=prev]")
    page.wait_for_selector("#public-map.map-ready")
    clusters = page.locator("#public-map .marker-cluster")
    assert secret.tracking_code not in page.content()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    _shot(page, f"{name}-list")

    # Clicking a cluster zooms in and asks the server for that zoom's clusters (or points).
    with page.expect_response(lambda r: "/publik/peta.json" in r.url) as answer:
        clusters.first.click()
    data = answer.value.json()
    assert sum(c["count"] for c in data["clusters"]) + len(data["points"]) >= 1

    # A complaint's page from the list.
    page.locator(f'#complaint-list .public-item[data-code="{made[0].tracking_code}"] a').first.click()
    page.wait_for_selector(".public-detail")
    assert "Tim kami datang besok." in page.inner_text("main")
    page.wait_for_selector("#detail-map.map-ready")

    page.click("text=Kinerja")
    page.wait_for_selector("#perf-opd")
    assert "PUTR" in page.inner_text("#perf-opd")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    _shot(page, f"{name}-performance")

    page.click("text=Lacak aduan")
    page.fill("#kode", made[0].tracking_code.lower())
    page.click("#lookup-form button[type=submit]")
    page.wait_for_selector("#lookup-result")
    assert made[0].tracking_code in page.inner_text("#lookup-result") and "Diproses" in page.inner_text("#lookup-result")
    page.fill("#kode", secret.tracking_code)
    page.click("#lookup-form button[type=submit]")
    page.wait_for_selector("#lookup-private")
    assert "PUTR" not in page.inner_text("#lookup-result")
    _shot(page, f"{name}-lookup")

    page.click("a[hreflang=en]")
    page.wait_for_selector("text=Track a complaint by its code")
    assert page.blocked == []
    page.close()
