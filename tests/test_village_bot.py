"""Village heads on Telegram (#WadulKades), end to end: the real bot polling the fake Bot
API, a real RQ worker delivering the outbox, a real database. Linking, receiving a village
complaint, acting on it from the chat, /desa, filing for the village, and every refusal."""
from __future__ import annotations

from datetime import timedelta

import pytest

import models
from core import status as st
from models import Category, Complaint, Official, Photo, StatusChange, utcnow
from sandbox.botapi import sample_jpeg
from sandbox.botapi.state import public_view
from services import linking
from services.complaints.status_door import Change, change_status
from tests.botdriver import Person, buttons_of, choose_category, file_complaint, text_of
from tests.factories import make_complaint, make_official, opd
from tests.workerkit import SUNGAI_PUTRI, point_in, telegram_reporter, wait_until
from workers import reminders

pytest_plugins = ("tests.botfixtures",)  # the `bot` fixture

OTHER_VILLAGE = "61.04.01.2012"


# --- helpers -------------------------------------------------------------------------------------
def linked_head(api, desa: str = SUNGAI_PUTRI, role: str = models.ROLE_VILLAGE_HEAD, **user) -> tuple[Person, Official]:
    """A village official who linked their account through the deep link, as the admin tells them to."""
    person = Person(api, first_name=user.pop("first_name", "Pak Kades"), **user)
    official = make_official(role, desa=desa, full_name="Darto")
    code = linking.create_link_code(official)
    person.say(f"/start link-{linking.normalize(code)}", expect="terhubung")
    return person, Official.get_by_id(official.id)


def reload(complaint) -> Complaint:
    return Complaint.get_by_id(complaint.id)


def action_button(message: dict, action: str) -> str:
    return next(b for b in buttons_of(message) if b.startswith("va:") and b.split(":")[2] == action)


def forge_press(api, person: Person, message: dict, data: str) -> int:
    """Press a button with any callback data, as a modified Telegram client can.

    The fake's press_button() only offers the buttons a message really has; Telegram itself
    delivers whatever data a client sends, with a query id the bot may answer, so the query is
    registered the way press_button() registers one."""
    state = api._state
    query_id = state.new_callback_id(person.id)
    with state.lock:
        state.callbacks[query_id] = {"answered": False, "user_id": person.id}
        stored = state.find_message(state.chat_or_none(person.id), message["message_id"])
        view = public_view(stored)
    return api.push_update({"callback_query": {"id": query_id, "from": person.user.as_user(), "message": view,
                                               "chat_instance": "-4000000000000000001", "data": data}})


def answer_to(api, before: int, timeout: float = 10) -> str:
    """The text of the first callback answer after the first `before` ones."""
    answers = wait_until(lambda: api.callback_answers[before:] or None, timeout)
    return answers[0].get("text", "")


def forged_answer(api, person: Person, message: dict, data: str) -> str:
    before = len(api.callback_answers)
    forge_press(api, person, message, data)
    return answer_to(api, before)


def village_complaint(**overrides) -> Complaint:
    return make_complaint(category=Category.get(Category.code == "infra_desa"), **overrides)


# --- linking ----------------------------------------------------------------------------------------
def test_linking_valid_expired_reused_and_wrong_account(bot, botapi):
    head = make_official(models.ROLE_VILLAGE_HEAD, full_name="Darto")
    kades = Person(botapi, first_name="Darto")
    expired = linking.create_link_code(head, ttl=timedelta(hours=1), now=utcnow() - timedelta(hours=2))
    kades.say(expired, expect="sudah kedaluwarsa")
    code = linking.create_link_code(head)
    reply = kades.say(code.lower().replace("-", " "), expect="terhubung")
    assert "Kepala desa" in text_of(reply) and "Desa Sungai Putri" in text_of(reply) and "/desa" in text_of(reply)
    assert Official.get_by_id(head.id).telegram_user_id == kades.id

    stranger = Person(botapi, first_name="Orang Lain")
    stranger.say(f"/start link-{linking.normalize(code)}", expect="sudah pernah dipakai")
    staff = make_official(models.ROLE_VILLAGE_OFFICIAL)
    stranger.say(linking.create_link_code(head), expect="sudah terhubung dengan akun Telegram lain")
    kades.say(linking.create_link_code(staff), expect="sudah terhubung dengan akun petugas lain")
    stranger.say("ACDE-FHJK-MNPQ", expect="tidak dikenal")
    assert Official.get_by_id(staff.id).telegram_user_id is None
    assert Official.select().where(Official.telegram_user_id == stranger.id).count() == 0
    kades.say("/start", expect="Kepala Desa")  # an ordinary /start still greets


