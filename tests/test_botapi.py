"""Tests of the fake Telegram Bot API server itself (sandbox/botapi/).

Most go through plain HTTP with httpx, posting form-encoded bodies the way
python-telegram-bot does; one drives a real telegram.Bot against the server.
"""
from __future__ import annotations

import asyncio
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.ext import ApplicationBuilder, CallbackQueryHandler, CommandHandler
from telegram.error import BadRequest, Forbidden, RetryAfter

from sandbox.botapi import FakeBotAPI, sample_jpeg

TOKEN = "123456:TEST"
NOT_MODIFIED = ("Bad Request: message is not modified: specified new message content and reply markup are "
                "exactly the same as a current content and reply markup of the message")


@pytest.fixture
def api():
    with FakeBotAPI(token=TOKEN) as fake:
        yield fake


@pytest.fixture
def http(api):
    with httpx.Client(base_url=f"{api.url}/bot{TOKEN}/", timeout=10) as client:
        yield client


def form(params: dict) -> dict:
    """Encode parameters as python-telegram-bot does: objects as JSON, booleans as true/false."""
    encoded = {}
    for key, value in params.items():
        if isinstance(value, (dict, list)):
            encoded[key] = json.dumps(value)
        elif isinstance(value, bool):
            encoded[key] = "true" if value else "false"
        else:
            encoded[key] = str(value)
    return encoded


def call(http: httpx.Client, method: str, **params) -> dict:
    return http.post(method, data=form(params)).json()


def inline(*buttons: dict) -> dict:
    return {"inline_keyboard": [list(buttons)]}


def eventually(fetch, done, timeout: float = 3.0):
    """Fetch until done(value) holds; return the last value (for state another thread settles)."""
    deadline = time.monotonic() + timeout
    value = fetch()
    while not done(value) and time.monotonic() < deadline:
        time.sleep(0.02)
        value = fetch()
    return value


def assert_results_have_telegram_shapes(api: FakeBotAPI) -> None:
    """Every successful result has exactly the shape the specification gives its method."""
    for done in (c for c in api.calls if c["ok"]):
        returns = api.spec.method(done["method"]).returns
        api.spec.check_value(done["result"], returns, done["method"], strict=True)


# --- routes, decoding, validation -----------------------------------------------------------
def test_wrong_token_unknown_method_and_case_insensitive_names(api, http):
    wrong = httpx.post(f"{api.url}/bot999:WRONG/getMe")
    assert (wrong.status_code, wrong.json()) == (401, {"ok": False, "error_code": 401, "description": "Unauthorized"})
    unknown = http.post("sendTelepathy")
    assert (unknown.status_code, unknown.json()) == (404, {"ok": False, "error_code": 404, "description": "Not Found"})
    me = http.get("GETME").json()
    assert me["ok"] and me["result"]["is_bot"] and me["result"]["id"] == 123456
    assert [c["kind"] for c in api.rejected_calls()] == ["malformed"]  # the unknown method only


def test_form_json_and_query_string_bodies_are_decoded_alike(api, http):
    siti = api.user(first_name="Siti")
    by_form = call(http, "sendMessage", chat_id=siti.id, text="satu", disable_notification=True)
    by_json = http.post("sendMessage", json={"chat_id": str(siti.id), "text": "dua", "disable_notification": True,
                                             "reply_markup": inline({"text": "OK", "callback_data": "ok"})}).json()
    assert by_json["result"]["reply_markup"] == inline({"text": "OK", "callback_data": "ok"})
    by_query = http.get("sendMessage", params={"chat_id": str(siti.id), "text": "tiga"}).json()
    assert [r["result"]["text"] for r in (by_form, by_json, by_query)] == ["satu", "dua", "tiga"]
    assert [m["message_id"] for m in api.messages(siti.id)] == [1, 2, 3]
    assert api.calls[0]["params"] == {"chat_id": siti.id, "text": "satu", "disable_notification": True}
    assert_results_have_telegram_shapes(api)


def test_missing_and_mistyped_parameters_are_rejected_as_malformed(api, http):
    siti = api.user()
    answers = [
        call(http, "sendMessage", chat_id=siti.id),
        call(http, "sendMessage", text="hai"),
        call(http, "sendMessage", chat_id=siti.id, text="hai", disable_notification="maybe"),
        call(http, "sendMessage", chat_id=siti.id, text="hai", reply_markup="{not json"),
        call(http, "answerCallbackQuery"),
        call(http, "sendMessage", chat_id=siti.id, text="x", reply_markup={"inline_keyboard": [[{"url": "https://a.id"}]]}),
    ]
    assert [a["description"] for a in answers] == [
        "Bad Request: message text is empty",
        "Bad Request: chat_id is empty",
        'Bad Request: parameter "disable_notification" must be of type Boolean',
        "Bad Request: can't parse reply markup JSON object",
        'Bad Request: parameter "callback_query_id" is required',
        "Bad Request: can't parse inline keyboard button: Can't find field \"text\"",
    ]
    assert len(api.rejected_calls()) == 6


