"""services.complaints.filing: creating a complaint from a draft, and who may see what."""
import pytest
from rq import Queue

import models
from core import status as st, tracking
from models import Category, Complaint, Desa, Photo, Reporter, StatusChange
from services import runtime
from services.complaints import filing as complaints
from services.complaints.status_door import Change, add_note, change_status
from tests.factories import make_complaint, make_official, make_reporter, opd

SUNGAI_PUTRI = "61.04.01.2011"


def draft(**overrides):
    desa = Desa.get(Desa.code == SUNGAI_PUTRI)
    data = {
        "token": "a" * 32, "category_id": Category.get(Category.code == "jalan").id,
        "description": "  Jalan berlubang besar di depan SD Negeri 3, bahaya untuk motor.  ",
        "latitude": desa.centroid_lat, "longitude": desa.centroid_lon, "accuracy": 12.5, "desa_id": desa.id,
        "photos": [{"file_id": "F1", "file_unique_id": "U1", "path": "2026/aaaa/0123456789abcdef.jpg",
                    "sha256": "0" * 64, "size": 1234, "width": 640, "height": 480}],
        "anonymous": True, "confidential": False,
    }
    data.update(overrides)
    return data


def who(telegram_id=555001, **fields):
    return complaints.ReporterInfo(telegram_id=telegram_id, chat_id=telegram_id, first_name="Siti", **fields)


def assign_jobs(config, redis_conn):
    queue = Queue(runtime.queue_name(config, runtime.QUEUE_DEFAULT), connection=redis_conn)
    return [(job.func_name, job.args) for job in queue.jobs]


def test_one_transaction_stores_reporter_complaint_photos_history_and_queues_assignment(seeded, redis_conn):
    complaint = complaints.create_from_draft(draft(), who(username="siti"))
    complaint = Complaint.get_by_id(complaint.id)
    assert tracking.normalize(complaint.tracking_code) == complaint.tracking_code
    assert complaint.status == st.NEW and complaint.source_key == "a" * 32
    assert complaint.category.code == "jalan" and complaint.desa.code == SUNGAI_PUTRI
    assert complaint.description == "Jalan berlubang besar di depan SD Negeri 3, bahaya untuk motor."
    assert complaint.location_accuracy == 12.5 and complaint.is_anonymous and not complaint.is_confidential
    assert complaint.reporter.telegram_id == 555001 and complaint.reporter.username == "siti"
    assert not complaint.from_village_head and complaint.filed_by_official is None
    assert [(p.file_id, p.path, p.width) for p in complaint.photos] == [("F1", "2026/aaaa/0123456789abcdef.jpg", 640)]
    assert [(h.from_status, h.to_status) for h in complaint.history] == [(None, st.NEW)]
    assert assign_jobs(seeded, redis_conn) == [("workers.jobs.assign_complaint", (complaint.id,))]


def test_the_same_draft_confirmed_twice_makes_one_complaint(seeded, redis_conn):
    first = complaints.create_from_draft(draft(), who())
    again = complaints.create_from_draft(draft(), who())
    assert again.id == first.id and Complaint.select().count() == 1 and Photo.select().count() == 1
    assert len(assign_jobs(seeded, redis_conn)) == 1


def test_a_taken_tracking_code_is_retried(seeded, redis_conn, monkeypatch):
    taken = make_complaint().tracking_code
    fresh = tracking.new_code()
    codes = iter([taken, taken, fresh])
    monkeypatch.setattr(complaints.tracking, "new_code", lambda: next(codes))
    complaint = complaints.create_from_draft(draft(), who())
    assert complaint.tracking_code == fresh


def test_a_failure_inside_leaves_nothing_behind_and_queues_nothing(seeded, redis_conn):
    broken = draft(photos=[{"file_id": "F1"}])  # no path: the photo row cannot be written
    with pytest.raises(KeyError):
        complaints.create_from_draft(broken, who())
    assert Complaint.select().count() == 0 and Reporter.select().count() == 0
    assert assign_jobs(seeded, redis_conn) == []


def test_the_complaint_exists_even_when_redis_is_down(seeded):
    runtime.use(seeded.with_(REDIS_URL="redis://127.0.0.1:1/0"))
    complaint = complaints.create_from_draft(draft(), who())
    assert Complaint.get_by_id(complaint.id).status == st.NEW


@pytest.mark.parametrize("missing,changes", [
    (["category"], {"category_id": None}),
    (["description"], {"description": "   "}),
    (["location"], {"latitude": None, "longitude": None, "address_text": ""}),
])
def test_an_incomplete_draft_is_refused(seeded, redis_conn, missing, changes):
    with pytest.raises(complaints.IncompleteDraft) as caught:
        complaints.create_from_draft(draft(**changes), who())
    assert caught.value.missing == missing and Complaint.select().count() == 0


def test_a_typed_address_is_enough(seeded, redis_conn):
    data = draft(latitude=None, longitude=None, accuracy=None, desa_id=None, photos=[],
                 address_text="Jl. Pelabuhan, dekat pasar, Kec. Delta Pawan")
    complaint = Complaint.get_by_id(complaints.create_from_draft(data, who()).id)
    assert complaint.latitude is None and complaint.desa is None
    assert complaint.address_text == "Jl. Pelabuhan, dekat pasar, Kec. Delta Pawan"


