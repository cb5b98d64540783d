"""Filing a complaint: start, category, description, privacy, summary, confirm and cancel.

Photos and location have their own modules; every step saves the draft before answering.
"""
from __future__ import annotations

from telegram import ReplyKeyboardRemove

from bot import drafts, keyboards, rules
from bot.village import filing as village_filing
from bot.filing import prompts
from bot.common import Turn, database_work
from models import Category, Complaint
from services import media
from services.complaints import filing as complaints, receipts
from services.messaging.outbox import escape


async def start_filing(turn: Turn) -> None:
    """/lapor or the menu: a new draft, or the unfinished one where it stopped."""
    if drafts.is_filing(turn.draft):
        await turn.say(turn.t("bot.file.resume"))
        await prompts.prompt(turn)
        return
    official = complaints.village_official_for(turn.user_id)
    drafts.begin(turn.draft, official.id if official else None)
    # From the menu's button: the menu turns into the categories (no new message).
    await prompts.ask_category(turn, edit=turn.update.callback_query is not None)


# --- category ---------------------------------------------------------------------------
async def on_group(turn: Turn, value: str) -> None:
    """A category group was chosen (or "back" to the groups)."""
    items = prompts.category_items(turn.lang)
    groups = rules.category_groups(items) or []
    index = rules.parse_index(value, len(groups))
    if value == "back" or index is None or not rules.in_group(items, groups, index):
        await turn.answer()
        await turn.edit(turn.t("bot.file.category"), reply_markup=keyboards.category_groups(groups))
        return
    await turn.answer()
    await turn.edit(turn.t("bot.file.category_group", group=escape(groups[index])),
                    reply_markup=keyboards.categories_in_group(rules.in_group(items, groups, index), turn.lang))


async def on_category(turn: Turn, value: str) -> None:
    """A category was chosen: remember it and go on."""
    category_id = rules.parse_id(value)
    category = Category.get_or_none(Category.id == category_id) if category_id else None
    if category is None or not category.active:
        await turn.answer(turn.t("bot.button.expired"))
        await prompts.prompt(turn, drafts.CATEGORY)
        return
    await turn.answer()
    turn.save(category_id=category.id, requested_opd_id=None)  # a village head chooses the OPD next
    chosen = turn.t("bot.file.category_chosen", category=escape(category.name(turn.lang)))
    if village_filing.needs_choice(turn, category):
        await turn.edit(chosen)
        await village_filing.after_category(turn, category)  # a village head first chooses the OPD
        return
    await prompts.advance(turn, drafts.CATEGORY, lead=chosen)  # the menu becomes "chosen ✓" + the next question


async def category_text(turn: Turn) -> None:
    """Text while a category is expected: point at the buttons again."""
    await turn.say(turn.t("bot.file.category_buttons"))
    await prompts.prompt(turn, drafts.CATEGORY)


# --- description ------------------------------------------------------------------------
async def on_description(turn: Turn) -> None:
    """The description: checked for length, kept, next step."""
    cfg = turn.config
    check = rules.check_description(turn.message.text, cfg.DESCRIPTION_MIN, cfg.DESCRIPTION_MAX)
    if check.error:
        await turn.say(turn.t(f"bot.file.description.{check.error}", length=len(check.text),
                              min=cfg.DESCRIPTION_MIN, max=cfg.DESCRIPTION_MAX))
        return
    await prompts.advance(turn, drafts.DESCRIPTION, description=check.text)


async def description_not_text(turn: Turn) -> None:
    """A photo or file while the description is expected."""
    await turn.say(turn.t("bot.file.description.text_only"))


# --- privacy ----------------------------------------------------------------------------
async def on_privacy(turn: Turn, value: str) -> None:
    """Toggle anonymous/confidential, or go on to the summary."""
    await turn.answer()
    data = turn.draft.data
    if value == "ok":
        await prompts.advance(turn, drafts.PRIVACY, lead="")  # the same message becomes the summary
        return
    key = {"a": "anonymous", "c": "confidential", "f": "photos_public"}.get(value)
    if key is None or (key == "photos_public" and not data.get("photos")):
        return
    turn.save(**{key: not data.get(key, False)})
    await turn.edit_markup(prompts.privacy_question(turn)[1])


