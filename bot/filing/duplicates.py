"""Duplicates nearby, at filing: once the category and the GPS point are known, open public
complaints of the same category close by are offered (services.complaints.duplicates): one
message listing up to three, with "Dukung aduan ini" and "Tetap buat aduan baru", edited in
place once the resident chooses.

It is an interlude between two filing steps (registered by bot.router in
bot.filing.prompts.INTERLUDES): `offer` runs after a step is saved, before the next question;
the draft remembers which category and point it checked, so an unchanged draft is not asked
twice, and which step comes next. Supporting closes the draft: its description and photos go
to the supported complaint as information from a supporter.
"""
from __future__ import annotations

from bot import drafts, keyboards, rules
from bot.common import Turn, database_work
from bot.filing import prompts
from core import status as st
from core.timefmt import MONTHS_EN, MONTHS_ID, to_local
from i18n import t
from models import Category
from services.complaints import duplicates
from services.complaints.filing import ReporterInfo
from services.messaging.outbox import escape

PREFIX = "dup"


def _checked_key(data: dict) -> str | None:
    if data.get("latitude") is None or data.get("longitude") is None or not data.get("category_id"):
        return None
    return f"{data['category_id']}:{float(data['latitude']):.6f}:{float(data['longitude']):.6f}"


def _search(turn: Turn, data: dict) -> list[duplicates.Nearby]:
    return duplicates.nearby(data["category_id"], float(data["latitude"]), float(data["longitude"]),
                             exclude_reporter=turn.user_id)


async def offer(turn: Turn, lead: str = "", clear_keyboard: bool = False) -> bool:
    """After a filing step: offer the open complaints nearby, once per category and point.
    True when the offer was made (the draft waits at DUPLICATES)."""
    data = turn.draft.data or {}
    key = _checked_key(data)
    if key is None or data.get("dupes_checked") == key or not drafts.is_filing(turn.draft):
        return False
    found = await database_work(turn.config, _search, turn, data)
    if not found:
        turn.save(dupes_checked=key)
        return False
    turn.save(drafts.DUPLICATES, dupes_checked=key, dupes_next=turn.draft.step, dupes_offer=[n.id for n in found])
    text = await database_work(turn.config, offer_text, turn, found)
    text = f"{lead}\n\n{text}" if lead else text
    if clear_keyboard and turn.update.callback_query is None:
        await turn.say_clearing_keyboard(text, markup(turn.lang, found))
    else:
        await turn.show(text, markup(turn.lang, found))
    return True


async def ask(turn: Turn) -> None:
    """The DUPLICATES step's question again (resumed draft, text instead of a button)."""
    data = turn.draft.data or {}
    found = await database_work(turn.config, _search, turn, data) if _checked_key(data) else []
    if not found:
        await _continue(turn)
        return
    turn.save(dupes_offer=[n.id for n in found])
    text = await database_work(turn.config, offer_text, turn, found)
    await turn.say(text, reply_markup=markup(turn.lang, found))


def offer_text(turn: Turn, found: list[duplicates.Nearby]) -> str:
    category = Category.get_or_none(Category.id == found[0].category_id)
    lines = [turn.t("dupes.offer.head", category=escape(category.name(turn.lang) if category else ""))]
    for n, item in enumerate(found, start=1):
        lines.append(turn.t("dupes.offer.item", n=n, place=escape(item.place) or turn.t("dupes.place.unknown"),
                            status=st.label(item.status, turn.lang), date=_date(turn, item.created_at),
                            distance=max(1, round(item.distance_m)), excerpt=escape(item.excerpt)))
    lines.append(turn.t("dupes.offer.foot"))
    return "\n\n".join(lines)


def _date(turn: Turn, moment) -> str:
    local = to_local(moment, turn.config.TIMEZONE)
    months = MONTHS_EN if turn.lang == "en" else MONTHS_ID
    return f"{local.day} {months[local.month - 1]} {local.year}"


def markup(lang: str, found: list[duplicates.Nearby]):
    if len(found) == 1:
        rows = [[keyboards.button(t("dupes.kb.support_one", lang), f"{PREFIX}:{found[0].id}")]]
    else:
        rows = [[keyboards.button(t("dupes.kb.support_n", lang, n=n), f"{PREFIX}:{item.id}")]
                for n, item in enumerate(found, start=1)]
    return keyboards.inline(rows + [[keyboards.button(t("dupes.kb.new", lang), f"{PREFIX}:new")]])


async def on_choice(turn: Turn, value: str) -> None:
    """"dup:<complaint id>" support that one; "dup:new" file anyway."""
    data = turn.draft.data or {}
    if value == "new":
        await turn.answer()
        await turn.edit(turn.t("dupes.chose_new"))
        await _continue(turn)
        return
    complaint_id = rules.parse_id(value)
    if complaint_id is None or complaint_id not in (data.get("dupes_offer") or []):
        await turn.answer(turn.t("bot.button.expired"))
        return
    await turn.answer()
    user = turn.update.effective_user
    who = ReporterInfo(telegram_id=user.id, chat_id=turn.chat_id, first_name=user.first_name or "",
                       last_name=user.last_name or "", username=user.username or "", language=turn.lang)
    try:
        done = await database_work(turn.config, duplicates.support, complaint_id, who,
                                   data.get("description") or "", data.get("photos") or [])
    except duplicates.DuplicateError:
        await turn.edit(turn.t("dupes.gone"))
        await _continue(turn)
        return
    drafts.finish(turn.draft)  # the photos now belong to the supported complaint: not removed
    await turn.edit(await database_work(turn.config, supported_text, turn, done))


def supported_text(turn: Turn, done: duplicates.Supported) -> str:
    complaint = done.complaint
    place = duplicates.places({complaint.desa_id}).get(complaint.desa_id, "") if complaint.desa_id else ""
    category = complaint.category.name(turn.lang) if complaint.category_id else ""
    added = turn.t("dupes.supported.added", photos=done.photos)
    return turn.t("dupes.supported", code=complaint.tracking_code, category=escape(category),
                  place=escape(place) or turn.t("dupes.place.unknown"), added=added)


async def _continue(turn: Turn) -> None:
    """Back to the filing: the step that was next when the offer was made."""
    step = (turn.draft.data or {}).get("dupes_next") or drafts.PRIVACY
    turn.save(step, dupes_next=None, dupes_offer=None)
    await prompts.prompt(turn, step)
