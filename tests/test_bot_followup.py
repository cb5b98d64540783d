"""Following up through the bot: my complaints, status by code, deep links, contacts, help, language."""
from datetime import timedelta

import models
from core import status as st, tracking
from models import Complaint, Opd, Reporter
from services.complaints.status_door import Change, add_note, change_status
from tests.botdriver import Person, buttons_of, file_complaint, text_of
from tests.factories import make_complaint as _make_complaint, make_official, make_reporter

pytest_plugins = ("tests.botfixtures",)  # the `bot` fixture


def make_complaint(**overrides):
    """The factory's complaint with a real tracking code (people type these back)."""
    return _make_complaint(tracking_code=tracking.new_code(), **overrides)


def reporter_for(person):
    return make_reporter(telegram_id=person.id, chat_id=person.id, first_name=person.user.first_name)


def test_my_complaints_are_paged_newest_first_with_status_and_age(bot, botapi):
    siti = Person(botapi)
    reporter = reporter_for(siti)
    now = models.utcnow()
    made = [make_complaint(reporter=reporter, created_at=now - timedelta(days=i, minutes=1)) for i in range(7)]
    change_status(made[0].id, Change(st.IN_PROGRESS))
    make_complaint()  # somebody else's
    first = siti.say("/aduanku", expect="Aduan Anda")
    assert "(7) — halaman 1/2" in text_of(first)
    assert text_of(first).index(made[0].tracking_code) < text_of(first).index(made[4].tracking_code)
    assert "Diproses · 1 menit lalu" in text_of(first) and "Diteruskan · 4 hari lalu" in text_of(first)
    assert made[5].tracking_code not in text_of(first)
    assert buttons_of(first) == [f"st:{c.id}" for c in made[:5]] + ["my:2"]
    second = siti.press_and_wait_edit("my:2", lambda m: "halaman 2/2" in text_of(m))
    assert made[6].tracking_code in text_of(second) and buttons_of(second)[-1] == "my:1"
    opened = siti.press(f"st:{made[5].id}", expect="Riwayat")
    assert made[5].tracking_code in text_of(opened)


def test_no_complaints_yet(bot, botapi):
    siti = Person(botapi)
    siti.press("m:mine", message=siti.say("/start", expect="Wadul"), expect="belum punya aduan")


def test_status_lookup_shows_the_history_the_reporter_may_see(bot, botapi, telegram):
    siti = Person(botapi)
    complaint = make_complaint(reporter=reporter_for(siti))
    change_status(complaint.id, Change(st.IN_PROGRESS, note="Tim <PUTR> & mandor datang Senin *pagi*"))
    add_note(complaint.id, "rahasia internal: anggaran habis", visible_to_reporter=False)
    reply = siti.say(complaint.tracking_code.lower().replace("-", " "), expect="Riwayat")
    text = text_of(reply)
    assert complaint.tracking_code in text and "Jalan rusak" in text and "Diproses" in text
    assert "Dinas PUTR" in text and "Desa Sungai Putri" in text
    assert "Tim <PUTR> & mandor datang Senin *pagi*" in text
    assert "rahasia internal" not in text
    refreshed = siti.press(f"st:{complaint.id}", message=reply, expect="Riwayat")
    assert text_of(refreshed) == text


def test_a_code_inside_a_sentence_and_while_writing_a_report(bot, botapi):
    siti = Person(botapi)
    complaint = make_complaint(reporter=reporter_for(siti))
    siti.say(f"Bagaimana kabar aduan saya {complaint.tracking_code} ya?", expect="Riwayat")
    siti.say("/lapor", expect="Langkah 1/5")
    siti.say(complaint.tracking_code, expect="Riwayat")
    assert models.Draft.get(models.Draft.telegram_user_id == siti.id).step == "category"


