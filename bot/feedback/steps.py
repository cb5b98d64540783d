"""The typing steps of closing the loop: a comment after the rating, why it is not fixed
(text, and a photo if the reporter has one), and extra information on an open complaint.

The pending action lives in the draft (`feedback` in its data; steps drafts.FEEDBACK_STEPS),
so a bot restart between the button and the answer loses nothing. A report being written
when the button was pressed is remembered (`resume`) and continued afterwards. When the
complaint moved on meanwhile nothing is changed and the reporter gets their text back.
"""
from __future__ import annotations

import logging

from telegram.error import TelegramError

from bot import drafts, rules
from bot.feedback import keyboards as kb
from bot.followup import handlers as followup
from bot.filing import media as filing_media, prompts
from bot.common import Turn
from core import status as st
from models import Complaint
from services import media
from services.feedback import closing as feedback
from services.feedback.closing import FeedbackError
from services.messaging.outbox import escape
from services.complaints.status_door import format_due

log = logging.getLogger(__name__)

REASON_MIN, REASON_MAX = 10, 1000
INFO_MIN, INFO_MAX = 5, 1000


# --- the pending action -------------------------------------------------------------------------
def pending(turn: Turn) -> dict:
    return dict((turn.draft.data or {}).get("feedback") or {})


def begin(turn: Turn, step: str, complaint: Complaint, **extra) -> None:
    """Remember what is asked about, and the report being written (if any) to come back to."""
    if turn.draft.step in drafts.FEEDBACK_STEPS:
        resume = pending(turn).get("resume")
        feedback.discard_photos(_photos(pending(turn)))  # the earlier question is dropped
    else:
        resume = None if turn.draft.step == drafts.IDLE else turn.draft.step
    turn.save(step, feedback={"complaint_id": complaint.id, "code": complaint.tracking_code,
                              "office": complaint.office_name, "resume": resume, **extra})


async def done(turn: Turn, text: str) -> None:
    """Say `text`, leave the step, and go back to the report being written, if any."""
    resume = pending(turn).get("resume")
    turn.save(resume or drafts.IDLE, feedback=None)
    await turn.say(text)
    if resume:
        await prompts.prompt(turn)


async def cancel(turn: Turn) -> None:
    """Drop the pending answer (and its photo); show the complaint with its buttons again."""
    job = pending(turn)
    feedback.discard_photos(_photos(job))
    await done(turn, turn.t("feedback.cancelled"))
    complaint = Complaint.get_or_none(Complaint.id == job.get("complaint_id"))
    if complaint is not None and turn.draft.step == drafts.IDLE:
        await followup.show_complaint(turn, complaint, complaint.tracking_code)


def _photos(job: dict) -> list[media.SavedPhoto]:
    return [media.SavedPhoto(**job["photo"])] if job.get("photo") else []


def _office(turn: Turn, job: dict) -> str:
    return escape(job.get("office") or "") or turn.t("office.unknown")


# --- the questions (also asked again when something else was sent) ----------------------------------
async def ask_comment(turn: Turn) -> None:
    """After the rating: an optional comment."""
    await turn.say(turn.t("feedback.ask_comment", office=_office(turn, pending(turn)), max=feedback.COMMENT_MAX),
                   reply_markup=kb.skip(turn.lang))


async def ask_reason(turn: Turn) -> None:
    """Not fixed: what is still wrong."""
    await turn.say(turn.t("feedback.ask_reason", code=pending(turn)["code"], min=REASON_MIN),
                   reply_markup=kb.cancel(turn.lang))


async def ask_photo(turn: Turn) -> None:
    """Not fixed, reason given: a photo of it now, or none."""
    await turn.say(turn.t("feedback.ask_photo"), reply_markup=kb.no_photo(turn.lang))


async def ask_info(turn: Turn) -> None:
    """Extra information: text or a photo."""
    job = pending(turn)
    await turn.say(turn.t("feedback.ask_info", code=job["code"], office=_office(turn, job)),
                   reply_markup=kb.cancel(turn.lang))