def test_unknown_parameters_are_ignored_like_telegram_but_recorded(api, http):
    siti = api.user()
    answer = call(http, "sendMessage", chat_id=siti.id, text="hai", reply_markpu=inline())
    assert answer["ok"]
    assert api.calls[-1]["ignored_params"] == ["reply_markpu"]
    assert api.rejected_calls() == []


def test_text_length_is_counted_after_entity_parsing_and_trimming(api, http):
    siti = api.user()
    assert call(http, "sendMessage", chat_id=siti.id, text="<b>" + "a" * 4096 + "</b>", parse_mode="HTML")["ok"]
    too_long = call(http, "sendMessage", chat_id=siti.id, text="a" * 4097)
    assert too_long["description"] == "Bad Request: message is too long"
    for empty in ("   \n ", "<b></b>"):
        answer = call(http, "sendMessage", chat_id=siti.id, text=empty, parse_mode="HTML")
        assert answer["description"] == "Bad Request: message text is empty"
    assert call(http, "sendMessage", chat_id=siti.id, text="  rapi  ")["result"]["text"] == "rapi"


def test_html_is_parsed_like_telegram(api, http):
    siti = api.user()
    sent = call(http, "sendMessage", chat_id=siti.id, parse_mode="HTML",
                text='🚧 <b>Kode</b> &lt;A1&gt; &amp; <a href="https://wadul.go.id">cek</a> Tom & Jerry')
    assert sent["result"]["text"] == "🚧 Kode <A1> & cek Tom & Jerry"
    assert sent["result"]["entities"] == [  # the emoji is two UTF-16 units
        {"offset": 3, "length": 4, "type": "bold"},
        {"offset": 15, "length": 3, "type": "text_link", "url": "https://wadul.go.id/"}]
    errors = {text: call(http, "sendMessage", chat_id=siti.id, text=text, parse_mode="HTML")["description"]
              for text in ("skor 3 < 5", "baris<br>baru", "<b>tebal</i>", "<b>tebal")}
    assert errors == {
        "skor 3 < 5": 'Bad Request: can\'t parse entities: Unsupported start tag "" at byte offset 7',
        "baris<br>baru": 'Bad Request: can\'t parse entities: Unsupported start tag "br" at byte offset 5',
        "<b>tebal</i>": 'Bad Request: can\'t parse entities: Unmatched end tag at byte offset 8, expected "</b>", '
                        'found "</i>"',
        "<b>tebal": "Bad Request: can't parse entities: Can't find end tag corresponding to start tag b"}
    bad_mode = call(http, "sendMessage", chat_id=siti.id, text="x", parse_mode="HTML5")
    assert bad_mode["description"] == "Bad Request: unsupported parse_mode"
    assert_results_have_telegram_shapes(api)


def test_markdown_v2_reserved_characters_must_be_escaped(api, http):
    siti = api.user()
    unescaped = call(http, "sendMessage", chat_id=siti.id, text="Biaya Rp1.000", parse_mode="MarkdownV2")
    assert unescaped["description"] == ("Bad Request: can't parse entities: Character '.' is reserved and must be "
                                        "escaped with the preceding '\\'")
    escaped = call(http, "sendMessage", chat_id=siti.id, text="*Biaya* Rp1\\.000 \\(gratis\\)", parse_mode="MarkdownV2")
    assert escaped["result"]["text"] == "Biaya Rp1.000 (gratis)"
    assert escaped["result"]["entities"] == [{"offset": 0, "length": 5, "type": "bold"}]
    unclosed = call(http, "sendMessage", chat_id=siti.id, text="ok _miring", parse_mode="MarkdownV2")
    assert unclosed["description"] == "Bad Request: can't parse entities: Can't find end of Italic entity at byte offset 3"