# --- receiving and acting ------------------------------------------------------------------------
def test_a_residents_village_complaint_reaches_the_head_who_handles_it_from_the_chat(bot, botapi, run_worker,
                                                                                     telegram):
    kades, head = linked_head(botapi)
    siti = Person(botapi, first_name="Siti")
    lat, lon = point_in(SUNGAI_PUTRI)
    code = file_complaint(siti, category="infra_desa", location=(lat, lon), photos=(sample_jpeg(),),
                          description="Jembatan kayu di dusun dua patah, anak sekolah harus memutar jauh.")
    run_worker()
    complaint = Complaint.get(Complaint.tracking_code == code)
    assert complaint.status == st.ASSIGNED and complaint.assigned_desa.code == SUNGAI_PUTRI

    notice = kades.wait(lambda m: code in text_of(m) and any(b.startswith("va:") for b in buttons_of(m)))
    assert "photo" in notice  # the reporter's photo, the text as its caption
    assert "Jalan dan fasilitas desa" in text_of(notice) and "Jembatan kayu" in text_of(notice)
    assert sorted(b.split(":")[2] for b in buttons_of(notice)) == ["fw", "ip", "rj", "rs"]
    place = kades.wait(lambda m: "location" in m)
    assert (place["location"]["latitude"], place["location"]["longitude"]) == pytest.approx((lat, lon), abs=1e-5)

    kades.press(action_button(notice, "ip"), message=notice, expect="Diproses")
    assert reload(complaint).status == st.IN_PROGRESS
    run_worker()
    siti.wait(lambda m: code in text_of(m) and "sedang diproses" in text_of(m) and "Desa Sungai Putri" in text_of(m))

    notice = next(m for m in kades.messages() if m["message_id"] == notice["message_id"])
    acts = [b for b in buttons_of(notice) if b.startswith("va:")]
    assert sorted(b.split(":")[2] for b in acts) == ["fw", "rj", "rs"]  # the next steps, fresh
    assert f"vq:{complaint.id}" in buttons_of(notice)  # and asking the reporter (issue 17)
    kades.press(action_button(notice, "rs"), message=notice, expect="catatan penyelesaian")
    kades.say("Oke", expect="terlalu singkat")
    kades.say("Jembatan sudah diganti papan ulin baru oleh warga dan pemdes.", expect="foto hasil")
    kades.photo(sample_jpeg(640, 480, (20, 160, 60)), expect="Selesai")
    complaint = reload(complaint)
    assert complaint.status == st.RESOLVED and complaint.resolved_at is not None
    last = complaint.history.order_by(StatusChange.id.desc()).first()
    assert last.actor_official_id == head.id and "papan ulin" in last.note
    result = Photo.get(Photo.complaint == complaint, Photo.kind == "result")
    assert result.status_change_id == last.id
    run_worker()
    siti.wait(lambda m: code in text_of(m) and "papan ulin" in text_of(m))
    assert any("photo" in m and code in text_of(m) for m in siti.messages())  # the result photo goes with it


def test_beyond_the_village_forwards_to_the_categorys_opd(bot, botapi, run_worker):
    kades, head = linked_head(botapi)
    siti = telegram_reporter(botapi)
    complaint = village_complaint(reporter=siti)
    make_official(models.ROLE_OPD_STAFF, opd="DPMD")
    kades.say("/desa", expect=complaint.tracking_code)
    card = kades.press(f"vo:{complaint.id}", expect=lambda m: "va:" in str(buttons_of(m)))
    choice = kades.press(action_button(card, "fw"), message=card, expect="Pilih OPD")
    dpmd = opd("DPMD")
    assert buttons_of(choice)[0] == f"vf:{dpmd.id}"  # the category's OPD first (issue 17: the head chooses)
    kades.press_and_wait_edit(f"vf:{dpmd.id}", lambda m: "DPMD" in text_of(m) or "Pemberdayaan" in text_of(m))
    kades.say("Perlu anggaran kabupaten, di luar kemampuan dana desa.", expect="Teruskan aduan")
    kades.press("vc:ok", expect="diteruskan ke")
    complaint = reload(complaint)
    assert complaint.status == st.FORWARDED and complaint.assigned_opd.code == "DPMD"
    assert complaint.assigned_desa is None
    run_worker()
    complaint = reload(complaint)
    assert complaint.status == st.ASSIGNED and complaint.assigned_opd.code == "DPMD"
    told = [text_of(m) for m in botapi.messages(siti.chat_id)]
    assert any("dialihkan" in t and "Perlu anggaran kabupaten" in t for t in told)


