"""Typed addresses: the guess beside what was typed; confirm it, pick the village (kecamatan
then desa, paged, or by name), or "I don't know" (the main admin routes it). And the
public-photos consent on the privacy step."""
from core import routing, status as st, tracking
from models import Complaint, Desa, Kecamatan
from sandbox.botapi import sample_jpeg
from tests.botdriver import Person, buttons_of, choose_category, text_of

pytest_plugins = ("tests.botfixtures",)

SUNGAI_PUTRI = "61.04.01.2011"
VILLAGES = [("1", "Baru", "Matan Hilir Selatan"), ("2", "Sungai Putri", "Matan Hilir Utara"),
            ("3", "Harapan Baru", "Sandai")]


def test_a_one_word_name_inside_a_longer_name_is_not_the_village():
    assert routing.match_address("Pasar Baru, Jl. Merdeka", VILLAGES) is None
    assert routing.match_address("Jl. Parit Baru gang 3", VILLAGES) is None
    assert routing.match_address("Jl. Merdeka 5, Desa Baru", VILLAGES) == "1"
    assert routing.match_address("Jl. Merdeka 5, Baru, Matan Hilir Selatan", VILLAGES) == "1"  # its own part
    assert routing.match_address("Baru", VILLAGES) == "1"
    assert routing.match_address("dekat pasar Harapan Baru", VILLAGES) == "3"  # the longer name wins
    assert routing.match_address("Gang Mawar, Sungai Putri", VILLAGES) == "2"


def to_address_step(person: Person, photos: int = 0) -> None:
    person.say("/lapor", expect="1/5")
    choose_category(person, "sampah", lang="en" if person.user.language_code == "en" else "id")
    person.say("Sampah menumpuk di tepi jalan sudah seminggu tidak diangkut petugas.", expect="3/5")
    for n in range(1, photos + 1):
        person.photo(sample_jpeg(color=(n * 60, 10, 10)), expect=f"({n}/5)")
    person.press("ph:done" if photos else "ph:skip", expect="4/5")


def confirm(person: Person) -> Complaint:
    summary = person.messages()[-1]
    if not any(b.startswith("ok:") for b in buttons_of(summary)):
        summary = person.press("pv:ok", expect=lambda m: any(b.startswith("ok:") for b in buttons_of(m)))
    button = next(b for b in buttons_of(summary) if b.startswith("ok:"))
    receipt = person.press(button, expect=lambda m: bool(tracking.find_codes(text_of(m))))
    return Complaint.get(Complaint.tracking_code == tracking.find_codes(text_of(receipt))[0])


def test_the_guess_is_shown_beside_what_was_typed_and_confirmed(bot, botapi):
    budi = Person(botapi, first_name="Budi")
    to_address_step(budi)
    asked = budi.say("Jalan Parit Baru gang 3, Desa Sungai Putri, Kec. Matan Hilir Utara",
                     expect=lambda m: "dv:ok" in buttons_of(m))
    text = text_of(asked)
    assert "Jalan Parit Baru gang 3, Desa Sungai Putri" in text and "Perkiraan desa: Desa Sungai Putri" in text
    assert buttons_of(asked) == ["dv:ok", "dv:k:1", "dv:no"]
    assert botapi.reply_keyboard(budi.id) is None  # the location button went with that message
    budi.press("dv:ok", expect="Langkah 5/5")
    summary = budi.press("pv:ok", expect="Periksa laporan")
    assert "Jalan Parit Baru gang 3" in text_of(summary) and "desa: Desa Sungai Putri" in text_of(summary)
    complaint = confirm(budi)
    assert complaint.desa.code == SUNGAI_PUTRI and complaint.latitude is None
    assert complaint.address_text.startswith("Jalan Parit Baru gang 3")


def test_pasar_baru_is_no_guess_and_the_village_is_picked_from_pages(bot, botapi):
    ani = Person(botapi, first_name="Ani")
    to_address_step(ani)
    ani.say("✍️ Ketik alamat", expect="Tuliskan alamatnya")
    asked = ani.say("Pasar Baru, Jl. Merdeka no. 4", expect=lambda m: "dv:no" in buttons_of(m))
    assert "Pasar Baru, Jl. Merdeka no. 4" in text_of(asked) and "belum bisa saya kenali" in text_of(asked)
    assert "dv:ok" not in buttons_of(asked) and "Desa Baru" not in text_of(asked)
    kecamatan = Desa.get(Desa.code == SUNGAI_PUTRI).kecamatan
    names = [k.name for k in Kecamatan.select().order_by(Kecamatan.name)]
    page = 1 + names.index(kecamatan.name) // 10
    first = ani.press_and_wait_edit("dv:k:1", lambda m: "kecamatan" in text_of(m))
    assert first["message_id"] == asked["message_id"] and "Pasar Baru" in text_of(first)  # typed text kept
    if page > 1:
        ani.press_and_wait_edit(f"dv:k:{page}", lambda m: f"{page}/" in text_of(m))
    ani.press_and_wait_edit(f"dv:K:{kecamatan.id}:1", lambda m: "Pilih <b>desa</b>" in str(m.get("text")) or
                            "Pilih desa" in text_of(m))
    desa = Desa.get(Desa.code == SUNGAI_PUTRI)
    desa_names = [d.name for d in Desa.select().where(Desa.kecamatan == kecamatan).order_by(Desa.name)]
    desa_page = 1 + desa_names.index(desa.name) // 10
    if desa_page > 1:
        ani.press_and_wait_edit(f"dv:K:{kecamatan.id}:{desa_page}", lambda m: f"{desa_page}/" in text_of(m))
    chosen = ani.press(f"dv:d:{desa.id}", expect="Langkah 5/5")
    assert chosen["message_id"] == asked["message_id"]  # all of it in one message
    assert "Desa: <b>" not in text_of(chosen) and "Desa Sungai Putri" in text_of(chosen)
    complaint = confirm(ani)
    assert complaint.desa_id == desa.id and complaint.address_text == "Pasar Baru, Jl. Merdeka no. 4"


