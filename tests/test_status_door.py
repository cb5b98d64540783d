"""The one status door: transitions, timestamps, history and the reporter's outbox row."""
from datetime import timedelta

import pytest

from core import status as st
from models import Complaint, OutboundMessage, StatusChange, utcnow
from services.complaints.status_door import Change, add_note, change_status
from tests.factories import make_complaint, make_official, make_reporter, opd


def test_in_progress_stamps_first_response_and_tells_the_reporter(seeded):
    complaint = make_complaint()
    staff = make_official()
    history = change_status(complaint.id, Change(st.IN_PROGRESS, note="Tim <b>survei</b> besok", actor=staff))
    complaint = Complaint.get_by_id(complaint.id)
    assert complaint.status == st.IN_PROGRESS
    assert complaint.first_response_at is not None
    assert history.from_status == st.ASSIGNED and history.actor_official_id == staff.id
    message = OutboundMessage.get(OutboundMessage.complaint == complaint)
    assert message.chat_id == complaint.reporter.chat_id
    assert message.state == "pending"
    assert "Diproses" not in message.text  # the message is a sentence, not a label
    assert "sedang diproses" in message.text and "Dinas PUTR" in message.text
    assert "&lt;b&gt;survei&lt;/b&gt;" in message.text  # the note is escaped for HTML


def test_refused_transition_changes_nothing(seeded):
    complaint = make_complaint(status=st.CLOSED)
    with pytest.raises(st.TransitionError):
        change_status(complaint.id, Change(st.IN_PROGRESS, actor=make_official()))
    assert Complaint.get_by_id(complaint.id).status == st.CLOSED
    assert StatusChange.select().count() == 0
    assert OutboundMessage.select().count() == 0


def test_reject_needs_a_reason_and_closes(seeded):
    complaint = make_complaint()
    with pytest.raises(st.TransitionError) as err:
        change_status(complaint.id, Change(st.REJECTED, note="  ", actor=make_official()))
    assert err.value.code == "note_required"
    change_status(complaint.id, Change(st.REJECTED, note="Bukan wewenang kabupaten", actor=make_official()))
    complaint = Complaint.get_by_id(complaint.id)
    assert complaint.closed_at is not None and complaint.first_response_at is not None
    assert "Bukan wewenang kabupaten" in OutboundMessage.get().text


def test_forward_moves_the_office_and_resets_its_clock(seeded):
    complaint = make_complaint(first_response_at=utcnow(), escalation_level=2)
    change_status(complaint.id, Change(st.FORWARDED, note="Ini urusan DLH", to_opd=opd("DLH"), actor=make_official()))
    complaint = Complaint.get_by_id(complaint.id)
    assert complaint.assigned_opd.code == "DLH" and complaint.status == st.FORWARDED
    assert complaint.first_response_at is None and complaint.escalation_level == 0
    with pytest.raises(st.TransitionError) as err:
        change_status(complaint.id, Change(st.FORWARDED, note="lagi", to_opd=opd("DLH")))
    assert err.value.code in ("same_office", "not_allowed")


def test_english_reporter_gets_english(seeded):
    complaint = make_complaint(reporter=make_reporter(language="en"))
    change_status(complaint.id, Change(st.RESOLVED, note="Patched the hole", actor=make_official()))
    text = OutboundMessage.get().text
    assert "resolved" in text and "Patched the hole" in text and complaint.tracking_code in text


def test_internal_note_is_history_only(seeded):
    complaint = make_complaint()
    add_note(complaint.id, "Koordinasi dengan kecamatan", actor=make_official())
    row = StatusChange.get()
    assert row.visible_to_reporter is False and row.to_status == row.from_status == st.ASSIGNED
    assert OutboundMessage.select().count() == 0


def test_reopen_counts_and_clears_resolution(seeded):
    reporter = make_reporter()
    complaint = make_complaint(reporter=reporter, status=st.RESOLVED, resolved_at=utcnow(),
                               first_response_at=utcnow() - timedelta(hours=3))
    due = utcnow() + timedelta(hours=48)
    change_status(complaint.id, Change(st.REOPENED, note="Masih berlubang", reporter_actor=reporter,
                                       response_due_at=due))
    complaint = Complaint.get_by_id(complaint.id)
    assert complaint.reopen_count == 1 and complaint.resolved_at is None and complaint.first_response_at is None
    assert complaint.response_due_at == due
    assert OutboundMessage.select().count() == 0  # the reporter did it; nobody tells them
