"""One anonymity rule (services.access.shows_reporter) wherever an actor or a reporter is shown:
an anonymous complaint filed by a linked village head names nobody in the office's history,
notices or export; the main admin alone sees who filed it."""
from __future__ import annotations

import pytest

import models
from core import status as st
from models import Category, Complaint, Desa, StatusChange
from services import access
from services.complaints import filing as complaints
from services.complaints.status_door import Change, change_status
from tests.factories import make_official
from tests.panelkit import app, client, logged_in  # noqa: F401 (fixtures)
from services.messaging import notices

SUNGAI_PUTRI = "61.04.01.2011"
HEAD_NAME = "Kades Rahasiawati"


def filed_by_head(anonymous: bool, category: str = "jalan") -> tuple[Complaint, models.Official]:
    head = make_official(models.ROLE_VILLAGE_HEAD, telegram_user_id=777001, full_name=HEAD_NAME)
    desa = Desa.get(Desa.code == SUNGAI_PUTRI)
    data = {"token": "h" * 32, "category_id": Category.get(Category.code == category).id,
            "description": "Jembatan desa retak, tidak aman dilewati anak sekolah.",
            "latitude": desa.centroid_lat, "longitude": desa.centroid_lon, "desa_id": desa.id,
            "anonymous": anonymous}
    info = complaints.ReporterInfo(telegram_id=777001, chat_id=777001, first_name="Rahasiawati")
    complaint = complaints.create_from_draft(data, info, head)
    # Routed to the road office, as the assignment job would.
    Complaint.update(status=st.ASSIGNED, assigned_opd=Category.get(Category.code == category).opd).where(
        Complaint.id == complaint.id).execute()
    return Complaint.get_by_id(complaint.id), head


def test_the_filing_entry_of_an_anonymous_complaint_keeps_no_name(seeded, redis_conn):
    complaint, head = filed_by_head(anonymous=True)
    entry = StatusChange.get(StatusChange.complaint == complaint)
    assert HEAD_NAME not in entry.actor_label and entry.actor_label == "Pelapor"
    assert entry.actor_official_id == head.id  # who did it is still known to the database
    staff = make_official(models.ROLE_OPD_STAFF, opd="DPUTR")
    admin = make_official(models.ROLE_MAIN_ADMIN, opd="DISKOMINFO")
    assert access.history_actor(staff, complaint, entry) == "Pelapor (anonim)"
    assert access.history_actor(admin, complaint, entry) == "Pelapor"


def test_a_named_filing_by_a_village_head_is_still_named(seeded, redis_conn):
    complaint, head = filed_by_head(anonymous=False)
    entry = StatusChange.get(StatusChange.complaint == complaint)
    staff = make_official(models.ROLE_OPD_STAFF, opd="DPUTR")
    assert HEAD_NAME in access.history_actor(staff, complaint, entry)


def test_old_rows_that_stored_the_name_are_not_printed_to_the_office(client, seeded):  # noqa: F811
    """Rows written before the rule kept the head's name in actor_label: the page applies the
    rule when printing, not only when storing."""
    complaint, head = filed_by_head(anonymous=True)
    StatusChange.update(actor_label=f"{HEAD_NAME} (Desa Sungai Putri)").where(
        StatusChange.complaint == complaint).execute()
    change_status(complaint.id, Change(st.IN_PROGRESS, note="Dicek ke lokasi", actor_label="Petugas PUTR"))
    logged_in(client, models.ROLE_OPD_STAFF, opd="DPUTR")
    page = client.get(f"/admin/complaint/details/?id={complaint.id}").get_data(as_text=True)
    assert HEAD_NAME not in page and "Rahasiawati" not in page
    assert "Pelapor (anonim)" in page and "Petugas PUTR" in page
    assert "dikirim oleh kepala desa" not in page  # "filed by the village head" names them too
    export = client.get("/admin/complaint/export/csv/").get_data(as_text=True)
    assert HEAD_NAME not in export and "Rahasiawati" not in export


def test_the_main_admin_sees_who_filed_an_anonymous_complaint(app, seeded):  # noqa: F811
    complaint, head = filed_by_head(anonymous=True)
    admin = app.test_client()
    logged_in(admin, models.ROLE_MAIN_ADMIN, opd="DISKOMINFO")
    page = admin.get(f"/admin/complaint/details/?id={complaint.id}").get_data(as_text=True)
    assert "Rahasiawati" in page  # the reporter box names the account that filed it


@pytest.mark.parametrize("anonymous", [True, False])
def test_office_notices_follow_the_same_rule(seeded, redis_conn, anonymous):
    complaint, head = filed_by_head(anonymous=anonymous)
    staff = access.Audience(models.ROLE_OPD_STAFF, complaint.assigned_opd_id)
    text = notices.notice_text(complaint, "id", audience=staff)
    assert (HEAD_NAME in text) is (not anonymous)
    assert (HEAD_NAME in notices.notice_text(complaint, "id", audience=access.MAIN_ADMIN)) is True
    assert (HEAD_NAME in notices.notice_text(complaint, "id")) is (not anonymous)  # no audience: as the office
