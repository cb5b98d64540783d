"""A village complaint past its deadline: the village's officials are told, with the button
that opens the complaint's card, so they can act from the chat at once (#WadulKades)."""
from __future__ import annotations

from datetime import timedelta

from models import Complaint, utcnow
from tests.botdriver import buttons_of, text_of
from tests.test_village_bot import linked_head, village_complaint
from workers import reminders

pytest_plugins = ("tests.botfixtures",)  # the `bot` fixture


def test_an_overdue_village_complaint_reaches_the_head_with_the_open_button(bot, botapi, run_worker, telegram):
    kades, head = linked_head(botapi)
    now = utcnow()
    complaint = village_complaint(assigned_at=now - timedelta(hours=50), response_due_at=now - timedelta(minutes=5))
    assert reminders.sweep_deadlines(now)["escalations"] == 1
    run_worker()
    late = kades.wait(lambda m: complaint.tracking_code in text_of(m) and f"vo:{complaint.id}" in buttons_of(m))
    assert "batas waktu" in text_of(late)
    kades.press(f"vo:{complaint.id}", message=late, expect=lambda m: "va:" in str(buttons_of(m)))
    assert Complaint.get_by_id(complaint.id).escalation_level == 1
