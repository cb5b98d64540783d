"""Routing and assignment through a real worker: villages from GPS and typed addresses,
offices from categories, deadlines, and the reporter's and the office's messages."""
from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

import models
from core import status as st
from models import Category, Complaint, Holiday, OutboundMessage, Photo, StatusChange
from services import regions, runtime
from services.complaints import filing as complaints
from services.complaints.status_door import Change, change_status
from tests.factories import make_complaint, opd
from tests.workerkit import SUNGAI_PUTRI, link_office, linked_official, photo_file, point_in, telegram_reporter, texts
from services.complaints import assignment

RUNJAI_JAYA = "61.04.02.2004"   # Kec. Marau
TERUSAN = "61.04.03.2006"       # Kec. Manis Mata


def file_complaint(reporter, category: str, **data) -> Complaint:
    """A complaint confirmed in the bot (the service the bot calls), which queues assignment."""
    draft = {"category_id": Category.get(Category.code == category).id,
             "description": data.pop("description", "Jalan berlubang besar di depan sekolah dasar."), **data}
    return complaints.create_from_draft(draft, reporter, source_key=f"draft-{reporter.id}-{category}-{len(data)}")


def reload(complaint) -> Complaint:
    return Complaint.get_by_id(complaint.id)


def test_complaints_in_several_villages_and_categories(telegram, botapi, run_worker):
    putr_chat, dlh_chat = link_office(botapi, "DPUTR"), link_office(botapi, "DLH")
    putr_staff = linked_official(botapi, opd="DPUTR")
    kades = linked_official(botapi, models.ROLE_VILLAGE_HEAD, desa=TERUSAN)
    other_kades = linked_official(botapi, models.ROLE_VILLAGE_HEAD, desa=SUNGAI_PUTRI)
    siti = telegram_reporter(botapi)
    lat, lon = point_in(SUNGAI_PUTRI)
    road = file_complaint(siti, "jalan", latitude=lat, longitude=lon)
    lat, lon = point_in(RUNJAI_JAYA)
    rubbish = file_complaint(siti, "sampah", latitude=lat, longitude=lon, description="Sampah menumpuk di pasar.")
    lat, lon = point_in(TERUSAN)
    village = file_complaint(siti, "infra_desa", latitude=lat, longitude=lon, description="Jembatan desa lapuk.")
    run_worker()

    road, rubbish, village = reload(road), reload(rubbish), reload(village)
    assert [c.status for c in (road, rubbish, village)] == [st.ASSIGNED] * 3
    assert (road.desa.code, road.assigned_opd.code) == (SUNGAI_PUTRI, "DPUTR")
    assert (rubbish.desa.code, rubbish.assigned_opd.code) == (RUNJAI_JAYA, "DLH")
    assert (village.assigned_desa.code, village.assigned_opd) == (TERUSAN, None)
    assert road.response_due_at == road.assigned_at + timedelta(hours=48)
    assert road.resolution_due_at == road.assigned_at + timedelta(days=30)

    told = texts(botapi, siti.chat_id)
    assert any(road.tracking_code in t and "Dinas PUTR" in t and "paling lambat" in t for t in told)
    assert any(rubbish.tracking_code in t and "DLH" in t for t in told)
    assert any(village.tracking_code in t and "Desa Terusan" in t for t in told)
    assert [road.tracking_code in t for t in texts(botapi, putr_chat)] == [True]
    assert road.tracking_code in texts(botapi, putr_staff.telegram_chat_id)[0]
    assert rubbish.tracking_code in texts(botapi, dlh_chat)[0]
    assert village.tracking_code in texts(botapi, kades.telegram_chat_id)[0]
    assert texts(botapi, other_kades.telegram_chat_id) == []
    assert botapi.rejected_calls() == []


