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
    drafts.VILLAGE: drafts.PRIVACY,
    drafts.PRIVACY: drafts.SUMMARY,
}
DESCRIPTION_PREVIEW = 400  # characters of the description shown in the summary


def category_items(lang: str) -> list[rules.CategoryItem]:
    query = Category.select().where(Category.active == True).order_by(Category.sort_order, Category.id)  # noqa: E712
    return [rules.CategoryItem(c.id, c.name(lang), c.group_en if lang == "en" else c.group_id) for c in query]


async def advance(turn: Turn, done_step: str, say_first: tuple | None = None, lead: str | None = None,
                  clear_keyboard: bool = False, **changes) -> None:
    """After `done_step`: the next step, or back to the summary when editing.

    `changes` (what the step gave) are saved with the new step, in one write; then
    `say_first` (text, reply markup), if given, is said before the next question. With `lead`
    (what the step got, e.g. "Category: Roads ✓"), that line and the next question make one
    message: the pressed message edited, or one new message (`clear_keyboard`: which also
    removes the location keyboard)."""
    editing = (turn.draft.data or {}).get("editing")
    step = drafts.SUMMARY if editing else NEXT[done_step]
    turn.save(step, **changes, editing=None if step == drafts.SUMMARY else editing)
    if say_first is not None:
        await turn.say(*say_first)
    if await interlude(turn, lead or "", clear_keyboard):
        return  # a step in between asked its own question (e.g. duplicates nearby), the lead in it
    if lead is None:
        await prompt(turn, step)
    else:
        await show_step(turn, step, lead, clear_keyboard)


async def show_step(turn: Turn, step: str, lead: str = "", clear_keyboard: bool = False) -> None:
    """`lead` and the question of `step` in one message (see advance)."""
    built = await question(turn, step)
    if built is None:  # a question with a reply keyboard (location), or a summary missing a part
        if lead:
            await (turn.say_clearing_keyboard(lead) if clear_keyboard else turn.show(lead))
        await prompt(turn, step)
        return
    text, markup = built
    text = f"{lead}\n\n{text}" if lead else text
    if clear_keyboard and turn.update.callback_query is None:
        message_id = (await turn.say_clearing_keyboard(text, markup)).message_id
    else:
        message_id = await turn.show(text, markup)
    _remember(turn, step, message_id)


async def prompt(turn: Turn, step: str | None = None) -> None:
    """Ask the question of `step` (default: the draft's current step)."""
    await PROMPTS[step or turn.draft.step](turn)


def _remember(turn: Turn, step: str, message_id: int) -> None:
    """The photo step's question: its "skip" button is removed once a photo arrives."""
    if step == drafts.PHOTOS:
        turn.save(photos_prompt=message_id, photo_ack=None)


async def question(turn: Turn, step: str) -> tuple[str, object] | None:
    """(text, inline keyboard) of a step's question; None for a step asked otherwise."""
    cfg = turn.config
    data = turn.draft.data or {}
    if step == drafts.CATEGORY:
        items = category_items(turn.lang)
        if not items:
            return None
        groups = rules.category_groups(items)
        return turn.t("bot.file.category"), (keyboards.category_groups(groups) if groups else keyboards.categories(items))
    if step == drafts.DESCRIPTION:
        return turn.t("bot.file.description", min=cfg.DESCRIPTION_MIN, max=cfg.DESCRIPTION_MAX), None
    if step == drafts.PHOTOS:
        count = len(data.get("photos", []))
        return turn.t("bot.file.photos", max=cfg.MAX_PHOTOS), keyboards.photos(turn.lang, count)
    if step == drafts.PRIVACY:
        return privacy_question(turn)
    if step == drafts.SUMMARY:
        if complaints.missing_parts(data):
            return None
        text = await database_work(turn.config, summary_text, turn)  # five reads
        return text, keyboards.summary(turn.lang, turn.draft.token)
    return None


def privacy_question(turn: Turn) -> tuple[str, object]:
    """Step 5: anonymous, confidential and (with photos) may the photos be public; default no."""
    data = turn.draft.data or {}
    has_photos = bool(data.get("photos"))
    text = turn.t("bot.file.privacy")
    if has_photos:
        text += "\n" + turn.t("bot.file.privacy.photos")
    text += "\n" + turn.t("bot.file.privacy.then")
    markup = keyboards.privacy(turn.lang, bool(data.get("anonymous")), bool(data.get("confidential")),
                               bool(data.get("photos_public")) if has_photos else None)
    return text, markup


