"""Greeting, main menu, help and language."""
from __future__ import annotations

from bot import drafts, keyboards, rules
from bot.common import Turn
from bot.followup.handlers import show_code
from models import Reporter
from services.complaints import filing as complaints
from services.messaging.outbox import escape


async def start(turn: Turn) -> None:
    """/start: greeting, what the bot is for, the menu; `/start <code>` opens that complaint."""
    code = rules.deep_link_code(list(turn.context.args or []))
    if code:
        await show_code(turn, code)
        return
    text = turn.t("bot.start", name=turn.name(), regency=escape(turn.config.REGENCY_NAME))
    official = complaints.village_official_for(turn.user_id)
    if official is not None:
        role = turn.t(f"bot.role.{official.role}")
        text += "\n\n" + turn.t("bot.start.village", role=role, desa=escape(str(official.desa)))
    if drafts.is_filing(turn.draft):
        text += "\n\n" + turn.t("bot.start.draft_waiting")
    await turn.say(text, reply_markup=keyboards.main_menu(turn.lang))


async def show_help(turn: Turn) -> None:
    """/bantuan: the commands and how tracking codes work."""
    await turn.say(turn.t("bot.help"), reply_markup=keyboards.main_menu(turn.lang))


async def ask_language(turn: Turn) -> None:
    """/bahasa: Indonesian or English."""
    await turn.say(turn.t("bot.language.prompt"), reply_markup=keyboards.languages())


async def set_language(turn: Turn, value: str) -> None:
    """"lang:<code>": remember the choice on the reporter row."""
    if value not in ("id", "en"):
        await turn.answer(turn.t("bot.button.expired"))
        return
    user = turn.update.effective_user
    reporter = complaints.upsert_reporter(complaints.ReporterInfo(
        telegram_id=user.id, chat_id=turn.chat_id, first_name=user.first_name or "", last_name=user.last_name or "",
        username=user.username or "", language=value))
    Reporter.update(language=value, language_chosen=True).where(Reporter.id == reporter.id).execute()
    turn.lang = value
    await turn.answer()
    await turn.edit(turn.t("bot.language.set"))
    await turn.say(turn.t("bot.menu.prompt"), reply_markup=keyboards.main_menu(value))


async def ask_code(turn: Turn) -> None:
    """Menu "check a tracking code": codes are read from any message, so just ask."""
    await turn.say(turn.t("bot.track.prompt"))