def test_keyboards_follow_telegram_limits(api, http):
    siti = api.user()
    def send(markup):
        return call(http, "sendMessage", chat_id=siti.id, text="pilih", reply_markup=markup)
    assert send(inline({"text": "OK", "callback_data": "é" * 32}))["ok"]  # 64 bytes
    results = [send(inline({"text": "OK", "callback_data": "é" * 33})),
               send(inline({"text": " ", "callback_data": "x"})),
               send(inline({"text": "Tanpa aksi"})),
               send(inline({"text": "Panel", "url": "http://localhost:5000/aduan/1"})),
               send({"keyboard": {"text": "Lokasi"}})]
    assert [r["description"] for r in results] == [
        "Bad Request: BUTTON_DATA_INVALID",
        "Bad Request: BUTTON_TEXT_INVALID",
        "Bad Request: can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard",
        "Bad Request: inline keyboard button URL 'http://localhost:5000/aduan/1' is invalid: Wrong HTTP URL",
        'Bad Request: can\'t parse ReplyKeyboardMarkup: Field "keyboard" must be an Array']
    shown = send({"keyboard": [["Batal", {"text": "Kirim lokasi", "request_location": True}]], "one_time_keyboard": True})
    assert "reply_markup" not in shown["result"]  # Telegram only echoes inline keyboards
    assert api.reply_keyboard(siti.id)["keyboard"][0][0] == {"text": "Batal"}
    api.send_text(siti, "Batal")
    assert api.reply_keyboard(siti.id) is None  # one-time keyboards close once used


# --- files -------------------------------------------------------------------------------------
def test_bot_photo_uploads_get_telegram_sizes_and_caption_limits(api, http):
    siti = api.user()
    image = sample_jpeg(1000, 750)
    direct = http.post("sendPhoto", data={"chat_id": str(siti.id), "caption": "bukti"},
                       files={"photo": ("bukti.jpg", image, "image/jpeg")}).json()
    sizes = direct["result"]["photo"]
    assert [(s["width"], s["height"]) for s in sizes] == [(90, 68), (320, 240), (800, 600), (1000, 750)]
    assert direct["result"]["caption"] == "bukti"
    attached = http.post("sendPhoto", data={"chat_id": str(siti.id), "photo": "attach://pic"},
                         files={"pic": ("p.jpg", image, "image/jpeg")}).json()
    assert attached["ok"]
    by_id = call(http, "sendPhoto", chat_id=siti.id, photo=sizes[-1]["file_id"])
    assert by_id["result"]["photo"] == sizes
    long_caption = call(http, "sendPhoto", chat_id=siti.id, photo=sizes[-1]["file_id"], caption="x" * 1025)
    assert long_caption["description"] == "Bad Request: message caption is too long"
    not_image = http.post("sendPhoto", data={"chat_id": str(siti.id)}, files={"photo": ("a.jpg", b"nope", "image/jpeg")})
    assert not_image.json()["description"] == "Bad Request: IMAGE_PROCESS_FAILED"
    unknown = call(http, "sendPhoto", chat_id=siti.id, photo="AgACAgIAAxkBAAIunknown")
    assert unknown["description"] == "Bad Request: wrong file identifier/HTTP URL specified"
    assert_results_have_telegram_shapes(api)


def test_user_files_can_be_fetched_with_get_file_up_to_20_mb(api, http):
    siti = api.user()
    image = sample_jpeg(1280, 720)
    api.send_photo(siti, image, caption="jalan berlubang")
    photo = call(http, "getUpdates")["result"][0]["message"]["photo"]
    assert [(p["width"], p["height"]) for p in photo] == [(90, 51), (320, 180), (800, 450), (1280, 720)]
    assert photo[0]["file_id"].startswith("AgACAgIAAxkBAAI") and photo[0]["file_unique_id"].startswith("AQAD")
    info = call(http, "getFile", file_id=photo[-1]["file_id"])["result"]
    assert info["file_path"].startswith("photos/file_") and info["file_size"] == len(image)
    download = httpx.get(f"{api.url}/file/bot{TOKEN}/{info['file_path']}")
    assert download.content == image and api.downloaded_files == [info["file_path"]]
    assert httpx.get(f"{api.url}/file/bot{TOKEN}/photos/none.jpg").status_code == 404

    api.send_document(siti, b"%PDF-1.4 kecil", "surat.pdf", "application/pdf", declared_size=25 * 1024 * 1024)
    document = call(http, "getUpdates", offset=-1)["result"][0]["message"]["document"]
    assert (document["file_name"], document["mime_type"], document["file_size"]) == (
        "surat.pdf", "application/pdf", 25 * 1024 * 1024)
    too_big = call(http, "getFile", file_id=document["file_id"])
    assert too_big["description"] == "Bad Request: file is too big"
    wrong = call(http, "getFile", file_id="BQACAgIAAxkBAAIwrong")
    assert wrong["description"] == "Bad Request: wrong file_id or the file is temporarily unavailable"
    assert [c["description"] for c in api.rejected_calls()] == [wrong["description"]]  # too big is the user's doing
    assert_results_have_telegram_shapes(api)


