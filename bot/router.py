"""Where each update goes: commands, buttons by their callback prefix, messages by the
draft's step and what the message holds. The whole graph is declared here, once.
"""
from __future__ import annotations

from telegram import Message

from bot import drafts, rules
from bot.feedback import handlers as feedback, steps as feedback_steps
from bot.filing import duplicates, handlers as filing, location, media as photos, prompts, start
from bot.followup import answers, claim, contacts, handlers as followup
from bot.village import asking as village_asking, filing as village_filing, handlers as village, notes as village_notes
from bot.common import Turn
from services import linking


async def cancel_command(turn: Turn) -> None:
    """/batal: drops a pending answer to a question; else feedback.cancel_command's chain."""
    if turn.draft.step == drafts.ASK_ANSWER:
        await answers.on_cancel(turn)
        return
    await feedback.cancel_command(turn)


# Commands in Indonesian and English (Telegram commands are latin lower case).
COMMANDS = {
    "start": village.start_command,  # `/start link-<code>` links an official, else start.start
    "lapor": filing.start_filing, "report": filing.start_filing,
    "aduanku": followup.show_mine, "mine": followup.show_mine,
    "kontak": contacts.show_contacts, "contacts": contacts.show_contacts,
    "bantuan": start.show_help, "help": start.show_help,
    "batal": cancel_command, "cancel": cancel_command,  # an answer, else feedback, village_notes, filing
    "bahasa": start.ask_language, "language": start.ask_language,
    "desa": village.show_list, "village": village.show_list,
}

MENU = {
    "file": filing.start_filing, "mine": followup.show_mine, "track": start.ask_code,
    "contacts": contacts.show_contacts, "help": start.show_help, "language": start.ask_language,
}


async def on_menu(turn: Turn, value: str) -> None:
    """"m:<item>": a main-menu button."""
    action = MENU.get(value)
    await turn.answer(None if action else turn.t("bot.button.expired"))
    if action is not None:
        await action(turn)


async def on_cancel_button(turn: Turn, value: str) -> None:
    """"cx" on the summary: discard the draft."""
    await filing.cancel(turn)


# prefix -> (handler(turn, value), the draft step it belongs to or None for any time)
CALLBACKS = {
    "m": (on_menu, None),
    "grp": (filing.on_group, drafts.CATEGORY),
    "cat": (filing.on_category, drafts.CATEGORY),
    "ph": (photos.on_photo_button, None),
    "pv": (filing.on_privacy, drafts.PRIVACY),
    "ok": (filing.on_confirm, None),
    "ed": (filing.on_edit, None),
    "cx": (on_cancel_button, drafts.SUMMARY),
    "lang": (start.set_language, None),
    "my": (followup.on_page_button, None),
    "st": (followup.on_status_button, None),
    "va": (village.on_action, None), "vo": (village.on_open, None), "vl": (village.on_list_page, None),
    "vx": (village_notes.on_cancel, None), "vp": (village_notes.on_skip_photo, drafts.VILLAGE_PHOTO),
    "vr": (village_filing.on_choice, drafts.OPD_CHOICE),
    "dv": (location.on_village, drafts.VILLAGE),
    "kt": (contacts.on_page_button, None),
    "fb": (feedback.on_answer, None), "ro": (feedback.on_reopen, None), "rt": (feedback.on_rating, None),
    "ai": (feedback.on_add_info, None), "fx": (feedback.on_step_button, None),
    # Asking the reporter (issue 17): the reporter's answer, a village head's question and
    # choice of OPD beyond the village's authority.
    "aq": (answers.on_answer_button, None), "ax": (answers.on_cancel, drafts.ASK_ANSWER),
    "vq": (village_asking.on_ask, None), "vf": (village_asking.on_opd, drafts.VILLAGE_FORWARD),
    "vg": (village_asking.on_opd_page, drafts.VILLAGE_FORWARD), "vc": (village_notes.on_confirm, drafts.VILLAGE_CONFIRM),
    duplicates.PREFIX: (duplicates.on_choice, drafts.DUPLICATES),
}


# The question of each step other flows give a draft, for prompts.prompt() (resume, "use the
# buttons", content a step cannot use); the filing steps' own are in prompts.PROMPTS.
prompts.register({
    drafts.OPD_CHOICE: village_filing.ask_opd,
    drafts.VILLAGE: location.ask_village,
    drafts.VILLAGE_NOTE: village_notes.note_expected, drafts.VILLAGE_PHOTO: village_notes.photo_expected,
    drafts.FB_COMMENT: feedback_steps.comment_expected, drafts.FB_REASON: feedback_steps.reason_expected,
    drafts.FB_PHOTO: feedback_steps.photo_expected, drafts.FB_INFO: feedback_steps.info_expected,
    drafts.ASK_ANSWER: answers.expected, drafts.VILLAGE_ASK: village_asking.ask_question,
    drafts.VILLAGE_FORWARD: village_asking.opds_expected, drafts.VILLAGE_CONFIRM: village_asking.confirm_expected,
    drafts.DUPLICATES: duplicates.ask,
})
# Between two filing steps: open complaints of the same category nearby, offered for support.
prompts.register_interlude(duplicates.offer)


