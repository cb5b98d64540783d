"""The reporter answers an official's question (services.complaints.asking) in the chat.

The question arrives from the outbox with a button "aq:<question>"; pressing it opens the
answer step (drafts.ASK_ANSWER, `answer` in the draft's data, so a restart loses nothing)
and the next text, photo or location is the answer. Replying to the question's message
answers it directly, at any step. The photos of an album after the first are added to the
same answer silently (`ask_album` in the draft's data). A report being written when the
button was pressed is continued afterwards, as the feedback steps do.
"""
from __future__ import annotations

import logging

from telegram.error import TelegramError

from bot import drafts, rules
from bot.common import Turn
from bot.filing import media as filing_media, prompts
from bot.keyboards import button, inline
from models import Question
from services import media
from services.complaints import asking
from services.complaints.asking import AskError
from services.feedback import closing
from services.messaging.outbox import escape

log = logging.getLogger(__name__)


def pending(turn: Turn) -> dict:
    return dict((turn.draft.data or {}).get("answer") or {})


def cancel_markup(lang: str):
    from i18n import t

    return inline([[button(t("ask.kb.cancel", lang), "ax")]])


def _resume_step(turn: Turn) -> str | None:
    """The step to come back to after the answer (a report being written, another question)."""
    if turn.draft.step == drafts.ASK_ANSWER:
        return pending(turn).get("resume")
    return None if turn.draft.step == drafts.IDLE else turn.draft.step


async def on_answer_button(turn: Turn, value: str) -> None:
    """"aq:<question>": the reporter wants to answer; the next message is the answer."""
    try:
        question = asking.question_for(rules.parse_id(value), closing.reporter_of(turn.user_id))
    except AskError as exc:
        await turn.answer(turn.t(f"ask.error.{exc.code}"))
        if exc.code == "closed":
            await turn.edit_markup(None)
        return
    await turn.answer()
    turn.save(drafts.ASK_ANSWER, answer={"question_id": question.id, "code": question.complaint.tracking_code,
                                         "resume": _resume_step(turn)})
    await ask(turn)


async def ask(turn: Turn) -> None:
    """The answer step's question (also asked again when something unusable was sent)."""
    job = pending(turn)
    question = Question.get_or_none(Question.id == job.get("question_id"))
    await turn.say(turn.t("ask.bot.prompt", code=job.get("code", ""), question=escape(question.text if question else "")),
                   reply_markup=cancel_markup(turn.lang))


async def expected(turn: Turn) -> None:
    await turn.say(turn.t("ask.bot.expected"), reply_markup=cancel_markup(turn.lang))


async def on_input(turn: Turn) -> None:
    """Text, a photo or a location at the answer step."""
    await _answer(turn, pending(turn))


async def on_reply(turn: Turn) -> bool:
    """A message replying to a question's message: the answer to that question (True when it was)."""
    question_id = replied_question(turn.message.reply_to_message)
    if question_id is None:
        return False
    question = Question.get_or_none(Question.id == question_id)
    job = {"question_id": question_id, "code": question.complaint.tracking_code if question else "",
           "resume": turn.draft.step if turn.draft.step != drafts.IDLE else None, "reply": True}
    await _answer(turn, job)
    return True


def replied_question(replied) -> int | None:
    """The question a replied-to bot message asked: Telegram gives the message back with its
    buttons, and the question's carries "aq:<question>" (no lookup in the outbox needed)."""
    markup = getattr(replied, "reply_markup", None) if replied is not None else None
    for row in (markup.inline_keyboard if markup is not None else ()):
        for key in row:
            data = key.callback_data or ""
            if data.startswith("aq:"):
                return rules.parse_id(data[3:])
    return None


async def _answer(turn: Turn, job: dict) -> None:
    message = turn.message
    reporter = closing.reporter_of(turn.user_id)
    text, photos, location = "", [], None
    if message.text:
        check = rules.check_length(message.text, 1, asking.ANSWER_MAX)
        if check.error:
            await turn.say(turn.t("ask.error.too_long"), reply_markup=cancel_markup(turn.lang))
            return
        text = check.text
    elif message.location is not None:
        location = (message.location.latitude, message.location.longitude)
        if message.venue is not None:
            text = " · ".join(p for p in (message.venue.title, message.venue.address) if p)
    else:
        saved = await _download(turn, job)
        if saved is None:
            return
        photos = [saved]
        text = (message.caption or "").strip()[:asking.ANSWER_MAX]
    try:
        history = asking.answer(job["question_id"], reporter, text, photos=photos, location=location)
    except AskError as exc:
        closing.discard_photos(photos)
        await _finish(turn, job, turn.t(f"ask.error.{exc.code}"))
        return
    album = {"group": message.media_group_id, "history_id": history.id} if photos and message.media_group_id else None
    await _finish(turn, job, turn.t("ask.bot.done", code=job.get("code", "")), album)


async def _finish(turn: Turn, job: dict, text: str, album: dict | None = None) -> None:
    """Say `text` and leave the answer step (back to the report being written, if any)."""
    resume = job.get("resume")
    if job.get("reply"):  # answered by a reply: the step the person was at is left as it was
        turn.save(ask_album=album)
        await turn.say(text)
        return
    turn.save(resume or drafts.IDLE, answer=None, ask_album=album)
    await turn.say(text)
    if resume:
        await prompts.prompt(turn)


async def album_photo(turn: Turn) -> bool:
    """One more photo of the album whose first photo answered a question: added to the same
    answer, without a reply of its own (True when it was one)."""
    album = (turn.draft.data or {}).get("ask_album") or {}
    group = turn.message.media_group_id
    if not group or album.get("group") != group:
        return False
    saved = await _download(turn, {"code": "album"})
    if saved is None:
        return True
    try:
        asking.add_photo(album["history_id"], closing.reporter_of(turn.user_id), saved)
    except AskError:
        closing.discard_photos([saved])
    return True


async def _download(turn: Turn, job: dict) -> media.SavedPhoto | None:
    incoming = filing_media.incoming_photo(turn.message)
    if incoming is None:
        await turn.say(turn.t("ask.bot.photo_failed"), reply_markup=cancel_markup(turn.lang))
        return None
    try:
        return await media.download_photo(turn.bot, file_id=incoming.file_id, file_unique_id=incoming.file_unique_id,
                                          file_size=incoming.file_size, media_dir=turn.config.MEDIA_DIR,
                                          folder=f"answer-{job.get('code', '')}")
    except media.StorageError as exc:
        log.error("%s (user %s)", exc, turn.user_id)
        await turn.say(turn.t("bot.photo_store_failed"), reply_markup=cancel_markup(turn.lang))
        return None
    except (media.MediaError, TelegramError, OSError) as exc:
        log.info("answer photo of user %s not used: %s", turn.user_id, exc)
        await turn.say(turn.t("ask.bot.photo_failed"), reply_markup=cancel_markup(turn.lang))
        return None


async def on_cancel(turn: Turn, value: str = "") -> None:
    """"ax" or /batal at the answer step: nothing is sent; the question stays open."""
    if turn.draft.step != drafts.ASK_ANSWER:
        await turn.answer(turn.t("bot.button.expired"))
        return
    await turn.answer()
    if turn.update.callback_query is not None:
        await turn.edit_markup(None)
    await _finish(turn, pending(turn), turn.t("ask.bot.cancelled"))
