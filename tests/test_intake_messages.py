"""How many messages one complaint costs the bot token: everything from /start to the
assignment notice after the RQ worker ran, counted on the fake Bot API (sent = a new message;
edits apart). Was 12 sent and 5 edits before issue 17 (bench.intake_messages)."""
from collections import Counter
from datetime import timedelta

from core import status as st, tracking
from models import Complaint, Desa
from sandbox.botapi import sample_jpeg
from tests.botdriver import Person, buttons_of, choose_category, text_of

pytest_plugins = ("tests.botfixtures",)

SUNGAI_PUTRI = "61.04.01.2011"
SEND_METHODS = {"sendMessage", "sendPhoto", "sendMediaGroup", "sendLocation", "sendVenue", "sendDocument",
                "sendContact", "copyMessage", "forwardMessage"}
EDIT_METHODS = {"editMessageText", "editMessageReplyMarkup", "editMessageCaption"}


def tally(api, chat_id: int) -> Counter:
    counts = Counter()
    for call in api.calls_for(chat_id):
        if call["ok"] and call["method"] in SEND_METHODS:
            counts["sent"] += 1
        elif call["ok"] and call["method"] in EDIT_METHODS:
            counts["edited"] += 1
    return counts


def file_one(siti: Person, english: bool = False) -> tuple[str, dict]:
    """/start, the menu's button, category, description, two photos, GPS, privacy, confirm."""
    siti.say("/start", expect="Wadul")
    siti.press("m:file", expect="1/5")
    choose_category(siti, "jalan", lang="en" if english else "id")
    siti.say("Jalan berlubang besar di depan SD Negeri 3, sudah dua minggu, bahaya untuk motor.", expect="3/5")
    siti.photo(sample_jpeg(640, 480, (200, 0, 0)), expect="(1/5)")
    siti.photo(sample_jpeg(800, 600, (0, 90, 200)), expect="(2/5)")
    siti.press("ph:done", expect="4/5")
    desa = Desa.get(Desa.code == SUNGAI_PUTRI)
    siti.location(desa.centroid_lat, desa.centroid_lon,
                  expect=lambda m: "5/5" in text_of(m) and "pv:ok" in buttons_of(m))
    siti.press("pv:ok", expect=lambda m: any(b.startswith("ok:") for b in buttons_of(m)))
    confirm = next(b for b in buttons_of(siti.messages()[-1]) if b.startswith("ok:"))
    receipt = siti.press(confirm, expect=lambda m: bool(tracking.find_codes(text_of(m))))
    return tracking.find_codes(text_of(receipt))[0], receipt


def test_one_complaint_costs_five_messages_and_loses_nothing(bot, botapi, telegram, run_worker):
    siti = Person(botapi, first_name="Siti")
    code, receipt = file_one(siti)
    assert "reply_markup" not in receipt and "Periksa laporan" in str(receipt["edit_history"])
    assert botapi.reply_keyboard(siti.id) is None  # the location keyboard was removed
    run_worker()
    complaint = Complaint.get(Complaint.tracking_code == code)
    assert complaint.status == st.ASSIGNED and complaint.receipt_message_id == receipt["message_id"]
    counts = tally(botapi, siti.id)
    assert counts["sent"] == 5, [(c["method"], text_of(c.get("result") or {})[:40]) for c in botapi.calls_for(siti.id)]

    messages = siti.messages()
    assert len(messages) == 5 and not any(m.get("deleted") for m in messages)
    greeting, step3, counter, step4, receipt = messages
    # The menu became the category choice, then "chosen ✓" with step 2 under it.
    assert "Halo, Siti" in str(greeting["edit_history"]) and "Jalan rusak ✓" in text_of(greeting)
    assert "Langkah 2/5" in text_of(greeting)
    # Step 3's "skip" was taken off at the first photo; one counter, edited from 1/5 to 2/5.
    assert "Langkah 3/5" in text_of(step3) and "ph:skip" not in buttons_of(step3)
    assert "(2/5)" in text_of(counter) and "(1/5)" in str(counter["edit_history"])
    assert sum("Foto diterima" in text_of(m) for m in messages) == 1
    assert "Langkah 4/5" in text_of(step4)
    # The receipt: the code, what was filed, and (edited in by the worker) the office and its deadline.
    text = text_of(receipt)
    assert code in text and "Jalan berlubang besar" in text and "Foto: 2" in text and "Desa Sungai Putri" in text
    assert "Aduan Anda sudah kami terima" in text and "sudah diteruskan ke Dinas PUTR" in text
    assert "paling lambat" in text and "WIB" in text
    history = str(receipt["edit_history"])
    assert "Lokasi diterima" in history and "Langkah 5/5" in history  # the location's answer and the privacy step


