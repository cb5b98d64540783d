"""The sandbox chat page's JSON API (sandbox/webchat/app.py) over the fake Bot API.

Through the page's own endpoints, as its JavaScript uses them: users, the long-polled chat,
text, buttons, photo albums, locations from the reply keyboard, the conformance panel, files.
Filing goes through the real bot polling the same server.
"""
from __future__ import annotations

import json
import threading
import time

import httpx
import pytest

import i18n
from core import tracking
from models import Complaint, Desa, Photo
from sandbox.botapi import sample_jpeg
from tests.sandboxkit import TEST_TOKEN, PageUser, bot_texts, botapi, chat_page  # noqa: F401 - fixtures

pytest_plugins = ("tests.botfixtures",)  # the `bot` fixture


@pytest.fixture
def api_http(botapi):
    """Plain HTTP to the Bot API, to play the bot's side where the real bot is not needed."""
    with httpx.Client(base_url=f"{botapi.url}/bot{TEST_TOKEN}/", timeout=10) as client:
        yield client


def bot_call(http: httpx.Client, method: str, **params) -> dict:
    encoded = {k: json.dumps(v) if isinstance(v, (dict, list)) else str(v) for k, v in params.items()}
    return http.post(method, data=encoded).json()


def error_key(response: httpx.Response) -> str:
    return response.json()["error"]


# --- users ---------------------------------------------------------------------------------
def test_users_are_made_listed_and_bad_ones_refused_with_a_catalogue_key(chat_page):
    assert error_key(chat_page.post("/api/users", json={"first_name": "  "})) == "sandbox.err.name_needed"
    assert error_key(chat_page.post("/api/users", content=b"nonsense")) == "sandbox.err.bad_request"
    for bad in ("abc", 0, -5, 2**60, chat_page.get("/api/info").json()["bot"]["id"]):
        assert error_key(chat_page.post("/api/users", json={"first_name": "X", "id": bad})) == "sandbox.err.bad_id"

    made = chat_page.post("/api/users", json={"first_name": "Siti", "last_name": "Aminah", "username": "@siti_a",
                                              "language_code": "en", "id": "555000111"})
    assert made.status_code == 201
    assert made.json() == {"id": 555000111, "first_name": "Siti", "last_name": "Aminah", "username": "siti_a",
                           "language_code": "en"}
    random_one = chat_page.post("/api/users", json={"first_name": "Budi", "language_code": "xx"}).json()
    assert 6_000_000_000 <= random_one["id"] < 7_000_000_000 and random_one["language_code"] == "id"
    assert [u["first_name"] for u in chat_page.get("/api/users").json()] == ["Siti", "Budi"]
    assert chat_page.get("/api/users/12345/chat").status_code == 404


