"""The location step: a GPS point (the button, a shared location or a venue), or a typed address.

A point outside every village of the regency is refused with another chance; everything
given so far stays in the draft. A typed address is kept as written, and the village guessed
from it (core.routing.match_address) is shown beside it for the reporter to confirm; they may
pick the village instead (kecamatan, then desa, paged in the same message, or typed by name)
or say they do not know it (the main admin routes the complaint then).
"""
from __future__ import annotations

import threading

from peewee import fn

from bot import drafts, keyboards, rules
from bot.filing import prompts
from bot.common import Turn
from core import routing
from models import Desa, Kecamatan
from services import regions
from services.messaging.outbox import escape

_villages_lock = threading.Lock()
_villages_cache: dict = {}


async def on_location(turn: Turn) -> None:
    """A location or venue: the village that contains it, or another chance."""
    message = turn.message
    point = message.venue.location if message.venue else message.location
    desa = regions.locate(point.latitude, point.longitude)
    if desa is None:
        await turn.say(turn.t("bot.file.outside", regency=escape(turn.config.REGENCY_NAME)),
                       reply_markup=_location_keyboard(turn))
        return
    address = ""
    if message.venue:
        address = rules.clean_text(", ".join(p for p in (message.venue.title, message.venue.address) if p))
    text = turn.t("bot.file.location_saved", place=escape(f"{desa}, {desa.kecamatan}"))
    # Saved with the next step in one write; one message says it and asks the next question.
    await prompts.advance(turn, drafts.LOCATION, lead=text, clear_keyboard=True, latitude=point.latitude,
                          longitude=point.longitude, accuracy=point.horizontal_accuracy, desa_id=desa.id,
                          address_text=rules.shorten(address, rules.ADDRESS_MAX) or None, village_guess=None,
                          village_unknown=None)


def _location_keyboard(turn: Turn):
    return keyboards.location(turn.lang) if turn.draft.step == drafts.LOCATION else None


async def location_text(turn: Turn) -> None:
    """Text at the location step: the "type an address" button, or the address itself."""
    text = turn.message.text or ""
    if text.strip() == turn.t("bot.kb.type_address"):
        turn.save(drafts.ADDRESS)
        await prompts.prompt(turn, drafts.ADDRESS)
        return
    await on_address(turn)


async def on_address(turn: Turn) -> None:
    """A typed address: checked for length, kept as typed; then the village, guessed from it
    (whole words, the longest name), is confirmed or picked by the reporter, who may also say
    they do not know it (the main admin routes the complaint then)."""
    check = rules.check_address(turn.message.text)
    if check.error:
        await turn.say(turn.t(f"bot.file.address.{check.error}", max=rules.ADDRESS_MAX))
        return
    desa = matching_village(check.text)
    keyboard_shown = turn.draft.step == drafts.LOCATION  # the location button is still up
    turn.save(drafts.VILLAGE, latitude=None, longitude=None, accuracy=None, address_text=check.text, desa_id=None,
              village_guess=desa.id if desa else None, village_unknown=None)
    text, markup = village_check(turn)
    await (turn.say_clearing_keyboard(text, markup) if keyboard_shown else turn.say(text, markup))


def _typed(turn: Turn) -> str:
    return turn.t("bot.file.address_typed", address=escape(rules.shorten(turn.draft.data.get("address_text") or "", 300)))


def _guess(turn: Turn) -> Desa | None:
    guess = turn.draft.data.get("village_guess")
    return Desa.get_or_none(Desa.id == guess) if guess else None


def village_check(turn: Turn) -> tuple[str, object]:
    """What was typed, the village guessed from it beside it, and the three ways on."""
    desa = _guess(turn)
    if desa is not None:
        text = _typed(turn) + "\n\n" + turn.t("bot.file.address_guess", place=escape(regions.place_text(desa, None)))
    else:
        text = _typed(turn) + "\n\n" + turn.t("bot.file.address_no_guess")
    return text, keyboards.village_check(turn.lang, str(desa) if desa else None)


async def ask_village(turn: Turn) -> None:
    """The village question again (resume, or something else sent meanwhile)."""
    await turn.say(*village_check(turn))


PAGE_SIZE = 10


async def on_village(turn: Turn, value: str) -> None:
    """"dv:…": yes (the guess), no (not known), a page of kecamatan or of one kecamatan's desa, a desa."""
    await turn.answer()
    kind, _, rest = value.partition(":")
    if kind == "ok":
        desa = _guess(turn)
        if desa is None:
            await turn.show(*village_check(turn))
            return
        await _chosen(turn, desa)
    elif kind == "no":
        await prompts.advance(turn, drafts.VILLAGE, lead=_typed(turn) + "\n" + turn.t("bot.file.village_unknown"),
                              desa_id=None, village_unknown=True)
    elif kind == "d":
        desa = Desa.get_or_none(Desa.id == rules.parse_id(rest)) if rules.parse_id(rest) else None
        if desa is None:
            await turn.show(*village_check(turn))
            return
        await _chosen(turn, desa)
    elif kind == "k":
        await _kecamatan_page(turn, rules.parse_id(rest) or 1)
    elif kind == "K":
        kec, _, page = rest.partition(":")
        await _desa_page(turn, rules.parse_id(kec), rules.parse_id(page) or 1)
    else:  # "back", or anything unknown: the question again
        await turn.show(*village_check(turn))