def test_office_notice_has_photo_place_link_location_and_no_anonymous_name(telegram, botapi, run_worker):
    group = link_office(botapi, "DPUTR")
    staff = linked_official(botapi, opd="DPUTR", language="en")
    siti = telegram_reporter(botapi, first_name="Sitirahasia")
    path = photo_file(telegram)
    lat, lon = point_in(SUNGAI_PUTRI)
    complaint = file_complaint(siti, "jalan", latitude=lat, longitude=lon, anonymous=True,
                               description="Jalan <rusak> & berlubang", photos=[{"path": path, "file_id": "x"}])
    run_worker()
    complaint = reload(complaint)
    sent = botapi.messages(group)
    assert "photo" in sent[0] and "location" in sent[-1]
    caption = sent[0]["caption"]
    assert complaint.tracking_code in caption and "Jalan rusak" in caption and "Desa Sungai Putri" in caption
    assert "Jalan <rusak> & berlubang" in caption  # escaped for HTML, shown as typed
    assert f"/admin/complaint/details/?id={complaint.id}" in str(sent[0].get("caption_entities"))
    assert "Sitirahasia" not in caption and "dirahasiakan" in caption
    english = botapi.messages(staff.telegram_chat_id)[0]["caption"]
    assert "New complaint" in english and "Reporter: withheld" in english
    assert Photo.select().count() == 1


def test_named_reporter_is_shown_to_the_office(telegram, botapi, run_worker):
    group = link_office(botapi, "DPUTR")
    siti = telegram_reporter(botapi, first_name="Siti")
    file_complaint(siti, "jalan", latitude=point_in(SUNGAI_PUTRI)[0], longitude=point_in(SUNGAI_PUTRI)[1])
    run_worker()
    assert "Pelapor: Siti" in texts(botapi, group)[0]


@pytest.mark.parametrize("address, desa_code, office", [
    ("Jl. Poros, Desa Sungai Putri, Kec. Matan Hilir Utara", SUNGAI_PUTRI, "DPUTR"),
    ("depan masjid ds. runjai jaya", RUNJAI_JAYA, "DPUTR"),
    ("dekat pasar, Kecamatan Marau", None, "DPUTR"),   # an OPD can act on a kecamatan and an address
])
def test_typed_address_is_matched(telegram, botapi, run_worker, address, desa_code, office):
    complaint = file_complaint(telegram_reporter(botapi), "jalan", address_text=address)
    run_worker()
    complaint = reload(complaint)
    assert complaint.status == st.ASSIGNED and complaint.assigned_opd.code == office
    assert (complaint.desa.code if complaint.desa else None) == desa_code


@pytest.mark.parametrize("category, data, problem", [
    ("jalan", {"address_text": "Jl. Merdeka nomor lima"}, "no_village"),
    ("infra_desa", {"address_text": "dekat pasar, Kecamatan Marau"}, "no_village"),  # a village must act
    ("jalan", {"latitude": -6.2, "longitude": 106.8}, "no_village"),                # Jakarta
])
def test_unroutable_complaints_wait_for_the_main_admin(telegram, botapi, run_worker, category, data, problem):
    siti = telegram_reporter(botapi)
    complaint = file_complaint(siti, category, **data)
    run_worker()
    complaint = reload(complaint)
    assert complaint.status == st.NEW and complaint.routing_problem == problem
    assert complaint.assigned_opd is None and complaint.assigned_desa is None
    assert OutboundMessage.select().count() == 0
    # The main admin places it by hand (disposisi); the worker then assigns it with deadlines.
    change_status(complaint.id, Change(st.FORWARDED, note="Lokasi dicek: wilayah Dinas PUTR", to_opd=opd("DPUTR")))
    run_worker()
    complaint = reload(complaint)
    assert complaint.status == st.ASSIGNED and complaint.routing_problem == ""
    assert complaint.response_due_at is not None


def test_category_without_office_and_without_category(telegram, botapi, run_worker):
    Category.update(opd=None).where(Category.code == "sampah").execute()
    lat, lon = point_in(SUNGAI_PUTRI)
    orphan = make_complaint(category=Category.get(Category.code == "sampah"), status=st.NEW, assigned_opd=None,
                            desa=None, assigned_at=None, response_due_at=None, resolution_due_at=None)
    nothing = make_complaint(status=st.NEW, assigned_opd=None, assigned_at=None, desa=None, latitude=lat,
                             longitude=lon, response_due_at=None, resolution_due_at=None)
    Complaint.update(category=None).where(Complaint.id == nothing.id).execute()
    assert assignment.assign(orphan.id) == "no_office"
    assert assignment.assign(nothing.id) == "no_category"
    assert reload(nothing).desa.code == SUNGAI_PUTRI  # what was found is kept for the main admin


