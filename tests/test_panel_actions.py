"""Working a complaint from its page: every action goes through the status door, writes the
reporter's outbox message in the same transaction, and reaches Telegram through the worker."""
import io

import pytest
from PIL import Image

import models
from core import status as st
from models import Complaint, OutboundMessage, Photo, ResponseTemplate, StatusChange
from tests.factories import make_complaint, make_reporter, opd
from tests.panelkit import app, client, logged_in, post_form  # noqa: F401 (fixtures)


def _page(complaint):
    return f"/admin/complaint/details/?id={complaint.id}"


def act(client, complaint, action, data, **kwargs):
    """Submit one of the complaint page's action forms as the browser would."""
    fields = {f"{action}-{name}": value for name, value in data.items()}
    return post_form(client, _page(complaint), f"/admin/complaint/act/{action}/?id={complaint.id}", fields, **kwargs)


def test_accept_with_note_changes_status_and_writes_the_reporters_message(client):
    complaint = make_complaint()
    staff = logged_in(client, models.ROLE_OPD_STAFF)
    response = act(client, complaint, "accept", {"note": "Tim survei datang besok pagi."}, follow_redirects=True)
    assert "ditandai diproses" in response.get_data(as_text=True)
    complaint = Complaint.get_by_id(complaint.id)
    assert complaint.status == st.IN_PROGRESS and complaint.first_response_at is not None
    history = StatusChange.get(StatusChange.complaint == complaint, StatusChange.to_status == st.IN_PROGRESS)
    assert history.actor_official_id == staff.id and history.note == "Tim survei datang besok pagi."
    message = OutboundMessage.get(OutboundMessage.complaint == complaint)
    assert message.chat_id == complaint.reporter.chat_id and message.state == "pending"
    assert "Tim survei datang besok pagi." in message.text and "sedang diproses" in message.text


def test_the_reporter_receives_the_change_on_telegram(telegram, botapi, run_worker):
    from panel import create_app

    client = create_app(telegram).test_client()
    siti = botapi.user(first_name="Siti", language_code="id")
    john = botapi.user(first_name="John", language_code="en")
    ours = make_complaint(reporter=make_reporter(telegram_id=siti.id, chat_id=siti.id, language="id"))
    theirs = make_complaint(reporter=make_reporter(telegram_id=john.id, chat_id=john.id, language="en"))
    logged_in(client, models.ROLE_OPD_STAFF)
    act(client, ours, "accept", {"note": "Perbaikan dijadwalkan <Senin>."})
    act(client, theirs, "reject", {"note": "Jalan ini milik provinsi."})
    run_worker()
    sent = botapi.wait_for_message(siti.id, lambda m: ours.tracking_code in m.get("text", ""), timeout=10)
    assert "sedang diproses" in sent["text"] and "Perbaikan dijadwalkan <Senin>." in sent["text"]
    sent = botapi.wait_for_message(john.id, lambda m: theirs.tracking_code in m.get("text", ""), timeout=10)
    assert "cannot act on" in sent["text"] and "Jalan ini milik provinsi." in sent["text"]
    assert botapi.rejected_calls() == []
    page = client.get(_page(ours)).get_data(as_text=True)
    assert 'data-state="sent"' in page and "Terkirim" in page


def test_resolve_needs_a_note(client):
    complaint = make_complaint(status=st.IN_PROGRESS)
    logged_in(client, models.ROLE_OPD_STAFF)
    response = act(client, complaint, "resolve", {"note": "  "}, follow_redirects=True)
    assert "Isian ini wajib diisi." in response.get_data(as_text=True)
    assert Complaint.get_by_id(complaint.id).status == st.IN_PROGRESS
    assert not OutboundMessage.select().where(OutboundMessage.complaint == complaint).exists()


def _photo_with_gps() -> bytes:
    image = Image.new("RGB", (400, 300), (30, 160, 90))
    exif = Image.Exif()
    exif[0x010F] = "KameraRahasia"  # Make
    exif[0x8825] = {1: "S", 2: (1.0, 35.0, 40.0)}  # GPS block
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    return out.getvalue()


