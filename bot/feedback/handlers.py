"""Closing the loop in the chat: the reporter's buttons under a resolved (or automatically
closed) complaint, the rating, and "add information" from the complaint's status view.

Every press is checked by services.feedback.closing for who pressed and whether the complaint is
still where the button left it; anybody but the reporter, or a stale button, gets a clear
answer and nothing changes. What needs typing (a comment, why it is not fixed, extra
information) is asked step by step in bot.feedback.steps.
"""
from __future__ import annotations

from telegram import InlineKeyboardMarkup

from bot import drafts, rules
from bot.feedback import keyboards as kb, steps
from bot.village import notes as village_notes
from bot.common import Turn
from models import Complaint
from services.feedback import closing as feedback
from services.feedback.closing import FeedbackError
from services.messaging.outbox import escape


LOOP_PREFIXES = frozenset({"fb", "ro", "rt", "ai"})


def _ints(value: str, count: int) -> list[int] | None:
    parts = (value or "").split(":")
    numbers = [rules.parse_id(p) for p in parts[:count]]
    if len(parts) < count or None in numbers:
        return None
    return numbers


def _complaint(complaint_id: int) -> Complaint | None:
    return Complaint.get_or_none(Complaint.id == complaint_id)


async def refuse(turn: Turn, error: FeedbackError) -> None:
    """Answer the press; the reporter's own buttons that no longer apply are taken away."""
    await turn.answer(steps.refusal_text(turn, error.code, error.complaint))
    if error.code in ("stale", "already_rated", "window_closed", "not_open"):
        await drop_loop_buttons(turn)  # only the reporter gets past the "not_reporter" check


async def drop_loop_buttons(turn: Turn) -> None:
    """Take this flow's buttons off the pressed message; others (a status view's refresh) stay."""
    message = turn.update.callback_query.message
    markup = getattr(message, "reply_markup", None)  # None for a message Telegram no longer shows
    rows = markup.inline_keyboard if markup is not None else ()
    kept = [[b for b in row if (b.callback_data or "").split(":", 1)[0] not in LOOP_PREFIXES] for row in rows]
    kept = [row for row in kept if row]
    await turn.edit_markup(InlineKeyboardMarkup(kept) if kept else None)


async def on_answer(turn: Turn, value: str) -> None:
    """"fb:<complaint>:<resolution>:y|n": fixed (close, then rate) or not fixed (ask why)."""
    ids, choice = _ints(value, 2), value.rsplit(":", 1)[-1]
    if ids is None or choice not in ("y", "n"):
        await turn.answer(turn.t("bot.button.expired"))
        return
    if choice == "n":
        await start_reopen(turn, *ids)
        return
    reporter = feedback.reporter_of(turn.user_id)
    try:
        feedback.confirm_fixed(ids[0], reporter, ids[1])
    except FeedbackError as exc:
        await refuse(turn, exc)
        return
    await turn.answer()
    await drop_loop_buttons(turn)
    complaint = _complaint(ids[0])
    await turn.say(turn.t("feedback.confirmed", code=complaint.tracking_code, office=_office(turn, complaint)),
                   reply_markup=kb.rating(turn.lang, complaint.id))


async def on_reopen(turn: Turn, value: str) -> None:
    """"ro:<complaint>:<resolution>": reopen a closed complaint (within the window)."""
    ids = _ints(value, 2)
    if ids is None:
        await turn.answer(turn.t("bot.button.expired"))
        return
    await start_reopen(turn, *ids)


async def start_reopen(turn: Turn, complaint_id: int, resolution: int) -> None:
    """Check the reporter may reopen now, then ask why it is not fixed."""
    try:
        complaint = feedback.check(_complaint(complaint_id), feedback.reporter_of(turn.user_id), feedback.REOPEN,
                                   resolution)
    except FeedbackError as exc:
        await refuse(turn, exc)
        return
    await turn.answer()
    await drop_loop_buttons(turn)
    steps.begin(turn, drafts.FB_REASON, complaint, resolution=resolution)
    await steps.ask_reason(turn)


async def on_rating(turn: Turn, value: str) -> None:
    """"rt:<complaint>:<stars>": store the rating, then offer a comment."""
    ids = _ints(value, 2)
    if ids is None:
        await turn.answer(turn.t("bot.button.expired"))
        return
    try:
        complaint = feedback.rate(ids[0], feedback.reporter_of(turn.user_id), ids[1])
    except FeedbackError as exc:
        await refuse(turn, exc)
        return
    await turn.answer()
    await turn.edit(turn.t("feedback.rated", stars="⭐" * ids[1], code=complaint.tracking_code))
    steps.begin(turn, drafts.FB_COMMENT, complaint)
    await steps.ask_comment(turn)


async def on_add_info(turn: Turn, value: str) -> None:
    """"ai:<complaint>": the reporter adds text or a photo to an open complaint."""
    ids = _ints(value, 1)
    complaint = _complaint(ids[0]) if ids else None
    try:
        feedback.check(complaint, feedback.reporter_of(turn.user_id), feedback.INFO)
    except FeedbackError as exc:
        await refuse(turn, exc)
        return
    await turn.answer()
    steps.begin(turn, drafts.FB_INFO, complaint)
    await steps.ask_info(turn)


async def on_step_button(turn: Turn, value: str) -> None:
    """"fx:skip|nophoto|cancel": the buttons of the typing steps."""
    step = turn.draft.step
    allowed = {"skip": (drafts.FB_COMMENT,), "nophoto": (drafts.FB_PHOTO,), "cancel": drafts.FEEDBACK_STEPS}
    if step not in allowed.get(value, ()):
        await turn.answer(turn.t("bot.button.expired"))
        return
    await turn.answer()
    await turn.edit_markup(None)
    if value == "skip":
        await steps.done(turn, turn.t("feedback.thanks"))
    elif value == "nophoto":
        await steps.apply_reopen(turn, steps.pending(turn))
    else:
        await steps.cancel(turn)


async def cancel_command(turn: Turn) -> None:
    """/batal: drops a pending feedback answer; otherwise a village note or the report (village_notes)."""
    if turn.draft.step in drafts.FEEDBACK_STEPS:
        await steps.cancel(turn)
        return
    await village_notes.cancel_command(turn)


def _office(turn: Turn, complaint: Complaint) -> str:
    return escape(complaint.office_name) or turn.t("office.unknown")