def test_media_group_location_venue_and_chat_action(api, http):
    siti = api.user()
    media = [{"type": "photo", "media": "attach://a", "caption": "depan"}, {"type": "photo", "media": "attach://b"}]
    album = http.post("sendMediaGroup", data={"chat_id": str(siti.id), "media": json.dumps(media)},
                      files={"a": ("a.jpg", sample_jpeg(), "image/jpeg"), "b": ("b.jpg", sample_jpeg(), "image/jpeg")})
    first, second = album.json()["result"]
    assert first["media_group_id"] == second["media_group_id"] and first["caption"] == "depan"
    eleven = call(http, "sendMediaGroup", chat_id=siti.id, media=[{"type": "photo", "media": "x"}] * 11)
    assert eleven["description"] == "Bad Request: too much messages to send as an album"
    location = call(http, "sendLocation", chat_id=siti.id, latitude=-1.8523, longitude=109.9712)["result"]
    assert location["location"] == {"latitude": -1.8523, "longitude": 109.9712}
    venue = call(http, "sendVenue", chat_id=siti.id, latitude=-1.85, longitude=109.97, title="Kantor PUTR",
                 address="Jl. Jend. Sudirman")["result"]
    assert venue["venue"]["title"] == "Kantor PUTR" and venue["location"]["latitude"] == -1.85
    assert call(http, "sendChatAction", chat_id=siti.id, action="typing") == {"ok": True, "result": True}
    assert call(http, "sendChatAction", chat_id=siti.id, action="dancing")["description"] == (
        "Bad Request: wrong parameter action in request")
    assert_results_have_telegram_shapes(api)


# --- updates ----------------------------------------------------------------------------------
def test_get_updates_confirms_by_offset(api, http):
    siti = api.user()
    ids = [api.send_text(siti, text) for text in ("satu", "dua", "tiga")]
    assert [u["update_id"] for u in call(http, "getUpdates")["result"]] == ids
    assert [u["update_id"] for u in call(http, "getUpdates", limit=1)["result"]] == ids[:1]
    assert [u["update_id"] for u in call(http, "getUpdates", offset=ids[1])["result"]] == ids[1:]
    assert [u["update_id"] for u in call(http, "getUpdates")["result"]] == ids[1:]  # the first is forgotten
    assert [u["update_id"] for u in call(http, "getUpdates", offset=-1)["result"]] == ids[2:]
    assert call(http, "getUpdates", offset=ids[2] + 1)["result"] == []
    assert_results_have_telegram_shapes(api)


def test_long_poll_returns_as_soon_as_an_update_arrives(api, http):
    siti = api.user()
    threading.Timer(0.2, api.send_text, args=(siti, "/start")).start()
    started = time.monotonic()
    updates = call(http, "getUpdates", timeout=5)["result"]
    assert 0.1 < time.monotonic() - started < 2
    assert updates[0]["message"]["text"] == "/start"
    assert updates[0]["message"]["entities"] == [{"offset": 0, "length": 6, "type": "bot_command"}]


def test_a_client_hanging_up_mid_poll_does_not_disturb_the_next_poll(api, http):
    with pytest.raises(httpx.ReadTimeout):
        httpx.post(f"{api.url}/bot{TOKEN}/getUpdates", data={"timeout": "30"}, timeout=0.3)
    siti = api.user()
    api.send_text(siti, "halo")
    started = time.monotonic()
    answer = call(http, "getUpdates", timeout=5)
    assert answer["result"][0]["message"]["text"] == "halo" and time.monotonic() - started < 1


def test_a_newer_poll_terminates_the_older_one(api, http):
    older = {}
    thread = threading.Thread(target=lambda: older.update(call(http, "getUpdates", timeout=5)))
    thread.start()
    # Poll again until the older request, once it is waiting on the server, has been ended.
    eventually(lambda: call(http, "getUpdates"), lambda answer: not thread.is_alive())
    thread.join(3)
    assert older["error_code"] == 409
    assert older["description"] == ("Conflict: terminated by other getUpdates request; make sure that only one "
                                    "bot instance is running")


class _Receiver:
    """A webhook endpoint that answers 500 to the first `failures` deliveries."""

    def __init__(self, failures: int) -> None:
        self.received: list[tuple[dict, str | None]] = []
        self.failures = failures
        self.arrived = threading.Event()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - http.server's naming
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                failing = receiver.failures > 0
                receiver.failures -= 1
                if not failing:
                    receiver.received.append((body, self.headers.get("X-Telegram-Bot-Api-Secret-Token")))
                    receiver.arrived.set()
                self.send_response(500 if failing else 200)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


