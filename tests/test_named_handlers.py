"""Named handlers and priority: an office head gives a complaint to one of the office's people,
who is told on Telegram; "Mine" lists what one was given; no office reaches into another's."""
from __future__ import annotations

import models
from core import status as st
from models import Complaint, OutboundMessage, StatusChange
from services.complaints import handling
from services.complaints.status_door import Change, change_status
from tests.factories import make_complaint, make_official, opd
from tests.panelkit import app, client, csrf_from, logged_in  # noqa: F401 (fixtures)
from tests.workerkit import linked_official


def _page(client, complaint):
    return client.get(f"/admin/complaint/details/?id={complaint.id}")


def _assign(client, complaint, handler_id, priority=0, note="", page_of=None):
    page = _page(client, page_of or complaint)
    html = page.get_data(as_text=True)
    token = csrf_from(html) if page.status_code == 200 else "x"
    return client.post(f"/admin/complaint/handler/?id={complaint.id}",
                       data={"handling-csrf_token": token, "handling-handler": str(handler_id or ""),
                             "handling-priority": str(priority), "handling-note": note})


def test_an_opd_admin_gives_a_complaint_to_a_linked_staff_member_who_is_told(telegram, botapi, client, run_worker):
    head = logged_in(client, models.ROLE_OPD_ADMIN, opd="DPUTR", full_name="Kabid Jalan")
    staff = linked_official(botapi, models.ROLE_OPD_STAFF, opd="DPUTR", full_name="Budi Teknisi")
    complaint = make_complaint()
    page = _page(client, complaint).get_data(as_text=True)
    assert "Budi Teknisi" in page and "handling-form" in page
    response = _assign(client, complaint, staff.id, priority=handling.URGENT, note="Cek hari ini, dekat sekolah.")
    assert response.status_code == 302
    complaint = Complaint.get_by_id(complaint.id)
    assert complaint.handler_id == staff.id and complaint.priority == handling.URGENT
    assert complaint.status == st.ASSIGNED  # no status change: one door for status
    entry = StatusChange.select().where(StatusChange.complaint == complaint).order_by(StatusChange.id.desc()).get()
    assert entry.from_status == entry.to_status == st.ASSIGNED and not entry.visible_to_reporter
    assert "Budi Teknisi" in entry.note and "Mendesak" in entry.note and entry.actor_official_id == head.id
    # Nothing to the reporter; one message to the handler, delivered by the worker.
    assert OutboundMessage.select().where(OutboundMessage.chat_id == complaint.reporter.chat_id).count() == 0
    run_worker()
    texts = [m.get("text", "") for m in botapi.messages(staff.telegram_chat_id)]
    assert len(texts) == 1 and complaint.tracking_code in texts[0]
    assert "diserahkan kepada Anda" in texts[0] and "Mendesak" in texts[0] and "Cek hari ini" in texts[0]
    assert f"/admin/complaint/details/?id={complaint.id}" in texts[0]
    followed = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "petugas diberi tahu lewat Telegram" in followed


def test_the_list_shows_handler_and_priority_and_mine_filters(app, client):
    head = logged_in(client, models.ROLE_OPD_ADMIN, opd="DPUTR")
    staff = make_official(models.ROLE_OPD_STAFF, opd="DPUTR", full_name="Sari Pengawas")
    mine = make_complaint()
    other = make_complaint()
    handling.assign(mine.id, head, staff.id, handling.HIGH)
    listing = client.get("/admin/complaint/", follow_redirects=True).get_data(as_text=True)
    assert "Sari Pengawas" in listing and "Tinggi" in listing

    staff_client = app.test_client()
    from tests.panelkit import login

    login(staff_client, staff)
    page = staff_client.get("/admin/complaint/", follow_redirects=True).get_data(as_text=True)
    assert "Aduan saya" in page
    import re

    link = re.search(r'href="([^"]+)"[^>]*>\s*Aduan saya', page)
    assert link, "the Mine quick link is above the list"
    filtered = staff_client.get(link.group(1).replace("&amp;", "&")).get_data(as_text=True)
    assert mine.tracking_code in filtered and other.tracking_code not in filtered


def test_only_people_of_the_complaints_office_can_be_chosen(client):
    logged_in(client, models.ROLE_OPD_ADMIN, opd="DPUTR")
    stranger = make_official(models.ROLE_OPD_STAFF, opd="DINKES", full_name="Orang Dinkes")
    village = make_official(models.ROLE_VILLAGE_OFFICIAL)
    complaint = make_complaint()
    assert "Orang Dinkes" not in _page(client, complaint).get_data(as_text=True)
    for outsider in (stranger, village):
        response = _assign(client, complaint, outsider.id, priority=1)
        assert response.status_code == 302
        assert Complaint.get_by_id(complaint.id).handler_id is None
        assert Complaint.get_by_id(complaint.id).priority == 0  # refused whole
    inactive = make_official(models.ROLE_OPD_STAFF, opd="DPUTR", active=False)
    _assign(client, complaint, inactive.id)
    assert Complaint.get_by_id(complaint.id).handler_id is None


