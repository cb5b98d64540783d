"""Closing the loop end to end: the office resolves in the panel's way, a real RQ worker
delivers the door's messages to the fake Bot API, and the reporter answers through the real
bot: fixed and rated, not fixed with a photo, past the reopen limit, silence and automatic
closing, extra information from "my complaints", and buttons pressed by the wrong person or
too late."""
from __future__ import annotations

from datetime import timedelta

import pytest

import models
from core import status as st, tracking
from models import Complaint, Photo, StatusChange, utcnow
from services.complaints import desk
from sandbox.botapi import sample_jpeg
from sandbox.botapi.state import public_view
from services.feedback.messages import resolution_id
from tests.botdriver import Person, buttons_of, text_of
from tests.factories import make_complaint, make_official, make_reporter
from tests.workerkit import link_office, texts, wait_until
from workers import sweeps

pytest_plugins = ("tests.botfixtures",)  # the `bot` fixture


# --- helpers -------------------------------------------------------------------------------------
def reporter_of(person: Person, **complaint_fields) -> Complaint:
    """A complaint of this Telegram user, assigned to DPUTR, with a real tracking code (people type it)."""
    reporter = make_reporter(telegram_id=person.id, chat_id=person.id, first_name=person.user.first_name)
    return make_complaint(reporter=reporter, tracking_code=tracking.new_code(), **complaint_fields)


def resolve(complaint: Complaint, note: str = "Lubang sudah ditambal aspal dan dipadatkan.",
            photo: bytes | None = None) -> None:
    """The office's staff resolve it the way the panel does (services behind the panel's form)."""
    staff = make_official(opd="DPUTR")
    desk.perform(Complaint.get_by_id(complaint.id), staff, desk.Request("resolve", note=note, photo=photo))


def reload(complaint: Complaint) -> Complaint:
    return Complaint.get_by_id(complaint.id)


def answers(botapi) -> list[str]:
    return [a.get("text", "") for a in botapi.callback_answers]


def wait_answer(botapi, fragment: str) -> str:
    return wait_until(lambda: next((a for a in answers(botapi) if fragment in a), None))


def forge_press(api, person: Person, message: dict, data: str) -> str:
    """A press with any callback data, as a modified client can send (registered like press_button's)."""
    state = api._state
    query_id = state.new_callback_id(person.id)
    with state.lock:
        state.callbacks[query_id] = {"answered": False, "user_id": person.id}
        view = public_view(state.find_message(state.chat_or_none(person.id), message["message_id"]))
    api.push_update({"callback_query": {"id": query_id, "from": person.user.as_user(), "message": view,
                                        "chat_instance": "-4000000000000000002", "data": data}})
    return query_id


def question(person: Person, complaint: Complaint) -> dict:
    """The resolved message's part carrying "is it fixed?" buttons."""
    return person.with_button(f"fb:{complaint.id}:{resolution_id(complaint.id)}:y")


# --- fixed --------------------------------------------------------------------------------------
def test_resolved_confirmed_rated_and_commented(bot, botapi, run_worker):
    siti = Person(botapi)
    complaint = reporter_of(siti)
    long_note = "Lubang sudah ditambal aspal. " + "Pekerjaan meliputi pembersihan, pemadatan dan pengaspalan. " * 25
    resolve(complaint, note=long_note, photo=sample_jpeg(400, 300, (90, 90, 90)))
    run_worker()
    asked = question(siti, complaint)
    photo = next(m for m in siti.messages() if "photo" in m)
    assert photo["message_id"] < asked["message_id"] and len(text_of(photo)) <= 1024  # long note: photo first
    assert "Pemadatan" not in text_of(photo) and "benar-benar beres" in text_of(asked)
    assert "pengaspalan" in text_of(asked)

    rating = siti.press(f"fb:{complaint.id}:{resolution_id(complaint.id)}:y", message=asked,
                        expect="Bagaimana penilaian Anda")
    assert reload(complaint).status == st.CLOSED and "Dinas PUTR" in text_of(rating)
    assert buttons_of(rating) == [f"rt:{complaint.id}:{n}" for n in range(1, 6)]
    assert buttons_of(next(m for m in siti.messages() if m["message_id"] == asked["message_id"])) == []

    siti.press(f"rt:{complaint.id}:4", message=rating, expect="saran atau komentar")
    rated = next(m for m in siti.messages() if m["message_id"] == rating["message_id"])
    assert "⭐⭐⭐⭐" in text_of(rated) and buttons_of(rated) == []
    comment = "Cepat dan rapi, terima kasih <PUTR>!"
    siti.say(comment, expect="Terima kasih atas penilaian")
    complaint = reload(complaint)
    assert (complaint.status, complaint.rating, complaint.feedback) == (st.CLOSED, 4, comment)
    assert complaint.rated_at is not None
    siti.say("Halo", expect="ketik /lapor")  # back to idle: text is no longer a comment
    assert reload(complaint).feedback == comment


