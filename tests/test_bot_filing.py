"""Filing a complaint through the real bot, polling the fake Bot API as Telegram users would."""
import io
from pathlib import Path

from PIL import Image
from rq import Queue

import models
from core import status as st, tracking
from models import Complaint, Desa, Draft, Photo
from sandbox.botapi import sample_jpeg
from services import runtime
from tests.botdriver import Person, buttons_of, choose_category, file_complaint, text_of
from tests.factories import make_official
from tests.test_media import jpeg_with_exif

pytest_plugins = ("tests.botfixtures",)  # the `bot` fixture

SUNGAI_PUTRI = "61.04.01.2011"


def inside_ketapang():
    desa = Desa.get(Desa.code == SUNGAI_PUTRI)
    return desa.centroid_lat, desa.centroid_lon


def confirm_button(person):
    return next(b for b in buttons_of(person.messages()[-1]) if b.startswith("ok:"))


def test_resident_files_with_an_album_and_gps_inside_a_village(bot, botapi, telegram, redis_conn):
    siti = Person(botapi, first_name="Siti")
    siti.say("/start", expect="Wadul")
    siti.press("m:file", expect="Langkah 1/5")
    choose_category(siti, "jalan")
    siti.say("Jalan berlubang besar di depan SD Negeri 3, sudah dua minggu, bahaya untuk motor.",
             expect="Langkah 3/5")
    first = siti.photo(jpeg_with_exif(), media_group_id="album-1", expect="(1/5)")
    siti.photo(sample_jpeg(800, 600, (0, 90, 200)), media_group_id="album-1")
    siti.wait(lambda m: m["message_id"] == first["message_id"] and "(2/5)" in text_of(m), after=first["message_id"] - 1)
    assert sum("Foto diterima" in t for t in siti.texts()) == 1  # one answer for the album, edited
    siti.press("ph:done", expect="Langkah 4/5")
    assert botapi.reply_keyboard(siti.id)["keyboard"][0][0]["request_location"] is True
    lat, lon = inside_ketapang()
    siti.location(lat, lon, accuracy=8.0, expect="Sungai Putri")
    siti.wait("Langkah 5/5")
    assert botapi.reply_keyboard(siti.id) is None  # the location keyboard is gone
    summary = siti.press("pv:ok", expect="Periksa laporan")
    assert "Dinas PUTR" in text_of(summary) and "Foto: 2" in text_of(summary)
    reply = siti.press(confirm_button(siti), expect="Kode aduan")

    code = tracking.find_codes(text_of(reply))[0]
    assert "Dinas PUTR" in text_of(reply) and "2×24 jam" in text_of(reply)
    complaint = Complaint.get(Complaint.tracking_code == code)
    assert complaint.category.code == "jalan" and complaint.desa.code == SUNGAI_PUTRI
    assert complaint.status == st.NEW and complaint.location_accuracy == 8.0
    assert complaint.reporter.telegram_id == siti.id and complaint.reporter.first_name == "Siti"
    photos = list(complaint.photos.order_by(Photo.id))
    assert len(photos) == 2
    for photo in photos:
        stored = Path(telegram.MEDIA_DIR) / photo.path
        assert stored.is_file() and photo.file_id and photo.file_unique_id
        with Image.open(stored) as image:
            assert not image.getexif() and image.size == (photo.width, photo.height)
    assert (photos[0].width, photos[0].height) == (200, 400)  # the camera's orientation applied
    queue = Queue(runtime.queue_name(telegram, runtime.QUEUE_DEFAULT), connection=redis_conn)
    assert [(j.func_name, j.args) for j in queue.jobs] == [("workers.jobs.assign_complaint", (complaint.id,))]
    assert Draft.get(Draft.telegram_user_id == siti.id).step == "idle"
    # The summary became the receipt (edited in place): its buttons are gone, what was filed stays.
    assert siti.messages()[-1]["message_id"] == reply["message_id"] and "reply_markup" not in reply
    assert "Periksa laporan" in str(reply.get("edit_history")) and "Jalan berlubang" in text_of(reply)


