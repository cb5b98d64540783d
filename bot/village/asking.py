"""A village head asking the reporter from the chat (services.complaints.asking), and
choosing the OPD when a complaint is beyond the village's authority.

    vq:<complaint>   ask the reporter (the next text is the question; drafts.VILLAGE_ASK)
    vf:<opd>         the OPD chosen for "beyond the village"   vg:<page>   another page of OPDs
    vc:ok            send it, after the note (drafts.VILLAGE_CONFIRM; bot.village.notes applies it)

The pending action lives in the draft's `village` data like the notes' (bot.village.notes),
so "vx" and /batal cancel these steps too and show the card again.
"""
from __future__ import annotations

from bot import drafts, keyboards, rules
from bot.common import Turn
from bot.village import views
from core import status as st
from models import Complaint
from services.complaints import asking, desk, offices
from services.complaints import filing as complaints
from services.complaints.asking import AskError
from services.messaging.outbox import escape

QUESTION_MIN = 5
OPDS_PER_PAGE = 8


def pending(turn: Turn) -> dict:
    return dict((turn.draft.data or {}).get("village") or {})


# --- asking ------------------------------------------------------------------------------------------
async def on_ask(turn: Turn, value: str) -> None:
    """"vq:<complaint>": ask the reporter, or say why not (not on Telegram: their contact)."""
    official = complaints.village_official_for(turn.user_id)
    complaint_id = rules.parse_id(value)
    complaint = desk.complaint_for(official, complaint_id) if complaint_id else None
    if complaint is None:
        await turn.answer(turn.t("village.button.not_allowed"))
        return
    if complaint.reporter_id is None:
        await turn.answer()
        await turn.say(no_telegram_text(turn, official, complaint))
        return
    waiting = asking.open_question(complaint.id)
    if waiting is not None:
        await turn.answer()
        await turn.say(turn.t("ask.village.waiting", question=escape(waiting.text)))
        return
    if not asking.may_ask(official, complaint) or complaint.status not in st.OPEN:
        await turn.answer(turn.t("ask.error.not_open"))
        return
    if drafts.is_filing(turn.draft):
        await turn.answer(turn.t("village.button.filing"))
        return
    await turn.answer()
    turn.save(drafts.VILLAGE_ASK, village={"complaint_id": complaint.id, "code": complaint.tracking_code,
                                           "action": "ask", "change_id": 0})
    await ask_question(turn)


def no_telegram_text(turn: Turn, official, complaint: Complaint) -> str:
    channel = turn.t(f"ask.channel.{complaint.channel}") if complaint.channel in (
        "telegram", "phone", "whatsapp", "walk_in", "social", "open311") else turn.t("ask.channel.other")
    contact = asking.reporter_contact(complaint, official)
    line = turn.t("ask.village.contact", contact=escape(contact)) if contact else turn.t("ask.village.no_contact")
    return turn.t("ask.village.no_telegram", code=complaint.tracking_code, channel=channel) + "\n" + line


async def ask_question(turn: Turn) -> None:
    """The question step's prompt (also asked again after something else was sent)."""
    await turn.say(turn.t("ask.village.prompt", code=pending(turn).get("code", "")),
                   reply_markup=views.cancel_markup(turn.lang))


async def on_question(turn: Turn) -> None:
    """The question's text: sent to the reporter through the outbox."""
    check = rules.check_length(turn.message.text, QUESTION_MIN, asking.QUESTION_MAX)
    if check.error:
        await turn.say(turn.t(f"village.note.{check.error}", min=QUESTION_MIN, max=asking.QUESTION_MAX))
        return
    job = pending(turn)
    turn.save(drafts.IDLE, village=None)
    official = complaints.village_official_for(turn.user_id)
    try:
        if official is None:
            raise AskError("not_allowed")
        asking.ask(job["complaint_id"], official, check.text)
    except AskError as exc:
        await turn.say(turn.t(f"ask.error.{exc.code}"))
        return
    await turn.say(turn.t("ask.village.sent", code=job["code"]))


# --- beyond the village: which OPD ----------------------------------------------------------------------
async def begin_forward(turn: Turn, complaint: Complaint, change_id: int) -> None:
    """"Bukan wewenang desa" pressed: the OPDs to choose from, the category's first."""
    await turn.edit_markup(None)
    turn.save(drafts.VILLAGE_FORWARD, village={"complaint_id": complaint.id, "code": complaint.tracking_code,
                                               "action": "fw", "change_id": change_id})
    await show_opds(turn, 1)


async def show_opds(turn: Turn, page: int = 1, edit: bool = False) -> None:
    job = pending(turn)
    complaint = Complaint.get_or_none(Complaint.id == job.get("complaint_id"))
    opds = desk.forward_opds(complaint) if complaint is not None else []
    pages = max(1, -(-len(opds) // OPDS_PER_PAGE))
    page = min(max(page, 1), pages)
    shown = opds[(page - 1) * OPDS_PER_PAGE: page * OPDS_PER_PAGE]
    markup = keyboards.paged_list(turn.lang, [keyboards.button(o.short_name or o.name, f"vf:{o.id}") for o in shown],
                                  page, pages, "vg")
    markup = keyboards.inline(list(markup.inline_keyboard)
                              + [[keyboards.button(turn.t("village.kb.cancel"), "vx")]])
    text = turn.t("ask.fw.choose", code=job.get("code", ""), page=page, pages=pages)
    if edit:
        await turn.edit(text, reply_markup=markup)
    else:
        await turn.say(text, reply_markup=markup)


async def opds_expected(turn: Turn) -> None:
    await turn.say(turn.t("ask.fw.expected"))
    await show_opds(turn, 1)


async def on_opd_page(turn: Turn, value: str) -> None:
    """"vg:<page>": another page of OPDs, in place."""
    await turn.answer()
    await show_opds(turn, rules.parse_index(value) or 1, edit=True)


async def on_opd(turn: Turn, value: str) -> None:
    """"vf:<opd>": the chosen OPD; the note is asked next."""
    opd = offices.active_opd(rules.parse_id(value))
    if opd is None:
        await turn.answer(turn.t("bot.button.expired"))
        return
    await turn.answer()
    job = pending(turn)
    job.update(target_id=opd.id, target=opd.name)
    turn.save(drafts.VILLAGE_NOTE, village=job)
    await turn.edit(turn.t("village.ask.fw", code=job["code"], office=escape(opd.name)),
                    reply_markup=views.cancel_markup(turn.lang))


async def ask_confirm(turn: Turn) -> None:
    """After the note: what will happen, and the button that does it."""
    job = pending(turn)
    markup = keyboards.inline([[keyboards.button(turn.t("ask.kb.send"), "vc:ok"),
                                keyboards.button(turn.t("village.kb.cancel"), "vx")]])
    await turn.say(turn.t("ask.fw.confirm", code=job["code"], office=escape(job.get("target", "")),
                          note=escape(job.get("note", ""))), reply_markup=markup)


async def confirm_expected(turn: Turn) -> None:
    await turn.say(turn.t("ask.fw.confirm_expected"))
    await ask_confirm(turn)