# --- the real bot, through the page ---------------------------------------------------------
def test_a_complaint_is_filed_through_the_page_with_an_album_and_a_keyboard_location(chat_page, bot, telegram):
    siti = PageUser.create(chat_page, "Siti")
    village = Desa.get(Desa.code == "61.04.01.2011")
    siti.say("/start")
    siti.press("Buat aduan")
    siti.press("Infrastruktur")
    siti.press("Jalan rusak")
    siti.until_bot_says("2/5")
    siti.say("Jalan berlubang besar di depan SD Negeri 3, bahaya untuk pengendara motor.")
    siti.until_bot_says("3/5")

    photos = [("photo", ("a.jpg", sample_jpeg(640, 480, (30, 90, 200)), "image/jpeg")),
              ("photo", ("b.png", _png(), "image/png")), ("caption", (None, "depan sekolah"))]
    assert len(siti.post("photos", files=photos)["update_ids"]) == 2
    siti.press("Selesai")
    state = siti.until_bot_says("4/5")
    sent = [m for m in state["messages"] if not m["from_bot"] and "photo" in m]
    assert len(sent) == 2 and sent[0]["media_group_id"] == sent[1]["media_group_id"]
    assert sent[0]["caption"] == "depan sekolah" and "caption" not in sent[1]

    keyboard = siti.until(lambda s: s["keyboard"])["keyboard"]
    location_button = next(b for row in keyboard["rows"] for b in row if b["location"])
    siti.post("keyboard", json={"text": location_button["text"], "latitude": village.centroid_lat,
                                "longitude": village.centroid_lon, "horizontal_accuracy": 12})
    state = siti.until_bot_says("5/5")
    shared = [m for m in state["messages"] if "location" in m][-1]
    assert shared["from_bot"] is False and shared["location"]["horizontal_accuracy"] == 12
    assert state["keyboard"] is None  # one-time keyboards hide after use, as in Telegram

    siti.press("Lanjut")
    siti.press("Kirim")
    state = siti.until(lambda s: any(tracking.find_codes(t) for t in bot_texts(s)))
    code = next(tracking.find_codes(t)[0] for t in bot_texts(state) if tracking.find_codes(t))
    complaint = Complaint.get(Complaint.tracking_code == code)
    assert complaint.reporter.telegram_id == siti.id
    assert complaint.latitude == pytest.approx(village.centroid_lat, abs=1e-6)  # the page sends 6 decimals
    assert complaint.longitude == pytest.approx(village.centroid_lon, abs=1e-6)
    assert Photo.select().where(Photo.complaint == complaint).count() == 2


def test_the_command_menu_follows_the_users_language(chat_page, bot):
    budi = PageUser.create(chat_page, "Budi", language_code="id")
    john = PageUser.create(chat_page, "John", language_code="en")
    assert "lapor" in [c["command"] for c in budi.until(lambda s: s["commands"])["commands"]]
    assert "report" in [c["command"] for c in john.until(lambda s: s["commands"])["commands"]]


# --- the chat as Telegram shows it -------------------------------------------------------------
def test_the_long_poll_waits_for_a_change_and_returns_as_soon_as_one_comes(chat_page, api_http):
    siti = PageUser.create(chat_page, "Siti")
    quiet = siti.state()
    started = time.monotonic()
    assert siti.state(since=quiet["version"], wait=0.6)["version"] == quiet["version"]
    assert time.monotonic() - started >= 0.55

    markup = {"inline_keyboard": [[{"text": "Buka", "callback_data": "open:1"},
                                   {"text": "Situs", "url": "https://example.org/x"}]]}
    timer = threading.Timer(0.3, bot_call, (api_http, "sendMessage"),
                            {"chat_id": siti.id, "text": "<b>Halo</b> &lt;script&gt; ✓", "parse_mode": "HTML",
                             "reply_markup": markup})
    timer.start()
    started = time.monotonic()
    changed = siti.state(since=quiet["version"], wait=10)
    timer.join()
    assert time.monotonic() - started < 3
    message = changed["messages"][-1]
    assert message["from_bot"] and message["text"] == "Halo <script> ✓"
    assert message["entities"] == [{"offset": 0, "length": 4, "type": "bold"}]
    assert message["buttons"] == [[{"text": "Buka", "kind": "callback", "data": "open:1"},
                                   {"text": "Situs", "kind": "url", "url": "https://example.org/x"}]]