def test_an_opd_admin_cannot_touch_another_offices_complaint(client):
    logged_in(client, models.ROLE_OPD_ADMIN, opd="DPUTR")
    theirs = make_complaint(assigned_opd=opd("DINKES"))
    their_staff = make_official(models.ROLE_OPD_STAFF, opd="DINKES")
    own = make_complaint()
    response = _assign(client, theirs, their_staff.id, priority=2, page_of=own)
    assert response.status_code == 404  # not found and not allowed look alike
    assert Complaint.get_by_id(theirs.id).handler_id is None and Complaint.get_by_id(theirs.id).priority == 0


def test_staff_and_oversight_cannot_assign(app, client):
    staff = logged_in(client, models.ROLE_OPD_STAFF, opd="DPUTR")
    complaint = make_complaint()
    assert "handling-form" not in _page(client, complaint).get_data(as_text=True)
    assert _assign(client, complaint, staff.id, priority=2).status_code == 403
    overseer = app.test_client()
    logged_in(overseer, models.ROLE_OVERSIGHT)
    assert _assign(overseer, complaint, staff.id, priority=2).status_code == 403
    assert Complaint.get_by_id(complaint.id).handler_id is None


def test_a_village_head_assigns_to_a_village_official(client):
    from models import Category

    head = logged_in(client, models.ROLE_VILLAGE_HEAD)
    official = make_official(models.ROLE_VILLAGE_OFFICIAL, full_name="Pak Sekdes")
    complaint = make_complaint(category=Category.get(Category.code == "infra_desa"))
    assert complaint.assigned_desa_id == head.desa_id
    assert _assign(client, complaint, official.id, priority=1).status_code == 302
    assert Complaint.get_by_id(complaint.id).handler_id == official.id


def test_forwarding_to_another_office_clears_the_handler(seeded):
    head = make_official(models.ROLE_OPD_ADMIN, opd="DPUTR")
    staff = make_official(models.ROLE_OPD_STAFF, opd="DPUTR")
    complaint = make_complaint()
    handling.assign(complaint.id, head, staff.id, handling.HIGH)
    change_status(complaint.id, Change(st.FORWARDED, note="Urusan Dishub", actor=head, to_opd=opd("DISHUB")))
    moved = Complaint.get_by_id(complaint.id)
    assert moved.handler_id is None and moved.priority == handling.HIGH


def test_the_service_refuses_what_the_rule_forbids(seeded):
    head = make_official(models.ROLE_OPD_ADMIN, opd="DPUTR")
    staff = make_official(models.ROLE_OPD_STAFF, opd="DPUTR")
    complaint = make_complaint()
    for args, code in (((staff, staff.id, 0), "not_allowed"), ((head, staff.id, 7), "bad_priority"),
                       ((head, None, 0), "unchanged")):
        try:
            handling.assign(complaint.id, *args)
        except handling.HandlingError as exc:
            assert exc.code == code
        else:
            raise AssertionError(f"{code} expected")
    closed = make_complaint(status=st.CLOSED)
    try:
        handling.assign(closed.id, head, staff.id, 1)
    except handling.HandlingError as exc:
        assert exc.code == "not_allowed"
    else:
        raise AssertionError("a finished complaint gets no handler")


def test_the_migration_step_adds_handler_and_priority_to_an_older_database(seeded):
    """Complaints from before the step have no handler and normal priority."""
    import migrations
    from playhouse.migrate import migrate

    complaint = make_complaint()
    table = models.Complaint._meta.table_name
    step = next((version, text) for version, text, _ in migrations.STEPS if "handler" in text)
    with models.db.atomic():
        migrator = migrations._migrator()
        # SQLite cannot ALTER away a column named in a foreign key: peewee's legacy way rebuilds the table.
        legacy = {"legacy": True} if isinstance(models.db.obj, models.SqliteDatabase) else {}
        migrate(*[migrator.drop_column(table, name, **legacy) for name in ("handler_id", "priority")])
        models.SchemaVersion.delete().execute()
        models.SchemaVersion.create(version=step[0] - 1)
    assert not {"handler_id", "priority"} & {c.name for c in models.db.get_columns(table)}
    assert f"{step[0]}: {step[1]}" in migrations.upgrade()
    assert {"handler_id", "priority"} <= {c.name for c in models.db.get_columns(table)}
    row = Complaint.get_by_id(complaint.id)
    assert (row.handler_id, row.priority) == (None, 0)
    assert migrations.current_version() == migrations.LATEST_VERSION
