"""The sandbox end to end in a real browser: a resident files a complaint with photos and a
location picked on the map through the chat page, the worker routes it, an official marks it
in progress in the panel, and the message reaches the chat page.

Real bot (polling the sandbox's Bot API server), real RQ worker (burst), real panel served
from a thread, headless Debian Chromium driven by Playwright. Skipped when Chromium or
Playwright is missing, unless WADUL_REQUIRE_BROWSER=1 (then it fails).
"""
from __future__ import annotations

import os

import pytest

import models
from core import status as st
from models import Complaint, Desa, Photo
from sandbox.botapi import sample_jpeg
from sandbox.server import ChatPageThread
from sandbox.settings import SandboxSettings
from tests.browserkit import CHROMIUM, CHROMIUM_ARGS, live_panel, require_browser  # noqa: F401
from tests.factories import PASSWORD, make_official
from tests.sandboxkit import botapi  # noqa: F401 - overrides conftest's: the sandbox's server

NOTE = "Tim survei datang besok pagi."

pytestmark = pytest.mark.browser
pytest_plugins = ("tests.botfixtures",)  # the `bot` fixture


@pytest.fixture
def chat_url(botapi, live_panel):
    """The sandbox chat page next to the Bot API server the bot polls; no tile server in tests."""
    with ChatPageThread(botapi, SandboxSettings(panel_url=live_panel, tile_url="")) as page:
        yield page.url


@pytest.fixture
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def _page(browser, name: str):
    page = browser.new_page(viewport={"width": 1300, "height": 950}, locale="id-ID")
    page.set_default_timeout(15000)
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.errors = errors
    page.shot = lambda label: _screenshot(page, f"{name}-{label}")
    return page


def _screenshot(page, name: str) -> None:
    folder = os.environ.get("WADUL_SCREENSHOTS")
    if folder:
        page.screenshot(path=os.path.join(folder, f"{name}.png"))


def _bot_said(chat, fragment: str):
    chat.locator(".message.incoming .text", has_text=fragment).last.wait_for()


def _tap(chat, label: str) -> None:
    chat.locator(".inline-button:not(.pending)", has_text=label).last.click()


def file_through_the_chat_page(page, village: Desa) -> None:
    """Siti files a road complaint with two photos and a point clicked on the map."""
    page.fill("#new-user input[name=first_name]", "Siti")
    page.click("#new-user button[type=submit]")
    chat = page.locator(".chat")
    chat.locator(".start-button").click()
    _tap(chat, "Buat aduan")
    _tap(chat, "Infrastruktur")
    _tap(chat, "Jalan rusak")
    _bot_said(chat, "Langkah 2/5")
    chat.locator(".composer-input").fill("Jalan berlubang besar di depan SD Negeri 3, bahaya untuk motor.")
    chat.locator(".composer-input").press("Enter")
    _bot_said(chat, "Langkah 3/5")
    chat.locator(".attach").click()
    with page.expect_file_chooser() as chooser:
        chat.locator(".attach-photo").click()
    chooser.value.set_files([
        {"name": "lubang-1.jpg", "mimeType": "image/jpeg", "buffer": sample_jpeg(800, 600, (40, 110, 190))},
        {"name": "lubang-2.jpg", "mimeType": "image/jpeg", "buffer": sample_jpeg(600, 800, (190, 110, 40))}])
    assert chat.locator(".attachments .thumbs img").count() == 2
    chat.locator(".send").click()
    chat.locator(".inline-button", has_text="Selesai (2").wait_for()
    _tap(chat, "Selesai (2")
    _bot_said(chat, "Langkah 4/5")

    chat.locator(".keyboard-button", has_text="Kirim lokasi").click()
    page.wait_for_selector("#pick-map.regions-ready")
    page.evaluate("([lat, lon]) => window.wadulSandbox.picker.focus(lat, lon)",
                  [village.centroid_lat, village.centroid_lon])
    box = page.locator("#pick-map").bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    assert "Sungai Putri" in page.inner_text("#map-dialog .place-name")
    page.shot("map")
    page.click("#map-dialog .send-location")
    _bot_said(chat, "Langkah 5/5")
    assert chat.locator(".reply-keyboard").is_hidden()
    _tap(chat, "Lanjut")
    _tap(chat, "Kirim")
    _bot_said(chat, "Aduan Anda sudah kami terima")


def mark_in_progress_in_the_panel(page, panel_url: str, complaint: Complaint) -> None:
    """DPUTR staff log in, open the complaint and accept it with a note."""
    staff = make_official(models.ROLE_OPD_STAFF)
    page.goto(f"{panel_url}/admin/complaint/")
    page.fill("#username", staff.username)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/admin/complaint/?flt0_1=1")  # staff land on "needs my action"
    page.click(f"text={complaint.tracking_code}")
    page.wait_for_url("**/admin/complaint/details/**")
    page.fill("textarea[name='accept-note']", NOTE)
    page.click("form[data-action='accept'] button[type=submit]")
    page.wait_for_selector(".alert-success")
    page.shot("panel")


