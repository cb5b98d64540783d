"""Bad input to the bot, as an attacker or a careless client sends it, through the fake Bot API.

Each case says what the resident gets (a clear, polite answer in their language), and checks
that nothing was stored (no complaint, history, rating, photo or outbox row; the draft as it
was) and nothing leaked (no error text, no token, no other person's tracking code, no
exception in the bot's log).
"""
from __future__ import annotations

import io
import logging
import struct
import zlib

import pytest
from PIL import Image

from config import TestConfig
from models import Complaint, Draft, OutboundMessage, Photo, StatusChange
from sandbox.botapi import sample_jpeg
from sandbox.botapi.state import public_view
from tests.botdriver import Person, choose_category, text_of
from tests.factories import make_complaint, make_reporter
from tests.workerkit import wait_until

pytest_plugins = ("tests.botfixtures",)  # the `bot` fixture

TEST_TOKEN = TestConfig.TELEGRAM_BOT_TOKEN
HUGE = "9" * 20             # beyond every integer column
TOO_LONG_FOR_INT = "4294967296"
ERROR_TEXT = "ada gangguan"  # bot.error: what an exception would make the bot say


# --- helpers ------------------------------------------------------------------------------------
def stored() -> dict:
    """Everything a bad input must not change."""
    return {"complaints": Complaint.select().count(), "history": StatusChange.select().count(),
            "photos": Photo.select().count(), "outbox": OutboundMessage.select().count(),
            "ratings": Complaint.select().where(Complaint.rating.is_null(False)).count()}


def draft_of(person: Person) -> tuple:
    draft = Draft.get_or_none(Draft.telegram_user_id == person.id)
    if draft is None:
        return None, None
    data = {k: v for k, v in draft.data.items() if k not in ("album_ack",)}
    return draft.step, data


def forge_press(api, person: Person, data: str) -> int:
    """A button press with any callback data on the bot's latest message (a modified client)."""
    state = api._state
    query_id = state.new_callback_id(person.id)
    last = person.messages()[-1]
    with state.lock:
        state.callbacks[query_id] = {"answered": False, "user_id": person.id}
        view = public_view(state.find_message(state.chat_or_none(person.id), last["message_id"]))
    return api.push_update({"callback_query": {"id": query_id, "from": person.user.as_user(), "message": view,
                                               "chat_instance": "-4000000000000000001", "data": data}})


def png_bomb(width: int = 12000, height: int = 12000) -> bytes:
    """A 1-bit PNG declaring `width` x `height` pixels in a few kilobytes."""
    data = zlib.compress((b"\x00" + b"\x00" * ((width + 7) // 8)) * height, 9)

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0))
            + chunk(b"IDAT", data) + chunk(b"IEND", b""))


def jpeg_claiming(width: int, height: int) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 64), (10, 20, 30)).save(out, "JPEG")
    data = bytearray(out.getvalue())
    marker = data.index(b"\xff\xc0")
    data[marker + 5:marker + 9] = struct.pack(">HH", height, width)
    return bytes(data)


@pytest.fixture
def watch(caplog):
    """After the case: no handler raised (on_error logs at ERROR) and no line printed the token."""
    caplog.set_level(logging.INFO)
    yield caplog
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert errors == [], [r.getMessage() for r in errors]
    assert TEST_TOKEN not in caplog.text


def assert_clean(person: Person, before_store: dict, before_draft: tuple, secrets: tuple[str, ...] = ()) -> None:
    person.settle()  # everything sent so far was handled
    assert stored() == before_store
    assert draft_of(person) == before_draft
    said = "\n".join(person.texts())
    assert ERROR_TEXT not in said and TEST_TOKEN not in said and "Traceback" not in said
    for secret in secrets:
        assert secret not in said


# --- free text where a minimum length applies ------------------------------------------------------
INVISIBLE_DESCRIPTIONS = {
    "zero_width_spaces": "\u200b" * 20,
    "every_zero_width_kind": "\u200b\u200c\u200d\u2060\ufeff" * 6,
    "bidi_overrides_around_a_word": "\u202e\u202d" * 10 + "rusak",
    "ideographic_spaces_between_letters": "a\u3000" * 7,
    "hangul_fillers": "\u3164" * 20,
    "braille_blanks": "\u2800" * 20,
    "accent_pile_on_one_letter": "a" + "\u0301" * 60,
    "control_codes": "ab\x00\x01\x07\x1b\x7f" * 4,
}