def test_reject_needs_a_reason_and_cancel_changes_nothing(bot, botapi, run_worker):
    kades, head = linked_head(botapi)
    complaint = village_complaint()
    kades.say("/desa", expect=complaint.tracking_code)
    card = kades.press(f"vo:{complaint.id}", expect=lambda m: "va:" in str(buttons_of(m)))
    kades.press(action_button(card, "rj"), message=card, expect="alasan penolakan")
    kades.photo(sample_jpeg(), expect="sebagai pesan teks")
    kades.say("/batal", expect="Dibatalkan")
    assert reload(complaint).status == st.ASSIGNED
    card = kades.wait(lambda m: m["message_id"] > card["message_id"] and "va:" in str(buttons_of(m)))
    kades.press(action_button(card, "rj"), message=card, expect="alasan penolakan")
    kades.say("Lokasi ini bukan wilayah Desa Sungai Putri, mohon lapor ke desa tetangga.", expect="Ditolak")
    complaint = reload(complaint)
    assert complaint.status == st.REJECTED
    assert complaint.history.order_by(StatusChange.id.desc()).first().note.startswith("Lokasi ini")


def test_resolving_without_a_photo(bot, botapi, run_worker):
    kades, head = linked_head(botapi)
    siti = telegram_reporter(botapi)
    complaint = village_complaint(reporter=siti)
    kades.say("/desa", expect=complaint.tracking_code)
    card = kades.press(f"vo:{complaint.id}", expect=lambda m: "va:" in str(buttons_of(m)))
    kades.press(action_button(card, "rs"), message=card, expect="catatan penyelesaian")
    kades.say("Lampu jalan desa sudah diganti oleh perangkat desa.", expect="foto hasil")
    kades.say("fotonya besok ya", expect="Kirim fotonya")
    kades.press("vp:skip", expect="Selesai")
    complaint = reload(complaint)
    assert complaint.status == st.RESOLVED and complaint.photos.where(Photo.kind == "result").count() == 0
    run_worker()
    told = [text_of(m) for m in botapi.messages(siti.chat_id)]
    assert any(complaint.tracking_code in t and "Lampu jalan desa sudah diganti" in t for t in told)


# --- the list --------------------------------------------------------------------------------------
def test_desa_lists_open_complaints_oldest_deadline_first_paged_with_overdue_marked(bot, botapi):
    kades, head = linked_head(botapi)
    now = utcnow()
    late = village_complaint(response_due_at=now - timedelta(hours=5))
    soon = [village_complaint(response_due_at=now + timedelta(hours=h)) for h in (30, 10, 20, 40, 50)]
    village_complaint(status=st.RESOLVED)
    village_complaint(desa=models.Desa.get(models.Desa.code == OTHER_VILLAGE))
    page1 = kades.say("/desa", expect="Aduan terbuka")
    text = text_of(page1)
    assert "(6)" in text and "halaman 1/2" in text
    codes = [late.tracking_code] + [c.tracking_code for c in sorted(soon, key=lambda c: c.response_due_at)]
    positions = [text.find(c) for c in codes[:5]]
    assert -1 not in positions and positions == sorted(positions)
    assert "TERLAMBAT" in text.split(codes[1])[0] and "TERLAMBAT" not in text.split(codes[1])[1]
    card = kades.press(f"vo:{late.id}", expect=lambda m: late.tracking_code in text_of(m) and "TERLAMBAT" in text_of(m))
    assert "openstreetmap.org" in str(card.get("entities")) and "va:" in str(buttons_of(card))
    page2 = kades.press_and_wait_edit("vl:2", lambda m: "halaman 2/2" in text_of(m))
    assert codes[5] in text_of(page2) and f"vo:{soon[4].id}" in buttons_of(page2) and codes[0] not in text_of(page2)
    kades.press_and_wait_edit("vl:1", lambda m: "halaman 1/2" in text_of(m))

    warga = Person(botapi, first_name="Warga")
    warga.say("/desa", expect="khusus untuk kepala desa")