def test_webhook_delivers_updates_with_the_secret_and_retries(api, http):
    receiver = _Receiver(failures=1)
    api.webhook_retry_delays = (0.05, 0.05)
    try:
        answer = call(http, "setWebhook", url=receiver.url, secret_token="rahasia_1", allowed_updates=["message"])
        assert answer == {"ok": True, "result": True, "description": "Webhook was set"}
        conflict = call(http, "getUpdates")
        assert conflict["error_code"] == 409 and conflict["description"] == (
            "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the "
            "webhook first")
        siti = api.user()
        update_id = api.send_text(siti, "lapor")
        assert receiver.arrived.wait(5)
        assert receiver.received == [({"update_id": update_id, "message": receiver.received[0][0]["message"]},
                                      "rahasia_1")]
        # The update leaves the queue once the fake has read the receiver's answer.
        info = eventually(lambda: call(http, "getWebhookInfo")["result"], lambda i: i["pending_update_count"] == 0)
        assert info["url"] == receiver.url
        assert info["last_error_message"] == "Wrong response from the webhook: 500 Internal Server Error"
        assert call(http, "deleteWebhook")["description"] == "Webhook was deleted"
        assert call(http, "getUpdates")["ok"]
    finally:
        receiver.server.shutdown()
    assert api.rejected_calls() == []
    assert_results_have_telegram_shapes(api)


def test_webhook_delivers_in_parallel_but_one_chat_in_order(api, http):
    """Like Telegram (max_connections): a slow receiver gets several chats at once, one chat's updates in turn."""
    lock = threading.Lock()
    state = {"now": 0, "most": 0, "chats_now": set(), "overlap": False, "order": []}

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 - http.server's naming
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            chat = body["message"]["chat"]["id"]
            with lock:
                state["overlap"] |= chat in state["chats_now"]
                state["chats_now"].add(chat)
                state["now"] += 1
                state["most"] = max(state["most"], state["now"])
                state["order"].append((chat, body["message"]["text"]))
            time.sleep(0.2)
            with lock:
                state["now"] -= 1
                state["chats_now"].discard(chat)
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        call(http, "setWebhook", url=f"http://127.0.0.1:{server.server_port}/hook", max_connections=10)
        people = [api.user() for _ in range(8)]
        siti = people[0]
        for n in range(3):
            api.send_text(siti, f"siti {n}")
        for person in people[1:]:
            api.send_text(person, "halo")
        start = time.monotonic()
        eventually(lambda: call(http, "getWebhookInfo")["result"], lambda i: i["pending_update_count"] == 0,
                   timeout=10)
        took = time.monotonic() - start
    finally:
        server.shutdown()
    assert len(state["order"]) == 10
    assert state["most"] >= 5 and not state["overlap"]
    assert [text for chat, text in state["order"] if chat == siti.id] == ["siti 0", "siti 1", "siti 2"]
    assert took < 1.5  # serially: 10 x 0.2 s; in parallel: siti's three in turn, ~0.6 s


def test_allowed_updates_filter_new_updates(api, http):
    siti = api.user()
    sent = call(http, "sendMessage", chat_id=siti.id, text="pilih", reply_markup=inline({"text": "A", "callback_data": "a"}))
    call(http, "getUpdates", allowed_updates=["callback_query"])
    api.send_text(siti, "diabaikan")
    api.press_button(siti, sent["result"]["message_id"], "a")
    assert [list(u)[1] for u in call(http, "getUpdates")["result"]] == ["callback_query"]


# --- flood limits and injected failures -----------------------------------------------------
def test_rate_limits_answer_429_with_retry_after():
    with FakeBotAPI(token=TOKEN, rate_limits=True) as api, httpx.Client(base_url=f"{api.url}/bot{TOKEN}/") as http:
        siti = api.user()
        answers = [call(http, "sendMessage", chat_id=siti.id, text=f"pesan {n}") for n in range(4)]
        assert [a["ok"] for a in answers] == [True, True, True, False]  # burst of 3, then 1 per second
        assert answers[3] == {"ok": False, "error_code": 429, "description": "Too Many Requests: retry after 1",
                              "parameters": {"retry_after": 1}}
        group = api.group(title="Dinas PUTR")
        group_answers = [call(http, "sendMessage", chat_id=group, text="aduan baru") for _ in range(21)]
        assert [a["ok"] for a in group_answers].count(True) == 20
        assert group_answers[20]["parameters"] == {"retry_after": 3}  # 20 a minute: one every 3 s
        # The global limit (30 a second by default) with a slow refill, so the test cannot race the clock.
        assert (api.limits.global_per_second, api.limits.global_burst) == (30, 30)
        api.limits.global_per_second, api.limits.global_burst = 0.2, 5
        spread = [call(http, "sendMessage", chat_id=api.user().id, text="info") for _ in range(6)]
        assert [a["ok"] for a in spread] == [True] * 5 + [False]
        assert spread[-1]["parameters"] == {"retry_after": 5}
        assert api.rejected_calls() == []