def test_resolve_with_a_photo_keeps_a_clean_copy_and_sends_it(client, app):
    complaint = make_complaint(status=st.IN_PROGRESS)
    logged_in(client, models.ROLE_OPD_STAFF)
    data = {"note": "Lubang sudah ditambal aspal.", "photo": (io.BytesIO(_photo_with_gps()), "hasil.jpg")}
    act(client, complaint, "resolve", data, content_type="multipart/form-data")
    complaint = Complaint.get_by_id(complaint.id)
    assert complaint.status == st.RESOLVED
    photo = Photo.get(Photo.complaint == complaint, Photo.kind == "result")
    assert photo.status_change.to_status == st.RESOLVED
    stored = app.config["WADUL"].media_path / photo.path
    with Image.open(stored) as image:
        assert not image.getexif() and (image.width, image.height) == (400, 300)
    assert b"KameraRahasia" not in stored.read_bytes()
    message = OutboundMessage.get(OutboundMessage.complaint == complaint)
    assert message.photo_path == photo.path
    assert client.get(f"/media/photo/{photo.id}").status_code == 200


def test_a_file_that_is_not_an_image_changes_nothing(client, app):
    complaint = make_complaint(status=st.IN_PROGRESS)
    logged_in(client, models.ROLE_OPD_STAFF)
    data = {"note": "Selesai.", "photo": (io.BytesIO(b"not an image at all"), "hasil.jpg")}
    response = act(client, complaint, "resolve", data, content_type="multipart/form-data", follow_redirects=True)
    assert "tidak bisa dibaca sebagai foto" in response.get_data(as_text=True)
    assert Complaint.get_by_id(complaint.id).status == st.IN_PROGRESS
    assert not Photo.select().where(Photo.complaint == complaint).exists()


def test_reject_needs_a_reason_and_sends_it(client):
    complaint = make_complaint()
    logged_in(client, models.ROLE_OPD_STAFF)
    act(client, complaint, "reject", {"note": ""})
    assert Complaint.get_by_id(complaint.id).status == st.ASSIGNED
    act(client, complaint, "reject", {"note": "Bukan kewenangan kabupaten."})
    assert Complaint.get_by_id(complaint.id).status == st.REJECTED
    message = OutboundMessage.get(OutboundMessage.complaint == complaint)
    assert "Alasan" in message.text and "Bukan kewenangan kabupaten." in message.text


def test_forward_to_another_opd_moves_the_complaint_out_of_sight(client):
    complaint = make_complaint()
    logged_in(client, models.ROLE_OPD_STAFF)
    dlh = opd("DLH")
    response = act(client, complaint, "forward", {"target": f"opd:{dlh.id}", "note": "Ini sampah, bukan jalan."})
    assert response.status_code == 302 and response.headers["Location"].endswith("/admin/complaint/")
    complaint = Complaint.get_by_id(complaint.id)
    assert complaint.status == st.FORWARDED and complaint.assigned_opd_id == dlh.id
    assert client.get(_page(complaint)).status_code == 404
    # One message to the reporter for the hop, written by the assignment that follows (issue 17).
    assert not OutboundMessage.select().where(OutboundMessage.complaint == complaint).exists()
    from services.complaints import assignment
    assert assignment.assign(complaint.id) == "assigned"
    message = OutboundMessage.get(OutboundMessage.complaint == complaint,
                                  OutboundMessage.chat_id == complaint.reporter.chat_id)
    assert "DLH" in message.text and "Ini sampah, bukan jalan." in message.text and "dialihkan" in message.text


def test_forward_to_the_village(client):
    complaint = make_complaint()
    logged_in(client, models.ROLE_OPD_STAFF)
    page = client.get(_page(complaint)).get_data(as_text=True)
    assert f'value="desa:{complaint.desa_id}"' in page
    act(client, complaint, "forward", {"target": f"desa:{complaint.desa_id}", "note": "Urusan jalan desa."})
    complaint = Complaint.get_by_id(complaint.id)
    assert complaint.assigned_desa_id == complaint.desa_id and complaint.assigned_opd_id is None