async def _chosen(turn: Turn, desa: Desa) -> None:
    lead = _typed(turn) + "\n" + turn.t("bot.file.village_chosen", place=escape(regions.place_text(desa, None)))
    await prompts.advance(turn, drafts.VILLAGE, lead=lead, desa_id=desa.id, village_unknown=None)


def _pages(count: int) -> int:
    return max(1, (count + PAGE_SIZE - 1) // PAGE_SIZE)


async def _kecamatan_page(turn: Turn, page: int) -> None:
    query = Kecamatan.select(Kecamatan.id, Kecamatan.name).order_by(Kecamatan.name)
    pages = _pages(query.count())
    page = min(max(1, page), pages)
    items = [keyboards.button(k.name, f"dv:K:{k.id}:1") for k in query.paginate(page, PAGE_SIZE)]
    text = _typed(turn) + "\n\n" + turn.t("bot.file.pick_kecamatan", page=page, pages=pages)
    await turn.show(text, keyboards.village_pages(turn.lang, items, page, pages, "dv:k", "dv:back"))


async def _desa_page(turn: Turn, kecamatan_id: int | None, page: int) -> None:
    kecamatan = Kecamatan.get_or_none(Kecamatan.id == kecamatan_id) if kecamatan_id else None
    if kecamatan is None:
        await _kecamatan_page(turn, 1)
        return
    query = Desa.select(Desa.id, Desa.name).where(Desa.kecamatan == kecamatan).order_by(Desa.name)
    pages = _pages(query.count())
    page = min(max(1, page), pages)
    items = [keyboards.button(d.name, f"dv:d:{d.id}") for d in query.paginate(page, PAGE_SIZE)]
    text = _typed(turn) + "\n\n" + turn.t("bot.file.pick_desa", kecamatan=escape(kecamatan.name), page=page,
                                           pages=pages)
    await turn.show(text, keyboards.village_pages(turn.lang, items, page, pages, f"dv:K:{kecamatan.id}", "dv:k:1"))


async def village_text(turn: Turn) -> None:
    """Text at the village step: a search by the village's name (the buttons come with the answer)."""
    query = rules.clean_text(turn.message.text or "")[:60]
    words = [w for w in query.lower().split() if w not in ("desa", "kelurahan", "kel.", "ds.")]
    found = []
    if words:
        condition = None
        for word in words:
            term = Desa.name.contains(word)  # ILIKE: case does not matter
            condition = term if condition is None else condition & term
        found = list(Desa.select(Desa.id, Desa.name, Desa.kecamatan).where(condition).order_by(Desa.name)
                     .limit(PAGE_SIZE))
    list_button = [keyboards.button(turn.t("bot.kb.village_list"), "dv:k:1"),
                   keyboards.button(turn.t("bot.kb.village_unknown"), "dv:no")]
    if not found:
        await turn.say(turn.t("bot.file.village_search_none", query=escape(query)),
                       reply_markup=keyboards.inline([list_button]))
        return
    rows = [[keyboards.button(f"{d.name} ({d.kecamatan.name})", f"dv:d:{d.id}")] for d in found]
    await turn.say(turn.t("bot.file.village_search", query=escape(query)), reply_markup=keyboards.inline(rows + [list_button]))


async def location_expected(turn: Turn) -> None:
    """Something else at the location step: say what is needed."""
    await turn.say(turn.t("bot.file.location_expected"), reply_markup=_location_keyboard(turn))


def matching_village(text: str) -> Desa | None:
    """The one village a typed address names (core.routing.match_address), if any."""
    code = routing.match_address(text, _villages())
    return Desa.get_or_none(Desa.code == code) if code else None


def _villages() -> list[tuple[str, str, str]]:
    """(code, village, kecamatan) of every village, cached until the regions change."""
    stamp = Desa.select(fn.COUNT(Desa.id), fn.MAX(Desa.updated_at)).scalar(as_tuple=True)
    with _villages_lock:
        if _villages_cache.get("stamp") != stamp:
            rows = Desa.select(Desa.code, Desa.name, Kecamatan.name).join(Kecamatan).tuples()
            _villages_cache["rows"] = list(rows)
            _villages_cache["stamp"] = stamp
        return _villages_cache["rows"]