def test_a_slow_worker_sends_the_notice_as_its_own_message(bot, botapi, telegram, run_worker):
    siti = Person(botapi, first_name="Siti")
    code, receipt = file_one(siti)
    # The worker comes long after the receipt: an edit would go unnoticed, so a new message.
    filed = Complaint.get(Complaint.tracking_code == code)
    Complaint.update(created_at=filed.created_at - timedelta(minutes=30)).where(Complaint.id == filed.id).execute()
    run_worker()
    assert tally(botapi, siti.id)["sent"] == 6
    last = siti.messages()[-1]
    assert last["message_id"] != receipt["message_id"] and "sudah diteruskan ke Dinas PUTR" in text_of(last)
    assert "diteruskan ke" not in text_of(next(m for m in siti.messages() if m["message_id"] == receipt["message_id"]))


def test_a_receipt_deleted_meanwhile_gives_way_to_a_new_message(bot, botapi, telegram, run_worker):
    siti = Person(botapi, first_name="Siti")
    code, receipt = file_one(siti)
    siti.settle()  # the bot records its receipt just after showing it
    assert Complaint.get(Complaint.tracking_code == code).receipt_message_id == receipt["message_id"]
    botapi.delete_for_both(siti.id, receipt["message_id"])  # the person deleted it
    run_worker()
    refused = [c for c in botapi.calls_for(siti.id) if c["method"] == "editMessageText" and not c["ok"]]
    assert refused and "message to edit not found" in refused[-1]["description"]
    assert "sudah diteruskan ke Dinas PUTR" in text_of(siti.messages()[-1])
    assert Complaint.get(Complaint.tracking_code == code).receipt_message_id == 0  # not tried again


def test_in_english_too(bot, botapi, telegram, run_worker):
    john = Person(botapi, first_name="John", language_code="en")
    code, _ = file_one(john, english=True)
    run_worker()
    text = text_of(john.messages()[-1])
    assert "We have received your complaint" in text and "was sent to <b>" not in text
    assert f"Your complaint {code} was sent to Dinas PUTR" in text and tally(botapi, john.id)["sent"] == 5


def test_if_telegram_refuses_to_add_the_buttons_they_come_in_a_second_message(bot, botapi, telegram):
    siti = Person(botapi, first_name="Siti")
    siti.say("/lapor", expect="1/5")
    choose_category(siti, "jalan")
    siti.say("Jalan berlubang besar di depan SD Negeri 3, sudah dua minggu, bahaya untuk motor.", expect="3/5")
    siti.press("ph:skip", expect="4/5")
    botapi.fail_next("editMessageReplyMarkup", error_code=400, description="Bad Request: message can't be edited")
    desa = Desa.get(Desa.code == SUNGAI_PUTRI)
    siti.location(desa.centroid_lat, desa.centroid_lon, expect=lambda m: "pv:ok" in buttons_of(m))
    answer, buttons = siti.messages()[-2:]
    assert "Lokasi diterima" in text_of(answer) and "Langkah 5/5" in text_of(answer)
    assert text_of(buttons) == text_of(answer) and "pv:ok" in buttons_of(buttons)  # nothing lost
    assert botapi.reply_keyboard(siti.id) is None
