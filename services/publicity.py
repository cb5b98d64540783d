"""What the public may see of complaints: one rule for the public pages and the Open311 API.

The consent model (README, "Public pages"):
- A confidential complaint (Rahasia) is never public: not listed, not on the map, not in
  counts by place, not through Open311. Its code still tells its own reporter the status.
- An anonymous complaint is public without its reporter (no complaint ever shows its
  reporter publicly: name, Telegram account, contact and who filed it stay in the panel).
- An office or the main admin may take a complaint off the public pages
  (`Complaint.public_hidden`), e.g. when the description names a person.
- Photos are public only with the reporter's consent given at filing
  (`Complaint.photos_public`); result photos of the office follow the same consent.
- The office's notes to the reporter are public replies unless the office marked the note
  private (`StatusChange.note_private`); the reporter's own later words (added information,
  reopening reasons, ratings' comments) are never public.
"""
from __future__ import annotations

from models import Complaint, StatusChange


def public_complaints():
    """A query of the complaints the public may see (compose further filters onto it)."""
    return Complaint.select().where(public_condition())


def public_condition():
    """The rule as an expression, for queries that select from Complaint with joins."""
    return (Complaint.is_confidential == False) & (Complaint.public_hidden == False)  # noqa: E712


def is_public(complaint: Complaint) -> bool:
    return not complaint.is_confidential and not complaint.public_hidden


def public_replies(complaint: Complaint):
    """The office's notes the public may read, oldest first."""
    return (StatusChange.select()
            .where((StatusChange.complaint == complaint) & public_reply_condition())
            .order_by(StatusChange.created_at, StatusChange.id))


def public_reply_condition():
    """Which history rows are public replies, as an expression (for many complaints at once)."""
    return ((StatusChange.visible_to_reporter == True) & (StatusChange.actor_reporter.is_null())  # noqa: E712
            & (StatusChange.note_private == False) & (StatusChange.note != ""))  # noqa: E712
