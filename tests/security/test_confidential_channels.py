"""One rule of who may learn of a confidential complaint, in every channel: the panel's query
(services.access.complaint_condition) and every message (office notices, reminders,
escalations, the leadership's report) read the same `_scope`. The leadership chat
(LEADERSHIP_CHAT_ID, the oversight role) never hears of a confidential complaint; its office
and the main admin do."""
from __future__ import annotations

import itertools
from datetime import datetime, timedelta

import models
from core import status as st
from models import Complaint, Desa, Official
from services import access, runtime
from tests.factories import make_complaint, make_official, opd
from tests.workerkit import link_office, linked_official, texts
from workers import reminders, reports
from services.messaging import notices

T0 = datetime(2026, 11, 2, 2, 0)   # Monday 09.00 WIB
H = timedelta(hours=1)


def overdue(confidential: bool) -> Complaint:
    return make_complaint(assigned_at=T0, created_at=T0, response_due_at=T0 + 48 * H,
                          resolution_due_at=T0 + 30 * 24 * H, is_confidential=confidential)


def people(botapi):
    office = link_office(botapi, "DPUTR")
    admin = linked_official(botapi, models.ROLE_MAIN_ADMIN, opd="DISKOMINFO")
    watcher = linked_official(botapi, models.ROLE_OVERSIGHT)  # linked, but never an escalation recipient
    leaders = botapi.group(title="Pimpinan")
    runtime.use(runtime.config().with_(LEADERSHIP_CHAT_ID=str(leaders)))
    return office, admin.telegram_chat_id, watcher.telegram_chat_id, leaders


def test_escalation_of_a_confidential_complaint_never_reaches_the_leadership_chat(telegram, botapi, run_worker):
    office, admin, watcher, leaders = people(botapi)
    secret, plain = overdue(True), overdue(False)
    done = reminders.sweep_deadlines(T0 + 48 * H + timedelta(minutes=5))
    run_worker()
    assert done["escalations"] == 2
    leadership_saw = "\n".join(texts(botapi, leaders))
    assert plain.tracking_code in leadership_saw
    assert secret.tracking_code not in leadership_saw  # neither code, nor link, nor anything
    assert f"?id={secret.id}" not in leadership_saw
    assert len(texts(botapi, leaders)) == 1
    for chat in (office, admin):  # the office and the main admin learn of both
        seen = "\n".join(texts(botapi, chat))
        assert secret.tracking_code in seen and plain.tracking_code in seen
    assert texts(botapi, watcher) == []
    assert Complaint.get_by_id(secret.id).escalation_level == 1  # escalated all the same


def test_the_leadership_report_does_not_count_confidential_complaints(telegram, botapi, run_worker):
    leaders = botapi.group(title="Pimpinan")
    runtime.use(telegram.with_(LEADERSHIP_CHAT_ID=str(leaders)))
    start = datetime(2026, 11, 1, 17, 0)
    for confidential in (True, True, False):
        make_complaint(created_at=start + 24 * H, assigned_at=start + 24 * H, response_due_at=start + 72 * H,
                       resolution_due_at=start + 30 * 24 * H, first_response_at=start + 25 * H,
                       status=st.IN_PROGRESS, is_confidential=confidential)
    report = reports.make_report(start, start + 7 * 24 * H, start + 8 * 24 * H)
    run_worker()
    assert report.data["totals"]["received"] == 1
    [message] = texts(botapi, leaders)
    assert "Aduan masuk: 1" in message and "Aduan masuk: 3" not in message


def test_office_notices_of_a_confidential_complaint_go_only_to_its_office(telegram, botapi):
    group = link_office(botapi, "DPUTR")
    other = link_office(botapi, "DISDIKBUD")
    complaint = overdue(True)
    recipients = notices.office_recipients(complaint.assigned_opd_id, None)
    assert group in [r.chat_id for r in notices.may_hear(recipients, complaint)]
    foreign = notices.office_recipients(opd("DISDIKBUD").id, None)
    assert notices.may_hear(foreign, complaint) == [] and other in [r.chat_id for r in foreign]
    assert notices.may_hear(notices.leadership_recipients(), complaint) == []
    assert notices.may_hear([notices.Recipient(1, "id", "?")], complaint) == []  # no audience: told nothing


def test_the_message_rule_and_the_panel_query_agree_for_every_role_and_complaint(seeded):
    """may_learn_of (messages) and complaint_condition (panel) are one rule: for each role,
    office and kind of complaint, a complaint is in the query exactly when it may be told."""
    desa = Desa.get(Desa.code == "61.04.01.2011")
    village_cat = models.Category.get(models.Category.village_level == True)  # noqa: E712
    made = [make_complaint(is_confidential=c) for c in (True, False)]
    made += [make_complaint(category=village_cat, desa=desa, is_confidential=c) for c in (True, False)]
    viewers: list = [access.LEADERSHIP, access.MAIN_ADMIN, None, access.Audience(models.ROLE_OPD_STAFF)]
    for role, office in itertools.product(models.OPD_ROLES, ("DPUTR", "DISDIKBUD")):
        viewers.append(make_official(role, opd=office))
    for role in models.VILLAGE_ROLES:
        viewers.append(make_official(role, desa=desa.code))
    viewers.append(make_official(models.ROLE_OVERSIGHT))
    inactive = make_official(models.ROLE_MAIN_ADMIN)
    Official.update(active=False).where(Official.id == inactive.id).execute()
    viewers.append(Official.get_by_id(inactive.id))
    for viewer in viewers:
        in_query = {c.id for c in access.visible_complaints(viewer).where(Complaint.id.in_([m.id for m in made]))}
        told = {c.id for c in made if access.may_learn_of(viewer, c)}
        assert in_query == told, viewer
    assert not access.may_learn_of(access.LEADERSHIP, made[0]) and access.may_learn_of(access.LEADERSHIP, made[1])