# --- filing for the village ------------------------------------------------------------------------------
def test_a_village_head_files_a_village_matter_and_chooses_the_opd(bot, botapi, run_worker):
    kades, head = linked_head(botapi)
    kades.say("/lapor", expect="1/5")
    choose_category(kades, "infra_desa", expect="pilih instansi")
    kades.say("DPUTR saja", expect="pilih instansi")  # text while the buttons are expected: asked again
    kades.press(f"vr:{opd('PERKIM').id}", expect="2/5")
    kades.say("Drainase di permukiman padat tersumbat total, air masuk ke rumah warga.", expect="3/5")
    kades.press("ph:skip", expect="4/5")
    kades.location(*point_in(SUNGAI_PUTRI), expect="5/5")
    summary = kades.press("pv:ok", expect="Periksa laporan")
    assert f"Akan ditangani: {opd('PERKIM')}" in text_of(summary)
    confirm = next(b for b in buttons_of(summary) if b.startswith("ok:"))
    kades.press(confirm, expect="Kode aduan")
    complaint = Complaint.get()
    assert complaint.from_village_head and complaint.requested_opd.code == "PERKIM"
    run_worker()
    complaint = reload(complaint)
    assert complaint.status == st.ASSIGNED and complaint.assigned_opd.code == "PERKIM"
    assert complaint.assigned_desa is None  # the village does not get its own complaint back


# --- reminders ----------------------------------------------------------------------------------------------
def test_reminders_of_village_complaints_reach_the_linked_officials(bot, botapi, run_worker, telegram):
    kades, head = linked_head(botapi)
    staff_person, staff = linked_head(botapi, role=models.ROLE_VILLAGE_OFFICIAL, first_name="Bu Sekdes")
    now = utcnow()
    complaint = village_complaint(assigned_at=now - timedelta(hours=40), response_due_at=now + timedelta(hours=1))
    assert reminders.sweep_deadlines()["reminders"] == 1
    run_worker()
    for person in (kades, staff_person):
        reminder = person.wait(lambda m: complaint.tracking_code in text_of(m) and f"vo:{complaint.id}" in buttons_of(m))
        person.press(f"vo:{complaint.id}", message=reminder, expect=lambda m: "va:" in str(buttons_of(m)))


# --- refusals ---------------------------------------------------------------------------------------------------
def test_buttons_of_others_old_buttons_and_forged_data_change_nothing(bot, botapi):
    kades, head = linked_head(botapi)
    neighbour, _ = linked_head(botapi, desa=OTHER_VILLAGE, first_name="Kades Tetangga")
    warga = Person(botapi, first_name="Warga")
    warga.say("/bantuan", expect="Wadul")
    complaint = village_complaint()
    kades.say("/desa", expect=complaint.tracking_code)
    card = kades.press(f"vo:{complaint.id}", expect=lambda m: "va:" in str(buttons_of(m)))
    accept = action_button(card, "ip")
    history = StatusChange.select().count()

    for person in (neighbour, warga):  # a real message of theirs, with this complaint's data forged in
        assert "tidak berwenang" in forged_answer(botapi, person, person.messages()[-1], accept)
        assert "tidak berwenang" in forged_answer(botapi, person, person.messages()[-1], f"vo:{complaint.id}")
    for data, answer in (("va:abc", "tidak dikenali"), (f"va:{complaint.id}:xx:0", "tidak dikenali"),
                         (f"va:{complaint.id}:ip", "tidak dikenali"), ("va:99999999:ip:0", "tidak berwenang"),
                         ("zz:1", "tidak berlaku")):
        assert answer in forged_answer(botapi, kades, card, data)
    assert reload(complaint).status == st.ASSIGNED and StatusChange.select().count() == history

    change_status(complaint.id, Change(st.IN_PROGRESS, actor=head))  # e.g. from the panel meanwhile
    before = len(botapi.callback_answers)
    kades.press(accept, message=card, expect=lambda m: "Diproses" in text_of(m) and "va:" in str(buttons_of(m)))
    assert "sudah berubah" in answer_to(botapi, before)
    assert buttons_of(next(m for m in kades.messages() if m["message_id"] == card["message_id"])) == []
    assert reload(complaint).status == st.IN_PROGRESS and StatusChange.select().count() == history + 1
    last = kades.last_id()
    assert "sudah berubah" in forged_answer(botapi, kades, card, f"va:{complaint.id}:rs:{history * 1000}")
    fresh = kades.wait(lambda m: "va:" in str(buttons_of(m)), after=last)

    Official.update(active=False).where(Official.id == head.id).execute()  # deactivated: buttons stop working
    assert "tidak berwenang" in forged_answer(botapi, kades, fresh, action_button(fresh, "rs"))
    kades.settle()
    assert reload(complaint).status == st.IN_PROGRESS and StatusChange.select().count() == history + 1