def test_rating_while_writing_a_report_then_the_report_continues(bot, botapi, run_worker):
    siti = Person(botapi)
    complaint = reporter_of(siti)
    resolve(complaint)
    run_worker()
    asked = question(siti, complaint)
    siti.say("/lapor", expect="Langkah 1/5")
    rating = siti.press(f"fb:{complaint.id}:{resolution_id(complaint.id)}:y", message=asked,
                        expect="Bagaimana penilaian")
    siti.press(f"rt:{complaint.id}:5", message=rating, expect="saran atau komentar")
    siti.press("fx:skip", expect="Langkah 1/5")
    assert reload(complaint).rating == 5 and reload(complaint).feedback == ""
    assert models.Draft.get(models.Draft.telegram_user_id == siti.id).step == "category"


# --- not fixed ----------------------------------------------------------------------------------------
def test_not_fixed_with_a_photo_reopens_to_the_office_with_fresh_deadlines(bot, botapi, run_worker):
    group = link_office(botapi, "DPUTR")
    siti = Person(botapi)
    start = utcnow() - timedelta(days=5)
    complaint = reporter_of(siti, created_at=start, assigned_at=start, response_due_at=start + timedelta(hours=48),
                            first_response_at=start + timedelta(hours=3))
    resolve(complaint)
    run_worker()
    asked = question(siti, complaint)
    siti.press(f"fb:{complaint.id}:{resolution_id(complaint.id)}:n", message=asked, expect="belum beres pada aduan")
    siti.say("Masih", expect="terlalu singkat")
    siti.say("Tambalannya sudah retak lagi dan air menggenang di sisi kiri.", expect="Kirim satu foto")
    before = utcnow()
    siti.photo(sample_jpeg(640, 480, (120, 60, 30)), expect="dibuka kembali dan dikembalikan ke")
    complaint = reload(complaint)
    assert complaint.status == st.REOPENED and complaint.reopen_count == 1
    hours = complaint.category.response_hours
    assert before + timedelta(hours=hours) - timedelta(seconds=5) <= complaint.response_due_at
    assert complaint.response_due_at <= utcnow() + timedelta(hours=hours)
    assert complaint.first_response_at is None and complaint.resolved_at is None
    last = complaint.history.order_by(StatusChange.id.desc()).first()
    assert last.to_status == st.REOPENED and "retak lagi" in last.note and last.actor_reporter_id
    assert Photo.get(Photo.status_change == last).kind == "reopen"
    run_worker()
    notice = botapi.wait_for_message(group, lambda m: "dibuka kembali oleh pelapor" in text_of(m))
    assert "photo" in notice and "retak lagi" in text_of(notice) and complaint.tracking_code in text_of(notice)
    assert not any("dibuka kembali" in t for t in texts(botapi, siti.id)[:-1])  # no outbox echo to the reporter


