"""Filing on behalf of a resident in the panel, and following that complaint on Telegram.

End to end: the panel's form (HTTP, with a photo and a map point) → a real RQ burst worker
assigns it with deadlines → the slip shows the code → a person sends the code to the bot over
the fake Bot API (with the phone's last 4 digits) → a status change in the panel reaches them.
"""
from __future__ import annotations

import io
import re

import pytest

import models
from core import status as st
from models import Category, Complaint, Photo, StatusChange
from sandbox.botapi import sample_jpeg
from services.complaints import behalf, claiming
from tests.botdriver import Person, text_of
from tests.panelkit import app, client, csrf_from, login, logged_in  # noqa: F401 (fixtures)
from tests.factories import make_official
from tests.workerkit import SUNGAI_PUTRI, link_office, point_in, texts

pytest_plugins = ("tests.botfixtures",)

FORM = "/admin/behalf/"
DESCRIPTION = "Jalan di depan pasar berlubang besar sejak minggu lalu, motor sering jatuh."


def _open_form(client) -> tuple[str, str]:
    page = client.get(FORM)
    assert page.status_code == 200, page.status_code
    html = page.get_data(as_text=True)
    token = re.search(r'name="token" type="hidden" value="([0-9a-f]{32})"', html)
    assert token, "the form carries a one-time token"
    return csrf_from(html), token.group(1)


def _data(csrf: str, token: str, **overrides) -> dict:
    lat, lon = point_in(SUNGAI_PUTRI)
    data = dict(csrf_token=csrf, token=token, channel="phone", contact_name="Bu Rahmah",
                contact_phone="0812-3456-7890", contact_email="", category_id=str(Category.get(code="jalan").id),
                description=DESCRIPTION, latitude=f"{lat:.6f}", longitude=f"{lon:.6f}", address_text="",
                photos_public="y")
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def _post(client, data: dict, photos=(), **kwargs):
    payload = dict(data)
    if photos:
        payload["photos"] = [(io.BytesIO(content), name) for name, content in photos]
    return client.post(FORM, data=payload, content_type="multipart/form-data", **kwargs)


def _media_centre_staff(client):
    """Media Center staff: an OPD staff member of Diskominfo, the main admin's office."""
    return logged_in(client, models.ROLE_OPD_STAFF, opd="DISKOMINFO")


