"""Reminders, escalation, automatic closing and the re-queueing sweeps, with time controlled
by the tests (`now` passed in) and messages delivered by a real worker to the fake Bot API."""
from __future__ import annotations

import threading
from datetime import datetime, timedelta

import models
from core import status as st
from models import Category, Complaint, ReminderMark, StatusChange, utcnow
from services import runtime
from services.complaints import filing as complaints
from services.complaints.status_door import Change, change_status
from tests.factories import make_complaint, opd
from tests.workerkit import link_office, linked_official, telegram_reporter, texts
from workers import reminders, sweeps
from services.messaging import enqueue

T0 = datetime(2026, 11, 2, 2, 0)   # Monday 09.00 WIB
H = timedelta(hours=1)


def assigned(**overrides) -> Complaint:
    """A DPUTR road complaint assigned at T0: response due T0+48h, resolution T0+30 days."""
    values = dict(assigned_at=T0, created_at=T0, response_due_at=T0 + 48 * H, resolution_due_at=T0 + 30 * 24 * H)
    values.update(overrides)
    return make_complaint(**values)


def reload(complaint) -> Complaint:
    return Complaint.get_by_id(complaint.id)


def sweep(now, run_worker=None) -> dict:
    result = reminders.sweep_deadlines(now)
    if run_worker:
        run_worker()
    return result


def people(botapi):
    """The DPUTR group and staff, the main admin (and Diskominfo's group), the leadership chat."""
    office = link_office(botapi, "DPUTR")
    staff = linked_official(botapi, opd="DPUTR")
    admin = linked_official(botapi, models.ROLE_MAIN_ADMIN, opd="DISKOMINFO")
    main_group = link_office(botapi, "DISKOMINFO")
    leaders = botapi.group(title="Pimpinan")
    runtime.use(runtime.config().with_(LEADERSHIP_CHAT_ID=str(leaders)))
    return office, staff.telegram_chat_id, admin.telegram_chat_id, main_group, leaders


def test_reminders_then_escalation_at_the_right_moments_each_once(telegram, botapi, run_worker):
    office, staff, admin, main_group, leaders = people(botapi)
    complaint = assigned()
    assert sweep(T0 + 23 * H, run_worker) == {"reminders": 0, "escalations": 0}
    assert texts(botapi, office) == []

    assert sweep(T0 + 24 * H + timedelta(minutes=1), run_worker)["reminders"] == 1  # half-time
    assert sweep(T0 + 25 * H, run_worker)["reminders"] == 0
    half = texts(botapi, office)
    assert len(half) == 1 and "Pengingat" in half[0] and complaint.tracking_code in half[0]
    assert "sisa 23 jam 59 menit" in half[0] and len(texts(botapi, staff)) == 1

    assert sweep(T0 + 46 * H + timedelta(minutes=1), run_worker)["reminders"] == 1  # 2 hours left
    assert "sisa 1 jam 59 menit" in texts(botapi, office)[-1]
    assert texts(botapi, admin) == texts(botapi, leaders) == []

    assert sweep(T0 + 48 * H + timedelta(minutes=5), run_worker)["escalations"] == 1
    assert sweep(T0 + 49 * H, run_worker)["escalations"] == 0
    complaint = reload(complaint)
    assert complaint.escalation_level == 1
    assert "melewati batas waktu" in texts(botapi, office)[-1] and len(texts(botapi, office)) == 3
    for chat in (admin, main_group, leaders):
        [message] = texts(botapi, chat)
        assert "Eskalasi" in message and "Dinas PUTR" in message and "terlambat 5 menit" in message
    note = StatusChange.select().where(StatusChange.complaint == complaint).order_by(StatusChange.id.desc()).first()
    assert "dilaporkan ke admin utama" in note.note and not note.visible_to_reporter
    assert texts(botapi, complaint.reporter.chat_id) == []  # reporters are not spammed with this


def test_answered_in_time_gets_no_response_reminder(telegram, botapi, run_worker):
    office = link_office(botapi, "DPUTR")
    complaint = assigned()
    change_status(complaint.id, Change(st.IN_PROGRESS, note="Tim survei berangkat"), now=T0 + 3 * H)
    for hours in (25, 47, 49, 100):
        sweep(T0 + hours * H)
    run_worker()
    assert texts(botapi, office) == [] and reload(complaint).escalation_level == 0
    # The resolution deadline is still watched: half of 30 days.
    assert sweep(T0 + 15 * 24 * H + H, run_worker)["reminders"] == 1
    assert "belum diselesaikan" in texts(botapi, office)[0]
    assert sweep(T0 + 30 * 24 * H + H, run_worker)["escalations"] == 1
    assert reload(complaint).escalation_level == 2