def test_fail_next_injects_telegram_failures(api, http):
    siti = api.user()
    api.fail_next("sendMessage", error_code=429, retry_after=7)
    api.fail_next("sendmessage", error_code=502, count=2)
    answers = [http.post("sendMessage", data=form({"chat_id": siti.id, "text": "x"})) for _ in range(4)]
    assert [a.status_code for a in answers] == [429, 502, 502, 200]
    assert answers[0].json() == {"ok": False, "error_code": 429, "description": "Too Many Requests: retry after 7",
                                 "parameters": {"retry_after": 7}}
    assert answers[1].json()["description"] == "Bad Gateway"
    assert len(api.messages(siti.id)) == 1 and api.rejected_calls() == []


def test_blocked_users_and_unknown_chats_are_refused_not_rejected(api, http):
    siti, group = api.user(), api.group(title="Kecamatan")
    api.block(siti.id)
    api.block(group)
    assert call(http, "sendMessage", chat_id=siti.id, text="x") == {
        "ok": False, "error_code": 403, "description": "Forbidden: bot was blocked by the user"}
    assert call(http, "sendMessage", chat_id=group, text="x")["description"] == (
        "Forbidden: bot was kicked from the supergroup chat")
    assert call(http, "sendMessage", chat_id=424242, text="x")["description"] == "Bad Request: chat not found"
    api.send_text(siti, "/start")  # writing to the bot again unblocks it
    assert call(http, "sendMessage", chat_id=siti.id, text="x")["ok"]
    assert api.rejected_calls() == []


# --- edits, buttons, inspection ---------------------------------------------------------------
def test_edits_are_applied_with_history_and_not_modified_is_refused(api, http):
    siti = api.user()
    keyboard = inline({"text": "Detail", "callback_data": "detail:1"})
    sent = call(http, "sendMessage", chat_id=siti.id, text="Status: Baru", reply_markup=keyboard)["result"]
    same = call(http, "editMessageText", chat_id=siti.id, message_id=sent["message_id"], text="Status: Baru",
                reply_markup=keyboard)
    assert same["description"] == NOT_MODIFIED
    edited = call(http, "editMessageText", chat_id=siti.id, message_id=sent["message_id"], text="Status: <b>Diproses</b>",
                  parse_mode="HTML")["result"]
    assert edited["text"] == "Status: Diproses" and "reply_markup" not in edited and edited["edit_date"] >= sent["date"]
    history = api.last_message(siti.id)["edit_history"]
    assert history == [{"date": sent["date"], "text": "Status: Baru", "reply_markup": keyboard}]
    assert call(http, "editMessageReplyMarkup", chat_id=siti.id, message_id=sent["message_id"],
                reply_markup=keyboard)["result"]["reply_markup"] == keyboard
    assert call(http, "editMessageCaption", chat_id=siti.id, message_id=sent["message_id"], caption="x")[
        "description"] == "Bad Request: there is no caption in the message to edit"
    assert call(http, "deleteMessage", chat_id=siti.id, message_id=sent["message_id"])["result"] is True
    assert api.messages(siti.id)[0]["deleted"] is True
    assert call(http, "editMessageText", chat_id=siti.id, message_id=sent["message_id"], text="y")[
        "description"] == "Bad Request: message to edit not found"
    assert call(http, "deleteMessage", chat_id=siti.id, message_id=sent["message_id"])[
        "description"] == "Bad Request: message to delete not found"
    # Refused as malformed: the unchanged edit, the caption edit, the second delete. Editing a
    # message the person deleted is Telegram's refusal of a well-formed call (a race the bot
    # cannot avoid), not counted among the rejected calls.
    assert len(api.rejected_calls()) == 3
    assert_results_have_telegram_shapes(api)