def test_edits_deletions_reply_keyboards_and_callback_toasts(chat_page, api_http, botapi):
    siti = PageUser.create(chat_page, "Siti")
    first = bot_call(api_http, "sendMessage", chat_id=siti.id, text="Pilih:",
                     reply_markup={"inline_keyboard": [[{"text": "Ya", "callback_data": "yes"}]]})["result"]
    doomed = bot_call(api_http, "sendMessage", chat_id=siti.id, text="sementara")["result"]
    bot_call(api_http, "sendMessage", chat_id=siti.id, text="Lokasi?", reply_markup={
        "keyboard": [[{"text": "📍 Kirim lokasi", "request_location": True}], [{"text": "Ketik alamat"}]],
        "one_time_keyboard": True, "input_field_placeholder": "Kirim lokasi atau ketik alamat"})
    state = siti.until(lambda s: s["keyboard"])
    assert state["keyboard"] == {"rows": [[{"text": "📍 Kirim lokasi", "location": True, "contact": False}],
                                          [{"text": "Ketik alamat", "location": False, "contact": False}]],
                                 "placeholder": "Kirim lokasi atau ketik alamat", "one_time": True}

    siti.post("press", json={"message_id": first["message_id"], "callback_data": "yes"})
    query = bot_call(api_http, "getUpdates")["result"][-1]["callback_query"]
    bot_call(api_http, "answerCallbackQuery", callback_query_id=query["id"], text="Tersimpan")
    bot_call(api_http, "editMessageText", chat_id=siti.id, message_id=first["message_id"], text="Pilihan: Ya")
    bot_call(api_http, "deleteMessage", chat_id=siti.id, message_id=doomed["message_id"])
    state = siti.until(lambda s: s["toasts"] and any(m.get("edited") for m in s["messages"]))
    edited = next(m for m in state["messages"] if m["id"] == first["message_id"])
    assert edited["text"] == "Pilihan: Ya" and edited["edits"] == 1 and "buttons" not in edited
    assert doomed["message_id"] not in [m["id"] for m in state["messages"]]
    assert state["toasts"] == [{"n": 1, "text": "Tersimpan", "alert": False}]

    siti.post("keyboard", json={"text": "Ketik alamat"})
    state = siti.until(lambda s: s["keyboard"] is None)
    assert state["messages"][-1]["text"] == "Ketik alamat" and not state["messages"][-1]["from_bot"]


def test_a_venue_from_the_picker_and_bad_input_refused_with_catalogue_keys(chat_page):
    siti = PageUser.create(chat_page, "Siti")
    siti.post("location", json={"latitude": -1.59, "longitude": 110.11, "title": "SD Negeri 3",
                                "address": "Jl. Pelabuhan 5"})
    venue = siti.state()["messages"][-1]
    assert venue["venue"] == {"title": "SD Negeri 3", "address": "Jl. Pelabuhan 5",
                              "location": {"latitude": -1.59, "longitude": 110.11}}
    refused = {
        "sandbox.err.empty": siti.post("text", 400, json={"text": "   "}),
        "sandbox.err.too_long": siti.post("text", 400, json={"text": "x" * 4097}),
        "sandbox.err.not_image": siti.post("photos", 400, files=[("photo", ("x.jpg", b"not an image", "image/jpeg"))]),
        "sandbox.err.no_photo": siti.post("photos", 400, files=[("caption", (None, "tanpa foto"))]),
        "sandbox.err.bad_location": siti.post("location", 400, json={"latitude": 100, "longitude": 110}),
        "sandbox.err.no_button": siti.post("keyboard", 400, json={"text": "tidak ada"}),
    }
    refused["sandbox.err.no_button "] = siti.post("press", 400, json={"message_id": 1, "callback_data": "x"})
    for key, body in refused.items():
        assert body == {"error": key.strip()}
        assert i18n.t(key.strip(), "id") != key.strip() and i18n.t(key.strip(), "en") != i18n.t(key.strip(), "id")


# --- conformance panel and files ----------------------------------------------------------------
def test_rejected_calls_are_listed_from_a_cursor(chat_page, api_http):
    siti = PageUser.create(chat_page, "Siti")
    bot_call(api_http, "sendMessage", chat_id=siti.id, text="baik")
    bot_call(api_http, "sendMessage", chat_id=siti.id, text="x", reply_markup={"inline_keyboard": [[{"text": "A"}]]})
    bot_call(api_http, "sendMessage", chat_id=-100999, text="ke grup yang tidak ada")
    listed = chat_page.get("/api/calls").json()
    assert [(c["method"], c["kind"], c["error_code"]) for c in listed["calls"]] == [
        ("sendMessage", "malformed", 400), ("sendMessage", "refused", 400)]
    assert "Text buttons are unallowed" in listed["calls"][0]["description"]
    assert listed["calls"][1]["description"] == "Bad Request: chat not found"
    assert listed["calls"][0]["params"] == {"chat_id": siti.id, "text": "x",
                                            "reply_markup": {"inline_keyboard": [[{"text": "A"}]]}}
    assert listed["next"] == 3 and not listed["reset"]
    assert chat_page.get("/api/calls", params={"since": 3}).json() == {"next": 3, "calls": [], "reset": False}
    after_restart = chat_page.get("/api/calls", params={"since": 99}).json()  # a cursor from before a restart
    assert after_restart["reset"] and after_restart["next"] == 3 and len(after_restart["calls"]) == 2
    bot_call(api_http, "sendMessage", chat_id=siti.id, text="y" * 5000)  # too long: refused
    long_text = chat_page.get("/api/calls", params={"since": 3}).json()["calls"][0]["params"]["text"]
    assert long_text == "y" * 300 + "…"


