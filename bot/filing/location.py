"""The location step: a GPS point (the button, a shared location or a venue), or a typed address.

A point outside every village of the regency is refused with another chance; everything
given so far stays in the draft. A typed address is kept as written; the village it names,
when exactly one does, is remembered (the assignment job routes again anyway).
"""
from __future__ import annotations

import threading

from peewee import fn
from telegram import ReplyKeyboardRemove

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
    # Saved with the next step in one write, before anything is said.
    await prompts.advance(turn, drafts.LOCATION, say_first=(text, ReplyKeyboardRemove()), latitude=point.latitude,
                          longitude=point.longitude, accuracy=point.horizontal_accuracy, desa_id=desa.id,
                          address_text=rules.shorten(address, rules.ADDRESS_MAX) or None)


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
    """A typed address: checked for length, kept, matched to a village when possible."""
    check = rules.check_address(turn.message.text)
    if check.error:
        await turn.say(turn.t(f"bot.file.address.{check.error}", max=rules.ADDRESS_MAX))
        return
    desa = matching_village(check.text)
    text = turn.t("bot.file.address_saved", address=escape(rules.shorten(check.text, 300)))
    if desa is not None:
        text += turn.t("bot.file.address_village", place=escape(f"{desa}, {desa.kecamatan}"))
    await prompts.advance(turn, drafts.ADDRESS, say_first=(text, ReplyKeyboardRemove()), latitude=None,
                          longitude=None, accuracy=None, address_text=check.text, desa_id=desa.id if desa else None)


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
