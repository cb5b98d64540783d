"""Input the bot must survive politely: wrong lengths, wrong files, markup characters, stray buttons."""
from models import Complaint, Desa, Draft
from sandbox.botapi import sample_jpeg
from tests.botdriver import Person, buttons_of, choose_category, file_complaint, text_of

pytest_plugins = ("tests.botfixtures",)  # the `bot` fixture

NASTY = "<b>tebal</b> & <i>miring</i> *bintang* _garis_ `kode` [tautan](http://x.y) </code> &amp; <"


def at_photo_step(person):
    person.say("/lapor", expect="Langkah 1/5")
    choose_category(person, "jalan")
    person.say("Jalan berlubang besar di depan SD, bahaya untuk motor.", expect="Langkah 3/5")


def photos_in_draft(person):
    return len(Draft.get(Draft.telegram_user_id == person.id).data.get("photos", []))


def test_description_too_long_or_too_short_gets_a_clear_answer_and_another_try(bot, botapi):
    siti = Person(botapi)
    siti.say("/lapor", expect="Langkah 1/5")
    choose_category(siti, "jalan")
    reply = siti.say("x" * 5000, expect="terlalu panjang")
    assert "5000 karakter" in text_of(reply) and "2000" in text_of(reply)
    reply = siti.say("rusak", expect="terlalu singkat")
    assert "minimal 15" in text_of(reply)
    assert Draft.get(Draft.telegram_user_id == siti.id).step == "description"
    siti.say("Jalan berlubang besar di depan SD, bahaya untuk motor.", expect="Langkah 3/5")


def test_oversize_and_wrong_files_are_refused_without_losing_anything(bot, botapi):
    siti = Person(botapi)
    at_photo_step(siti)
    siti.photo(sample_jpeg(), expect="(1/5)")
    siti.document(sample_jpeg(), "besar.jpg", "image/jpeg", declared_size=25 * 1024 * 1024, expect="terlalu besar")
    siti.document(b"%PDF-1.7 surat", "surat.pdf", "application/pdf", expect="tidak bisa diterima")
    siti.document(b"%PDF-1.7 pura-pura", "palsu.jpg", "image/jpeg", expect="bukan foto")
    botapi.send_sticker(siti.user)
    siti.wait("Stiker")
    botapi.send_voice(siti.user)
    siti.wait("Pesan suara")
    botapi.send_video(siti.user, size=60 * 1024 * 1024)
    siti.wait("Video belum bisa")
    siti.say("ini fotonya", expect="saya menunggu foto")
    assert photos_in_draft(siti) == 1
    siti.photo(sample_jpeg(color=(9, 9, 9)), expect="(2/5)")
    get_files = [c for c in botapi.calls if c["method"] == "getFile"]
    assert [c["ok"] for c in get_files] == [True, True, True]  # the oversize file was never fetched


def test_photo_limit_and_the_same_photo_twice(bot, botapi, telegram):
    siti = Person(botapi)
    at_photo_step(siti)
    first = sample_jpeg(color=(1, 1, 1))
    siti.photo(first, expect="(1/5)")
    siti.photo(first, expect="sudah Anda kirim")  # the same picture again (a new file_id)
    assert photos_in_draft(siti) == 1
    for n in range(2, 6):
        siti.photo(sample_jpeg(color=(n * 40, 50, 50)), expect=f"({n}/5)")
    siti.photo(sample_jpeg(color=(250, 250, 50)), expect="jumlah maksimal")
    assert photos_in_draft(siti) == 5


def test_markup_characters_in_every_free_text_field_come_back_verbatim(bot, botapi):
    nasty = Person(botapi, first_name=NASTY[:60], last_name="<&>")
    reply = nasty.say("/start", expect="Wadul")
    assert NASTY[:60] in text_of(reply)
    nasty.say("/lapor", expect="Langkah 1/5")
    choose_category(nasty, "jalan")
    description = f"Jalan rusak parah {NASTY}"
    nasty.say(description, expect="Langkah 3/5")
    nasty.press("ph:skip", expect="Langkah 4/5")
    reply = nasty.say(f"Jalan {NASTY}", expect="Alamat yang Anda tulis")
    assert f"Jalan {NASTY}" in text_of(reply)
    nasty.press("dv:no", expect="Langkah 5/5")
    summary = nasty.press("pv:ok", expect="Periksa laporan")
    assert description in text_of(summary)
    nasty.press("ed", message=summary)
    nasty.press("ed:location", expect="Langkah 4/5")
    desa = Desa.get(Desa.code == "61.04.01.2011")
    summary = nasty.venue(desa.centroid_lat, desa.centroid_lon, NASTY, f"Alamat {NASTY}",
                          expect=lambda m: "Periksa laporan" in text_of(m) and any(b.startswith("ok:") for b in buttons_of(m)))
    confirm = next(b for b in buttons_of(summary) if b.startswith("ok:"))
    reply = nasty.press(confirm, expect="Kode aduan")
    complaint = Complaint.get()
    assert complaint.description == description and NASTY in complaint.address_text
    nasty.say(complaint.tracking_code, expect=lambda m: description[:40] in text_of(m))


def test_stray_input_at_each_step_is_answered_with_what_is_needed(bot, botapi):
    siti = Person(botapi)
    siti.say("/tidakada", expect="tidak saya kenal")
    siti.say("halo", expect="/lapor")
    botapi.send_photo(siti.user, sample_jpeg())
    siti.wait("mulai dulu dengan /lapor")
    siti.say("/lapor", expect="Langkah 1/5")
    siti.say("jalan rusak", expect="pilih kategori dengan tombol")
    desa = Desa.get(Desa.code == "61.04.01.2011")
    siti.location(desa.centroid_lat, desa.centroid_lon, expect="Langkah 1/5")
    choose_category(siti, "jalan")
    siti.photo(sample_jpeg(), expect="dalam bentuk teks")
    siti.say("Jalan berlubang besar di depan SD, bahaya untuk motor.", expect="Langkah 3/5")
    siti.press("ph:skip", expect="Langkah 4/5")
    botapi.send_contact(siti.user, "+6281234567890", "Siti", user_id=siti.id)
    siti.wait("menunggu lokasi")
    asked = siti.say("Jalan Pelabuhan 5, dekat pasar Ketapang", expect="Pilih desanya")
    siti.press("dv:no", expect="Langkah 5/5")
    siti.say("sudah", expect="Pilihan privasi")
    old_category_menu = siti.messages()[0]
    assert Draft.get(Draft.telegram_user_id == siti.id).step == "privacy"
    assert not any(b.startswith("cat:") for b in buttons_of(old_category_menu))


def test_an_old_button_after_the_step_moved_on_is_expired(bot, botapi):
    siti = Person(botapi)
    file_complaint(siti)
    siti.say("/lapor", expect="Langkah 1/5")
    groups = siti.messages()[-1]
    siti.press("grp:0", message=groups)
    siti.wait(lambda m: m["message_id"] == groups["message_id"] and "cat:" in str(m.get("reply_markup")),
              after=groups["message_id"] - 1)
    siti.say("/batal", expect="dibatalkan")
    category = next(b for b in buttons_of(siti.messages()[-2]) if b.startswith("cat:"))
    siti.press(category)
    siti.settle()
    assert botapi.callback_answers[-1]["text"] == "Tombol ini sudah tidak berlaku."
    assert Complaint.select().count() == 1
