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
  reopening reasons, ratings' comments) are never public; nor is the description the
  reporter wrote at filing (it often names people and houses): the public reads the category,
  the place, the status, the dates and the office's answers.
- A public complaint's point is shown rounded to 4 decimals (about 11 m), never the exact
  GPS fix of the reporter's phone.
- A lookup by tracking code (the reporter's secret) of a complaint that is not public shows
  its status and dates only.
"""
from __future__ import annotations

from models import Complaint, Photo, StatusChange

POINT_DECIMALS = 4  # about 11 m: where the problem is, not which house the reporter stood in
PUBLIC_PHOTO_KINDS = ("report", "result")  # the reporter's later photos (followup, reopen) never


def public_complaints():
    """A query of the complaints the public may see (compose further filters onto it)."""
    return Complaint.select().where(public_condition())


def public_condition():
    """The rule as an expression, for queries that select from Complaint with joins."""
    # NOT column, no bound value: the same words as the partial indexes' predicate
    # (models.PUBLIC_PREDICATE), which PostgreSQL must see implied to use them.
    return ~Complaint.is_confidential & ~Complaint.public_hidden


def is_public(complaint: Complaint) -> bool:
    return not complaint.is_confidential and not complaint.public_hidden


def public_replies(complaint: Complaint):
    """The office's notes the public may read, oldest first."""
    return (StatusChange.select()
            .where((StatusChange.complaint == complaint) & public_reply_condition())
            .order_by(StatusChange.created_at, StatusChange.id))


def public_point(latitude, longitude) -> tuple[float, float] | None:
    """A complaint's point as the public may see it (rounded), or None without one."""
    if latitude is None or longitude is None:
        return None
    return round(float(latitude), POINT_DECIMALS), round(float(longitude), POINT_DECIMALS)


def public_photos(complaint: Complaint):
    """The photos of a public complaint the public may see: its report photos and the office's
    result photos, only with the reporter's consent; none otherwise."""
    if not is_public(complaint) or not complaint.photos_public:
        return Photo.select().where(Photo.id < 0)
    return (Photo.select().where((Photo.complaint == complaint) & Photo.kind.in_(PUBLIC_PHOTO_KINDS)
                                 & (Photo.path != ""))
            .order_by(Photo.id))


def public_photo(photo_id: int) -> Photo | None:
    """One photo the public may see, by id; None when it is not (or does not exist)."""
    return (Photo.select().join(Complaint, on=(Photo.complaint == Complaint.id))
            .where((Photo.id == photo_id) & public_condition() & (Complaint.photos_public == True)  # noqa: E712
                   & Photo.kind.in_(PUBLIC_PHOTO_KINDS) & (Photo.path != ""))
            .get_or_none())


def public_reply_condition():
    """Which history rows are public replies, as an expression (for many complaints at once)."""
    return ((StatusChange.visible_to_reporter == True) & (StatusChange.actor_reporter.is_null())  # noqa: E712
            & (StatusChange.note_private == False) & (StatusChange.note != ""))  # noqa: E712
