"""The reporter's receipt and the assignment notice, as one message when they follow each other.

When a complaint is confirmed, the bot edits its summary into the receipt ("received, code
...") and records that message here (`record`). The assignment job then writes the reporter's
"sent to <office>, respond by <date>" row to the outbox as usual (the status door); when the
sender delivers that row (`plan`), it is added to the receipt by editing it, if the receipt is
recent (RECEIPT_MERGE_SECONDS) and fits in one message. Nothing waits for the merge: the
receipt goes out at once, from the bot; a slow worker (or an old receipt, or one Telegram will
no longer edit) means the notice is sent as its own message, as before; and a notice that comes
before the bot has recorded its receipt (the complaint was filed with its receipt PENDING, in
the same transaction) waits at most RECEIPT_WAIT_SECONDS for it. Complaints that did not come
through the chat have no receipt and are never held.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from core import status as st
from models import Complaint, OutboundMessage, StatusChange, utcnow
from services import runtime
from services.complaints.filing import RECEIPT_PENDING

NOT_EDITABLE = 0     # receipt_message_id once Telegram refused to edit the receipt
PENDING = RECEIPT_PENDING  # set when the bot files the complaint: its receipt is coming
TEXT_LIMIT = 4096    # Telegram's limit for a message text (counted here on the HTML, which is never less)
SEPARATOR = "\n\n"


@dataclass(frozen=True)
class Plan:
    """How to deliver an outbox row: "send" it, "wait" `seconds` for the receipt, or "edit"
    message `message_id` into `text` (the receipt with the notice under it)."""

    action: str
    message_id: int | None = None
    text: str = ""
    seconds: float = 0.0


SEND = Plan("send")


def record(complaint_id: int, message_id: int, text: str) -> None:
    """The bot's receipt of this complaint: its message in the reporter's chat and its text."""
    (Complaint.update(receipt_message_id=message_id, receipt_text=text)
     .where(Complaint.id == complaint_id).execute())


def forget(complaint_id: int) -> None:
    """Telegram refused to edit the receipt: later notices are sent as new messages."""
    Complaint.update(receipt_message_id=NOT_EDITABLE).where(Complaint.id == complaint_id).execute()


def is_first_assignment_notice(row: OutboundMessage) -> bool:
    """The reporter's row of a complaint's first assignment (status door: "status:<change id>:reporter")."""
    key = row.dedupe_key or ""
    if row.kind != "status" or not row.complaint_id or not key.startswith("status:") or not key.endswith(":reporter"):
        return False
    change_id = key.split(":")[1]
    if not change_id.isdigit():
        return False
    change = StatusChange.get_or_none(StatusChange.id == int(change_id))
    return change is not None and change.to_status == st.ASSIGNED and change.from_status == st.NEW


def plan(row: OutboundMessage, now: datetime | None = None) -> Plan:
    """How the sender should deliver `row` (see the module's docstring)."""
    cfg = runtime.config()
    if cfg.RECEIPT_MERGE_SECONDS <= 0 or row.photo_path or row.location_lat is not None or row.reply_markup:
        return SEND
    if not is_first_assignment_notice(row):
        return SEND
    complaint = (Complaint.select(Complaint.id, Complaint.channel, Complaint.created_at, Complaint.receipt_message_id,
                                  Complaint.receipt_text).where(Complaint.id == row.complaint_id).first())
    if complaint is None or complaint.channel != "telegram":
        return SEND
    age = ((now or utcnow()) - complaint.created_at).total_seconds()
    if complaint.receipt_message_id == PENDING:
        if age < cfg.RECEIPT_WAIT_SECONDS:  # the bot has the complaint but not yet its receipt out
            return Plan("wait", seconds=min(1.0, cfg.RECEIPT_WAIT_SECONDS - age))
        return SEND
    if complaint.receipt_message_id in (None, NOT_EDITABLE) or age > cfg.RECEIPT_MERGE_SECONDS:
        return SEND  # no receipt (not filed in the chat), or one Telegram will not edit
    text = complaint.receipt_text + SEPARATOR + row.text
    if not complaint.receipt_text or len(text.encode("utf-16-le")) // 2 > TEXT_LIMIT:
        return SEND
    return Plan("edit", message_id=complaint.receipt_message_id, text=text)
