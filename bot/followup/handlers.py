"""Following up: "my complaints" page by page, and one complaint's status and history.

A complaint is shown only to its reporter or to officials of the office handling it; to
anybody else a code is simply "not found", so codes cannot be probed for existence.
"""
from __future__ import annotations

import re

from bot import keyboards, rules
from bot.feedback import keyboards as feedback_keyboards
from bot.common import Turn
from bot.followup import claim
from core import status as st, tracking
from core.timefmt import local_datetime
from models import Complaint, StatusChange, utcnow
from services import access
from services.complaints import claiming, filing as complaints
from services.messaging.outbox import escape

MAX_CODES_PER_MESSAGE = 3
NOTE_PREVIEW = 400
DESCRIPTION_PREVIEW = 300
_CODE_LIKE = re.compile(r"^[A-Za-z0-9]{4}[-\s]?[A-Za-z0-9]{4}$")


async def show_mine(turn: Turn, page: int = 1, edit: bool = False) -> None:
    """The reporter's complaints, newest first, with buttons to open each and to page."""
    result = complaints.complaints_of(turn.user_id, page)
    if not result.total:
        await _show(turn, turn.t("bot.mine.empty"), edit=edit)
        return
    now = utcnow()
    lines = [turn.t("bot.mine.head", total=result.total, page=result.page, pages=result.pages)]
    for complaint in result.items:
        category = complaint.category.name(turn.lang) if complaint.category_id else "-"
        lines.append(turn.t("bot.mine.item", code=complaint.tracking_code, category=escape(category),
                            status=st.label(complaint.status, turn.lang),
                            age=rules.age(complaint.created_at, now, turn.lang)))
    lines.append(turn.t("bot.mine.hint"))
    await _show(turn, "\n\n".join(lines), keyboards.my_list(turn.lang, result.items, result.page, result.pages),
                edit=edit)


async def show_code(turn: Turn, code: str) -> None:
    """A tracking code typed or opened by a link: its status, if this person may see it. A
    complaint filed elsewhere that nobody follows yet may be taken up by its code (bot.followup.claim)."""
    complaint = complaints.find_by_code(code)
    if claiming.claimable(complaint) and complaints.history_visible_to(complaint, turn.user_id) is None:
        await turn.answer()
        complaint = await claim.try_claim(turn, complaint, code)
        if complaint is None:
            return
    await show_complaint(turn, complaint, code)


async def show_complaint(turn: Turn, complaint: Complaint | None, code: str) -> None:
    """Always a new message (a refresh that changed nothing could not be an edit)."""
    await turn.answer()
    history = complaints.history_visible_to(complaint, turn.user_id) if complaint is not None else None
    if history is None:
        await turn.say(turn.t("bot.status.not_found", code=escape(code)))
        return
    rows = feedback_keyboards.status_rows(complaint, turn.user_id, turn.lang)  # the reporter's own actions
    await turn.say(status_text(turn, complaint, history),
                   reply_markup=keyboards.status_view(turn.lang, complaint.id, rows))


async def on_status_button(turn: Turn, value: str) -> None:
    """"st:<id>": open (or refresh) one complaint from the list."""
    complaint_id = rules.parse_id(value)
    complaint = Complaint.get_or_none(Complaint.id == complaint_id) if complaint_id else None
    # "?" in the not-found answer: a forged id must not reveal another person's tracking code.
    await show_complaint(turn, complaint, "?")


async def on_page_button(turn: Turn, value: str) -> None:
    """"my:<page>": another page of the list, in place."""
    await show_mine(turn, rules.parse_index(value) or 1, edit=True)


async def idle_text(turn: Turn) -> None:
    """Text outside a report: tracking codes in it, else how to start."""
    text = turn.message.text or ""
    codes = tracking.find_codes(text)[:MAX_CODES_PER_MESSAGE]
    for code in codes:
        await show_code(turn, code)
    if codes:
        return
    if _CODE_LIKE.match(text.strip()):
        await turn.say(turn.t("bot.status.not_found", code=escape(text.strip().upper())))
        return
    await turn.say(turn.t("bot.idle.hint"), reply_markup=keyboards.main_menu(turn.lang))


async def _show(turn: Turn, text: str, markup=None, edit: bool = False) -> None:
    """Edit the pressed message (paging), or send a new one."""
    if edit and turn.update.callback_query is not None:
        await turn.answer()
        await turn.edit(text, reply_markup=markup)
    else:
        await turn.say(text, reply_markup=markup)


def status_text(turn: Turn, complaint: Complaint, history: list[StatusChange]) -> str:
    """Code, category, status, office, dates, and as much of the history as fits."""
    lang, tz = turn.lang, turn.config.TIMEZONE
    category = complaint.category.name(lang) if complaint.category_id else "-"
    head = turn.t("bot.status.head", code=complaint.tracking_code, category=escape(category),
                  status=st.label(complaint.status, lang),
                  office=escape(complaint.office_name) or turn.t("bot.office.pending"),
                  created=local_datetime(complaint.created_at, lang, tz))
    if complaint.status in st.OPEN and complaint.response_due_at and not complaint.first_response_at:
        head += turn.t("bot.status.due", due=local_datetime(complaint.response_due_at, lang, tz))
    elif complaint.status in st.OPEN and complaint.resolution_due_at:
        head += turn.t("bot.status.resolution_due", due=local_datetime(complaint.resolution_due_at, lang, tz))
    if complaint.desa_id:
        head += turn.t("bot.status.place", place=escape(f"{complaint.desa}, {complaint.desa.kecamatan}"))
    elif complaint.address_text:
        head += turn.t("bot.status.place", place=escape(rules.shorten(complaint.address_text, 200)))
    head += turn.t("bot.status.description", description=escape(rules.shorten(complaint.description,
                                                                              DESCRIPTION_PREVIEW)))
    head += "\n" + turn.t("bot.status.history")
    is_reporter = complaint.reporter_id is not None and complaint.reporter.telegram_id == turn.user_id
    viewer = None if is_reporter else complaints.official_for(turn.user_id)
    rows = [_history_row(turn, complaint, row, viewer, is_reporter) for row in history]
    return rules.fit_blocks(head, rows, more=turn.t("bot.status.earlier"))


def _history_row(turn: Turn, complaint: Complaint, row: StatusChange, viewer, is_reporter: bool) -> str:
    """One entry: when, status, and who: the reporter's own acts are the reporter's ("Anda" to
    them, "Pelapor" to an official: services.access.history_actor), others show the office."""
    if access.is_reporters_act(row):
        who = access.history_actor(viewer, complaint, row, turn.lang, reporter_viewing=is_reporter)
        office = f" · {escape(who)}"
    else:
        office = f" · {escape(row.office_label)}" if row.office_label else ""
    text = turn.t("bot.status.history_row", when=local_datetime(row.created_at, turn.lang, turn.config.TIMEZONE),
                  status=st.label(row.to_status, turn.lang), office=office)
    if not row.visible_to_reporter:
        text += turn.t("bot.status.internal")
    if row.note:
        text += turn.t("bot.status.history_note", note=escape(rules.shorten(row.note, NOTE_PREVIEW)))
    return text
