"""Linking an official's Telegram account to their panel account with a one-time code.

The main admin (panel, CLI) creates a code for an official; the official sends it to the bot
(or opens the deep link `https://t.me/<bot>?start=link-<code>`), and from then on the bot
knows them: village officials receive their village's complaints and act on them in the chat.

A code is 12 symbols of the tracking-code alphabet (no look-alikes; 23**12 ≈ 2**54), shown
once as "K7RX-4AMT-PQ3C". Only its sha256 is stored. It expires, works once, and is refused
when the official is already linked to another account or the account to another official.
Wrong codes are counted per Telegram account (Redis) so nobody can try codes in bulk.
"""
from __future__ import annotations

import hashlib
import logging
import re
import secrets
import unicodedata
from datetime import datetime, timedelta

from peewee import IntegrityError
from redis.exceptions import RedisError

import i18n
from core import tracking
from models import LinkCode, Official, db, utcnow
from services import runtime
from services.messaging import outbox
from services.tx import locked, transaction

log = logging.getLogger(__name__)

ALPHABET = tracking.ALPHABET
SYMBOLS = 12
GROUP = 4
DEFAULT_TTL = timedelta(hours=48)
DEEP_LINK_PREFIX = "link-"
MAX_FAILURES = 5                  # wrong codes per Telegram account...
FAILURE_WINDOW = 15 * 60          # ...within this many seconds
_SEPARATORS = re.compile(r"[\s\-_.\u2010-\u2015\u2212]+")
# As shown (three groups), or typed without separators in upper case with a digit: an
# ordinary 12-letter word a resident types must not be taken for a code.
_GROUPED = re.compile(r"^(?:link-)?[a-z0-9]{4}[-\s][a-z0-9]{4}[-\s][a-z0-9]{4}$", re.IGNORECASE)
_BARE = re.compile(r"^(?:link-)?(?=[A-Z0-9]*\d)[A-Z0-9]{12}$")


class LinkError(ValueError):
    """A code that cannot link this account; `code` names the reason (see REASONS)."""

    def __init__(self, code: str, official: Official | None = None):
        super().__init__(code)
        self.code = code
        self.official = official


# unknown, expired, used, inactive, official_taken (linked to another account),
# account_taken (this account is another official's), too_many (wrong codes in a row)
REASONS = ("unknown", "expired", "used", "inactive", "official_taken", "account_taken", "too_many")


# --- codes -------------------------------------------------------------------------------
def new_code() -> str:
    """A fresh random code in its display form, e.g. "K7RX-4AMT-PQ3C"."""
    symbols = "".join(secrets.choice(ALPHABET) for _ in range(SYMBOLS))
    return "-".join(symbols[i:i + GROUP] for i in range(0, SYMBOLS, GROUP))


def normalize(text: str | None) -> str | None:
    """The code's 12 symbols from what was typed or linked (case, spaces, hyphens, "link-"), or None."""
    if not isinstance(text, str):
        return None
    cleaned = unicodedata.normalize("NFKC", text).strip()
    if cleaned.lower().startswith(DEEP_LINK_PREFIX):
        cleaned = cleaned[len(DEEP_LINK_PREFIX):]
    symbols = _SEPARATORS.sub("", cleaned).upper()
    if len(symbols) != SYMBOLS or any(s not in ALPHABET for s in symbols):
        return None
    return symbols


def looks_like_code(text: str | None) -> bool:
    """Whether a message is meant as a link code (even a mistyped one)."""
    stripped = (text or "").strip()
    return bool(_GROUPED.match(stripped) or _BARE.match(stripped))


def code_hash(symbols: str) -> str:
    return hashlib.sha256(symbols.encode("ascii")).hexdigest()


def deep_link(code: str, bot_username: str) -> str:
    """The t.me link that opens the bot with the code (empty without a bot username)."""
    name = (bot_username or "").strip().lstrip("@")
    if not name:
        return ""
    return f"https://t.me/{name}?start={DEEP_LINK_PREFIX}{normalize(code)}"