def test_a_complaint_filed_in_the_chat_page_is_answered_from_the_panel(chat_url, live_panel, browser, bot,
                                                                       botapi, telegram, run_worker):
    village = Desa.get(Desa.code == "61.04.01.2011")
    chat_page = _page(browser, "sandbox")
    chat_page.goto(chat_url)
    chat_page.wait_for_selector("body[data-ready=true]")
    file_through_the_chat_page(chat_page, village)

    complaint = Complaint.select().order_by(Complaint.id.desc()).get()
    assert complaint.reporter.telegram_id == botapi.users()[0].id
    assert Photo.select().where(Photo.complaint == complaint).count() == 2
    # A click at street level is within a pixel (a few metres) of the point aimed at.
    assert complaint.latitude == pytest.approx(village.centroid_lat, abs=1e-4)
    assert complaint.longitude == pytest.approx(village.centroid_lon, abs=1e-4)
    chat = chat_page.locator(".chat")
    album = chat.locator(".message.outgoing .photos.count-2 img")
    album.nth(1).wait_for(timeout=10_000)  # the page draws what it polled; on a loaded machine a moment later
    assert album.count() == 2
    chat_page.wait_for_function("imgs => imgs.every(i => i.complete && i.naturalWidth > 0)",
                                arg=album.element_handles())
    assert chat.locator(".message.outgoing .location-card .coord-link").inner_text().startswith("-1.59")

    run_worker()  # routes it; the reporter is told which office has it
    _bot_said(chat, "sudah diteruskan ke")
    chat_page.shot("filed")

    panel_page = _page(browser, "panel")
    mark_in_progress_in_the_panel(panel_page, live_panel, complaint)
    assert Complaint.get_by_id(complaint.id).status == st.IN_PROGRESS

    run_worker()  # delivers the status change
    update = chat.locator(".message.incoming .text", has_text=NOTE).last
    update.wait_for()
    assert "sedang diproses" in update.inner_text() and complaint.tracking_code in update.inner_text()
    chat_page.shot("answered")
    assert chat_page.inner_text("#calls-badge") == "0"
    assert botapi.rejected_calls() == [] and chat_page.errors == [] and panel_page.errors == []


@pytest.fixture
def bare_chat_url(botapi):
    """The chat page over the Bot API server alone (the test plays the bot with plain HTTP)."""
    require_browser()
    with ChatPageThread(botapi, SandboxSettings(tile_url="")) as page:
        yield page.url


def test_the_page_draws_telegram_formatting_safely_and_keeps_chats_apart(bare_chat_url, browser, botapi):
    import httpx

    page = _page(browser, "formatting")
    page.goto(bare_chat_url)
    page.wait_for_selector("body[data-ready=true]")
    for name in ("Ani", "Wati"):
        page.fill("#new-user input[name=first_name]", name)
        page.click("#new-user button[type=submit]")
    ani, wati = page.locator(".chat").nth(0), page.locator(".chat").nth(1)
    ani_id = int(ani.get_attribute("data-user-id"))
    api = httpx.Client(base_url=f"{botapi.url}/bot{botapi.token}/", timeout=10)
    html = ("👋 <b>Halo</b> <i>miring</i> <u>garis</u> <s>coret</s> <tg-spoiler>rahasia</tg-spoiler> "
            "<code>K7RX-4AMT</code> <a href=\"https://example.org/x\">tautan</a>\n"
            "&lt;img src=x onerror=\"window.hacked=1\"&gt; &lt;script&gt;window.hacked=2&lt;/script&gt;"
            "<blockquote>kutipan</blockquote><pre>blok</pre>")
    sent = api.post("sendMessage", data={"chat_id": ani_id, "text": html, "parse_mode": "HTML", "reply_markup":
                                         '{"inline_keyboard": [[{"text": "Ya", "callback_data": "yes"}]]}'}).json()
    assert sent["ok"], sent
    text = ani.locator(".message.incoming .text").last
    text.wait_for()
    assert text.locator("strong").inner_text() == "Halo"  # UTF-16 offsets after an emoji
    assert [text.locator(tag).inner_text() for tag in ("em", "u", "s", "code", "blockquote", "pre")] == [
        "miring", "garis", "coret", "K7RX-4AMT", "kutipan", "blok"]
    assert text.locator("a").get_attribute("href") == "https://example.org/x"
    assert text.locator(".spoiler").inner_text() == "rahasia"
    assert "<img src=x" in text.inner_text() and "<script>" in text.inner_text()
    assert page.locator(".chat img[src='x'], .chat script").count() == 0
    assert page.evaluate("window.hacked") is None

    ani.locator(".inline-button", has_text="Ya").click()
    query = next(u["callback_query"] for u in api.post("getUpdates").json()["result"] if "callback_query" in u)
    api.post("answerCallbackQuery", data={"callback_query_id": query["id"], "text": "Tersimpan"})
    api.post("editMessageText", data={"chat_id": ani_id, "message_id": sent["result"]["message_id"],
                                      "text": "Pilihan: <b>Ya</b>", "parse_mode": "HTML"})
    ani.locator(".toast", has_text="Tersimpan").wait_for()
    ani.locator(".message.incoming .edited").wait_for()
    assert ani.locator(".message.incoming .text").last.inner_text().startswith("Pilihan: Ya")
    assert ani.locator(".inline-button").count() == 0  # an edit without reply_markup drops the keyboard

    api.post("sendMessage", data={"chat_id": ani_id, "text": "Lokasi?", "reply_markup":
                                  '{"keyboard": [[{"text": "Ketik alamat"}]], "one_time_keyboard": true}'})
    ani.locator(".keyboard-button", has_text="Ketik alamat").click()
    ani.locator(".message.outgoing .text", has_text="Ketik alamat").wait_for()
    assert ani.locator(".reply-keyboard").is_hidden()
    assert wati.locator(".message").count() == 0 and wati.locator(".start-button").is_visible()
    page.shot("formatting")
    assert page.errors == [] and botapi.rejected_calls() == []