def test_past_the_reopen_limit_the_main_admin_takes_over(bot, botapi, run_worker):
    office = link_office(botapi, "DPUTR")
    main = link_office(botapi, "DISKOMINFO")
    siti = Person(botapi)
    complaint = reporter_of(siti, reopen_count=2)  # REOPEN_LIMIT is 2: this is the third time
    resolve(complaint)
    run_worker()
    siti.press(f"fb:{complaint.id}:{resolution_id(complaint.id)}:n", message=question(siti, complaint),
               expect="belum beres pada aduan")
    siti.photo(sample_jpeg(320, 240, (10, 10, 200)), expect="Fotonya sudah kami terima")
    reply = siti.say("Sudah tiga kali diperbaiki tapi tetap berlubang.", expect="diserahkan ke admin utama")
    assert "Diskominfo" in text_of(reply) and "3 kali" in text_of(reply)
    complaint = reload(complaint)
    assert complaint.status == st.FORWARDED and complaint.assigned_opd.code == "DISKOMINFO"
    run_worker(settle=30)  # the assignment job, then its messages (to a chat the bot just wrote to: paced)
    complaint = reload(complaint)
    assert complaint.status == st.ASSIGNED and complaint.reopen_count == 3
    botapi.wait_for_message(office, lambda m: "melewati batas 2 kali" in text_of(m))
    handed = botapi.wait_for_message(main, lambda m: "dialihkan ke Diskominfo" in text_of(m))
    assert "tetap berlubang" in text_of(handed)
    # The handover is one hop for the reporter: one message, with the new office's deadline (issue 17).
    siti.wait(lambda m: "dialihkan ke Diskominfo" in text_of(m) and "Tenggat dihitung ulang" in text_of(m))


# --- silence ------------------------------------------------------------------------------------------
def test_silence_closes_it_and_the_reporter_may_still_reopen_within_the_window(bot, botapi, run_worker):
    siti = Person(botapi)
    complaint = reporter_of(siti)
    resolve(complaint)
    run_worker()
    asked = question(siti, complaint)
    now = utcnow() + timedelta(days=7, hours=1)
    Complaint.update(resolved_at=utcnow() - timedelta(days=7, hours=1)).where(Complaint.id == complaint.id).execute()
    assert sweeps.sweep_auto_close(utcnow()) == 1
    assert sweeps.sweep_auto_close(now) == 0
    run_worker()
    closed = siti.with_button(f"ro:{complaint.id}:{resolution_id(complaint.id)}")
    assert "kami tutup" in text_of(closed) and "14 hari" in text_of(closed)
    assert reload(complaint).status == st.CLOSED

    siti.press(f"fb:{complaint.id}:{resolution_id(complaint.id)}:y", message=asked)
    wait_answer(botapi, "sekarang Ditutup")  # the old question: a clear answer, nothing changes
    assert reload(complaint).status == st.CLOSED and reload(complaint).rating is None

    siti.press(f"ro:{complaint.id}:{resolution_id(complaint.id)}", message=closed, expect="belum beres pada aduan")
    siti.say("Ternyata lubangnya muncul lagi di tempat yang sama.", expect="Kirim satu foto")
    siti.press("fx:nophoto", expect="dibuka kembali dan dikembalikan ke")
    assert reload(complaint).status == st.REOPENED


def test_after_the_window_the_reopen_button_says_so(bot, botapi, run_worker):
    siti = Person(botapi)
    complaint = reporter_of(siti)
    resolve(complaint)
    long_ago = utcnow() - timedelta(days=30)
    Complaint.update(resolved_at=long_ago).where(Complaint.id == complaint.id).execute()
    sweeps.sweep_auto_close(long_ago + timedelta(days=8))
    run_worker()
    siti.press(f"ro:{complaint.id}:{resolution_id(complaint.id)}")
    wait_answer(botapi, "sudah lewat")
    assert reload(complaint).status == st.CLOSED


# --- the wrong person, the wrong moment ------------------------------------------------------------------
def test_another_user_pressing_the_buttons_changes_nothing(bot, botapi, run_worker):
    siti, budi = Person(botapi), Person(botapi, first_name="Budi")
    make_reporter(telegram_id=budi.id, chat_id=budi.id)  # a reporter too, of nothing here
    complaint = reporter_of(siti)
    resolve(complaint)
    run_worker()
    asked = question(siti, complaint)
    resolution = resolution_id(complaint.id)
    for data in (f"fb:{complaint.id}:{resolution}:y", f"fb:{complaint.id}:{resolution}:n"):
        botapi.press_button(budi.user, asked["message_id"], data, chat_id=siti.id)
    wait_until(lambda: answers(botapi).count("Hanya pelapor aduan ini yang dapat menggunakan tombol ini.") == 2)
    forge_press(botapi, budi, budi.say("/start", expect="Wadul"), f"ai:{complaint.id}")
    wait_until(lambda: answers(botapi).count("Hanya pelapor aduan ini yang dapat menggunakan tombol ini.") == 3)
    assert reload(complaint).status == st.RESOLVED and reload(complaint).reopen_count == 0
    assert models.Draft.get(models.Draft.telegram_user_id == budi.id).step == "idle"
    assert buttons_of(next(m for m in siti.messages() if m["message_id"] == asked["message_id"]))  # still there
    rating = siti.press(f"fb:{complaint.id}:{resolution}:y", message=asked, expect="Bagaimana penilaian")
    botapi.press_button(budi.user, rating["message_id"], f"rt:{complaint.id}:1", chat_id=siti.id)
    wait_until(lambda: answers(botapi).count("Hanya pelapor aduan ini yang dapat menggunakan tombol ini.") == 4)
    assert reload(complaint).rating is None
    siti.press(f"rt:{complaint.id}:5", message=rating, expect="saran atau komentar")
    assert reload(complaint).rating == 5