# --- summary, confirm, edit, cancel -----------------------------------------------------
async def on_confirm(turn: Turn, tag: str) -> None:
    """Confirm: one transaction stores the complaint; the reporter gets the code at once."""
    if turn.draft.step != drafts.SUMMARY or tag != drafts.token_tag(turn.draft.token):
        await _stale_confirm(turn, tag)
        return
    await turn.answer()
    data = dict(turn.draft.data, receipt_pending=True)  # the receipt follows (services.complaints.receipts)
    # Filed for the village only while the account is still a linked village official.
    official = complaints.village_official_for(turn.user_id) if data.get("official_id") else None
    try:
        complaint = await database_work(turn.config, complaints.create_from_draft, data, _reporter_info(turn),
                                        official, source_key=turn.draft.token)
    except complaints.IncompleteDraft:
        await prompts.prompt(turn, drafts.SUMMARY)  # sends the person to the missing step
        return
    details = await database_work(turn.config, prompts.summary_details, turn)
    drafts.finish(turn.draft, complaint.id)
    # The summary becomes the receipt (code first, the complaint as given under it); the worker
    # adds the assignment to this message when it follows soon (services.complaints.receipts).
    text = await database_work(turn.config, filed_text, turn, complaint) + "\n\n" + details
    message = turn.update.callback_query.message
    if message is not None and await turn.edit_message(message.message_id, text):
        receipts.record(complaint.id, message.message_id, text)
    else:
        sent = await turn.say(text)
        receipts.record(complaint.id, sent.message_id, text)


async def _stale_confirm(turn: Turn, tag: str) -> None:
    """A confirm button of a draft already sent (pressed twice) or discarded."""
    done = turn.draft.data.get("done_token")
    complaint = Complaint.get_or_none(Complaint.id == turn.draft.data.get("done_complaint")) if done else None
    if complaint is not None and tag == drafts.token_tag(done):
        await turn.answer(turn.t("bot.filed.already", code=complaint.tracking_code))
        return
    await turn.answer(turn.t("bot.button.expired"))


def _reporter_info(turn: Turn) -> complaints.ReporterInfo:
    user = turn.update.effective_user
    return complaints.ReporterInfo(telegram_id=user.id, chat_id=turn.chat_id, first_name=user.first_name or "",
                                   last_name=user.last_name or "", username=user.username or "", language=turn.lang)


def filed_text(turn: Turn, complaint: Complaint) -> str:
    category = complaint.category
    office = (complaints.predicted_office(category, complaint.desa_id, complaint.requested_opd_id)
              or turn.t("bot.office.admin"))
    window = rules.response_window(category.response_hours, turn.lang,
                                   category.counts_working_days(turn.config.WORKING_DAYS))
    return turn.t("bot.filed", code=complaint.tracking_code, office=escape(office), window=window)


async def on_edit(turn: Turn, part: str) -> None:
    """"Edit" on the summary: which part; then that step, and back to the summary."""
    if turn.draft.step != drafts.SUMMARY:
        await turn.answer(turn.t("bot.button.expired"))
        return
    await turn.answer()
    if part == "":
        await turn.edit_markup(keyboards.edit_menu(turn.lang))
        return
    if part == "back" or part not in keyboards.EDIT_PARTS:
        await turn.edit_markup(keyboards.summary(turn.lang, turn.draft.token))
        return
    await turn.edit_markup(None)
    step = {"category": drafts.CATEGORY, "description": drafts.DESCRIPTION, "photos": drafts.PHOTOS,
            "location": drafts.LOCATION, "privacy": drafts.PRIVACY}[part]
    turn.save(step, editing=True)
    await prompts.prompt(turn, step)


async def cancel(turn: Turn) -> None:
    """/batal or the cancel button: discard the draft and its photos."""
    if not drafts.is_filing(turn.draft):
        await turn.answer()
        await turn.say(turn.t("bot.nothing_to_cancel"))
        return
    await turn.answer()
    media.remove_files(turn.config.MEDIA_DIR, drafts.photo_paths(turn.draft))
    drafts.finish(turn.draft)
    if turn.update.callback_query:
        await turn.edit_markup(None)
    await turn.say(turn.t("bot.cancelled") + "\n" + turn.t("bot.idle.hint"), reply_markup=ReplyKeyboardRemove())


async def waiting_for_buttons(turn: Turn) -> None:
    """Text while the privacy or summary buttons are expected: show them again."""
    await prompts.prompt(turn)