def test_after_an_outage_only_the_latest_reminder_is_sent(telegram, botapi, run_worker):
    office = link_office(botapi, "DPUTR")
    complaint = assigned()
    assert sweep(T0 + 47 * H, run_worker)["reminders"] == 1
    assert len(texts(botapi, office)) == 1 and "sisa 1 jam" in texts(botapi, office)[0]
    keys = {m.key for m in ReminderMark.select().where(ReminderMark.complaint == complaint)}
    assert keys == {"response:20261104T020000:50%", "response:20261104T020000:2h"}


def test_several_workers_sweeping_at_once_remind_once(telegram, botapi, run_worker):
    office = link_office(botapi, "DPUTR")
    for _ in range(3):
        assigned()
    now = T0 + 25 * H
    results = []
    threads = [threading.Thread(target=lambda: results.append(reminders.sweep_deadlines(now))) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sum(r["reminders"] for r in results) == 3
    run_worker()
    assert len(texts(botapi, office)) == 3


def test_real_worker_runs_the_sweep_job_with_the_given_time(telegram, botapi, run_worker):
    office = link_office(botapi, "DPUTR")
    complaint = assigned()
    enqueue.enqueue(runtime.QUEUE_LOW, "workers.jobs.sweep_deadlines", T0 + 49 * H)
    enqueue.enqueue(runtime.QUEUE_LOW, "workers.jobs.sweep_deadlines", T0 + 49 * H)
    run_worker()
    assert reload(complaint).escalation_level == 1
    assert len(texts(botapi, office)) == 1


def test_a_new_deadline_after_forwarding_gets_its_own_reminders(telegram, botapi, run_worker):
    complaint = assigned()
    sweep(T0 + 49 * H)
    assert reload(complaint).escalation_level == 1
    change_status(complaint.id, Change(st.FORWARDED, note="Urusan DLH", to_opd=opd("DLH")), now=T0 + 50 * H)
    from services.complaints import assignment

    assignment.assign(complaint.id, now=T0 + 50 * H)
    complaint = reload(complaint)
    assert complaint.escalation_level == 0 and complaint.response_due_at == T0 + 98 * H
    assert sweep(T0 + 75 * H)["reminders"] == 1
    assert sweep(T0 + 99 * H)["escalations"] == 1


def test_earlier_reminded_complaints_do_not_hide_a_due_reminder(telegram):
    """More already-reminded complaints than one batch, earlier deadlines: the later one is still reminded."""
    for _ in range(5):
        assigned(response_due_at=T0 + 40 * H)
    assert reminders.sweep_deadlines(T0 + 21 * H, batch=2)["reminders"] == 5  # their half-time reminders
    later = assigned(response_due_at=T0 + 44 * H)
    result = reminders.sweep_deadlines(T0 + 23 * H, batch=2)  # only `later` has a point due now
    assert result == {"reminders": 1, "escalations": 0}
    assert ReminderMark.select().where(ReminderMark.complaint == later).count() == 1


def test_the_sweep_reads_only_complaints_near_their_deadline(telegram):
    for _ in range(20):
        assigned(assigned_at=T0, response_due_at=T0 + 400 * H, resolution_due_at=T0 + 2000 * H)
    near = assigned()
    late = assigned(response_due_at=T0 - H, escalation_level=1)  # already escalated
    response = reminders.PHASES[0]
    found = [c.id for c in reminders._candidates(response, T0 + 25 * H)]
    assert found == [near.id]
    assert late.id not in found


def test_reminded_complaints_are_skipped_in_sql_until_their_next_point(telegram, botapi, run_worker):
    """After the half-time reminder the sweep does not even read the complaint until 2 h before."""
    office = link_office(botapi, "DPUTR")
    complaint = assigned()
    response = reminders.PHASES[0]
    assert sweep(T0 + 25 * H, run_worker)["reminders"] == 1
    mark = ReminderMark.get(ReminderMark.complaint == complaint)
    assert (mark.phase, mark.due_at, mark.next_at) == ("response", T0 + 48 * H, T0 + 46 * H)
    assert [c.id for c in reminders._candidates(response, T0 + 30 * H)] == []
    assert [c.id for c in reminders._candidates(response, T0 + 46 * H)] == [complaint.id]
    assert sweep(T0 + 46 * H + timedelta(minutes=1), run_worker)["reminders"] == 1
    two_hours = ReminderMark.get(ReminderMark.complaint == complaint, ReminderMark.key.endswith(":2h"))
    assert two_hours.next_at == T0 + 48 * H  # next: the deadline itself, when it escalates
    assert reminders._candidates(response, T0 + 47 * H).count() == 0
    assert sweep(T0 + 48 * H + timedelta(minutes=1), run_worker)["escalations"] == 1
    assert len(texts(botapi, office)) == 3


def test_a_moved_deadline_is_not_hidden_by_the_old_deadlines_marks(telegram):
    complaint = assigned()
    assert reminders.sweep_deadlines(T0 + 25 * H)["reminders"] == 1
    Complaint.update(response_due_at=T0 + 30 * H).where(Complaint.id == complaint.id).execute()
    # 2 h before the new deadline: the old mark (next_at T0+46h) must not keep it quiet.
    assert reminders.sweep_deadlines(T0 + 28 * H + timedelta(minutes=1))["reminders"] == 1


def test_a_sweep_over_its_time_budget_leaves_the_rest_to_the_next_run(telegram):
    for _ in range(3):
        assigned()
    assert reminders.sweep_deadlines(T0 + 25 * H, budget=0) == {"reminders": 0, "escalations": 0}
    assert reminders.sweep_deadlines(T0 + 25 * H)["reminders"] == 3  # earliest deadline first, none lost
    assert reminders.sweep_deadlines(T0 + 25 * H)["reminders"] == 0


def test_marks_written_before_the_migration_still_count(telegram):
    """Old marks have no phase/next_at: the sweep reads the complaint and sends nothing twice."""
    complaint = assigned()
    ReminderMark.create(complaint=complaint, key=reminders.mark_key(reminders.PHASES[0], T0 + 48 * H, "50%"))
    assert reminders.sweep_deadlines(T0 + 25 * H)["reminders"] == 0


# --- automatic closing -------------------------------------------------------------------------
def test_resolved_and_unrated_closes_after_the_configured_days(telegram, botapi, run_worker):
    siti = telegram_reporter(botapi)
    now = utcnow()
    old = make_complaint(reporter=siti, status=st.RESOLVED, resolved_at=now - timedelta(days=8))
    rated = make_complaint(reporter=siti, status=st.RESOLVED, resolved_at=now - timedelta(days=8), rating=4)
    recent = make_complaint(reporter=siti, status=st.RESOLVED, resolved_at=now - timedelta(days=2))
    assert sweeps.sweep_auto_close(now) == 1
    assert sweeps.sweep_auto_close(now) == 0
    run_worker()
    assert [reload(c).status for c in (old, rated, recent)] == [st.CLOSED, st.RESOLVED, st.RESOLVED]
    [message] = texts(botapi, siti.chat_id)
    assert old.tracking_code in message and "14 hari" in message and "membuka kembali" in message
    last = StatusChange.select().where(StatusChange.complaint == old).order_by(StatusChange.id.desc()).first()
    assert last.actor_label == "Sistem" and "7 hari" in last.note


def test_auto_close_respects_the_setting(telegram):
    runtime.use(telegram.with_(AUTO_CLOSE_DAYS=3))
    now = utcnow()
    complaint = make_complaint(status=st.RESOLVED, resolved_at=now - timedelta(days=4))
    assert sweeps.sweep_auto_close(now) == 1 and reload(complaint).status == st.CLOSED


# --- work lost on the way --------------------------------------------------------------------
def test_unassigned_complaints_are_queued_again(telegram, botapi, run_worker, redis_conn):
    siti = telegram_reporter(botapi)
    road = Category.get(Category.code == "jalan")
    new = complaints.create_from_draft({"category_id": road.id, "description": "Jalan rusak parah sekali.",
                                        "address_text": "Desa Sungai Putri"}, siti, source_key="lost-job")
    stuck = make_complaint(status=st.NEW, routing_problem="no_village", assigned_opd=None, latitude=-6.2,
                           longitude=106.8)
    redis_conn.flushdb()  # the assignment job is lost
    later = utcnow() + timedelta(seconds=runtime.config().OUTBOX_STALE_SECONDS + 1)
    assert sweeps.sweep_unassigned(utcnow()) == 0  # too fresh: its job may still be coming
    assert sweeps.sweep_unassigned(later) == 1
    run_worker()
    assert reload(new).status == st.ASSIGNED
    assert reload(stuck).status == st.NEW  # waits for the main admin, not for the sweep
