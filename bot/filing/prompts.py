"""The question of each filing step, and moving a draft to its next step.

The step graph is declared once (`NEXT`); editing from the summary jumps to one step and
comes straight back to the summary.
"""
from __future__ import annotations

from telegram import ReplyKeyboardRemove

from bot import drafts, keyboards, rules
from bot.common import Turn, database_work
from models import Category, Desa, Official
from services import regions
from services.complaints import filing as complaints
from services.messaging.outbox import escape

NEXT = {
    drafts.CATEGORY: drafts.DESCRIPTION,
    drafts.DESCRIPTION: drafts.PHOTOS,
    drafts.PHOTOS: drafts.LOCATION,
    drafts.LOCATION: drafts.PRIVACY,
    drafts.ADDRESS: drafts.PRIVACY,
    drafts.PRIVACY: drafts.SUMMARY,
}
DESCRIPTION_PREVIEW = 400  # characters of the description shown in the summary


def category_items(lang: str) -> list[rules.CategoryItem]:
    query = Category.select().where(Category.active == True).order_by(Category.sort_order, Category.id)  # noqa: E712
    return [rules.CategoryItem(c.id, c.name(lang), c.group_en if lang == "en" else c.group_id) for c in query]


async def advance(turn: Turn, done_step: str, say_first: tuple | None = None, **changes) -> None:
    """After `done_step`: the next step, or back to the summary when editing.

    `changes` (what the step gave) are saved with the new step, in one write; then
    `say_first` (text, reply markup), if given, is said before the next question."""
    editing = (turn.draft.data or {}).get("editing")
    step = drafts.SUMMARY if editing else NEXT[done_step]
    turn.save(step, **changes, editing=None if step == drafts.SUMMARY else editing)
    if say_first is not None:
        await turn.say(*say_first)
    if await interlude(turn):
        return  # a step in between asked its own question (e.g. duplicates nearby)
    await prompt(turn, step)


async def prompt(turn: Turn, step: str | None = None) -> None:
    """Ask the question of `step` (default: the draft's current step)."""
    await PROMPTS[step or turn.draft.step](turn)


async def ask_category(turn: Turn) -> None:
    """Step 1: the categories, by group when there are many."""
    items = category_items(turn.lang)
    if not items:
        await turn.say(turn.t("bot.file.no_categories"))
        return
    groups = rules.category_groups(items)
    markup = keyboards.category_groups(groups) if groups else keyboards.categories(items)
    await turn.say(turn.t("bot.file.category"), reply_markup=markup)


async def ask_description(turn: Turn) -> None:
    """Step 2: what happened, with the length limits stated."""
    cfg = turn.config
    await turn.say(turn.t("bot.file.description", min=cfg.DESCRIPTION_MIN, max=cfg.DESCRIPTION_MAX))


async def ask_photos(turn: Turn) -> None:
    """Step 3: photos, with done/skip buttons."""
    count = len(turn.draft.data.get("photos", []))
    await turn.say(turn.t("bot.file.photos", max=turn.config.MAX_PHOTOS), reply_markup=keyboards.photos(turn.lang, count))


async def ask_location(turn: Turn) -> None:
    """Step 4: the GPS button and the typed-address way out."""
    await turn.say(turn.t("bot.file.location"), reply_markup=keyboards.location(turn.lang))


async def ask_address(turn: Turn) -> None:
    """Step 4, without GPS: the typed address."""
    await turn.say(turn.t("bot.file.address", min=rules.ADDRESS_MIN, max=rules.ADDRESS_MAX),
                   reply_markup=ReplyKeyboardRemove())


async def ask_privacy(turn: Turn) -> None:
    """Step 5: the anonymous and confidential toggles."""
    data = turn.draft.data
    markup = keyboards.privacy(turn.lang, bool(data.get("anonymous")), bool(data.get("confidential")))
    await turn.say(turn.t("bot.file.privacy"), reply_markup=markup)


async def ask_summary(turn: Turn) -> None:
    """Everything given, with confirm / edit / cancel (or back to what is missing)."""
    missing = complaints.missing_parts(turn.draft.data)
    if missing:
        await turn.say(turn.t("bot.file.incomplete"))
        turn.save(drafts.LOCATION if missing[0] == "location" else missing[0], editing=None)
        await prompt(turn)
        return
    text = await database_work(turn.config, summary_text, turn)  # five reads
    await turn.say(text, reply_markup=keyboards.summary(turn.lang, turn.draft.token))


def summary_text(turn: Turn) -> str:
    data = turn.draft.data
    category = Category.get_by_id(data["category_id"])
    office = (complaints.predicted_office(category, data.get("desa_id"), data.get("requested_opd_id"))
              or turn.t("bot.office.admin"))
    text = turn.t(
        "bot.summary", category=escape(category.name(turn.lang)),
        description=escape(rules.shorten(data["description"], DESCRIPTION_PREVIEW)),
        photos=len(data.get("photos", [])), place=place_text(turn, data),
        anonymous=turn.t("bot.yes" if data.get("anonymous") else "bot.no"),
        confidential=turn.t("bot.yes" if data.get("confidential") else "bot.no"), office=escape(office),
    )
    official = Official.get_or_none(Official.id == data.get("official_id")) if data.get("official_id") else None
    if official is not None and official.desa_id:
        text += turn.t("bot.summary.on_behalf", desa=escape(str(official.desa)))
    return text


def place_text(turn: Turn, data: dict) -> str:
    """The village found for the draft, with its kecamatan; else the typed address."""
    desa = Desa.get_or_none(Desa.id == data["desa_id"]) if data.get("desa_id") else None
    place = regions.place_text(desa, rules.shorten(data.get("address_text") or "", 200))
    return escape(place) or turn.t("bot.place.unknown")


# The question of each step a draft can be at, for prompt(): the filing steps here; the router
# adds, once and explicitly (`register`), the steps other flows give a draft, so that it
# declares the whole graph.
PROMPTS = {
    drafts.CATEGORY: ask_category,
    drafts.DESCRIPTION: ask_description,
    drafts.PHOTOS: ask_photos,
    drafts.LOCATION: ask_location,
    drafts.ADDRESS: ask_address,
    drafts.PRIVACY: ask_privacy,
    drafts.SUMMARY: ask_summary,
}


def register(questions: dict) -> None:
    """Add the questions of steps declared outside filing (called by bot.router only)."""
    clash = PROMPTS.keys() & questions.keys()
    if clash:
        raise ValueError(f"steps asked twice: {sorted(clash)}")
    PROMPTS.update(questions)


# Steps the router puts between two filing steps once the draft allows them (e.g. open
# complaints nearby, bot.filing.duplicates): each `fn(turn) -> bool` asks its own question and
# returns True when it did (it then continues the filing itself).
INTERLUDES: list = []


def register_interlude(fn) -> None:
    """Add a step in between (called by bot.router only)."""
    if fn not in INTERLUDES:
        INTERLUDES.append(fn)


async def interlude(turn: Turn) -> bool:
    for fn in INTERLUDES:
        if await fn(turn):
            return True
    return False