def test_cancel_leaves_the_complaint_as_it_was_and_offers_the_buttons_again(bot, botapi, run_worker):
    siti = Person(botapi)
    complaint = reporter_of(siti)
    resolve(complaint)
    run_worker()
    siti.press(f"fb:{complaint.id}:{resolution_id(complaint.id)}:n", message=question(siti, complaint),
               expect="belum beres pada aduan")
    siti.photo(sample_jpeg(300, 200), expect="Fotonya sudah kami terima")
    shown = siti.say("/batal", expect="Riwayat")
    assert "Dibatalkan" in texts(botapi, siti.id)[-2]
    assert f"fb:{complaint.id}:{resolution_id(complaint.id)}:n" in buttons_of(shown)
    assert reload(complaint).status == st.RESOLVED and Photo.select().where(Photo.kind == "reopen").count() == 0
    siti.press(f"fb:{complaint.id}:{resolution_id(complaint.id)}:y", message=shown, expect="Bagaimana penilaian")
    view = next(m for m in siti.messages() if m["message_id"] == shown["message_id"])
    assert buttons_of(view) == [f"st:{complaint.id}", "my:1"]  # the view keeps refresh and the list
    assert reload(complaint).status == st.CLOSED


# --- more information ---------------------------------------------------------------------------------
def test_adding_information_from_my_complaints(bot, botapi, run_worker):
    group = link_office(botapi, "DPUTR")
    siti = Person(botapi)
    complaint = reporter_of(siti)
    listing = siti.say("/aduanku", expect="Aduan Anda")
    view = siti.press(f"st:{complaint.id}", message=listing, expect="Riwayat")
    siti.press(f"ai:{complaint.id}", message=view, expect="informasi tambahan untuk aduan")
    siti.say("Ok", expect="terlalu singkat")
    siti.photo(sample_jpeg(500, 400, (200, 30, 30)), caption="Sekarang sudah ada motor jatuh di sini.",
               expect="sudah kami simpan dan diteruskan")
    note = complaint.history.order_by(StatusChange.id.desc()).first()
    assert note.to_status == note.from_status == st.ASSIGNED and "motor jatuh" in note.note
    assert Photo.get(Photo.status_change == note).kind == "followup"
    run_worker()
    notice = botapi.wait_for_message(group, lambda m: "menambahkan informasi" in text_of(m))
    assert "photo" in notice and "motor jatuh" in text_of(notice)
    again = siti.say(complaint.tracking_code, expect="Riwayat")
    assert "motor jatuh" in text_of(again) and f"ai:{complaint.id}" in buttons_of(again)
    resolve(complaint)
    siti.press(f"ai:{complaint.id}", message=again)
    wait_answer(botapi, "tidak dapat ditambahkan lagi")
    assert complaint.history.count() == 2


@pytest.mark.parametrize("data", ["fb:abc", "fb:1:2:x", "rt:1", "ro:", "ai:x", "fx:skip"])
def test_malformed_or_out_of_step_buttons_are_expired(bot, botapi, data):
    siti = Person(botapi)
    query = forge_press(botapi, siti, siti.say("/start", expect="Wadul"), data)
    answer = wait_until(lambda: next((a for a in botapi.callback_answers if a["callback_query_id"] == query), None))
    assert answer["text"] == "Tombol ini sudah tidak berlaku."