async def comment_expected(turn: Turn) -> None:
    """Something other than text at the comment step."""
    await turn.say(turn.t("feedback.comment.expected"), reply_markup=kb.skip(turn.lang))


async def reason_expected(turn: Turn) -> None:
    """Something other than text or a photo at the reason step."""
    await turn.say(turn.t("feedback.reason.expected"), reply_markup=kb.cancel(turn.lang))


async def photo_expected(turn: Turn) -> None:
    """Something other than a photo at the photo step."""
    await turn.say(turn.t("feedback.photo.expected"), reply_markup=kb.no_photo(turn.lang))


async def info_expected(turn: Turn) -> None:
    """Something other than text or a photo at the information step."""
    await turn.say(turn.t("feedback.info.expected"), reply_markup=kb.cancel(turn.lang))


# --- what the reporter sends ----------------------------------------------------------------------
async def on_input(turn: Turn) -> None:
    """Text or a photo at one of the feedback steps."""
    is_text = bool(turn.message.text)
    handler = {
        drafts.FB_COMMENT: (on_comment, comment_expected),
        drafts.FB_REASON: (on_reason, on_reason_photo),
        drafts.FB_PHOTO: (photo_expected, on_photo),
        drafts.FB_INFO: (on_info, on_info_photo),
    }[turn.draft.step][0 if is_text else 1]
    await handler(turn)


async def on_comment(turn: Turn) -> None:
    """The comment after a rating."""
    check = rules.check_length(turn.message.text, 1, feedback.COMMENT_MAX)
    if check.error:
        await turn.say(turn.t(f"feedback.comment.{check.error}", max=feedback.COMMENT_MAX),
                       reply_markup=kb.skip(turn.lang))
        return
    job = pending(turn)
    try:
        feedback.add_comment(job["complaint_id"], feedback.reporter_of(turn.user_id), check.text)
    except FeedbackError as exc:
        await refused(turn, job, exc, check.text)
        return
    await done(turn, turn.t("feedback.thanks"))


async def on_reason(turn: Turn) -> None:
    """Why it is not fixed; then a photo is asked for unless one came already."""
    check = rules.check_length(turn.message.text, REASON_MIN, REASON_MAX)
    if check.error:
        await turn.say(turn.t(f"feedback.reason.{check.error}", min=REASON_MIN, max=REASON_MAX),
                       reply_markup=kb.cancel(turn.lang))
        return
    job = pending(turn)
    job["reason"] = check.text
    if job.get("photo"):
        await apply_reopen(turn, job)
        return
    turn.save(drafts.FB_PHOTO, feedback=job)
    await ask_photo(turn)


async def on_reason_photo(turn: Turn) -> None:
    """A photo at the reason step: with a caption it is the whole answer; else the text is asked for."""
    job = pending(turn)
    saved = await _download(turn, f"reopen-{job['code']}", kb.cancel(turn.lang))
    if saved is None:
        return
    if job.get("photo") and job["photo"]["path"] != saved.path:
        feedback.discard_photos(_photos(job))  # a second photo replaces the first
    job["photo"] = saved.as_dict()
    caption = rules.check_length(turn.message.caption, REASON_MIN, REASON_MAX)
    if not caption.error:
        job["reason"] = caption.text
        await apply_reopen(turn, job)
        return
    turn.save(feedback=job)
    await turn.say(turn.t("feedback.photo.kept"), reply_markup=kb.cancel(turn.lang))


async def on_photo(turn: Turn) -> None:
    """The photo asked for after the reason."""
    job = pending(turn)
    saved = await _download(turn, f"reopen-{job['code']}", kb.no_photo(turn.lang))
    if saved is not None:
        job["photo"] = saved.as_dict()
        await apply_reopen(turn, job)


