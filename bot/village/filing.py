"""A village head filing for the village: a village-level category cannot go back to the
village itself, so the head chooses the OPD that should take it (Complaint.requested_opd,
which the assignment job honours), or leaves it to the main admin.

The choice is one more filing step (OPD_CHOICE) right after the category; its question is
registered (by bot.router) in bot.filing.prompts.PROMPTS so a resumed or re-asked draft shows it like any other.
"""
from __future__ import annotations

from bot import drafts, rules
from bot.filing import prompts
from bot.village import views
from bot.common import Turn
from models import Category
from services.complaints import offices
from services.messaging.outbox import escape


def needs_choice(turn: Turn, category: Category) -> bool:
    """Filed on behalf of a village (see filing.start_filing) in a village-level category."""
    return bool(category.village_level and (turn.draft.data or {}).get("official_id"))


async def after_category(turn: Turn, category: Category) -> None:
    """Called once the category is chosen (and saved, with no OPD requested yet): ask for the OPD
    when needed, else go on."""
    if needs_choice(turn, category):
        turn.save(drafts.OPD_CHOICE)
        await ask_opd(turn)
        return
    await prompts.advance(turn, drafts.CATEGORY)


async def ask_opd(turn: Turn) -> None:
    """The OPD buttons (the main admin's office as "not sure")."""
    await turn.say(turn.t("village.file.opd"), reply_markup=views.opd_markup(turn.lang))


async def on_choice(turn: Turn, value: str) -> None:
    """"vr:<opd id>" or "vr:admin": remember the office and continue as after the category."""
    if value == "admin":
        opd = offices.main_admin_office()
    else:
        opd_id = rules.parse_id(value)
        opd = offices.active_opd(opd_id)
    if opd is None:
        await turn.answer(turn.t("bot.button.expired"))
        await ask_opd(turn)
        return
    await turn.answer()
    turn.save(requested_opd_id=opd.id)
    await turn.edit(turn.t("village.file.opd_chosen", office=escape(opd.name)))
    await prompts.advance(turn, drafts.CATEGORY)