def test_button_presses_and_callback_answers(api, http):
    siti = api.user(first_name="Siti", username="siti_k")
    sent = call(http, "sendMessage", chat_id=siti.id, text="Nilai jawaban",
                reply_markup=inline({"text": "👍", "callback_data": "rate:5"}))["result"]
    api.press_button(siti, sent["message_id"], "rate:5")
    query = call(http, "getUpdates")["result"][0]["callback_query"]
    assert query["message"]["message_id"] == sent["message_id"] and query["data"] == "rate:5"
    assert query["from"]["username"] == "siti_k" and query["chat_instance"].startswith("-")
    too_long = call(http, "answerCallbackQuery", callback_query_id=query["id"], text="x" * 201)
    assert too_long["description"] == "Bad Request: MESSAGE_TOO_LONG"
    assert call(http, "answerCallbackQuery", callback_query_id=query["id"], text="Terima kasih")["ok"]
    again = call(http, "answerCallbackQuery", callback_query_id=query["id"])
    assert again["description"] == ("Bad Request: query is too old and response timeout expired or query ID is "
                                    "invalid")
    assert api.callback_answers == [{"callback_query_id": query["id"], "text": "Terima kasih"}]
    with pytest.raises(ValueError, match="no button"):
        api.press_button(siti, sent["message_id"], "rate:1")
    assert_results_have_telegram_shapes(api)


def test_wait_for_message_blocks_until_the_bot_answers(api, http):
    siti = api.user()
    first = call(http, "sendMessage", chat_id=siti.id, text="lama")["result"]
    threading.Timer(0.2, call, args=(http, "sendMessage"), kwargs={"chat_id": siti.id, "text": "baru"}).start()
    message = api.wait_for_message(siti.id, after=first["message_id"], timeout=5)
    assert message["text"] == "baru"
    assert api.wait_for_message(siti.id, lambda m: m["text"] == "lama")["message_id"] == first["message_id"]
    call(http, "sendMessage", chat_id=siti.id, text="<b>rusak", parse_mode="HTML")
    with pytest.raises(TimeoutError) as waited:
        api.wait_for_message(siti.id, lambda m: "rusak" in m["text"], timeout=0.2)
    assert "Can't find end tag" in str(waited.value) and "'baru'" in str(waited.value)


def test_simulated_users_send_telegram_shaped_messages(api, http):
    siti = api.user(user_id=5551234, first_name="Siti", last_name="Aminah", language_code="id")
    group = api.group(title="OPD Dinas PUTR")
    api.send_location(siti, -1.85, 109.97, horizontal_accuracy=12.5)
    api.send_venue(siti, -1.85, 109.97, "Pasar", "Jl. Merdeka")
    api.send_contact(siti, "+6281234567890", "Siti", user_id=siti.id)
    api.send_sticker(siti)
    api.send_voice(siti)
    api.send_video(siti, size=30 * 1024 * 1024)
    api.send_text(siti, "/lapor@wadul_sandbox_bot", chat_id=group)
    pushed = api.push_update({"message": {"message_id": 99, "date": 0, "chat": {"id": 1, "type": "private"}}})
    updates = call(http, "getUpdates")["result"]
    messages = [u["message"] for u in updates]
    assert messages[0]["from"] == {"id": 5551234, "is_bot": False, "first_name": "Siti", "last_name": "Aminah",
                                   "language_code": "id"}
    assert messages[0]["location"]["horizontal_accuracy"] == 12.5
    assert set(messages[1]) >= {"venue", "location"} and messages[2]["contact"]["user_id"] == siti.id
    assert messages[3]["sticker"]["type"] == "regular" and messages[4]["voice"]["mime_type"] == "audio/ogg"
    assert messages[5]["video"]["file_size"] == 30 * 1024 * 1024
    assert messages[6]["chat"] == {"id": group, "title": "OPD Dinas PUTR", "type": "supergroup"}
    assert messages[6]["entities"] == [{"offset": 0, "length": 24, "type": "bot_command"}]
    assert updates[-1]["update_id"] == pushed == updates[-2]["update_id"] + 1
    with pytest.raises(ValueError, match="Can't find field \"date\""):
        api.push_update({"message": {"message_id": 1, "chat": {"id": 1, "type": "private"}}})
    assert_results_have_telegram_shapes(api)


