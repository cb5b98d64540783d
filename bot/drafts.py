"""The conversation's state in the database: one Draft row per Telegram user.

The row is written at every step, so a restarted bot (or another bot process behind the
webhook) continues where the person stopped. It also remembers the last update handled for
that user, so an update Telegram delivers twice is handled once. An idle row (no complaint
being written) keeps that memory and the last confirmed draft's token.

An update counts as handled only once its effect is stored: the gate opens it
(`open_update`: the draft, or None for a redelivery) without writing anything, and the
update id (`pending_update_id`) is written by the same UPDATE that stores the step it
changes (`save`, `begin`, `finish`), or at the end by `mark_handled` when the handlers
changed no draft. A bot killed in between leaves the update unrecorded, and Telegram's
redelivery (bot.transport.delivery confirms nothing unhandled) is handled again rather than dropped.
"""
from __future__ import annotations

import secrets

from peewee import JOIN, IntegrityError

from bot import rules
from bot.transport.prepared import Prepared
from models import Draft, Reporter, db, utcnow

IDLE = "idle"
CATEGORY = "category"
DESCRIPTION = "description"
PHOTOS = "photos"
LOCATION = "location"
ADDRESS = "address"      # the person chose to type the address
PRIVACY = "privacy"
SUMMARY = "summary"
OPD_CHOICE = "opd_choice"         # a village head's village-level complaint: which OPD (bot.village.filing)
VILLAGE = "village"      # a typed address: confirm the guessed village, pick one, or "I don't know"
DUPLICATES = "duplicates"         # open complaints nearby offered for support (bot.filing.duplicates)
FILING_STEPS = (CATEGORY, DESCRIPTION, PHOTOS, LOCATION, ADDRESS, PRIVACY, SUMMARY, OPD_CHOICE, VILLAGE, DUPLICATES)
# Village officials acting on a complaint from the chat (bot.village.notes); not filing.
VILLAGE_NOTE = "village_note"
VILLAGE_PHOTO = "village_photo"
# Asking the reporter and choosing the OPD beyond the village's authority (bot.village.asking).
VILLAGE_ASK = "village_ask"
VILLAGE_FORWARD = "village_forward"
VILLAGE_CONFIRM = "village_confirm"
INPUT_STEPS = (VILLAGE_NOTE, VILLAGE_PHOTO, VILLAGE_ASK, VILLAGE_FORWARD, VILLAGE_CONFIRM)
# The reporter closing the loop (bot.feedback): a comment after the rating, why it is not
# fixed and a photo of it, more information on an open complaint. Not filing.
FB_COMMENT = "fb_comment"
FB_REASON = "fb_reason"
FB_PHOTO = "fb_photo"
FB_INFO = "fb_info"
FEEDBACK_STEPS = (FB_COMMENT, FB_REASON, FB_PHOTO, FB_INFO)
# The reporter answering an official's question (bot.followup.answers). Not filing.
ASK_ANSWER = "ask_answer"
ANSWER_STEPS = (ASK_ANSWER,)
TOKEN_PREFIX = 8  # characters of the token carried by the confirm button


def new_token() -> str:
    return secrets.token_hex(16)


def is_filing(draft: Draft | None) -> bool:
    return draft is not None and draft.step in FILING_STEPS


def load(user_id: int) -> Draft | None:
    return Draft.get_or_none(Draft.telegram_user_id == user_id)


# The three queries of every update, compiled once (bot.transport.prepared): read, claim, save.
DRAFT_FIELDS = tuple(Draft._meta.sorted_fields)
_READ = Prepared(lambda user_id: Draft.select(*DRAFT_FIELDS, Reporter.language, Reporter.language_chosen)
                 .join(Reporter, JOIN.LEFT_OUTER, on=(Reporter.telegram_id == Draft.telegram_user_id))
                 .where(Draft.telegram_user_id == user_id).limit(1), Draft.telegram_user_id)
_CLAIM = Prepared(lambda update_id, chat_id, now, row_id, seen: Draft
                  .update(last_update_id=update_id, chat_id=chat_id, updated_at=now)
                  .where((Draft.id == row_id) & (Draft.last_update_id == seen)),
                  Draft.last_update_id, Draft.chat_id, Draft.updated_at, Draft.id, Draft.last_update_id)
_SAVE = Prepared(lambda step, data, now, handled, row_id: Draft
                 .update(step=step, data=data, updated_at=now, last_update_id=handled)
                 .where(Draft.id == row_id), Draft.step, Draft.data, Draft.updated_at, Draft.last_update_id, Draft.id)