async def apply_reopen(turn: Turn, job: dict) -> None:
    """Reopen through the feedback service; tell the reporter where it went and by when."""
    try:
        result = feedback.reopen(job["complaint_id"], feedback.reporter_of(turn.user_id), job["reason"],
                                 photos=_photos(job), resolution=job.get("resolution"))
    except FeedbackError as exc:
        await refused(turn, job, exc, job["reason"])
        return
    complaint = Complaint.get_by_id(job["complaint_id"])
    if result.handed_to is not None:
        text = turn.t("feedback.reopened.admin", code=complaint.tracking_code, count=complaint.reopen_count,
                      office=escape(str(result.handed_to)))
    else:
        text = turn.t("feedback.reopened", code=complaint.tracking_code, office=escape(complaint.office_name),
                      due=format_due(complaint.response_due_at, turn.lang))
    await done(turn, text)


async def on_info(turn: Turn) -> None:
    """Extra information as text."""
    check = rules.check_length(turn.message.text, INFO_MIN, INFO_MAX)
    if check.error:
        await turn.say(turn.t(f"feedback.info.{check.error}", min=INFO_MIN, max=INFO_MAX),
                       reply_markup=kb.cancel(turn.lang))
        return
    await _apply_info(turn, pending(turn), check.text)


async def on_info_photo(turn: Turn) -> None:
    """Extra information as a photo, its caption (if any) as the text."""
    job = pending(turn)
    caption = rules.check_length(turn.message.caption, 0, INFO_MAX)
    if caption.error:
        await turn.say(turn.t("feedback.info.too_long", max=INFO_MAX), reply_markup=kb.cancel(turn.lang))
        return
    saved = await _download(turn, f"info-{job['code']}", kb.cancel(turn.lang))
    if saved is not None:
        await _apply_info(turn, job, caption.text, saved)


async def _apply_info(turn: Turn, job: dict, text: str, photo: media.SavedPhoto | None = None) -> None:
    try:
        feedback.add_info(job["complaint_id"], feedback.reporter_of(turn.user_id), text,
                          photos=[photo] if photo else [])
    except FeedbackError as exc:
        await refused(turn, job, exc, text)
        return
    await done(turn, turn.t("feedback.info.added", code=job["code"], office=_office(turn, job)))


def refusal_text(turn: Turn, code: str, complaint: Complaint | None) -> str:
    """Why nothing changed, in a line short enough for a button's answer."""
    if code in ("not_found", "empty", "bad_stars") or complaint is None:
        return turn.t("bot.button.expired")
    return turn.t(f"feedback.refused.{code}", code=complaint.tracking_code,
                  status=st.label(complaint.status, turn.lang))


async def refused(turn: Turn, job: dict, error: FeedbackError, text: str) -> None:
    """Nothing changed: say why, and give the reporter's words back so they are not lost."""
    feedback.discard_photos(_photos(job))
    complaint = error.complaint or Complaint.get_or_none(Complaint.id == job.get("complaint_id"))
    if complaint is None or error.code in ("not_reporter", "not_found"):
        await done(turn, refusal_text(turn, error.code, complaint))
        return
    await done(turn, turn.t("feedback.changed_meanwhile", code=complaint.tracking_code,
                            status=st.label(complaint.status, turn.lang), text=escape(text)))


async def _download(turn: Turn, folder: str, markup) -> media.SavedPhoto | None:
    """The stored photo, or None after saying why it could not be kept."""
    incoming = filing_media.incoming_photo(turn.message)
    if incoming is None:
        await turn.say(turn.t("feedback.photo.failed"), reply_markup=markup)
        return None
    try:
        return await media.download_photo(turn.bot, file_id=incoming.file_id, file_unique_id=incoming.file_unique_id,
                                          file_size=incoming.file_size, media_dir=turn.config.MEDIA_DIR,
                                          folder=folder)
    except media.StorageError as exc:  # ours, not theirs: sending it again cannot help
        log.error("%s (user %s)", exc, turn.user_id)
        await turn.say(turn.t("bot.photo_store_failed"), reply_markup=markup)
        return None
    except (media.MediaError, TelegramError, OSError) as exc:
        log.info("feedback photo of user %s not used: %s", turn.user_id, exc)
        await turn.say(turn.t("feedback.photo.failed"), reply_markup=markup)
        return None