def test_typed_address_when_gps_is_impossible(bot, botapi):
    budi = Person(botapi, first_name="Budi")
    budi.say("/lapor", expect="Langkah 1/5")
    choose_category(budi, "sampah")
    budi.say("Sampah menumpuk di tepi jalan sudah seminggu tidak diangkut petugas.", expect="Langkah 3/5")
    budi.press("ph:skip", expect="Langkah 4/5")
    budi.say("✍️ Ketik alamat", expect="Tuliskan alamatnya")
    budi.say("Jl. Gg", expect="terlalu singkat")
    asked = budi.say("Jalan Parit Baru gang 3, Desa Sungai Putri, Kec. Matan Hilir Utara", expect="Perkiraan desa")
    budi.press("dv:ok", expect="Langkah 5/5")
    budi.press("pv:ok", expect="Periksa laporan")
    code = tracking.find_codes(text_of(budi.press(confirm_button(budi), expect="Kode aduan")))[0]
    complaint = Complaint.get(Complaint.tracking_code == code)
    assert complaint.latitude is None and complaint.longitude is None
    assert complaint.address_text == "Jalan Parit Baru gang 3, Desa Sungai Putri, Kec. Matan Hilir Utara"
    assert complaint.desa.code == SUNGAI_PUTRI and complaint.photos.count() == 0
    assert "DLH" in budi.texts()[-1]


def test_a_point_outside_the_regency_gets_another_chance(bot, botapi, telegram):
    ani = Person(botapi, first_name="Ani")
    ani.say("/lapor", expect="Langkah 1/5")
    choose_category(ani, "pju")
    ani.say("Lampu jalan mati di sepanjang jalan utama desa sejak bulan lalu.", expect="Langkah 3/5")
    ani.photo(sample_jpeg(), expect="(1/5)")
    ani.press("ph:done", expect="Langkah 4/5")
    ani.location(-6.2, 106.8, expect="di luar wilayah Kabupaten Ketapang")  # Jakarta
    assert botapi.reply_keyboard(ani.id) is not None  # the location button is offered again
    draft = Draft.get(Draft.telegram_user_id == ani.id)
    assert draft.step == "location" and len(draft.data["photos"]) == 1 and "latitude" not in draft.data
    lat, lon = inside_ketapang()
    ani.location(lat, lon, expect="Langkah 5/5")
    summary = ani.press("pv:ok", expect="Periksa laporan")
    assert "Lampu jalan mati" in text_of(summary) and "Foto: 1" in text_of(summary)


def test_a_venue_counts_as_a_location_and_keeps_its_name(bot, botapi):
    rudi = Person(botapi, first_name="Rudi")
    rudi.say("/lapor", expect="Langkah 1/5")
    choose_category(rudi, "kesehatan")
    rudi.say("Puskesmas tutup pada jam layanan, warga tidak bisa berobat.", expect="Langkah 3/5")
    rudi.press("ph:skip", expect="Langkah 4/5")
    lat, lon = inside_ketapang()
    rudi.venue(lat, lon, "Puskesmas Sungai Putri", "Jl. Raya Sungai Putri", expect="Langkah 5/5")
    rudi.press("pv:ok", expect="Periksa laporan")
    code = tracking.find_codes(text_of(rudi.press(confirm_button(rudi), expect="Kode aduan")))[0]
    complaint = Complaint.get(Complaint.tracking_code == code)
    assert complaint.address_text == "Puskesmas Sungai Putri, Jl. Raya Sungai Putri"
    assert complaint.desa.code == SUNGAI_PUTRI and complaint.latitude == lat