# --- the whole way ------------------------------------------------------------------------------
def test_filed_on_behalf_is_routed_shown_and_followed_on_telegram(bot, botapi, app, client, run_worker):
    staff = _media_centre_staff(client)
    csrf, token = _open_form(client)
    response = _post(client, _data(csrf, token), photos=[("jalan.jpg", sample_jpeg(640, 480))])
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    complaint = Complaint.get(Complaint.source_key == behalf.source_key(token))
    assert (complaint.channel, complaint.contact_name, complaint.contact_phone) == ("phone", "Bu Rahmah", "0812-3456-7890")
    assert complaint.reporter_id is None and complaint.filed_by_official_id == staff.id
    assert complaint.desa.code == SUNGAI_PUTRI and complaint.photos_public
    photo = Photo.get(Photo.complaint == complaint)
    assert photo.width == 640 and photo.path.endswith(".jpg")

    slip = client.get(response.headers["Location"])
    html = slip.get_data(as_text=True)
    assert complaint.tracking_code in html
    assert f"/publik/lacak?kode={complaint.tracking_code}" in html
    assert "4 angka terakhir" in html  # a phone was recorded: the slip says how to follow on Telegram
    assert "Dinas PUTR" in html  # where it goes, by the same rule as the worker

    group = link_office(botapi, "DPUTR")
    run_worker()  # the assignment job queued after the commit
    complaint = Complaint.get_by_id(complaint.id)
    # The reporter, without Telegram, follows it on the web status page the slip names.
    status_page = app.test_client().get(f"/publik/lacak?kode={complaint.tracking_code}").get_data(as_text=True)
    result = status_page.split('id="lookup-result"')[1]
    assert complaint.tracking_code in result and "Diteruskan" in result and "Dinas PUTR" in result
    assert "Bu Rahmah" not in status_page and "0812" not in status_page  # never the reporter's name or contact
    notice = next(t for t in texts(botapi, group) if complaint.tracking_code in t)
    assert "Bu Rahmah (lewat Telepon)" in notice and "perangkat desa" not in notice
    assert complaint.status == st.ASSIGNED and complaint.assigned_opd.code == "DPUTR"
    assert complaint.response_due_at is not None and complaint.resolution_due_at is not None

    # The reporter sends the code to the bot: the last 4 digits of the recorded phone are needed.
    person = Person(botapi, first_name="Rahmah")
    reply = person.say(complaint.tracking_code, expect="4 angka terakhir")
    assert complaint.tracking_code in text_of(reply)
    person.say(f"{complaint.tracking_code} 1111", expect="tidak cocok")
    person.say(f"{complaint.tracking_code} 7890", expect="sekarang mengikuti")
    person.wait(lambda m: "Riwayat" in text_of(m) or complaint.tracking_code in text_of(m))
    assert Complaint.get_by_id(complaint.id).reporter.telegram_id == person.id

    # The office answers in the panel; the change reaches the person on Telegram.
    client = app.test_client()  # the office's staff, in their own browser
    office = logged_in(client, models.ROLE_OPD_STAFF, opd="DPUTR")
    page = client.get(f"/admin/complaint/details/?id={complaint.id}")
    assert page.status_code == 200 and "Bu Rahmah" in page.get_data(as_text=True)
    accepted = client.post(f"/admin/complaint/act/accept/?id={complaint.id}",
                           data={"accept-csrf_token": csrf_from(page.get_data(as_text=True)),
                                 "accept-note": "Tim kami meninjau lokasi besok pagi."})
    assert accepted.status_code == 302
    before = person.last_id()
    run_worker()
    message = person.wait(lambda m: "meninjau lokasi" in text_of(m), after=before, timeout=30)
    assert complaint.tracking_code in text_of(message)
    assert office.opd.code == "DPUTR"


def test_without_a_phone_the_slips_pin_lets_the_sender_follow(bot, botapi, client, run_worker):
    """The code alone is no secret (public complaints' codes are listed publicly): without a
    phone, the slip's PIN must come with it."""
    _media_centre_staff(client)
    csrf, token = _open_form(client)
    response = _post(client, _data(csrf, token, channel="walk_in", contact_phone="", contact_name=""))
    assert response.status_code == 302
    complaint = Complaint.get(Complaint.source_key == behalf.source_key(token))
    slip = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "4 angka terakhir" not in slip
    pin = complaint.claim_pin
    assert len(pin) == 4 and pin.isdigit() and f"{complaint.tracking_code} {pin}" in slip
    stranger = Person(botapi, first_name="Pembaca daftar publik")
    stranger.say(f"Kode saya {complaint.tracking_code}", expect="PIN 4 angka")
    wrong = "0000" if pin != "0000" else "1111"
    stranger.say(f"{complaint.tracking_code} {wrong}", expect="PIN itu tidak cocok")
    assert Complaint.get_by_id(complaint.id).reporter_id is None
    person = Person(botapi, first_name="Andi")
    person.say(f"{complaint.tracking_code} {pin}", expect="sekarang mengikuti")
    assert Complaint.get_by_id(complaint.id).reporter.telegram_id == person.id
    # Once followed, nobody else can take it over: to another person the code is unknown.
    other = Person(botapi, first_name="Orang lain")
    reply = other.say(complaint.tracking_code, expect=lambda m: complaint.tracking_code in text_of(m))
    assert "sekarang mengikuti" not in text_of(reply)
    assert Complaint.get_by_id(complaint.id).reporter.telegram_id == person.id
    history = [h.note for h in StatusChange.select().where(StatusChange.complaint == complaint)]
    assert any("Telegram" in note for note in history)