def test_village_head_may_ask_for_an_opd(telegram, botapi, run_worker):
    complaint = make_complaint(category=Category.get(Category.code == "infra_desa"), status=st.NEW,
                               assigned_desa=None, assigned_opd=None, requested_opd=opd("PERKIM"))
    assert assignment.assign(complaint.id) == "assigned"
    assert reload(complaint).assigned_opd.code == "PERKIM"


def test_forwarded_complaint_gets_fresh_deadlines_and_the_new_office_is_told(telegram, botapi, run_worker):
    dlh_chat = link_office(botapi, "DLH")
    siti = telegram_reporter(botapi)
    old_due = datetime(2026, 1, 1)
    complaint = make_complaint(reporter=siti, response_due_at=old_due, first_response_at=old_due)
    change_status(complaint.id, Change(st.FORWARDED, note="Ini soal sampah, bukan jalan", to_opd=opd("DLH")))
    run_worker()
    complaint = reload(complaint)
    assert complaint.status == st.ASSIGNED and complaint.assigned_opd.code == "DLH"
    assert complaint.response_due_at == complaint.assigned_at + timedelta(hours=48)
    notice = texts(botapi, dlh_chat)[0]
    assert "dialihkan ke DLH" in notice and "Ini soal sampah, bukan jalan" in notice
    assert [t for t in texts(botapi, siti.chat_id) if "DLH" in t]


def test_assigning_twice_changes_nothing(telegram, botapi, run_worker):
    group = link_office(botapi, "DPUTR")
    siti = telegram_reporter(botapi)
    lat, lon = point_in(SUNGAI_PUTRI)
    complaint = file_complaint(siti, "jalan", latitude=lat, longitude=lon)
    assert assignment.assign(complaint.id) == "assigned"
    assert assignment.assign(complaint.id) == "skipped"
    run_worker()  # the queued job runs too and leaves it alone
    assert StatusChange.select().where(StatusChange.to_status == st.ASSIGNED).count() == 1
    assert len(texts(botapi, group)) == 1 and len(texts(botapi, siti.chat_id)) == 1


def test_deadlines_in_working_days_skip_weekends_and_holidays(telegram):
    runtime.use(telegram.with_(WORKING_DAYS=True))
    friday = datetime(2026, 8, 14, 3, 0)  # 10.00 WIB, Friday before Independence Day (Mon 17 Aug)
    complaint = make_complaint(status=st.NEW, assigned_opd=None, assigned_at=None)
    assert assignment.assign(complaint.id, now=friday) == "assigned"
    # Two working days: Tue 18, Wed 19 August, same hour.
    assert reload(complaint).response_due_at == datetime(2026, 8, 19, 3, 0)
    Holiday.create(day=date(2026, 8, 18), name="Cuti bersama (contoh)")
    second = make_complaint(status=st.NEW, assigned_opd=None, assigned_at=None)
    assignment.assign(second.id, now=friday)
    assert reload(second).response_due_at == datetime(2026, 8, 20, 3, 0)


def square(code: str, name: str, lon: float, lat: float) -> dict:
    ring = [[lon, lat], [lon + 0.1, lat], [lon + 0.1, lat + 0.1], [lon, lat + 0.1], [lon, lat]]
    return {"type": "Feature", "geometry": {"type": "Polygon", "coordinates": [ring]},
            "properties": {"kode": code, "desa": name, "kecamatan": "Contoh Barat", "kabupaten": "Kabupaten Contoh"}}


def test_a_regency_that_is_not_ketapang(telegram, botapi, run_worker):
    regions.load_regions({"type": "FeatureCollection", "features": [
        square("33.27.01.2001", "Wonosari", 110.0, -7.1), square("33.27.01.2002", "Sukamaju", 110.1, -7.1)]})
    siti = telegram_reporter(botapi)
    here = file_complaint(siti, "jalan", latitude=-7.05, longitude=110.15)
    typed = file_complaint(siti, "infra_desa", address_text="Desa Wonosari RT 02")
    run_worker()
    here, typed = reload(here), reload(typed)
    assert here.desa.code == "33.27.01.2002" and here.assigned_opd.code == "DPUTR"
    assert typed.assigned_desa.code == "33.27.01.2001" and typed.status == st.ASSIGNED
