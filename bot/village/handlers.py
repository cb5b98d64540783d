"""Village heads and officials in the chat (#WadulKades): linking their account, the
village's list (/desa), a complaint's card and its action buttons.

Every button is checked again when pressed: the person must be a linked, active official of
the complaint's village, and the complaint must not have moved on since the button was
drawn; otherwise the answer says why and nothing changes. Actions go through
services.complaints.desk, which uses the one status door.
"""
from __future__ import annotations

from bot import drafts, rules
from bot.filing import start
from bot.village import commands as village_commands, notes, views
from bot.common import Turn
from core import status as st
from models import Complaint, Official, utcnow
from services import linking
from services.complaints import filing as complaints
from services.complaints import desk, news
from services.messaging.outbox import escape


# --- linking -----------------------------------------------------------------------------------
async def start_command(turn: Turn) -> None:
    """/start: `/start link-<code>` (the deep link the admin gives) links the account; else the greeting."""
    args = list(turn.context.args or [])
    if args and args[0].lower().startswith(linking.DEEP_LINK_PREFIX):
        await link(turn, args[0])
        return
    await start.start(turn)


async def link_by_text(turn: Turn) -> None:
    """A message that is a link code: link this Telegram account."""
    await link(turn, turn.message.text)


async def link(turn: Turn, code: str) -> None:
    """Redeem the code and say what happened (linked, or why not)."""
    try:
        official = linking.redeem(code, turn.user_id, turn.chat_id)
    except linking.LinkError as exc:
        other = escape(str(exc.official)) if exc.official is not None else ""
        await turn.say(turn.t(f"village.link.{exc.code}", official=other))
        return
    await turn.say(linked_text(turn, official))
    if official.is_village:
        await village_commands.publish(turn)  # /desa in this chat's command menu


def linked_text(turn: Turn, official: Official) -> str:
    office = official.desa or official.opd
    text = turn.t("village.link.done", role=turn.t(f"panel.role.{official.role}"),
                  office=escape(str(office)) if office else "Wadul")
    hint = "village.link.done_village" if official.is_village else "village.link.done_office"
    return f"{text}\n\n{turn.t(hint)}"


# --- the village's list ----------------------------------------------------------------------------
async def show_list(turn: Turn, page: int = 1, edit: bool = False) -> None:
    """/desa: the village's open complaints, nearest deadline first, paged, each opening its card."""
    official = complaints.village_official_for(turn.user_id)
    if official is None:
        await turn.answer()
        await turn.say(turn.t("village.only_officials"))
        return
    result = desk.open_complaints(official.desa_id, page)
    desa = escape(str(official.desa))
    if not result.total:
        text, markup = turn.t("village.list.empty", desa=desa), None
    else:
        text = views.list_text(result, desa, turn.lang, turn.config.TIMEZONE, utcnow())
        markup = views.list_markup(result, turn.lang)
    await turn.answer()
    if edit:
        await turn.edit(text, reply_markup=markup)
    else:
        await turn.say(text, reply_markup=markup)


async def on_list_page(turn: Turn, value: str) -> None:
    """"vl:<page>": another page of the list, in place."""
    await show_list(turn, rules.parse_index(value) or 1, edit=True)


async def on_open(turn: Turn, value: str) -> None:
    """"vo:<complaint>": the complaint's card with the actions open to this official now."""
    official = complaints.village_official_for(turn.user_id)
    complaint_id = rules.parse_id(value)
    complaint = desk.complaint_for(official, complaint_id) if complaint_id else None
    if complaint is None:
        await turn.answer(turn.t("village.button.not_allowed"))
        return
    await turn.answer()
    news.seen_by(official, complaint)  # opened: no longer new (the card, drawn from the row read above, shows it once)
    await views.send_card(turn, official, complaint)


# --- action buttons ---------------------------------------------------------------------------------
def parse_action(value: str) -> tuple[int, str, int] | None:
    """"<complaint>:<action>:<change id>" -> (complaint id, action, change id); None when malformed."""
    parts = value.split(":")
    if len(parts) != 3 or parts[1] not in desk.ACTIONS:
        return None
    complaint_id, change_id = rules.parse_id(parts[0]), rules.parse_index(parts[2], rules.MAX_ID)
    if complaint_id is None or change_id is None:
        return None
    return complaint_id, parts[1], change_id


async def on_action(turn: Turn, value: str) -> None:
    """"va:...": check who presses and whether the button still applies, then act or ask for the note."""
    parsed = parse_action(value)
    if parsed is None:
        await turn.answer(turn.t("village.button.invalid"))
        return
    complaint_id, short, change_id = parsed
    official = complaints.village_official_for(turn.user_id)
    complaint = desk.complaint_for(official, complaint_id)
    if complaint is None:
        await turn.answer(turn.t("village.button.not_allowed"))
        return
    if desk.last_change_id(complaint.id) != change_id or short not in desk.available(official, complaint):
        await refuse_stale(turn, official, complaint)
        return
    if short not in desk.NEEDS_NOTE:
        await accept(turn, official, complaint, change_id)
        return
    if drafts.is_filing(turn.draft):
        await turn.answer(turn.t("village.button.filing"))
        return
    await turn.answer()
    await notes.begin(turn, complaint, short, change_id)


async def refuse_stale(turn: Turn, official: Official, complaint: Complaint) -> None:
    """An old button: say so, drop its buttons, and show the complaint as it is now."""
    await turn.answer(turn.t("village.button.stale", status=st.label(complaint.status, turn.lang)))
    await turn.edit_markup(None)
    await views.send_card(turn, official, complaint)


async def accept(turn: Turn, official: Official, complaint: Complaint, change_id: int) -> None:
    """"Accept & start": in progress at once; the pressed message gets the next buttons."""
    try:
        desk.act(official.id, complaint.id, "ip", change_id)
    except desk.DeskError as exc:  # moved on (or out of the village) since the checks above
        fresh = desk.complaint_for(official, complaint.id)
        if exc.code == "not_allowed" or fresh is None:
            await turn.answer(turn.t("village.button.not_allowed"))
        else:
            await refuse_stale(turn, official, fresh)
        return
    await turn.answer()
    fresh = Complaint.get_by_id(complaint.id)
    await turn.edit_markup(views.card_markup(official, fresh, turn.lang))
    await turn.say(turn.t("village.done", code=fresh.tracking_code, status=st.label(fresh.status, turn.lang)))