def test_wrong_digits_lock_the_complaint_after_a_few_tries(telegram, redis_conn):
    from tests.factories import make_complaint

    complaint = make_complaint(channel="phone", contact_phone="+62 812 3456 7890")
    Complaint.update(reporter=None).where(Complaint.id == complaint.id).execute()  # recorded by staff
    person = claiming.filing.ReporterInfo(telegram_id=555, chat_id=555)
    assert claiming.claim(complaint.id, person, None).outcome == claiming.NEEDS_DIGITS
    for _ in range(claiming.CLAIM_MAX_WRONG - 1):
        assert claiming.claim(complaint.id, person, "0000").outcome == claiming.WRONG_DIGITS
    assert claiming.claim(complaint.id, person, "0000").outcome == claiming.LOCKED
    assert claiming.claim(complaint.id, person, "7890").outcome == claiming.LOCKED  # even the right digits now
    assert Complaint.get_by_id(complaint.id).reporter_id is None
    # A complaint filed in the bot is never claimable by its code.
    own = make_complaint()
    assert not claiming.claimable(own)


# --- one filing per form -------------------------------------------------------------------------
def test_a_double_submit_files_once(client, run_worker):
    _media_centre_staff(client)
    csrf, token = _open_form(client)
    data = _data(csrf, token)
    first = _post(client, data, photos=[("a.jpg", sample_jpeg(320, 240))])
    second = _post(client, data, photos=[("a.jpg", sample_jpeg(320, 240))])
    assert first.status_code == second.status_code == 302
    assert first.headers["Location"] == second.headers["Location"]
    assert Complaint.select().where(Complaint.contact_name == "Bu Rahmah").count() == 1
    assert Photo.select().count() == 1


# --- bad input: polite, nothing lost ------------------------------------------------------------------
def test_bad_input_is_answered_and_what_was_typed_is_kept(client, app):
    _media_centre_staff(client)
    csrf, token = _open_form(client)
    data = _data(csrf, token, category_id="", description="Jalan rusak")  # no category, too short
    response = _post(client, data, photos=[("foto.jpg", sample_jpeg(320, 240)),
                                           ("surat.pdf", b"%PDF-1.4 not a picture")])
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Pilih kategori aduan" in html
    assert "terlalu singkat" in html and "paling sedikit 15" in html
    assert "surat.pdf bukan foto" in html
    assert "Bu Rahmah" in html and "0812-3456-7890" in html and "Jalan rusak</textarea>" in html
    assert "1 foto sudah diterima" in html  # the good photo is kept
    assert Complaint.select().count() == 0

    # Corrected (same form, same token): filed with the photo kept from the first try.
    fixed = _post(client, dict(data, category_id=str(Category.get(code="jalan").id), description=DESCRIPTION))
    assert fixed.status_code == 302, fixed.get_data(as_text=True)[:1500]
    complaint = Complaint.get(Complaint.source_key == behalf.source_key(token))
    assert Photo.select().where(Photo.complaint == complaint).count() == 1


def test_a_place_is_needed_and_a_point_outside_the_regency_is_refused(client, run_worker):
    _media_centre_staff(client)
    csrf, token = _open_form(client)
    none = _post(client, _data(csrf, token, latitude="", longitude=""))
    assert none.status_code == 422 and "Beri lokasi" in none.get_data(as_text=True)
    outside = _post(client, _data(csrf, token, latitude="-6.2", longitude="106.8"))  # Jakarta
    assert outside.status_code == 422 and "di luar wilayah" in outside.get_data(as_text=True)
    typed = _post(client, _data(csrf, token, latitude="", longitude="", address_text="Ujung gang dekat gereja tua"))
    assert typed.status_code == 302
    assert Complaint.get().address_text == "Ujung gang dekat gereja tua"
    # No village or kecamatan named: the slip says the main admin routes it, as the worker will.
    assert "Admin utama akan menentukan" in client.get(typed.headers["Location"]).get_data(as_text=True)
    run_worker()
    assert Complaint.get().routing_problem == "no_village"  # as the slip said


def test_the_form_needs_its_csrf_token(client):
    _media_centre_staff(client)
    _, token = _open_form(client)
    response = _post(client, _data("forged", token))
    assert response.status_code == 400 and Complaint.select().count() == 0