def test_the_village_can_be_found_by_typing_its_name(bot, botapi):
    eko = Person(botapi, first_name="Eko")
    to_address_step(eko)
    eko.say("Jl. Merdeka no. 4, dekat masjid", expect=lambda m: "dv:no" in buttons_of(m))
    found = eko.say("sungai putri", expect=lambda m: any(b.startswith("dv:d:") for b in buttons_of(m)))
    desa = Desa.get(Desa.code == SUNGAI_PUTRI)
    assert f"dv:d:{desa.id}" in buttons_of(found)
    eko.press(f"dv:d:{desa.id}", message=found, expect="Langkah 5/5")
    assert confirm(eko).desa_id == desa.id


def test_i_dont_know_reads_well_and_goes_to_the_main_admin(bot, botapi, run_worker):
    rudi = Person(botapi, first_name="Rudi")
    to_address_step(rudi)
    rudi.say("Jl. Merdeka no. 4, dekat masjid", expect=lambda m: "dv:no" in buttons_of(m))
    answer = rudi.press("dv:no", expect="Langkah 5/5")
    assert "Desa: belum diketahui. Admin kabupaten akan meneruskan" in text_of(answer)
    summary = rudi.press("pv:ok", expect="Periksa laporan")
    assert "desa: belum diketahui (admin kabupaten akan meneruskan" in text_of(summary)
    assert "None" not in text_of(summary)
    complaint = confirm(rudi)
    assert complaint.desa_id is None
    run_worker()
    complaint = Complaint.get_by_id(complaint.id)
    assert complaint.status == st.NEW and complaint.routing_problem == "no_village"


def test_i_dont_know_in_english(bot, botapi):
    john = Person(botapi, first_name="John", language_code="en")
    to_address_step(john)
    asked = john.say("Jl. Merdeka no. 4, near the mosque", expect=lambda m: "dv:no" in buttons_of(m))
    assert "I could not tell the village" in text_of(asked)
    assert "I don't know the village" in str(asked["reply_markup"])
    john.press("dv:no", expect="Step 5/5")
    summary = john.press("pv:ok", expect="Check your report")
    assert "village: not known (the regency's admin team will route" in text_of(summary)
    assert "desa" not in text_of(summary).lower().replace("desa:", "")


def test_photo_consent_is_off_by_default_and_stored_when_given(bot, botapi):
    siti = Person(botapi, first_name="Siti")
    to_address_step(siti, photos=1)
    siti.say("Jl. Parit Baru gang 3, Desa Sungai Putri", expect=lambda m: "dv:ok" in buttons_of(m))
    privacy = siti.press("dv:ok", expect=lambda m: "5/5" in text_of(m) and "pv:f" in buttons_of(m))
    assert "Foto publik" in text_of(privacy) and "⬜ Foto publik" in str(privacy["reply_markup"])
    siti.press_and_wait_edit("pv:f", lambda m: "☑️ Foto publik" in str(m["reply_markup"]))
    summary = siti.press("pv:ok", expect="Periksa laporan")
    assert "Foto boleh tampil di halaman publik: ya" in text_of(summary)
    assert confirm(siti).photos_public is True

    tono = Person(botapi, first_name="Tono")
    to_address_step(tono, photos=1)
    tono.say("Jl. Parit Baru gang 3, Desa Sungai Putri", expect=lambda m: "dv:ok" in buttons_of(m))
    tono.press("dv:ok", expect=lambda m: "pv:f" in buttons_of(m))
    assert confirm(tono).photos_public is False  # the default: no


def test_no_photos_no_consent_toggle(bot, botapi):
    wati = Person(botapi, first_name="Wati")
    to_address_step(wati)
    wati.say("Jl. Parit Baru gang 3, Desa Sungai Putri", expect=lambda m: "dv:ok" in buttons_of(m))
    privacy = wati.press("dv:ok", expect=lambda m: "5/5" in text_of(m) and "pv:ok" in buttons_of(m))
    assert "pv:f" not in buttons_of(privacy) and "Foto publik" not in text_of(privacy)