def test_commands_chat_info_and_nested_objects(api, http):
    siti = api.user(first_name="Siti")
    assert call(http, "setMyCommands", commands=[{"command": "lapor", "description": "Buat aduan"}])["result"]
    assert call(http, "getMyCommands")["result"] == [{"command": "lapor", "description": "Buat aduan"}]
    assert call(http, "setMyCommands", commands=[{"command": "Lapor!", "description": "x"}])["description"] == (
        "Bad Request: BOT_COMMAND_INVALID")
    scope = call(http, "setMyCommands", commands=[{"command": "a", "description": "b"}], scope={"type": "chat"})
    assert scope["description"] == "Bad Request: can't parse BotCommandScopeChat: Can't find field \"chat_id\""
    chat = call(http, "getChat", chat_id=siti.id)["result"]
    assert chat["type"] == "private" and chat["first_name"] == "Siti" and "accepted_gift_types" in chat
    reply = call(http, "sendMessage", chat_id=siti.id, text="x", reply_parameters={"message_id": 77})
    assert reply["description"] == "Bad Request: message to be replied not found"
    api.send_text(siti, "aduan saya")
    quoted = call(http, "sendMessage", chat_id=siti.id, text="diterima", reply_parameters={"message_id": 1})
    assert quoted["result"]["reply_to_message"]["text"] == "aduan saya"
    assert_results_have_telegram_shapes(api)


def test_start_is_fast():
    started = time.monotonic()
    with FakeBotAPI(token=TOKEN) as api:
        assert time.monotonic() - started < 0.5
        assert httpx.get(f"{api.url}/bot{TOKEN}/getMe").json()["ok"]


# --- a real python-telegram-bot client ------------------------------------------------------------
@pytest.mark.asyncio
@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")  # raised inside RetryAfter itself
async def test_python_telegram_bot_talks_to_the_fake(api):
    siti = api.user(first_name="Siti")
    photo = sample_jpeg(800, 600)
    async with Bot(TOKEN, base_url=f"{api.url}/bot", base_file_url=f"{api.url}/file/bot") as bot:
        keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("Jalan rusak", callback_data="kategori:jalan")]])
        sent = await bot.send_message(siti.id, "<b>Pilih</b> kategori", parse_mode="HTML", reply_markup=keyboard)
        assert sent.text == "Pilih kategori" and sent.entities[0].type == "bold"
        api.send_photo(siti, photo, caption="lubang")
        api.press_button(siti, sent.message_id, "kategori:jalan")
        updates = await bot.get_updates(timeout=1)
        assert updates[0].message.caption == "lubang" and updates[1].callback_query.data == "kategori:jalan"
        assert await bot.answer_callback_query(updates[1].callback_query.id)
        file = await bot.get_file(updates[0].message.photo[-1].file_id)
        assert await file.download_as_bytearray() == bytearray(photo)

        api.fail_next("sendMessage", error_code=429, retry_after=2)
        with pytest.raises(RetryAfter, match="Retry in 2 seconds"):
            await bot.send_message(siti.id, "x")
        with pytest.raises(BadRequest, match="parse entities"):
            await bot.send_message(siti.id, "3 < 5", parse_mode="HTML")
        api.block(siti.id)
        with pytest.raises(Forbidden, match="blocked by the user"):
            await bot.send_message(siti.id, "x")
    assert [c["description"] for c in api.rejected_calls()] == [
        'Bad Request: can\'t parse entities: Unsupported start tag "" at byte offset 2']
    assert_results_have_telegram_shapes(api)
    assert api.calls[0]["method"] == "getMe" and all(c["method"] != "getUpdates" or c["ok"] for c in api.calls)


@pytest.mark.asyncio
async def test_a_polling_application_answers_and_stops_cleanly(api):
    async def start(update, context):
        await update.message.reply_text("Pilih:", reply_markup=InlineKeyboardMarkup(
            [[InlineKeyboardButton("Jalan", callback_data="jalan")]]))

    async def chosen(update, context):
        await update.callback_query.answer()
        await update.callback_query.edit_message_text(f"Kategori: {update.callback_query.data}")

    app = ApplicationBuilder().token(TOKEN).base_url(f"{api.url}/bot").base_file_url(f"{api.url}/file/bot").build()
    app.add_handlers([CommandHandler("start", start), CallbackQueryHandler(chosen)])
    siti = api.user()
    async with app:
        await app.start()
        await app.updater.start_polling(timeout=10, poll_interval=0)
        api.send_text(siti, "/start")
        menu = await asyncio.to_thread(api.wait_for_message, siti.id)
        api.press_button(siti, menu["message_id"], "jalan")
        await asyncio.to_thread(api.wait_for_message, siti.id, lambda m: m["text"] == "Kategori: jalan")
        started = time.monotonic()
        await app.updater.stop()  # drops its pending long poll
        await app.stop()
        assert time.monotonic() - started < 2
    assert api.rejected_calls() == [] and len(api.callback_answers) == 1
    assert httpx.get(f"{api.url}/bot{TOKEN}/getMe").json()["ok"]  # the server outlived the dropped poll