def create_link_code(official: Official, ttl: timedelta = DEFAULT_TTL, now: datetime | None = None) -> str:
    """A new code for `official` (returned once, only its hash is kept); earlier unused codes stop working."""
    now = now or utcnow()
    if not official.active:
        raise LinkError("inactive", official)
    with transaction():
        (LinkCode.update(expires_at=now)
         .where(LinkCode.official == official.id, LinkCode.used_at.is_null(), LinkCode.expires_at > now).execute())
        while True:
            code = new_code()
            try:
                with db.atomic():  # savepoint: a (vanishingly rare) repeated code is drawn again
                    LinkCode.create(official=official.id, code_hash=code_hash(normalize(code)),
                                    expires_at=now + ttl, created_at=now)
                return code
            except IntegrityError:
                continue


# --- redeeming -------------------------------------------------------------------------------
def redeem(text: str, telegram_user_id: int, chat_id: int, now: datetime | None = None) -> Official:
    """Link the Telegram account to the code's official; raises LinkError with the reason."""
    now = now or utcnow()
    _check_throttle(telegram_user_id)
    symbols = normalize(text)
    try:
        if symbols is None:
            raise LinkError("unknown")
        return _redeem(symbols, telegram_user_id, chat_id, now)
    except LinkError as exc:
        if exc.code == "unknown":
            _count_failure(telegram_user_id)
        raise
    except IntegrityError:  # the account was linked to another official at the same moment
        raise LinkError("account_taken") from None


def _redeem(symbols: str, telegram_user_id: int, chat_id: int, now: datetime) -> Official:
    with transaction():
        row = _locked(LinkCode.select().where(LinkCode.code_hash == code_hash(symbols)))
        if row is None:
            raise LinkError("unknown")
        official = _locked(Official.select().where(Official.id == row.official_id))
        if row.used_at is not None:
            if row.used_by_telegram_id == telegram_user_id == official.telegram_user_id:
                return official  # the same person sent it again (or Telegram delivered it twice)
            raise LinkError("used", official)
        if row.expires_at <= now:
            raise LinkError("expired", official)
        _check_official(official, telegram_user_id)
        used = (LinkCode.update(used_at=now, used_by_telegram_id=telegram_user_id)
                .where(LinkCode.id == row.id, LinkCode.used_at.is_null()).execute())
        if not used:
            raise LinkError("used", official)
        Official.update(telegram_user_id=telegram_user_id, telegram_chat_id=chat_id).where(
            Official.id == official.id).execute()
    return Official.get_by_id(official.id)


def _check_official(official: Official, telegram_user_id: int) -> None:
    if not official.active:
        raise LinkError("inactive", official)
    if official.telegram_user_id and official.telegram_user_id != telegram_user_id:
        raise LinkError("official_taken", official)
    other = Official.get_or_none((Official.telegram_user_id == telegram_user_id) & (Official.id != official.id))
    if other is not None:
        raise LinkError("account_taken", other)


def _locked(query):
    return locked(query)


# --- unlinking --------------------------------------------------------------------------------
def unlink(official: Official) -> bool:
    """Forget the official's Telegram account (and tell that account); False when none was linked."""
    with transaction():
        fresh = _locked(Official.select().where(Official.id == official.id))
        if fresh is None or fresh.telegram_user_id is None:
            return False
        chat_id = fresh.telegram_chat_id or fresh.telegram_user_id
        Official.update(telegram_user_id=None, telegram_chat_id=None).where(Official.id == fresh.id).execute()
        outbox.add_message(chat_id, i18n.t("village.unlinked", fresh.language, official=outbox.escape(str(fresh))),
                           kind="notice", recipient_label=str(fresh)[:120])
    return True


# --- wrong codes per account ----------------------------------------------------------------------
def _failure_key(telegram_user_id: int) -> str:
    return f"{runtime.config().QUEUE_PREFIX}:linkfail:{telegram_user_id}"


def _check_throttle(telegram_user_id: int) -> None:
    try:
        failures = int(runtime.redis().get(_failure_key(telegram_user_id)) or 0)
    except RedisError as exc:  # without Redis the code space alone must do (2**54)
        log.warning("link-code throttle unavailable: %s", exc)
        return
    if failures >= MAX_FAILURES:
        raise LinkError("too_many")


def _count_failure(telegram_user_id: int) -> None:
    try:
        key = _failure_key(telegram_user_id)
        pipe = runtime.redis().pipeline()
        pipe.incr(key)
        pipe.expire(key, FAILURE_WINDOW)
        pipe.execute()
    except RedisError as exc:
        log.warning("link-code failure not counted: %s", exc)
