"""Asking the reporter (issue 17), end to end: the panel (and a village head in the chat) asks,
the reporter receives the question over the fake Bot API (a real RQ burst worker delivers the
outbox), answers with text, a photo or a location, and the answer is threaded into the
complaint and flagged to the office; the deadline pauses where the category says; the
reporter's own acts are shown as theirs in both histories; a village head forwards to the OPD
they choose, with a note, and the reporter hears of the hop once."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest

import models
from core import status as st, tracking
from models import Category, Complaint, OutboundMessage, Photo, Question, StatusChange, utcnow
from sandbox.botapi import sample_jpeg
from sandbox.botapi.state import public_view
from services import runtime
from services.complaints import asking
from services.complaints.status_door import Change, change_status
from services.feedback import closing
from tests.botdriver import Person, buttons_of, text_of
from tests.factories import make_complaint, make_official, make_reporter, opd
from tests.panelkit import csrf_from, login
from tests.test_village_bot import action_button, linked_head
from tests.workerkit import linked_official, wait_until
from workers import reminders

pytest_plugins = ("tests.botfixtures",)  # the `bot` fixture


# --- helpers -------------------------------------------------------------------------------------
def reporter_person(api, first_name: str = "Siti", language: str = "id", **fields):
    """A Telegram user and their Reporter row."""
    user = api.user(first_name=first_name, language_code=language)
    reporter = make_reporter(telegram_id=user.id, chat_id=user.id, first_name=first_name, language=language, **fields)
    return Person(api, user=user), reporter


def panel_client(official):
    from panel import create_app

    client = create_app(runtime.config()).test_client()
    response = login(client, official)
    assert response.status_code == 200 and "/login" not in response.request.path
    return client


def page_url(complaint) -> str:
    return f"/admin/complaint/details/?id={complaint.id}"


def panel_ask(client, complaint, question: str):
    page = client.get(page_url(complaint)).get_data(as_text=True)
    return client.post(f"/admin/complaint/act/ask/?id={complaint.id}",
                       data={"ask-note": question, "ask-csrf_token": csrf_from(page)}, follow_redirects=True)


def reload(complaint) -> Complaint:
    return Complaint.get_by_id(complaint.id)


def question_message(person: Person, code: str) -> dict:
    return person.wait(lambda m: code in text_of(m) and any(b.startswith("aq:") for b in buttons_of(m)))


def reply_to(api, person: Person, message_id: int, content: dict) -> int:
    """The person replies (Telegram's "reply") to one of the bot's messages."""
    state = api._state
    stored = state.find_message(state.chat_or_none(person.id), message_id)
    return api._from_user(person.user, {**content, "reply_to_message": public_view(stored)}, None)


def no_telegram(complaint) -> Complaint:
    """A complaint staff recorded for someone without Telegram (no Reporter row)."""
    Complaint.update(reporter=None).where(Complaint.id == complaint.id).execute()
    return reload(complaint)


def history_lines(text: str) -> list[str]:
    return [line for line in text.split("\n") if line.startswith("•")]


# --- the panel asks, the reporter answers --------------------------------------------------------------
def test_panel_asks_and_the_reporter_answers_with_text_a_photo_and_a_location(bot, botapi, run_worker, telegram):
    siti, reporter = reporter_person(botapi)
    complaint = make_complaint(reporter=reporter)
    handler = linked_official(botapi, opd="DPUTR")  # a linked official of the office: told of the answer
    asker = make_official(models.ROLE_OPD_STAFF, opd="DPUTR", full_name="Bu Rina")
    client = panel_client(asker)
    due = (complaint.response_due_at, complaint.resolution_due_at)

    page = panel_ask(client, complaint, "Lubangnya di sisi kiri atau kanan jalan, arah ke pasar?").get_data(as_text=True)
    assert "dikirim ke pelapor" in page and "Menunggu jawaban pelapor" in page
    assert "menunggu jawaban" in client.get("/admin/complaint/", follow_redirects=True).get_data(as_text=True).lower()
    question = Question.get(Question.complaint == complaint.id)
    assert question.closed_at is None and not question.pauses  # "jalan" does not pause by default
    assert question.history.note_private and question.history.visible_to_reporter  # to the reporter, not the public
    run_worker()
    asked = question_message(siti, complaint.tracking_code)
    assert "Lubangnya di sisi kiri" in text_of(asked) and "PUTR" in text_of(asked)
    assert len(siti.messages()) == 1  # the question, nothing else

    # 1. text, through the button
    siti.press(f"aq:{question.id}", message=asked, expect="Kirim jawaban Anda")
    siti.say("Sisi kiri, tepat di depan gerbang SD Negeri 3.", expect="Terima kasih")
    question = Question.get_by_id(question.id)
    assert question.close_reason == "answered" and question.answer_history is not None
    answer = question.answer_history
    assert answer.actor_reporter_id == reporter.id and "gerbang SD Negeri 3" in answer.note
    fresh = reload(complaint)
    assert fresh.reporter_news_at is not None and fresh.waiting_reporter_since is None
    assert (fresh.response_due_at, fresh.resolution_due_at) == due  # no pause: the deadlines did not move
    assert len(siti.messages()) == 3  # question, the answer's prompt, the thanks

    run_worker()
    told = botapi.wait_for_message(handler.telegram_chat_id, lambda m: "menjawab" in text_of(m))
    assert "gerbang SD Negeri 3" in text_of(told) and "Lubangnya di sisi kiri" in text_of(told)

    # The office sees the answer threaded and flagged; opening the page clears the flag.
    listing = client.get("/admin/complaint/", follow_redirects=True).get_data(as_text=True)
    assert "Info baru dari pelapor" in listing
    page = client.get(page_url(complaint)).get_data(as_text=True)
    assert "Info baru dari pelapor" in page and "gerbang SD Negeri 3" in page
    entry = page[page.index("gerbang SD Negeri 3") - 600:page.index("gerbang SD Negeri 3")]
    assert "Pelapor" in entry and "Dinas PUTR" not in entry  # the reporter's words, attributed to them
    assert reload(complaint).reporter_news_at is None
    assert "Info baru dari pelapor" not in client.get("/admin/complaint/", follow_redirects=True).get_data(as_text=True)

    # 2. a photo with a caption, through the button
    panel_ask(client, complaint, "Boleh kirim foto lubangnya dari dekat?")
    second = Question.select().where(Question.complaint == complaint.id).order_by(Question.id.desc()).first()
    run_worker()
    asked = question_message(siti, "foto lubangnya")
    siti.press(f"aq:{second.id}", message=asked, expect="Kirim jawaban Anda")
    siti.photo(sample_jpeg(640, 480, (90, 90, 90)), caption="Ini fotonya, dalamnya sekitar 20 cm.", expect="Terima kasih")
    second = Question.get_by_id(second.id)
    photo = Photo.get(Photo.status_change == second.answer_history_id)
    assert photo.kind == "answer" and photo.complaint_id == complaint.id and photo.path
    assert "20 cm" in second.answer_history.note
    page = client.get(page_url(complaint)).get_data(as_text=True)
    assert f"/media/photo/{photo.id}" in page
    assert "Foto jawaban pelapor" in page and "20 cm" in page

    # 3. a location, by replying to the question's message (no button)
    panel_ask(client, complaint, "Di titik mana persisnya? Kirim lokasinya ya.")
    third = Question.select().where(Question.complaint == complaint.id).order_by(Question.id.desc()).first()
    run_worker()
    asked = question_message(siti, "titik mana")
    before = len(siti.messages())
    reply_to(botapi, siti, asked["message_id"], {"location": {"latitude": -1.8301, "longitude": 109.9712}})
    siti.wait(lambda m: "Terima kasih" in text_of(m), after=asked["message_id"])
    third = Question.get_by_id(third.id)
    assert third.close_reason == "answered" and "-1.830100, 109.971200" in third.answer_history.note
    assert len(siti.messages()) == before + 1  # the thanks only
    # Exactly: 3 (text) + 3 (photo) + 2 (location by reply) messages to the reporter, nothing else.
    assert len(siti.messages()) == 8
    assert OutboundMessage.select().where(OutboundMessage.chat_id == siti.id).count() == 3  # the three questions


def test_an_answered_question_cannot_be_answered_again_and_a_withdrawn_one_says_so(bot, botapi, run_worker,
                                                                                     telegram):
    siti, reporter = reporter_person(botapi)
    complaint = make_complaint(reporter=reporter)
    staff = make_official(models.ROLE_OPD_STAFF, opd="DPUTR")
    question = asking.ask(complaint.id, staff, "Sejak kapan jalannya rusak?")
    with pytest.raises(asking.AskError) as refused:
        asking.ask(complaint.id, staff, "Pertanyaan kedua sebelum dijawab?")
    assert refused.value.code == "already_asking"
    run_worker()
    asked = question_message(siti, complaint.tracking_code)
    client = panel_client(staff)  # the office takes it back from the complaint's page
    page = client.get(page_url(complaint)).get_data(as_text=True)
    assert "Tarik pertanyaan" in page and 'name="ask-note"' not in page  # one open question at a time
    token = re.search(r'name="withdraw-csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    done = client.post(f"/admin/complaint/withdraw-question/?id={complaint.id}",
                       data={"withdraw-csrf_token": token}, follow_redirects=True).get_data(as_text=True)
    assert "Pertanyaan ditarik" in done and "Menunggu jawaban pelapor" not in done
    before = len(botapi.callback_answers)
    siti.press(f"aq:{question.id}", message=asked)
    answers = wait_until(lambda: botapi.callback_answers[before:] or None)
    assert "sudah tidak menunggu jawaban" in answers[0].get("text", "")
    assert Question.get_by_id(question.id).close_reason == "withdrawn"
    # Someone else's press is refused.
    other = Person(botapi, first_name="Orang Lain")
    second = asking.ask(complaint.id, staff, "Apakah ada korban?")
    with pytest.raises(asking.AskError) as refused:
        asking.answer(second.id, closing.reporter_of(other.id), "bukan saya")
    assert refused.value.code == "not_reporter"


# --- the deadline's pause ---------------------------------------------------------------------------
def test_the_deadline_pauses_only_where_the_category_says_with_exact_due_times(bot, botapi, run_worker, telegram):
    Category.update(pause_when_asking=True).where(Category.code == "jalan").execute()
    siti, reporter = reporter_person(botapi)
    paused = make_complaint(reporter=reporter)  # jalan: pauses
    other_category = Category.get((Category.code != "jalan") & (Category.village_level == False)  # noqa: E712
                                  & Category.opd.is_null(False))
    running = make_complaint(reporter=reporter, category=other_category)
    staff = make_official(models.ROLE_MAIN_ADMIN, opd=None)
    asked_at = utcnow() - timedelta(hours=5)  # the question waited five hours before the answer
    due = {c.id: (c.response_due_at, c.resolution_due_at) for c in (paused, running)}
    q1 = asking.ask(paused.id, staff, "Berapa lebar lubangnya?", now=asked_at)
    q2 = asking.ask(running.id, staff, "Berapa panjang kerusakannya?", now=asked_at)
    assert q1.pauses and not q2.pauses
    assert reload(paused).deadline_paused_since == asked_at and reload(running).deadline_paused_since is None

    client = panel_client(staff)
    page = client.get(page_url(paused)).get_data(as_text=True)
    assert "Tenggat dihentikan sementara" in page and "Menunggu jawaban pelapor" in page
    assert "Tenggat dihentikan sementara" not in client.get(page_url(running)).get_data(as_text=True)

    run_worker()
    for question, words in ((q1, "Kira-kira satu meter."), (q2, "Sekitar lima puluh meter.")):
        asked = question_message(siti, question.complaint.tracking_code)
        siti.press(f"aq:{question.id}", message=asked, expect="Kirim jawaban Anda")
        siti.say(words, expect="Terima kasih")
    q1 = Question.get_by_id(q1.id)
    waited = q1.answered_at - asked_at
    assert waited >= timedelta(hours=5)
    fresh = reload(paused)
    assert fresh.deadline_paused_since is None
    assert fresh.response_due_at == due[paused.id][0] + waited  # both running deadlines moved by the wait, exactly
    assert fresh.resolution_due_at == due[paused.id][1] + waited
    assert fresh.current_due == fresh.response_due_at
    assert q1.paused_seconds == int(waited.total_seconds())
    other = reload(running)
    assert (other.response_due_at, other.resolution_due_at) == due[running.id]  # this category never pauses


def test_a_pause_ends_at_withdrawal_at_a_status_change_and_at_the_cap(seeded, redis_conn):
    Category.update(pause_when_asking=True).where(Category.code == "jalan").execute()
    staff = make_official(models.ROLE_OPD_STAFF, opd="DPUTR")
    t0 = utcnow().replace(microsecond=0)
    cap = runtime.config().ASK_PAUSE_MAX_HOURS

    withdrawn = make_complaint()
    response_due, resolution_due = withdrawn.response_due_at, withdrawn.resolution_due_at
    asking.ask(withdrawn.id, staff, "Apakah sudah ada tanda peringatan?", now=t0)
    asking.withdraw(withdrawn.id, staff, now=t0 + timedelta(hours=3))
    fresh = reload(withdrawn)
    assert fresh.response_due_at == response_due + timedelta(hours=3)
    assert fresh.resolution_due_at == resolution_due + timedelta(hours=3)
    assert fresh.waiting_reporter_since is None and fresh.deadline_paused_since is None

    acted = make_complaint()
    response_due, resolution_due = acted.response_due_at, acted.resolution_due_at
    asking.ask(acted.id, staff, "Apakah lubangnya tergenang air?", now=t0)
    change_status(acted.id, Change(st.IN_PROGRESS, actor=staff), now=t0 + timedelta(hours=2))
    fresh = reload(acted)
    assert fresh.response_due_at == response_due + timedelta(hours=2)
    assert fresh.resolution_due_at == resolution_due + timedelta(hours=2)
    assert fresh.deadline_paused_since is None and fresh.waiting_reporter_since is not None  # still open to answer

    # Unanswered past the cap: the sweep restarts the clock, moved by the cap, not more.
    forgotten = make_complaint(response_due_at=t0 + timedelta(hours=1))
    resolution_due = forgotten.resolution_due_at
    asking.ask(forgotten.id, staff, "Masih rusak?", now=t0)
    reminders.sweep_deadlines(now=t0 + timedelta(hours=cap - 1))
    assert reload(forgotten).escalation_level == 0  # paused: its response deadline passed, it is not late
    assert reload(withdrawn).escalation_level == 1  # (the sweep did run: a deadline no longer paused escalates)
    reminders.sweep_deadlines(now=t0 + timedelta(hours=cap + 10))
    fresh = reload(forgotten)
    assert fresh.deadline_paused_since is None
    assert fresh.response_due_at == t0 + timedelta(hours=1 + cap)
    assert fresh.resolution_due_at == resolution_due + timedelta(hours=cap)

    # An English-speaking reporter is asked in English.
    english = make_complaint(reporter=make_reporter(language="en"))
    asking.ask(english.id, staff, "Is the hole still there?", now=t0)
    text = OutboundMessage.get(OutboundMessage.complaint == english.id, OutboundMessage.kind == "question").text
    assert "asks about complaint" in text and "Is the hole still there?" in text and "bertanya" not in text

    # A finished complaint closes its question.
    finished = make_complaint()
    question = asking.ask(finished.id, staff, "Apakah masih perlu?", now=t0)
    change_status(finished.id, Change(st.REJECTED, note="Sudah diperbaiki provinsi.", actor=staff),
                  now=t0 + timedelta(hours=1))
    assert Question.get_by_id(question.id).close_reason == "finished"
    assert reload(finished).waiting_reporter_since is None


def test_migration_adds_the_asking_columns_and_table(seeded):
    import migrations

    step = next(s for s in migrations.STEPS if "asking the reporter" in s[1])
    assert step[0] <= migrations.LATEST_VERSION
    assert {"reporter_news_at", "waiting_reporter_since", "deadline_paused_since"} <= {
        c.name for c in models.db.get_columns("complaint")}
    assert "pause_when_asking" in {c.name for c in models.db.get_columns("category")}
    assert Question.table_exists()


# --- village heads ask from the chat ---------------------------------------------------------------
def test_a_village_head_asks_from_the_chat_and_sees_the_answer_flagged_on_the_card(bot, botapi, run_worker):
    kades, head = linked_head(botapi)
    siti, reporter = reporter_person(botapi)
    complaint = make_complaint(reporter=reporter, category=Category.get(Category.code == "infra_desa"))
    kades.say("/desa", expect=complaint.tracking_code)
    card = kades.press(f"vo:{complaint.id}", expect=lambda m: f"vq:{complaint.id}" in buttons_of(m))
    kades.press(f"vq:{complaint.id}", message=card, expect="Tulis pertanyaan")
    kades.say("Jembatannya patah di bagian tengah atau ujung?", expect="Pertanyaan terkirim")
    question = Question.get(Question.complaint == complaint.id)
    assert question.asked_by_id == head.id
    run_worker()
    asked = question_message(siti, complaint.tracking_code)
    assert "Desa Sungai Putri" in text_of(asked)
    siti.press(f"aq:{question.id}", message=asked, expect="Kirim jawaban Anda")
    siti.photo(sample_jpeg(), caption="Di ujung dekat rumah Pak RT.", expect="Terima kasih")
    run_worker()
    told = kades.wait(lambda m: "menjawab" in text_of(m) and complaint.tracking_code in text_of(m))
    assert "rumah Pak RT" in text_of(told) and f"vo:{complaint.id}" in buttons_of(told)
    card = kades.press(f"vo:{complaint.id}", message=told, expect=lambda m: "informasi baru dari pelapor" in text_of(m))
    assert "rumah Pak RT" in text_of(card) and "Jembatannya patah" in text_of(card)  # the answer, on the card
    assert reload(complaint).reporter_news_at is None  # the head opened it
    kades.press(f"vo:{complaint.id}", message=told,
                expect=lambda m: m["message_id"] > card["message_id"] and complaint.tracking_code in text_of(m))
    assert "informasi baru" not in text_of(kades.messages()[-1])


# --- anonymity and reporters who are not on Telegram ---------------------------------------------------------
def test_an_anonymous_reporter_is_asked_but_never_named_to_the_office(bot, botapi, run_worker, telegram):
    siti, reporter = reporter_person(botapi, first_name="Sitirahmawati", username="siti_rahma")
    complaint = make_complaint(reporter=reporter, is_anonymous=True)
    handler = linked_official(botapi, opd="DPUTR")
    staff = make_official(models.ROLE_OPD_STAFF, opd="DPUTR")
    client = panel_client(staff)
    panel_ask(client, complaint, "Apakah lubang ini sudah ada lebih dari sebulan?")
    run_worker()
    question = Question.get(Question.complaint == complaint.id)
    asked = question_message(siti, complaint.tracking_code)
    siti.press(f"aq:{question.id}", message=asked, expect="Kirim jawaban Anda")
    siti.say("Sudah hampir tiga bulan.", expect="Terima kasih")
    run_worker()
    told = botapi.wait_for_message(handler.telegram_chat_id, lambda m: "tiga bulan" in text_of(m))
    for text in [text_of(m) for m in botapi.messages(handler.telegram_chat_id)] + [
            client.get(page_url(complaint)).get_data(as_text=True)]:
        assert "Sitirahmawati" not in text and "siti_rahma" not in text
    page = client.get(page_url(complaint)).get_data(as_text=True)
    assert "Pelapor (anonim)" in page and "tiga bulan" in page
    assert "menjawab" in text_of(told)
    admin = panel_client(make_official(models.ROLE_MAIN_ADMIN, opd=None))
    assert "Sitirahmawati" in admin.get(page_url(complaint)).get_data(as_text=True)  # only the main admin


def test_a_reporter_not_on_telegram_is_not_asked_their_contact_is_shown(bot, botapi, telegram):
    complaint = no_telegram(make_complaint(channel="phone", contact_name="Pak Amir", contact_phone="0812-555-0101"))
    staff = make_official(models.ROLE_OPD_STAFF, opd="DPUTR")
    client = panel_client(staff)
    page = client.get(page_url(complaint)).get_data(as_text=True)
    assert "tidak memakai Telegram" in page and "telepon" in page and "0812-555-0101" in page
    assert 'name="ask-note"' not in page
    refused = panel_ask(client, complaint, "Pertanyaan lewat formulir yang dipalsukan?").get_data(as_text=True)
    assert "tidak memakai Telegram" in refused
    assert not Question.select().where(Question.complaint == complaint.id).exists()

    kades, head = linked_head(botapi)
    village = no_telegram(make_complaint(channel="walk_in", contact_name="Bu Wati", contact_phone="0813-777",
                                         category=Category.get(Category.code == "infra_desa")))
    kades.say("/desa", expect=village.tracking_code)
    card = kades.press(f"vo:{village.id}", expect=lambda m: f"vq:{village.id}" in buttons_of(m))
    reply = kades.press(f"vq:{village.id}", message=card, expect="tidak memakai Telegram")
    assert "datang langsung" in text_of(reply) and "0813-777" in text_of(reply)


# --- a village head forwards to the OPD they choose ---------------------------------------------------------
def test_the_head_forwards_to_a_chosen_opd_with_a_note_and_the_reporter_hears_once(bot, botapi, run_worker):
    kades, head = linked_head(botapi)
    siti, reporter = reporter_person(botapi)
    complaint = make_complaint(reporter=reporter, category=Category.get(Category.code == "infra_desa"))
    dlh = opd("DLH")
    receiver = linked_official(botapi, opd="DLH")
    kades.say("/desa", expect=complaint.tracking_code)
    card = kades.press(f"vo:{complaint.id}", expect=lambda m: "va:" in str(buttons_of(m)))
    choice = kades.press(action_button(card, "fw"), message=card, expect="Pilih OPD")
    page = 1
    while f"vf:{dlh.id}" not in buttons_of(choice):  # paged: DLH is not the category's OPD
        page += 1
        choice = kades.press_and_wait_edit(f"vg:{page}", lambda m, p=page: f"{p}/" in text_of(m))
    kades.press_and_wait_edit(f"vf:{dlh.id}", lambda m: dlh.name in text_of(m))
    note = "Ini tumpukan sampah liar di tepi sungai, urusan kebersihan kabupaten."
    kades.say(note, expect="Teruskan aduan")
    kades.press("vc:ok", expect="diteruskan ke")
    assert reload(complaint).status == st.FORWARDED and reload(complaint).assigned_opd_id == dlh.id
    run_worker()
    fresh = reload(complaint)
    assert fresh.status == st.ASSIGNED and fresh.assigned_opd_id == dlh.id and fresh.assigned_desa_id is None

    told = siti.messages()
    assert len(told) == 1  # one message for the hop: not "dialihkan" and "diteruskan"
    text = text_of(told[0])
    assert "dialihkan ke" in text and str(dlh) in text and note in text and "Tenggat dihitung ulang" in text
    notice = botapi.wait_for_message(receiver.telegram_chat_id, lambda m: complaint.tracking_code in text_of(m))
    assert note in text_of(notice) and "Tenggat dihitung ulang" in text_of(notice)
    forwarded = StatusChange.get(StatusChange.complaint == complaint.id, StatusChange.to_status == st.FORWARDED)
    assert forwarded.actor_official_id == head.id and forwarded.note == note


# --- the reporter's own words are the reporter's ------------------------------------------------------------
def test_the_reporters_acts_are_attributed_to_the_reporter_in_both_histories(bot, botapi, run_worker, telegram):
    siti, reporter = reporter_person(botapi)
    complaint = make_complaint(reporter=reporter, tracking_code=tracking.new_code())
    staff = make_official(models.ROLE_OPD_STAFF, opd="DPUTR", full_name="Pak Budi")
    # added information through the bot
    siti.say(complaint.tracking_code, expect=lambda m: f"ai:{complaint.id}" in buttons_of(m))
    siti.press(f"ai:{complaint.id}", expect=lambda m: complaint.tracking_code in text_of(m))
    siti.say("Tambahan: sudah ada dua motor jatuh minggu ini.", expect=lambda m: "PUTR" in text_of(m))
    assert reload(complaint).reporter_news_at is not None  # added information is flagged like an answer
    # resolved, reopened with a reason, resolved again, confirmed, rated with a comment
    change_status(complaint.id, Change(st.RESOLVED, note="Sudah ditambal.", actor=staff))
    closing.reopen(complaint.id, reporter, "Tambalannya sudah lepas lagi setelah hujan.")
    change_status(complaint.id, Change(st.IN_PROGRESS, actor=staff))
    change_status(complaint.id, Change(st.RESOLVED, note="Diaspal ulang.", actor=staff))
    closing.confirm_fixed(complaint.id, reporter)
    closing.rate(complaint.id, reporter, 4, "Cepat, terima kasih.")

    reply = siti.say(complaint.tracking_code, expect=lambda m: "Riwayat" in text_of(m) or "riwayat" in text_of(m))
    rows = history_lines(text_of(reply))
    text = text_of(reply)
    for words in ("dua motor jatuh", "Tambalannya sudah lepas", "Cepat, terima kasih"):
        before = text[:text.index(words)]
        row = before[before.rindex("•"):]
        assert "· Anda" in row and "Dinas PUTR" not in row, row
    office_rows = [r for r in rows if "Selesai" in r]
    assert office_rows and all("Dinas PUTR" in r or "PUTR" in r for r in office_rows)

    client = panel_client(staff)
    page = client.get(page_url(complaint)).get_data(as_text=True)
    for words in ("dua motor jatuh", "Tambalannya sudah lepas", "Cepat, terima kasih"):
        entry = page[:page.index(words)]
        entry = entry[entry.rindex("history-entry"):]
        actor = re.search(r'<b class="ml-1">([^<]*)</b>', entry).group(1)
        assert actor == "Pelapor", (words, actor)
    # In English the reporter is "Reporter" (the stored label is the regency's language: rendered per reader).
    english = panel_client(make_official(models.ROLE_OPD_STAFF, opd="DPUTR", language="en"))
    page = english.get(page_url(complaint)).get_data(as_text=True)
    entry = page[:page.index("dua motor jatuh")]
    entry = entry[entry.rindex("history-entry"):]
    assert re.search(r'<b class="ml-1">([^<]*)</b>', entry).group(1) == "Reporter"
    # An official reading the history in the chat sees "Pelapor" on the reporter's rows, never "Anda".
    official_chat = linked_official(botapi, opd="DPUTR")
    officer = Person(botapi, user=botapi._state.chats[official_chat.telegram_user_id].user)
    reply = officer.say(complaint.tracking_code, expect="Riwayat")
    text = text_of(reply)
    before = text[:text.index("dua motor jatuh")]
    assert "· Pelapor" in before[before.rindex("•"):] and "Anda" not in text