def test_forward_target_must_be_one_offered(client):
    complaint = make_complaint()
    logged_in(client, models.ROLE_OPD_STAFF)
    act(client, complaint, "forward", {"target": f"opd:{complaint.assigned_opd_id}", "note": "x"})
    act(client, complaint, "forward", {"target": "opd:999999", "note": "x"})
    assert Complaint.get_by_id(complaint.id).status == st.ASSIGNED


def test_internal_note_is_kept_and_not_sent(client):
    complaint = make_complaint()
    logged_in(client, models.ROLE_OPD_STAFF)
    act(client, complaint, "note", {"note": "Koordinasi dengan kecamatan dulu."})
    note = StatusChange.get(StatusChange.complaint == complaint)
    assert note.note == "Koordinasi dengan kecamatan dulu." and not note.visible_to_reporter
    assert Complaint.get_by_id(complaint.id).status == st.ASSIGNED
    assert not OutboundMessage.select().where(OutboundMessage.complaint == complaint).exists()
    page = client.get(_page(complaint)).get_data(as_text=True)
    assert "Koordinasi dengan kecamatan dulu." in page and "internal" in page


def test_actions_need_the_csrf_token(client):
    complaint = make_complaint()
    logged_in(client, models.ROLE_OPD_STAFF)
    response = client.post(f"/admin/complaint/act/accept/?id={complaint.id}", data={"accept-note": "tanpa token"})
    assert response.status_code == 400
    assert Complaint.get_by_id(complaint.id).status == st.ASSIGNED


def test_people_text_is_shown_escaped(client):
    script = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    complaint = make_complaint(description=f"Jalan rusak {script}", address_text=script,
                               reporter=make_reporter(first_name=script))
    logged_in(client, models.ROLE_OPD_STAFF)
    act(client, complaint, "note", {"note": f"Catatan {script}"})
    for url in (_page(complaint), "/admin/complaint/?all=1"):
        page = client.get(url).get_data(as_text=True)
        assert script not in page and "<img src=x" not in page, url
        assert "&lt;script&gt;alert(" in page, url


def test_response_templates_of_the_office_are_offered(client):
    ResponseTemplate.create(opd=opd("DPUTR"), title="Survei", text="Tim akan survei dalam 2 hari kerja.")
    ResponseTemplate.create(opd=opd("DLH"), title="Sampah", text="Truk sampah dijadwalkan.")
    complaint = make_complaint()
    logged_in(client, models.ROLE_OPD_STAFF)
    page = client.get(_page(complaint)).get_data(as_text=True)
    assert "Tim akan survei dalam 2 hari kerja." in page and "Truk sampah dijadwalkan." not in page


@pytest.mark.parametrize("role", [models.ROLE_VILLAGE_HEAD, models.ROLE_VILLAGE_OFFICIAL])
def test_village_officials_work_their_village_complaints(client, role):
    complaint = make_complaint(category=models.Category.get(models.Category.code == "infra_desa"))
    logged_in(client, role)
    act(client, complaint, "accept", {"note": "Dikerjakan gotong royong Sabtu."})
    assert Complaint.get_by_id(complaint.id).status == st.IN_PROGRESS


def test_new_unrouted_complaint_is_the_main_admins_to_route(client, app):
    complaint = make_complaint(status=st.NEW, assigned_opd=None, routing_problem="no_village")
    logged_in(client, models.ROLE_MAIN_ADMIN, opd="DISKOMINFO")
    listing = client.get("/admin/routing/").get_data(as_text=True)
    assert complaint.tracking_code in listing and "Titik di luar semua desa" in listing
    page = client.get(_page(complaint)).get_data(as_text=True)
    assert f'<option selected value="opd:{opd("DPUTR").id}">' in page  # the category's office is suggested
    act(client, complaint, "forward", {"target": f"opd:{opd('DPUTR').id}", "note": "Dirutekan manual."})
    complaint = Complaint.get_by_id(complaint.id)
    assert complaint.status == st.FORWARDED and complaint.assigned_opd_id == opd("DPUTR").id
    assert f">{complaint.tracking_code}<" not in client.get("/admin/routing/").get_data(as_text=True)
