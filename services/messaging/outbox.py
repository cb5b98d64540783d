"""Writing outbound Telegram messages as outbox rows, in the caller's transaction.

A row is the promise to send; the sender job (workers) keeps the delivery state on it.
"""
from __future__ import annotations

import html

from peewee import IntegrityError

from models import OutboundMessage, db
from services.messaging import enqueue
from services.tx import after_commit


def escape(text: str | None) -> str:
    """User or official text placed inside an HTML-formatted message."""
    return html.escape(text or "", quote=False)


def add_message(chat_id: int, text: str, *, kind: str, complaint=None, recipient_label: str = "",
                reply_markup: dict | None = None, photo_path: str = "", photo_file_id: str = "",
                location: tuple[float, float] | None = None, dedupe_key: str | None = None,
                parse_mode: str = "HTML") -> OutboundMessage | None:
    """Add a pending message; None when `dedupe_key` was already used (sent once, ever)."""
    fields = dict(
        chat_id=chat_id, text=text, kind=kind, complaint=complaint, recipient_label=recipient_label,
        reply_markup=reply_markup, photo_path=photo_path, photo_file_id=photo_file_id,
        dedupe_key=dedupe_key, parse_mode=parse_mode,
        location_lat=location[0] if location else None,
        location_lon=location[1] if location else None,
    )
    try:
        with db.atomic():  # savepoint: a duplicate key must not spoil the caller's transaction
            message = OutboundMessage.create(**fields)
    except IntegrityError:
        if dedupe_key and OutboundMessage.select().where(OutboundMessage.dedupe_key == dedupe_key).exists():
            return None
        raise
    after_commit(lambda: _dispatch(message.id))
    return message


def _dispatch(message_id: int) -> None:
    enqueue.send_messages([message_id])