@pytest.mark.parametrize("text", list(INVISIBLE_DESCRIPTIONS.values()), ids=list(INVISIBLE_DESCRIPTIONS))
def test_an_invisible_description_is_too_short(bot, botapi, watch, text):
    siti = Person(botapi)
    siti.say("/lapor", expect="Langkah 1/5")
    choose_category(siti, "jalan")
    siti.settle()  # the last answer's bookkeeping (e.g. the photo counter's id) is saved
    before_store, before_draft = stored(), draft_of(siti)
    reply = siti.say(text, expect="terlalu singkat")
    assert "minimal 15" in text_of(reply)
    assert_clean(siti, before_store, before_draft)
    assert draft_of(siti)[0] == "description"


def test_a_description_over_the_limit_is_refused_and_another_try_is_offered(bot, botapi, watch):
    siti = Person(botapi)
    siti.say("/lapor", expect="Langkah 1/5")
    choose_category(siti, "jalan")
    siti.settle()  # the last answer's bookkeeping (e.g. the photo counter's id) is saved
    before_store, before_draft = stored(), draft_of(siti)
    siti.say("😀" * 2001, expect="terlalu panjang")
    assert_clean(siti, before_store, before_draft)


def test_an_invisible_typed_address_is_too_short(bot, botapi, watch):
    siti = Person(botapi)
    siti.say("/lapor", expect="Langkah 1/5")
    choose_category(siti, "jalan")
    siti.say("Jalan berlubang besar di depan SD, bahaya untuk motor.", expect="Langkah 3/5")
    siti.press("ph:skip", expect="Langkah 4/5")
    siti.settle()  # the last answer's bookkeeping (e.g. the photo counter's id) is saved
    before_store, before_draft = stored(), draft_of(siti)
    siti.say("\u200b" * 30 + "Jl. A", expect="terlalu")
    assert_clean(siti, before_store, before_draft)


# --- forged buttons ----------------------------------------------------------------------------------
FORGED = {  # callback data -> what the resident is told (a button answer or a message)
    "status_huge_id": (f"st:{HUGE}", "tidak ditemukan"),
    "status_int32_overflow": (f"st:{TOO_LONG_FOR_INT}", "tidak ditemukan"),
    "status_superscript_digit": ("st:²", "tidak ditemukan"),
    "status_arabic_indic_digits": ("st:١٢", "tidak ditemukan"),
    "status_negative": ("st:-1", "tidak ditemukan"),
    "status_zero": ("st:0", "tidak ditemukan"),
    "village_open_huge": (f"vo:{HUGE}", "tidak berwenang"),
    "village_action_huge": (f"va:{HUGE}:ok:{HUGE}", "tidak"),
    "village_list_huge_page": (f"vl:{HUGE}", "perangkat desa"),
    "rating_huge_complaint": (f"rt:{HUGE}:5", "tidak berlaku"),
    "rating_huge_stars": (f"rt:1:{HUGE}", "tidak berlaku"),
    "reopen_huge_resolution": (f"ro:1:{HUGE}", "tidak berlaku"),
    "fixed_answer_huge": (f"fb:{HUGE}:{HUGE}:y", "tidak berlaku"),
    "add_info_huge": (f"ai:{HUGE}", "tidak"),
    "category_out_of_step": (f"cat:{HUGE}", "tidak berlaku"),
    "confirm_forged_token": ("ok:" + "Z" * 60, "tidak berlaku"),
    "language_unknown": ("lang:xx", "tidak berlaku"),
    "unknown_prefix": ("zz:1", "tidak berlaku"),
    "no_separator": ("A" * 64, "tidak berlaku"),
}


@pytest.mark.parametrize("data, expected", list(FORGED.values()), ids=list(FORGED))
def test_a_forged_button_is_answered_as_an_unknown_one(bot, botapi, watch, data, expected):
    siti = Person(botapi)
    siti.say("/start", expect="Wadul")
    siti.settle()  # the last answer's bookkeeping (e.g. the photo counter's id) is saved
    before_store, before_draft = stored(), draft_of(siti)
    answers, messages = len(botapi.callback_answers), len(siti.messages())
    forge_press(botapi, siti, data)
    def told():  # the button's answer, or a message after it (the message may come a moment later)
        said = [a.get("text", "") for a in botapi.callback_answers[answers:]] + siti.texts()[messages:]
        return said if any(expected in text for text in said) else None

    try:
        wait_until(told, 10)
    except TimeoutError:
        said = [a.get("text", "") for a in botapi.callback_answers[answers:]] + siti.texts()[messages:]
        raise AssertionError(f"{expected!r} not among {said!r}") from None
    assert_clean(siti, before_store, before_draft)


def test_my_list_with_a_huge_page_shows_the_list(bot, botapi, watch):
    siti = Person(botapi)
    siti.say("/start", expect="Wadul")
    siti.settle()  # the last answer's bookkeeping (e.g. the photo counter's id) is saved
    before_store, before_draft = stored(), draft_of(siti)
    forge_press(botapi, siti, f"my:{HUGE}")
    siti.wait(lambda m: "belum punya aduan" in text_of(m), after=0)  # the list (empty), in place
    assert_clean(siti, before_store, before_draft)