# --- who may --------------------------------------------------------------------------------------
@pytest.mark.parametrize("role,opd", [(models.ROLE_MAIN_ADMIN, "DISKOMINFO"), (models.ROLE_OPD_ADMIN, "DPUTR"),
                                      (models.ROLE_OPD_STAFF, "DINKES")])
def test_staff_of_offices_may_file(client, role, opd):
    logged_in(client, role, opd=opd)
    assert client.get(FORM).status_code == 200


@pytest.mark.parametrize("role", [models.ROLE_OVERSIGHT, models.ROLE_VILLAGE_HEAD, models.ROLE_VILLAGE_OFFICIAL])
def test_others_may_not_file(client, role):
    logged_in(client, role)
    assert client.get(FORM).status_code == 403
    assert client.post(FORM, data={}).status_code in (400, 403)


def test_the_slip_is_only_for_who_filed_it(app, client):
    _media_centre_staff(client)
    csrf, token = _open_form(client)
    assert _post(client, _data(csrf, token)).status_code == 302
    client = app.test_client()  # a colleague of the same office
    logged_in(client, models.ROLE_OPD_STAFF, opd="DISKOMINFO")
    assert client.get(f"{FORM}slip/?token={token}").status_code == 404


def test_an_anonymous_reporters_contact_is_shown_to_the_main_admin_only(app, client, run_worker):
    _media_centre_staff(client)
    csrf, token = _open_form(client)
    assert _post(client, _data(csrf, token, anonymous="y", contact_name="Pak Yusuf")).status_code == 302
    run_worker()
    complaint = Complaint.get(Complaint.source_key == behalf.source_key(token))
    assert complaint.is_anonymous and complaint.assigned_opd.code == "DPUTR"
    office = app.test_client()
    logged_in(office, models.ROLE_OPD_STAFF, opd="DPUTR")
    page = office.get(f"/admin/complaint/details/?id={complaint.id}").get_data(as_text=True)
    assert "Pak Yusuf" not in page and "0812-3456-7890" not in page and "Telepon" in page
    admin = app.test_client()
    logged_in(admin, models.ROLE_MAIN_ADMIN, opd="DISKOMINFO")
    page = admin.get(f"/admin/complaint/details/?id={complaint.id}").get_data(as_text=True)
    assert "Pak Yusuf" in page and "0812-3456-7890" in page


def test_a_code_with_four_digits_is_read_as_a_claim_and_a_link_code_still_links(seeded):
    from bot.followup.claim import claim_code
    from core import tracking
    from tests.factories import make_complaint

    complaint = make_complaint(tracking_code=tracking.new_code(), channel="phone")
    Complaint.update(reporter=None).where(Complaint.id == complaint.id).execute()
    code = complaint.tracking_code
    for text in (f"{code} 1234", f"{code.replace('-', '').lower()} 1234", f"Kode: {code}, 1234", f"{code}-1234"):
        assert claim_code(text) == code, text
    assert claim_code(f"{code} 12345") is None and claim_code("halo 1234") is None
    # A link code whose first 8 symbols happen to make a valid tracking code and whose last
    # group is all digits is still a link code when no complaint to follow has that code.
    body = next(c for c in (tracking.new_code() for _ in range(500)) if c != code)
    assert claim_code(f"{body}-3479") is None


def test_the_csv_export_names_the_reporter_given_on_the_form_not_the_staff(client):
    staff = _media_centre_staff(client)
    csrf, token = _open_form(client)
    assert _post(client, _data(csrf, token, contact_name="Bu Rahmah")).status_code == 302
    csrf2, token2 = _open_form(client)
    assert _post(client, _data(csrf2, token2, contact_name="", channel="social")).status_code == 302
    admin = client.application.test_client()
    logged_in(admin, models.ROLE_MAIN_ADMIN, opd="DISKOMINFO")
    export = admin.get("/admin/complaint/export/csv/").get_data(as_text=True)
    assert "Bu Rahmah" in export and str(staff) not in export
