"""A tracking code sent to the bot for a complaint filed elsewhere (recorded by staff, Open311):
the sender becomes its follower by services.complaints.claiming's rule, and is told so."""
from __future__ import annotations

import re

from bot.common import Turn, database_work
from core import tracking
from services import linking
from services.complaints import claiming, filing
from services.messaging.outbox import escape


def _person(turn: Turn) -> filing.ReporterInfo:
    user = turn.update.effective_user
    return filing.ReporterInfo(telegram_id=user.id, chat_id=turn.chat_id, first_name=user.first_name or "",
                               last_name=user.last_name or "", username=user.username or "", language=turn.lang)


async def try_claim(turn: Turn, complaint, code: str):
    """Take up `complaint` for this person if the rule allows; returns the complaint when they
    now follow it (the caller shows its status), else None after saying why."""
    text = turn.message.text if turn.message is not None and turn.message.text else ""
    digits = claiming.digits_in(text, code)
    result = await database_work(turn.config, claiming.claim, complaint.id, _person(turn), digits)
    code_html = escape(complaint.tracking_code)
    if result.outcome in (claiming.CLAIMED, claiming.ALREADY):
        if result.outcome == claiming.CLAIMED:
            await turn.say(turn.t("claim.bot.claimed", code=code_html))
        return result.complaint
    phone = result.complaint is not None and claiming.needs_digits(result.complaint)
    if result.outcome == claiming.NEEDS_DIGITS:
        await turn.say(turn.t("claim.bot.needs_digits" if phone else "claim.bot.needs_pin", code=code_html))
    elif result.outcome == claiming.WRONG_DIGITS:
        await turn.say(turn.t("claim.bot.wrong_digits" if phone else "claim.bot.wrong_pin", code=code_html,
                              left=result.tries_left))
    elif result.outcome == claiming.LOCKED:
        await turn.say(turn.t("claim.bot.locked", code=code_html))
    else:
        await turn.say(turn.t("bot.status.not_found", code=escape(code)))
    return None


_CLAIM_TEXT = re.compile(r"^\s*(?:kode\s*:?\s*|code\s*:?\s*)?([A-Za-z0-9]{4}[-\s]?[A-Za-z0-9]{4})[\s,.;:#-]+(\d{4})\s*$",
                         re.IGNORECASE)


def claim_code(text: str | None) -> str | None:
    """The tracking code of a message that is a code and 4 digits ("K7RX-4AMT 1234"), at any step:
    it is read before link codes (whose 4-4-4 shape it shares) and before the filing steps."""
    match = _CLAIM_TEXT.match(text or "")
    code = tracking.normalize(match.group(1)) if match else None
    if code and linking.looks_like_code(text) and not claiming.claimable(filing.find_by_code(code)):
        return None  # an official's link code that merely looks like one (its last group all digits)
    return code
