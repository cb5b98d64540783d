"""Resolve, reject and "beyond the village's authority" from the chat: the note (and for
resolve an optional photo of the result) asked step by step, then one status change.

The pending action lives in the draft (`village` in its data, steps VILLAGE_NOTE and
VILLAGE_PHOTO), so a bot restart between the button and the note loses nothing. When the
complaint moved on meanwhile nothing is changed and the official gets their note back.
"""
from __future__ import annotations

import logging

from telegram.error import TelegramError

from bot import drafts, rules
from bot.filing import handlers as filing, media as filing_media, prompts
from bot.village import asking as village_asking, views
from bot.common import Turn
from core import status as st
from models import Complaint
from services import media
from services.complaints import filing as complaints
from services.complaints import desk
from services.messaging.outbox import escape

log = logging.getLogger(__name__)

NOTE_MIN = 5
NOTE_MAX = 1000
INPUT_STEPS = drafts.INPUT_STEPS


def pending(turn: Turn) -> dict:
    return dict((turn.draft.data or {}).get("village") or {})


async def begin(turn: Turn, complaint: Complaint, short: str, change_id: int) -> None:
    """Remember the action and ask for its note ("fw": the head chooses the OPD first)."""
    if short == "fw":
        await village_asking.begin_forward(turn, complaint, change_id)
        return
    target = None
    # The pressed message loses its buttons now; a cancel or a refusal shows a fresh card.
    await turn.edit_markup(None)
    turn.save(drafts.VILLAGE_NOTE, village={
        "complaint_id": complaint.id, "code": complaint.tracking_code, "action": short, "change_id": change_id,
        "target": str(target) if target else ""})
    await ask_note(turn)


async def ask_note(turn: Turn) -> None:
    """The question of the note step (also asked again after something else was sent)."""
    job = pending(turn)
    await turn.say(turn.t(f"village.ask.{job['action']}", code=job["code"], office=escape(job.get("target", ""))),
                   reply_markup=views.cancel_markup(turn.lang))


async def ask_photo(turn: Turn) -> None:
    """The question of the photo step."""
    await turn.say(turn.t("village.ask.photo"), reply_markup=views.photo_markup(turn.lang))


async def on_note(turn: Turn) -> None:
    """The note: checked, kept; resolve asks for a photo next, the others are applied now."""
    check = rules.check_length(turn.message.text, NOTE_MIN, NOTE_MAX)
    if check.error:
        await turn.say(turn.t(f"village.note.{check.error}", min=NOTE_MIN, max=NOTE_MAX))
        return
    job = pending(turn)
    job["note"] = check.text
    if job["action"] == "rs":
        turn.save(drafts.VILLAGE_PHOTO, village=job)
        await ask_photo(turn)
        return
    if job["action"] == "fw":  # the chosen OPD and the note, confirmed before anything moves
        turn.save(drafts.VILLAGE_CONFIRM, village=job)
        await village_asking.ask_confirm(turn)
        return
    await apply(turn, job)


async def on_confirm(turn: Turn, value: str) -> None:
    """"vc:ok": forward to the chosen OPD with the note."""
    await turn.answer()
    await turn.edit_markup(None)
    await apply(turn, pending(turn))


async def note_expected(turn: Turn) -> None:
    """Something other than text at the note step."""
    await turn.say(turn.t("village.note.expected"), reply_markup=views.cancel_markup(turn.lang))


async def on_photo(turn: Turn) -> None:
    """The result photo: downloaded, cleaned, then the complaint is resolved with it."""
    incoming = filing_media.incoming_photo(turn.message)
    job = pending(turn)
    if incoming is None:
        await photo_expected(turn)
        return
    try:
        saved = await media.download_photo(turn.bot, file_id=incoming.file_id, file_unique_id=incoming.file_unique_id,
                                           file_size=incoming.file_size, media_dir=turn.config.MEDIA_DIR,
                                           folder=f"result-{job['code']}")
    except media.StorageError as exc:  # ours, not theirs: sending it again cannot help
        log.error("%s (user %s)", exc, turn.user_id)
        await turn.say(turn.t("bot.photo_store_failed"), reply_markup=views.photo_markup(turn.lang))
        return
    except (media.MediaError, TelegramError, OSError) as exc:
        log.info("result photo of user %s not used: %s", turn.user_id, exc)
        await turn.say(turn.t("village.photo.failed"), reply_markup=views.photo_markup(turn.lang))
        return
    await apply(turn, job, saved)


async def photo_expected(turn: Turn) -> None:
    """Text or anything else at the photo step."""
    await turn.say(turn.t("village.photo.expected"), reply_markup=views.photo_markup(turn.lang))


async def on_skip_photo(turn: Turn, value: str) -> None:
    """"vp:skip": resolve without a photo."""
    if turn.draft.step != drafts.VILLAGE_PHOTO:
        await turn.answer(turn.t("bot.button.expired"))
        return
    await turn.answer()
    await turn.edit_markup(None)
    await apply(turn, pending(turn))


async def on_cancel(turn: Turn, value: str = "") -> None:
    """"vx": drop the pending action; the complaint stays as it is."""
    if turn.draft.step not in INPUT_STEPS:
        await turn.answer(turn.t("bot.button.expired"))
        return
    await turn.answer()
    await turn.edit_markup(None)
    await _cancel(turn)


async def cancel_command(turn: Turn) -> None:
    """/batal: drops a pending note or photo; otherwise the report being written (filing.cancel)."""
    if turn.draft.step in INPUT_STEPS:
        await _cancel(turn)
        return
    await filing.cancel(turn)


async def _cancel(turn: Turn) -> None:
    job = pending(turn)
    turn.save(drafts.IDLE, village=None)
    await turn.say(turn.t("village.cancelled"))
    await _show_again(turn, job)


async def apply(turn: Turn, job: dict, photo: media.SavedPhoto | None = None) -> None:
    """One status change through the desk; the draft goes back to idle whatever the outcome."""
    turn.save(drafts.IDLE, village=None)
    official = complaints.village_official_for(turn.user_id)
    try:
        if official is None:
            raise desk.DeskError("not_allowed")
        desk.act(official.id, job["complaint_id"], job["action"], job["change_id"], job.get("note", ""), photo,
                 to_opd_id=job.get("target_id"))
    except desk.DeskError as exc:
        await refused(turn, job, exc.code)
        return
    complaint = Complaint.get_by_id(job["complaint_id"])
    if job["action"] == "fw":
        await turn.say(turn.t("village.done.fw", code=complaint.tracking_code, office=escape(complaint.office_name)))
    else:
        await turn.say(turn.t("village.done", code=complaint.tracking_code,
                              status=st.label(complaint.status, turn.lang)))


async def refused(turn: Turn, job: dict, code: str) -> None:
    """Nothing changed: say why, and give the note back so it is not lost."""
    if code == "not_allowed":
        await turn.say(turn.t("village.button.not_allowed"))
        return
    if code == "no_target":
        await turn.say(turn.t("village.no_target"))
        return
    complaint = Complaint.get_or_none(Complaint.id == job["complaint_id"])
    status = st.label(complaint.status, turn.lang) if complaint else "-"
    await turn.say(turn.t("village.changed_meanwhile", code=job["code"], status=status,
                          note=escape(job.get("note", ""))))
    await _show_again(turn, job)


async def _show_again(turn: Turn, job: dict) -> None:
    """The complaint's card as it is now, with the buttons that apply now (if still the village's)."""
    official = complaints.village_official_for(turn.user_id)
    complaint = desk.complaint_for(official, job.get("complaint_id"))
    if complaint is not None:
        await views.send_card(turn, official, complaint)