def test_privacy_choices_and_editing_from_the_summary(bot, botapi):
    dewi = Person(botapi, first_name="Dewi")
    dewi.say("/lapor", expect="Langkah 1/5")
    choose_category(dewi, "bansos")
    dewi.say("Bantuan sosial untuk lansia di RT 02 belum dibagikan tiga bulan.", expect="Langkah 3/5")
    dewi.press("ph:skip", expect="Langkah 4/5")
    asked = dewi.say("Jalan Merdeka RT 02, Kelurahan Sampit, Delta Pawan", expect="Perkiraan desa")
    dewi.press("dv:ok", expect="Langkah 5/5")
    dewi.press_and_wait_edit("pv:a", lambda m: "☑️ Anonim" in str(m["reply_markup"]))
    dewi.press_and_wait_edit("pv:c", lambda m: "☑️ Rahasia" in str(m["reply_markup"]))
    dewi.press_and_wait_edit("pv:a", lambda m: "⬜ Anonim" in str(m["reply_markup"]))
    summary = dewi.press("pv:ok", expect="Periksa laporan")
    assert "Anonim: tidak · Rahasia: ya" in text_of(summary)
    dewi.press_and_wait_edit("ed", lambda m: "ed:description" in buttons_of(m))
    dewi.press("ed:description", expect="Langkah 2/5")
    dewi.say("Bantuan sosial untuk lansia di RT 02 dan RT 03 belum dibagikan.", expect="Periksa laporan")
    dewi.press_and_wait_edit("ed", lambda m: "ed:category" in buttons_of(m))
    dewi.press("ed:category", expect="Langkah 1/5")
    summary = choose_category(dewi, "adminduk", expect="Periksa laporan")
    assert "KTP, KK dan akta" in text_of(summary) and "RT 03" in text_of(summary)
    code = tracking.find_codes(text_of(dewi.press(confirm_button(dewi), expect="Kode aduan")))[0]
    complaint = Complaint.get(Complaint.tracking_code == code)
    assert complaint.is_confidential and not complaint.is_anonymous
    assert complaint.category.code == "adminduk" and "RT 03" in complaint.description


def test_images_sent_as_files_are_accepted(bot, botapi, telegram):
    png = io.BytesIO()
    Image.new("RGBA", (300, 300), (0, 0, 255, 128)).save(png, "PNG")
    eko = Person(botapi, first_name="Eko")
    eko.say("/lapor", expect="Langkah 1/5")
    choose_category(eko, "drainase")
    eko.say("Saluran air tersumbat, jalan tergenang setiap hujan deras.", expect="Langkah 3/5")
    eko.document(png.getvalue(), "genangan.png", "image/png", expect="(1/5)")
    eko.document(jpeg_with_exif(), "IMG_0001.JPG", "image/jpeg", expect="(2/5)")
    eko.press("ph:done", expect="Langkah 4/5")
    draft = Draft.get(Draft.telegram_user_id == eko.id)
    assert all((Path(telegram.MEDIA_DIR) / p["path"]).suffix == ".jpg" for p in draft.data["photos"])


def test_a_village_head_files_on_behalf_of_the_village(bot, botapi):
    kades = Person(botapi, first_name="Pak Kades")
    head = make_official(models.ROLE_VILLAGE_HEAD, telegram_user_id=kades.id)
    kades.say("/start", expect="Kepala Desa")
    lat, lon = inside_ketapang()
    code = file_complaint(kades, category="jembatan", location=(lat, lon),
                          description="Jembatan kayu penghubung dusun rusak dan perlu diganti segera.")
    assert "Atas nama: Desa Sungai Putri" in kades.texts()[-1]  # the summary, now the receipt
    # A village-level category would first ask which OPD takes it (tests/test_village_bot.py).
    assert "Dinas PUTR" in kades.texts()[-1]
    complaint = Complaint.get(Complaint.tracking_code == code)
    assert complaint.from_village_head and complaint.filed_by_official.id == head.id


def test_an_english_speaker_is_answered_in_english(bot, botapi):
    john = Person(botapi, first_name="John", language_code="en")
    john.say("/start", expect="complaint service")
    code = file_complaint(john, category="jalan", lang="en", address="Jalan Pelabuhan 5, near the market")
    texts = john.texts()
    assert any("Step 2/5" in t for t in texts) and "Tracking code" in texts[-1] and code in texts[-1]
    assert "2×24 hours" in texts[-1]


def test_the_office_promised_on_confirm_is_the_one_the_worker_assigns(bot, botapi, run_worker):
    siti = Person(botapi, first_name="Siti")
    code = file_complaint(siti, category="infra_desa", location=inside_ketapang(),
                          description="Jalan desa di dusun dua rusak berat setelah banjir minggu lalu.")
    assert "Desa Sungai Putri" in siti.texts()[-1]
    run_worker()
    complaint = Complaint.get(Complaint.tracking_code == code)
    assert complaint.status == st.ASSIGNED and complaint.office_name == "Desa Sungai Putri"
    siti.wait(lambda m: code in text_of(m) and "diteruskan ke" in text_of(m))