def test_a_village_head_files_on_behalf_of_the_village(seeded, redis_conn):
    head = make_official(models.ROLE_VILLAGE_HEAD, telegram_user_id=555002)
    data = draft(category_id=Category.get(Category.code == "infra_desa").id)
    complaint = Complaint.get_by_id(complaints.create_from_draft(data, who(555002), head).id)
    assert complaint.from_village_head and complaint.filed_by_official.id == head.id
    assert complaint.reporter.telegram_id == 555002


def test_reporter_upsert_refreshes_names_but_keeps_a_chosen_language(seeded):
    complaints.upsert_reporter(who())
    Reporter.update(language="en", language_chosen=True).execute()
    reporter = complaints.upsert_reporter(complaints.ReporterInfo(555001, 555001, "Siti Aminah", language="id"))
    assert reporter.first_name == "Siti Aminah" and reporter.language == "en"
    assert Reporter.select().count() == 1


def test_predicted_office_follows_the_assignment_rule(seeded):
    desa = Desa.get(Desa.code == SUNGAI_PUTRI)
    assert complaints.predicted_office(Category.get(Category.code == "jalan"), desa.id) == "Dinas PUTR"
    assert complaints.predicted_office(Category.get(Category.code == "jalan"), None) == "Dinas PUTR"
    assert complaints.predicted_office(Category.get(Category.code == "infra_desa"), desa.id) == "Desa Sungai Putri"
    assert complaints.predicted_office(Category.get(Category.code == "infra_desa"), None) is None


def test_predicted_office_promises_no_inactive_opd(seeded):
    """The assignment leaves a complaint whose OPD is inactive to the main admin ("no_office");
    the reporter is not promised that OPD either (services.complaints.offices, one rule)."""
    desa = Desa.get(Desa.code == SUNGAI_PUTRI)
    jalan = Category.get(Category.code == "jalan")
    putr = models.Opd.get_by_id(jalan.opd_id)
    other = models.Opd.select().where(models.Opd.id != putr.id, models.Opd.active).first()
    assert complaints.predicted_office(jalan, desa.id, requested_opd_id=other.id) == str(other)
    models.Opd.update(active=False).where(models.Opd.id.in_([putr.id, other.id])).execute()
    assert complaints.predicted_office(jalan, desa.id) is None
    assert complaints.predicted_office(jalan, desa.id, requested_opd_id=other.id) is None


def test_complaints_of_pages_newest_first_and_only_ones_own(seeded):
    from datetime import timedelta

    mine = make_reporter()
    base = models.utcnow()
    made = [make_complaint(reporter=mine, created_at=base - timedelta(hours=i)) for i in range(7)]
    make_complaint()  # somebody else's
    first = complaints.complaints_of(mine.telegram_id, 1)
    assert (first.total, first.pages, first.page) == (7, 2, 1)
    assert [c.id for c in first.items] == [c.id for c in made[:5]]
    second = complaints.complaints_of(mine.telegram_id, 9)  # past the end: the last page
    assert second.page == 2 and [c.id for c in second.items] == [c.id for c in made[5:]]
    assert complaints.complaints_of(123, 1).total == 0


def test_history_is_shown_to_the_reporter_and_officials_of_the_office_only(seeded):
    complaint = make_complaint()
    change_status(complaint.id, Change(st.IN_PROGRESS, note="Tim sudah dijadwalkan", actor=None))
    add_note(complaint.id, "catatan internal", visible_to_reporter=False)
    complaint = Complaint.get_by_id(complaint.id)
    reporter_id = complaint.reporter.telegram_id
    assert [h.note for h in complaints.history_visible_to(complaint, reporter_id)] == ["Tim sudah dijadwalkan"]
    assert complaints.history_visible_to(complaint, 999999) is None
    staff = make_official(opd="DPUTR", telegram_user_id=810001)
    other = make_official(opd="DLH", telegram_user_id=810002)
    admin = make_official(models.ROLE_MAIN_ADMIN, opd="DISKOMINFO", telegram_user_id=810003)
    retired = make_official(opd="DPUTR", telegram_user_id=810004, active=False)
    assert len(complaints.history_visible_to(complaint, 810001)) == 2  # officials see internal notes too
    assert complaints.history_visible_to(complaint, 810002) is None
    assert complaints.history_visible_to(complaint, 810003) is not None
    assert complaints.history_visible_to(complaint, 810004) is None
    assert staff.opd.id == opd("DPUTR").id and other and admin and retired


def test_village_officials_see_their_villages_complaints(seeded):
    village = make_complaint(category=Category.get(Category.code == "infra_desa"))
    make_official(models.ROLE_VILLAGE_OFFICIAL, telegram_user_id=820001)
    make_official(models.ROLE_VILLAGE_HEAD, desa="61.04.01.2012", telegram_user_id=820002)
    assert complaints.history_visible_to(village, 820001) is not None
    assert complaints.history_visible_to(village, 820002) is None
    assert StatusChange.select().count() == 0