async def ask_category(turn: Turn, edit: bool = False) -> None:
    """Step 1: the categories, by group when there are many (`edit`: in the pressed menu)."""
    built = await question(turn, drafts.CATEGORY)
    if built is None:
        await turn.say(turn.t("bot.file.no_categories"))
        return
    await (turn.show(*built) if edit else turn.say(*built))


async def ask_description(turn: Turn) -> None:
    """Step 2: what happened, with the length limits stated."""
    await turn.say(*await question(turn, drafts.DESCRIPTION))


async def ask_photos(turn: Turn) -> None:
    """Step 3: photos, with done/skip buttons."""
    sent = await turn.say(*await question(turn, drafts.PHOTOS))
    _remember(turn, drafts.PHOTOS, sent.message_id)


async def ask_location(turn: Turn) -> None:
    """Step 4: the GPS button and the typed-address way out."""
    await turn.say(turn.t("bot.file.location"), reply_markup=keyboards.location(turn.lang))


async def ask_address(turn: Turn) -> None:
    """Step 4, without GPS: the typed address."""
    await turn.say(turn.t("bot.file.address", min=rules.ADDRESS_MIN, max=rules.ADDRESS_MAX),
                   reply_markup=ReplyKeyboardRemove())


async def ask_privacy(turn: Turn) -> None:
    """Step 5: the privacy toggles."""
    await turn.say(*privacy_question(turn))


async def ask_summary(turn: Turn) -> None:
    """Everything given, with confirm / edit / cancel (or back to what is missing)."""
    missing = complaints.missing_parts(turn.draft.data)
    if missing:
        await turn.say(turn.t("bot.file.incomplete"))
        turn.save(drafts.LOCATION if missing[0] == "location" else missing[0], editing=None)
        await prompt(turn)
        return
    await turn.say(*await question(turn, drafts.SUMMARY))


def summary_text(turn: Turn) -> str:
    return turn.t("bot.summary.title") + summary_details(turn) + turn.t("bot.summary.ask")


def summary_details(turn: Turn) -> str:
    """The complaint as given (the summary's body, kept in the receipt)."""
    data = turn.draft.data
    category = Category.get_by_id(data["category_id"])
    office = (complaints.predicted_office(category, data.get("desa_id"), data.get("requested_opd_id"))
              or turn.t("bot.office.admin"))
    text = turn.t(
        "bot.summary.details", category=escape(category.name(turn.lang)),
        description=escape(rules.shorten(data["description"], DESCRIPTION_PREVIEW)),
        photos=len(data.get("photos", [])), place=place_text(turn, data),
        anonymous=turn.t("bot.yes" if data.get("anonymous") else "bot.no"),
        confidential=turn.t("bot.yes" if data.get("confidential") else "bot.no"), office=escape(office),
    )
    if data.get("photos"):
        text += turn.t("bot.summary.photos_public", value=turn.t("bot.yes" if data.get("photos_public") else "bot.no"))
    official = Official.get_or_none(Official.id == data.get("official_id")) if data.get("official_id") else None
    if official is not None and official.desa_id:
        text += turn.t("bot.summary.on_behalf", desa=escape(str(official.desa)))
    return text


def place_text(turn: Turn, data: dict) -> str:
    """Where: the village (with its kecamatan) found for the point; a typed address as typed,
    with the village beside it, or "village not known" when the reporter could not say."""
    desa = Desa.get_or_none(Desa.id == data["desa_id"]) if data.get("desa_id") else None
    typed = rules.shorten(data.get("address_text") or "", 200)
    if data.get("latitude") is None and typed:
        village = regions.place_text(desa, None) if desa else ""
        return turn.t("bot.place.typed", address=escape(typed),
                      village=escape(village) if village else turn.t("bot.place.no_village"))
    place = regions.place_text(desa, typed)
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


async def interlude(turn: Turn, lead: str = "", clear_keyboard: bool = False) -> bool:
    """True when a step in between asked its own question; `lead` (what the step just got) and
    the location keyboard's removal go with it, as show_step would have done."""
    for fn in INTERLUDES:
        if await fn(turn, lead, clear_keyboard):
            return True
    return False
