"""Following on Telegram a complaint that was filed without it (recorded by staff for a phone
call, a WhatsApp message, a visit, a social-media post; or posted through Open311).

The rule: a complaint with no Telegram reporter may be taken up by the first person who sends
its tracking code to the bot, and from then on they are its reporter (every status change
reaches them, they rate and reopen like anyone who filed in the bot). The code is the secret
is not enough alone: a public complaint's code is listed on the public pages and through
Open311. Four digits must come with it ("K7RX-4AMT 1234"): the last 4 of the phone number the
staff recorded, or, without one, the PIN printed on the reporter's slip (Complaint.claim_pin,
random at filing). Wrong digits are counted per complaint
(Redis) and after CLAIM_MAX_WRONG in a day the complaint cannot be claimed until the next day.
Once someone follows it, nobody else can take it over.
"""
from __future__ import annotations

import logging
import re
import secrets
from dataclasses import dataclass

import i18n
from models import Complaint, Reporter
from services import runtime
from services.complaints import filing
from services.complaints.status_door import add_note
from services.tx import locked, transaction

log = logging.getLogger(__name__)

CLAIM_MAX_WRONG = 5
CLAIM_WINDOW_SECONDS = 24 * 3600
DIGITS = 4
_FOUR_DIGITS = re.compile(r"(?<!\d)(\d{4})(?!\d)")

CLAIMED, ALREADY, NEEDS_DIGITS, WRONG_DIGITS, LOCKED, NOT_CLAIMABLE = (
    "claimed", "already", "needs_digits", "wrong_digits", "locked", "not_claimable")


@dataclass
class ClaimResult:
    outcome: str
    complaint: Complaint | None = None
    tries_left: int = 0


def claimable(complaint: Complaint | None) -> bool:
    """A complaint nobody follows on Telegram yet (it came in through another channel)."""
    return complaint is not None and complaint.reporter_id is None and (complaint.channel or "telegram") != "telegram"


def needs_digits(complaint: Complaint) -> bool:
    """Whether the digits asked are the phone's (True) or the slip's PIN (False)."""
    return len(phone_digits(complaint.contact_phone)) >= DIGITS


def expected_digits(complaint: Complaint) -> str:
    """The 4 digits that must come with the code; "" when there are none (nobody can claim it)."""
    if needs_digits(complaint):
        return phone_digits(complaint.contact_phone)[-DIGITS:]
    return complaint.claim_pin or ""


def phone_digits(phone: str | None) -> str:
    return "".join(ch for ch in (phone or "") if ch.isdigit())


def digits_in(text: str, code: str) -> str | None:
    """The 4 digits a person wrote beside the code ("K7RX-4AMT 1234"), if any."""
    rest = (text or "").upper().replace(code, " ").replace(code.replace("-", ""), " ")
    found = _FOUR_DIGITS.findall(rest)
    return found[-1] if found else None


def claim(complaint_id: int, person: filing.ReporterInfo, digits: str | None) -> ClaimResult:
    """Attach `person` as the reporter of a complaint filed without Telegram, by the rule above."""
    complaint = Complaint.get_or_none(Complaint.id == complaint_id)
    if complaint is None:
        return ClaimResult(NOT_CLAIMABLE)
    if complaint.reporter_id is not None:
        same = Reporter.get_or_none(Reporter.id == complaint.reporter_id)
        return ClaimResult(ALREADY if same and same.telegram_id == person.telegram_id else NOT_CLAIMABLE, complaint)
    if not claimable(complaint):
        return ClaimResult(NOT_CLAIMABLE)
    expected = expected_digits(complaint)
    if not expected:
        return ClaimResult(NOT_CLAIMABLE)  # e.g. posted through Open311 without a phone: no PIN was given out
    wrong = _wrong_count(complaint.id)
    if wrong >= CLAIM_MAX_WRONG:
        return ClaimResult(LOCKED, complaint)
    if digits is None:
        return ClaimResult(NEEDS_DIGITS, complaint, CLAIM_MAX_WRONG - wrong)
    if not secrets.compare_digest(digits, expected):
        wrong = _count_wrong(complaint.id)
        return ClaimResult(LOCKED if wrong >= CLAIM_MAX_WRONG else WRONG_DIGITS, complaint,
                           max(0, CLAIM_MAX_WRONG - wrong))
    with transaction():
        row = locked(Complaint.select().where(Complaint.id == complaint.id))
        if row is None or row.reporter_id is not None:
            return ClaimResult(NOT_CLAIMABLE)  # taken by someone else a moment ago
        reporter = filing.upsert_reporter(person)
        Complaint.update(reporter=reporter).where(Complaint.id == row.id).execute()
        add_note(row.id, i18n.t("claim.history", runtime.config().DEFAULT_LANGUAGE), reporter_actor=reporter,
                 visible_to_reporter=False)
    return ClaimResult(CLAIMED, Complaint.get_by_id(complaint.id))


def _key(complaint_id: int) -> str:
    return f"{runtime.config().QUEUE_PREFIX}:claim-wrong:{complaint_id}"


def _wrong_count(complaint_id: int) -> int:
    try:
        return int(runtime.redis().get(_key(complaint_id)) or 0)
    except Exception:  # Redis away: refuse rather than allow unlimited guessing
        log.warning("claim attempts unknown (Redis unreachable); complaint %s not claimable now", complaint_id)
        return CLAIM_MAX_WRONG


def _count_wrong(complaint_id: int) -> int:
    try:
        pipe = runtime.redis().pipeline()
        pipe.incr(_key(complaint_id))
        pipe.expire(_key(complaint_id), CLAIM_WINDOW_SECONDS, nx=True)
        return int(pipe.execute()[0])
    except Exception:
        return CLAIM_MAX_WRONG