def load_with_language(user_id: int) -> Draft | None:
    """The draft, with the reporter's language choice in one query (`chosen_language`: None if none)."""
    found = _READ.execute(user_id).fetchone()
    if found is None:
        return None
    row = Draft(**{field.name: field.python_value(value) for field, value in zip(DRAFT_FIELDS, found)})
    row._dirty.clear()
    language, chosen = found[len(DRAFT_FIELDS):]
    row.chosen_language = Reporter.language.python_value(language) if chosen else None
    return row


def open_update(user_id: int, chat_id: int, update_id: int, seen_once: bool = False) -> Draft | None:
    """This user's draft with `pending_update_id` set (and `chosen_language` when it was read
    with the reporter), or None when the update was handled before. Records nothing: the
    update id is stored with the update's effect (see the module's docstring).

    `seen_once`: Redis already made sure this update runs once (several webhook processes);
    it is handled even when a later update of this person was handled first."""
    for _ in range(3):
        row = load_with_language(user_id)
        if row is None:
            try:
                with db.atomic():  # an empty row, "nothing handled yet": not an effect of the update
                    row = Draft.create(telegram_user_id=user_id, chat_id=chat_id, step=IDLE, data={},
                                       token=new_token(), last_update_id=0, updated_at=utcnow())
            except IntegrityError:
                continue  # the same user's other process made it: read it again
        elif not seen_once and rules.is_redelivery(update_id, row.last_update_id, row.updated_at, utcnow()):
            return None
        if row.chat_id != chat_id:
            Draft.update(chat_id=chat_id).where(Draft.id == row.id).execute()
            row.chat_id = chat_id
        row.pending_update_id = max(update_id, row.last_update_id or 0) if seen_once else update_id
        return row
    return None


def _handled_id(draft: Draft) -> int:
    """The update id to store with this write (the pending one, recorded from now on)."""
    pending = getattr(draft, "pending_update_id", None)
    if pending is not None:
        draft.last_update_id, draft.pending_update_id = pending, None
    return draft.last_update_id or 0


def mark_handled(draft: Draft) -> bool:
    """Record the pending update as handled when no step write did (the handlers stored
    nothing in the draft, or only outside it). True when something was written."""
    if getattr(draft, "pending_update_id", None) is None:
        return False
    draft.updated_at = utcnow()
    Draft.update(last_update_id=_handled_id(draft), updated_at=draft.updated_at).where(Draft.id == draft.id).execute()
    return True


def claim_update(user_id: int, chat_id: int, update_id: int, seen_once: bool = False) -> Draft | None:
    """Open the update and record it as handled at once (compare-and-set: of two processes
    given the same update, exactly one wins). For callers without a later write."""
    for _ in range(3):
        row = open_update(user_id, chat_id, update_id, seen_once)
        if row is None:
            return None
        newest, seen, now = row.pending_update_id, row.last_update_id, utcnow()
        if _CLAIM.execute(newest, chat_id, now, row.id, seen).rowcount:
            row.last_update_id, row.pending_update_id, row.updated_at = newest, None, now
            return row
    return None


def save(draft: Draft, step: str | None = None, **changes) -> Draft:
    """Store the step and merged data now (a value of None removes that key)."""
    data = dict(draft.data or {})
    for key, value in changes.items():
        if value is None:
            data.pop(key, None)
        else:
            data[key] = value
    draft.data = data
    if step is not None:
        draft.step = step
    draft.updated_at = utcnow()
    _SAVE.execute(draft.step, draft.data, draft.updated_at, _handled_id(draft), draft.id)
    return draft


def begin(draft: Draft, official_id: int | None = None) -> Draft:
    """A fresh complaint: new token (the future complaint's source_key), nothing given yet."""
    draft.token = new_token()
    draft.step = CATEGORY
    draft.data = {"official_id": official_id} if official_id else {}
    draft.created_at = draft.updated_at = utcnow()
    Draft.update(token=draft.token, step=draft.step, data=draft.data, created_at=draft.created_at,
                 updated_at=draft.updated_at, last_update_id=_handled_id(draft)).where(Draft.id == draft.id).execute()
    return draft


def finish(draft: Draft, complaint_id: int | None = None) -> Draft:
    """Back to idle; remember the confirmed draft so its confirm button answers, not refiles."""
    data = {"done_token": draft.token, "done_complaint": complaint_id} if complaint_id else {}
    draft.step, draft.data, draft.token, draft.updated_at = IDLE, data, new_token(), utcnow()
    Draft.update(step=IDLE, data=data, token=draft.token, updated_at=draft.updated_at,
                 last_update_id=_handled_id(draft)).where(Draft.id == draft.id).execute()
    return draft


def photo_paths(draft: Draft) -> list[str]:
    return [photo["path"] for photo in (draft.data or {}).get("photos", [])]


def token_tag(token: str) -> str:
    return token[:TOKEN_PREFIX]