def test_files_are_served_as_images_or_as_downloads_only(chat_page, api_http):
    siti = PageUser.create(chat_page, "Siti")
    original = sample_jpeg(1000, 700)
    siti.post("photos", files=[("photo", ("a.jpg", original, "image/jpeg"))])
    photo = siti.state()["messages"][-1]["photo"]
    assert (photo["width"], photo["height"]) == (800, 560)  # the size a Telegram app shows
    full = chat_page.get(photo["full"])
    assert full.headers["content-type"] == "image/jpeg" and full.content == original

    page = b"<html><script>alert(1)</script></html>"
    sent = api_http.post("sendDocument", data={"chat_id": str(siti.id)},
                         files={"document": ("x.html", page, "text/html")}).json()["result"]
    download = chat_page.get(siti.state()["messages"][-1]["media"]["url"])
    assert sent["document"]["mime_type"] == "text/html"
    assert download.headers["content-type"] == "application/octet-stream"
    assert download.headers["content-disposition"] == "attachment" and download.content == page
    assert chat_page.get("/files/AgACAgIAAxkBAAInope").status_code == 404

    media = [{"type": "photo", "media": "attach://one"}, {"type": "photo", "media": "attach://two", "caption": "b"}]
    api_http.post("sendMediaGroup", data={"chat_id": str(siti.id), "media": json.dumps(media)},
                  files={"one": ("1.jpg", sample_jpeg(320, 240), "image/jpeg"),
                         "two": ("2.jpg", sample_jpeg(240, 320), "image/jpeg")})
    album = siti.state()["messages"][-2:]
    assert all(m["from_bot"] for m in album) and album[0]["media_group_id"] == album[1]["media_group_id"]
    assert [chat_page.get(m["photo"]["url"]).headers["content-type"] for m in album] == ["image/jpeg"] * 2


def test_the_page_its_assets_settings_texts_and_village_map(chat_page, botapi):
    page = chat_page.get("/")
    assert page.status_code == 200 and "<template id=\"chat-template\">" in page.text
    assert "script-src 'self'" in page.headers["content-security-policy"]
    for asset in ("/static/app.js", "/static/render.js", "/static/chat.css", "/vendor/leaflet/leaflet.js"):
        assert chat_page.get(asset).status_code == 200, asset
    assert chat_page.get("/api/info").json() == {"bot": botapi.bot_user, "api_url": botapi.url,
                                                 "panel_url": "http://127.0.0.1:5999", "tile_url": "",
                                                 "regions": True}
    english = chat_page.get("/api/strings", params={"lang": "en-GB"}).json()
    assert english["lang"] == "en" and english["texts"]["sandbox.map.send"] == "Send location"
    keys = [key for key in i18n.catalogue() if key.startswith("sandbox.")]
    assert all(i18n.catalogue()[key]["id"].strip() and i18n.catalogue()[key]["en"].strip() for key in keys)
    villages = chat_page.get("/api/regions").json()
    assert villages["type"] == "FeatureCollection" and len(villages["features"]) == 262


def _png() -> bytes:
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (300, 200), (10, 160, 60)).save(buffer, "PNG")
    return buffer.getvalue()