def test_somebody_elses_code_is_simply_not_found(bot, botapi):
    owner, other = Person(botapi, first_name="Pemilik"), Person(botapi, first_name="Orang lain")
    code = make_complaint(reporter=reporter_for(owner)).tracking_code
    unknown = tracking.new_code()
    foreign = text_of(other.say(code, expect="tidak ditemukan"))
    missing = text_of(other.say(unknown, expect="tidak ditemukan"))
    assert foreign.replace(code, "X") == missing.replace(unknown, "X")  # existence is not revealed
    assert "Riwayat" not in " ".join(other.texts())
    other.say("ABCD-EFGH", expect="tidak ditemukan")  # code-shaped but invalid


def test_officials_of_the_office_may_look_a_code_up_others_may_not(bot, botapi):
    complaint = make_complaint()
    add_note(complaint.id, "cek lapangan besok", visible_to_reporter=False)
    staff, outsider = Person(botapi, first_name="Staf PUTR"), Person(botapi, first_name="Staf DLH")
    make_official(opd="DPUTR", telegram_user_id=staff.id)
    make_official(opd="DLH", telegram_user_id=outsider.id)
    text = text_of(staff.say(complaint.tracking_code, expect="Riwayat"))
    assert "cek lapangan besok" in text and "(internal)" in text
    outsider.say(complaint.tracking_code, expect="tidak ditemukan")


def test_deep_link_opens_the_complaint(bot, botapi):
    siti = Person(botapi)
    complaint = make_complaint(reporter=reporter_for(siti))
    siti.say(f"/start {complaint.tracking_code}", expect="Riwayat")


def test_filed_complaint_is_listed_and_its_history_starts_new(bot, botapi):
    siti = Person(botapi)
    code = file_complaint(siti)
    text = text_of(siti.say(code, expect="Riwayat"))
    assert "Status: Baru" in text and "menunggu penerusan" in text and "— Baru" in text
    assert code in text_of(siti.say("/aduanku", expect="Aduan Anda"))


def test_contacts_list_every_office_with_a_public_contact(bot, botapi):
    Opd.create(code="NOCONTACT", name="Badan Tanpa Kontak", short_name="BTK")
    Opd.create(code="KESBANG", name="Badan <Kesbangpol> & Co", short_name="Kesbangpol", hotline="(0534) 1")
    siti = Person(botapi)
    first = siti.say("/kontak", expect="Kontak pengaduan OPD")
    pages = [text_of(first)]
    while any(b == f"kt:{len(pages) + 1}" for b in buttons_of(siti.messages()[0])):  # paged in the same message
        n = len(pages) + 1
        pages.append(text_of(siti.press_and_wait_edit(f"kt:{n}", lambda m, n=n: f"Halaman {n}/" in text_of(m))))
    text = "\n".join(pages)
    for opd in Opd.select().where(Opd.code != "NOCONTACT"):
        assert opd.name in text
    assert "(0534) 300-0102" in text and "0812-0000-0102" in text and "putr@demo.ketapangkab.go.id" in text
    assert "Badan Tanpa Kontak" not in text
    assert text.index("Dinas Komunikasi") < text.index("Dinas Pekerjaan Umum")  # the main admin first


def test_help_and_language_choice_are_remembered(bot, botapi):
    siti = Person(botapi)
    siti.say("/bantuan", expect="Cara memakai Wadul")
    siti.say("/bahasa", expect="Pilih bahasa")
    siti.press_and_wait_edit("lang:en", lambda m: "I will use English" in text_of(m))
    assert Reporter.get(Reporter.telegram_id == siti.id).language_chosen
    siti.say("/start", expect="complaint service")
    siti.say("/lapor", expect="Step 1/5")
    siti.say("/batal", expect="Report discarded")


def test_menu_check_a_code(bot, botapi):
    siti = Person(botapi)
    menu = siti.say("/start", expect="Wadul")
    siti.press("m:track", message=menu, expect="Ketik kode aduan")
    assert Complaint.select().count() == 0