async def on_callback(turn: Turn) -> None:
    """A button press, by its callback-data prefix; a button of a past step is "expired"."""
    prefix, _, value = (turn.update.callback_query.data or "").partition(":")
    handler, step = CALLBACKS.get(prefix, (None, None))
    if handler is None or (step is not None and turn.draft.step != step):
        await turn.answer(turn.t("bot.button.expired"))
        return
    await handler(turn, value)
    await turn.answer()  # every press is answered, once


# --- messages ---------------------------------------------------------------------------
def content_kind(message: Message) -> str:
    """What a message holds, in the bot's terms."""
    if message.text:
        return "text"
    if message.photo:
        return "photo"
    if message.animation or message.video or message.video_note:
        return "video"  # an animation also carries a document: test it first
    if message.document:
        return "image" if photos.is_image_document(message.document) else "document"
    if message.venue or message.location:
        return "location"
    if message.sticker:
        return "sticker"
    if message.voice or message.audio:
        return "voice"
    return "other"


ROUTES = {
    (drafts.CATEGORY, "text"): filing.category_text,
    (drafts.DESCRIPTION, "text"): filing.on_description,
    (drafts.DESCRIPTION, "photo"): filing.description_not_text,
    (drafts.DESCRIPTION, "image"): filing.description_not_text,
    (drafts.PHOTOS, "photo"): photos.on_photo,
    (drafts.PHOTOS, "image"): photos.on_photo,
    (drafts.PHOTOS, "text"): photos.photos_text,
    (drafts.LOCATION, "location"): location.on_location,
    (drafts.LOCATION, "text"): location.location_text,
    (drafts.ADDRESS, "text"): location.on_address,
    (drafts.ADDRESS, "location"): location.on_location,
    (drafts.PRIVACY, "text"): filing.waiting_for_buttons,
    (drafts.VILLAGE, "text"): location.village_text,
    (drafts.VILLAGE, "location"): location.on_location,
    (drafts.SUMMARY, "text"): filing.waiting_for_buttons,
    (drafts.DUPLICATES, "text"): filing.waiting_for_buttons,
    (drafts.IDLE, "text"): followup.idle_text,
    (drafts.VILLAGE_NOTE, "text"): village_notes.on_note,
    (drafts.VILLAGE_PHOTO, "photo"): village_notes.on_photo,
    (drafts.VILLAGE_PHOTO, "image"): village_notes.on_photo,
    (drafts.VILLAGE_PHOTO, "text"): village_notes.photo_expected,
}
ROUTES.update({(step, kind): feedback_steps.on_input for step in drafts.FEEDBACK_STEPS
               for kind in ("text", "photo", "image")})
ROUTES.update({(drafts.ASK_ANSWER, kind): answers.on_input for kind in ("text", "photo", "image", "location")})
ROUTES[(drafts.VILLAGE_ASK, "text")] = village_asking.on_question
CONTENT_ANSWERS = {"sticker": "bot.content.sticker", "voice": "bot.content.voice", "video": "bot.content.video",
                   "document": "bot.content.document", "other": "bot.content.other"}


async def on_message(turn: Turn) -> None:
    """Any message that is not a known command."""
    message = turn.message
    kind = content_kind(message)
    if kind == "text" and message.text.startswith("/"):
        await turn.say(turn.t("bot.unknown_command"))
        return
    claimed = claim.claim_code(message.text) if kind == "text" else None
    if claimed:  # a tracking code with a phone's last 4 digits: following a complaint filed elsewhere
        await followup.show_code(turn, claimed)
        return
    if kind == "text" and linking.looks_like_code(message.text):
        await village.link_by_text(turn)  # an official's link code, at any step
        return
    code = rules.bare_code(message.text) if kind == "text" else None
    if code:  # a tracking code works at every step and leaves the draft as it is
        await followup.show_code(turn, code)
        return
    if kind in ("photo", "image") and await answers.album_photo(turn):
        return  # one more photo of an album that answered a question
    if message.reply_to_message is not None and kind in ("text", "photo", "image", "location") \
            and await answers.on_reply(turn):
        return  # a reply to a question's message is its answer
    asking = drafts.INPUT_STEPS + drafts.FEEDBACK_STEPS + drafts.ANSWER_STEPS
    step = turn.draft.step if drafts.is_filing(turn.draft) or turn.draft.step in asking else drafts.IDLE
    handler = ROUTES.get((step, kind))
    if handler is not None:
        await handler(turn)
    else:
        await unexpected(turn, step, kind)


async def unexpected(turn: Turn, step: str, kind: str) -> None:
    """Content this step cannot use: say why where that helps, and what the step needs."""
    if step == drafts.IDLE:
        if kind in ("photo", "image", "location"):
            await turn.say(turn.t("bot.idle.media"))
        else:
            await turn.say(turn.t(CONTENT_ANSWERS.get(kind, "bot.idle.hint")))
    elif step == drafts.PHOTOS and kind in CONTENT_ANSWERS:
        await turn.say(turn.t(CONTENT_ANSWERS[kind]))  # each of these says to send a photo instead
    elif step in (drafts.LOCATION, drafts.ADDRESS):
        await location.location_expected(turn)
    else:
        await filing.waiting_for_buttons(turn)  # the step's question again
