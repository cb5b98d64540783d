"""What the reporter reads when the loop is to be closed: the "resolved" message with its
question, and the reopen button under the automatic-closing message.

`resolved_message` is registered with the status door by services.wiring.wire(), which
every process that changes a status (panel, worker, bot, CLI) calls at start.

Callback data (Telegram allows 64 bytes) carries the complaint id and the id of the
complaint's latest "resolved" history row, so a button of an earlier resolution is stale:

    fb:<complaint>:<resolution>:y|n   is it fixed?      ro:<complaint>:<resolution>   reopen
"""
from __future__ import annotations

from peewee import fn

import i18n
from core import status as st
from models import Complaint, StatusChange
from services import runtime
from services.complaints import status_door


def resolution_id(complaint_id: int) -> int:
    """The id of the complaint's latest change to "resolved" (0 when it was never resolved)."""
    return (StatusChange.select(fn.MAX(StatusChange.id))
            .where((StatusChange.complaint == complaint_id) & (StatusChange.to_status == st.RESOLVED)
                   & (StatusChange.from_status != st.RESOLVED))
            .scalar() or 0)


def _button(text: str, data: str) -> dict:
    if len(data.encode()) > 64:
        raise ValueError(f"callback data {data!r} is longer than 64 bytes")
    return {"text": text, "callback_data": data}


def answer_markup(complaint_id: int, resolution: int, lang: str) -> dict:
    """"Fixed" / "not fixed" under a resolved complaint (Telegram's JSON for an outbox row)."""
    return {"inline_keyboard": [[
        _button(i18n.t("feedback.kb.yes", lang), f"fb:{complaint_id}:{resolution}:y"),
        _button(i18n.t("feedback.kb.no", lang), f"fb:{complaint_id}:{resolution}:n"),
    ]]}


def reopen_markup(complaint: Complaint, lang: str) -> dict | None:
    """The reopen button under the automatic-closing message (valid for REOPEN_WINDOW_DAYS)."""
    resolution = resolution_id(complaint.id)
    if not resolution:
        return None
    return {"inline_keyboard": [[_button(i18n.t("feedback.kb.reopen", lang), f"ro:{complaint.id}:{resolution}")]]}


def resolved_message(complaint: Complaint, history: StatusChange, lang: str) -> tuple[str, dict]:
    """The office's answer with its note, and the question "is it fixed?" with two buttons."""
    text = status_door.reporter_text(complaint, history, lang)
    text += i18n.t("feedback.resolved.ask", lang, days=runtime.config().AUTO_CLOSE_DAYS)
    return text, answer_markup(complaint.id, history.id, lang)