def test_a_category_with_a_huge_or_odd_id_at_the_category_step(bot, botapi, watch):
    siti = Person(botapi)
    siti.say("/lapor", expect="Langkah 1/5")
    siti.settle()  # the last answer's bookkeeping (e.g. the photo counter's id) is saved
    before_store, before_draft = stored(), draft_of(siti)
    for data in (f"cat:{HUGE}", "cat:²", f"cat:{TOO_LONG_FOR_INT}"):
        answers = len(botapi.callback_answers)
        forge_press(botapi, siti, data)
        wait_until(lambda: len(botapi.callback_answers) > answers, 10)
    assert_clean(siti, before_store, before_draft)
    assert draft_of(siti)[0] == "category"


@pytest.mark.parametrize("data", ["st:{id}", "ai:{id}", "rt:{id}:5", "fb:{id}:1:y", "ro:{id}:1"])
def test_buttons_naming_another_persons_complaint_reveal_nothing(bot, botapi, watch, data):
    other = make_complaint(reporter=make_reporter(telegram_id=4242, chat_id=4242))
    siti = Person(botapi)
    siti.say("/start", expect="Wadul")
    siti.settle()  # the last answer's bookkeeping (e.g. the photo counter's id) is saved
    before_store, before_draft = stored(), draft_of(siti)
    answers = len(botapi.callback_answers)
    forge_press(botapi, siti, data.format(id=other.id))
    wait_until(lambda: len(botapi.callback_answers) > answers, 10)
    assert_clean(siti, before_store, before_draft, secrets=(other.tracking_code, other.description[:20]))
    assert all(other.tracking_code not in a.get("text", "") for a in botapi.callback_answers)


# --- typed codes and links ---------------------------------------------------------------------------
TYPED = {
    "sql_in_a_code": ("K7RX' OR '1'='1", "Untuk membuat aduan"),
    "deep_link_path_traversal": ("/start ../../etc/passwd", "Wadul"),
    "deep_link_sql": ("/start ' OR 1=1 --", "Wadul"),
    "deep_link_overlong": ("/start " + "A" * 300, "Wadul"),
    "markup_injection": ("<b>tebal</b><a href='http://x'>klik</a> & </code>", "Untuk membuat aduan"),
}


@pytest.mark.parametrize("text, expected", list(TYPED.values()), ids=list(TYPED))
def test_typed_nonsense_gets_a_plain_answer(bot, botapi, watch, text, expected):
    make_complaint()  # somebody's complaint exists; it must not be shown
    siti = Person(botapi)
    siti.say("/start", expect="Wadul")
    siti.settle()  # the last answer's bookkeeping (e.g. the photo counter's id) is saved
    before_store, before_draft = stored(), draft_of(siti)
    siti.say(text, expect=expected)
    assert_clean(siti, before_store, before_draft, secrets=("TST-",))


# --- files at the photo step ---------------------------------------------------------------------------
FILES = {
    "png_of_144_megapixels": (png_bomb(), "bomb.png", "image/png", None, "terlalu banyak piksel"),
    "jpeg_header_claiming_144_megapixels": (jpeg_claiming(12000, 12000), "x.jpg", "image/jpeg", None,
                                            "terlalu banyak piksel"),
    "declared_25_mb": (sample_jpeg(), "besar.jpg", "image/jpeg", 25 * 1024 * 1024, "terlalu besar"),
    "pdf_named_jpg": (b"%PDF-1.7 pura-pura", "palsu.jpg", "image/jpeg", None, "bukan foto"),
    "truncated_png": (png_bomb(64, 64)[:40], "potong.png", "image/png", None, "bukan foto"),
    "executable": (b"MZ\x90\x00" * 64, "virus.exe", "application/octet-stream", None, "tidak bisa diterima"),
}


@pytest.mark.parametrize("data, name, mime, declared, expected", list(FILES.values()), ids=list(FILES))
def test_a_bad_file_at_the_photo_step_is_refused_and_the_photos_kept(bot, botapi, watch, data, name, mime,
                                                                      declared, expected):
    siti = Person(botapi)
    siti.say("/lapor", expect="Langkah 1/5")
    choose_category(siti, "jalan")
    siti.say("Jalan berlubang besar di depan SD, bahaya untuk motor.", expect="Langkah 3/5")
    siti.photo(sample_jpeg(), expect="(1/5)")
    siti.settle()  # the last answer's bookkeeping (e.g. the photo counter's id) is saved
    before_store, before_draft = stored(), draft_of(siti)
    siti.document(data, name, mime, declared_size=declared, expect=expected)
    assert_clean(siti, before_store, before_draft)
    assert len(draft_of(siti)[1]["photos"]) == 1
