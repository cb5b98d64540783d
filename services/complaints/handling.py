"""Named handlers and priority: the head of the office a complaint is assigned to gives it to
one of the office's officials and says how urgent it is.

Who may, and whom they may choose, is `services.access` (may_assign_handler, handler_condition),
checked here again under the complaint's lock, so a form drawn before the complaint left the
office, or a handler id typed into a request, changes nothing. The change is a history entry
without a status change (the status door's `add_note`, internal), and the new handler is told on
Telegram through the outbox when their account is linked. A complaint forwarded to another
office loses its handler (services.complaints.status_door).
"""
from __future__ import annotations

from dataclasses import dataclass

import i18n
from core import status as st
from models import Complaint, Official
from services import access, regions, runtime
from services.complaints.status_door import add_note
from services.messaging import outbox
from services.messaging.notices import panel_link
from services.tx import locked, transaction

NORMAL, HIGH, URGENT = 0, 1, 2
PRIORITIES = (NORMAL, HIGH, URGENT)


def priority_label(priority: int, lang: str | None = None) -> str:
    return i18n.t(f"handling.priority.{priority if priority in PRIORITIES else NORMAL}", lang)


class HandlingError(ValueError):
    """Refused: "not_allowed" (not this official's to decide, or the complaint moved on),
    "bad_handler" (not an active official of the complaint's office), "bad_priority",
    "unchanged" (nothing to change)."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


@dataclass
class Outcome:
    complaint: Complaint
    handler_changed: bool
    priority_changed: bool
    told_handler: bool


def assign(complaint_id: int, actor: Official, handler_id: int | None, priority: int, note: str = "") -> Outcome:
    """Give the complaint to `handler_id` (None: nobody) with `priority`; raises HandlingError."""
    if priority not in PRIORITIES:
        raise HandlingError("bad_priority")
    with transaction():
        complaint = locked(Complaint.select().where(Complaint.id == complaint_id))
        if complaint is None or not access.may_assign_handler(actor, complaint):
            raise HandlingError("not_allowed")
        handler = None
        if handler_id is not None:
            handler = (Official.select().where(access.handler_condition(complaint) & (Official.id == handler_id))
                       .get_or_none())
            if handler is None:
                raise HandlingError("bad_handler")
        handler_changed = complaint.handler_id != (handler.id if handler else None)
        priority_changed = complaint.priority != priority
        if not handler_changed and not priority_changed:
            raise HandlingError("unchanged")
        Complaint.update(handler=handler, priority=priority).where(Complaint.id == complaint.id).execute()
        complaint.handler, complaint.priority = handler, priority
        entry = add_note(complaint.id, _history_text(handler, priority, handler_changed, priority_changed, note),
                         actor=actor, visible_to_reporter=False)
        told = False
        if handler is not None and (handler_changed or priority_changed):
            told = _tell_handler(complaint, handler, actor, note, entry.id)
    return Outcome(complaint, handler_changed, priority_changed, told)


def _history_text(handler: Official | None, priority: int, handler_changed: bool, priority_changed: bool,
                  note: str) -> str:
    """The history entry, in the regency's language (history notes are stored text)."""
    lang = runtime.config().DEFAULT_LANGUAGE
    lines = []
    if handler_changed:
        lines.append(i18n.t("handling.history.handler", lang, name=str(handler)) if handler is not None
                     else i18n.t("handling.history.no_handler", lang))
    if priority_changed:
        lines.append(i18n.t("handling.history.priority", lang, priority=priority_label(priority, lang)))
    if (note or "").strip():
        lines.append(note.strip())
    return "\n".join(lines)


def _tell_handler(complaint: Complaint, handler: Official, actor: Official, note: str, entry_id: int) -> bool:
    """The handler's Telegram message (outbox, in this transaction), if their account is linked."""
    chat_id = handler.telegram_chat_id or handler.telegram_user_id
    if not chat_id or not access.may_learn_of(handler, complaint):
        return False
    lang = handler.language
    category = complaint.category.name(lang) if complaint.category_id else "-"
    place = regions.place_text(complaint.desa, complaint.address_text, 120) or i18n.t("handling.place_unknown", lang)
    text = i18n.t("handling.message", lang, code=complaint.tracking_code, by=outbox.escape(str(actor)),
                  priority=priority_label(complaint.priority, lang), category=outbox.escape(category),
                  place=outbox.escape(place), status=st.label(complaint.status, lang), link=panel_link(complaint.id))
    if (note or "").strip():
        text += i18n.t("handling.message_note", lang, note=outbox.escape(note.strip()[:600]))
    outbox.add_message(chat_id, text, kind="handler", complaint=complaint, recipient_label=str(handler),
                       dedupe_key=f"handler:{entry_id}")
    return True
