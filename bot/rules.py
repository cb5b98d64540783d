"""The bot's rules as plain functions over plain data: tested without Telegram or a database.

Input checks (description, address), how the category menu is cut, how a deadline and an
age are said, how long texts are made to fit Telegram's limits, and whether an update is
one Telegram already delivered.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from core import tracking
# The text checks are core's (one rule for the bot and the Open311 API); re-exported here.
from core.text_rules import (ADDRESS_MAX, ADDRESS_MIN, TextCheck, check_address, check_description,  # noqa: F401
                             check_length, clean_text, visible_length)

MAX_TEXT = 4096          # Telegram's limit for one message
MAX_CALLBACK_DATA = 64   # bytes
MAX_CALLBACK_ANSWER = 200
FLAT_CATEGORY_LIMIT = 8  # more categories than this are shown by group first
# Telegram re-sends an update only shortly after a failure; after a week of silence it may
# restart update ids at random, so an old "last id" must not block a user for ever.
REDELIVERY_WINDOW = timedelta(hours=24)
_SECRET = re.compile(r"^[A-Za-z0-9_-]{1,256}$")


def bare_code(text: str | None) -> str | None:
    """The tracking code when a message is nothing but one (typed at any step)."""
    stripped = (text or "").strip()
    return tracking.normalize(stripped) if 8 <= len(stripped) <= 12 else None


def deep_link_code(args: list[str]) -> str | None:
    """`/start K7RX-4AMT` (a t.me link with ?start=K7RX-4AMT) opens that complaint."""
    return tracking.normalize(args[0]) if args else None


# --- categories ------------------------------------------------------------------------
@dataclass(frozen=True)
class CategoryItem:
    id: int
    name: str
    group: str


def category_groups(items: list[CategoryItem], flat_limit: int = FLAT_CATEGORY_LIMIT) -> list[str] | None:
    """Group names in first-seen order when the list is long, None when a flat list fits."""
    groups = list(dict.fromkeys(item.group for item in items if item.group))
    if len(items) <= flat_limit or len(groups) < 2:
        return None
    return groups


def in_group(items: list[CategoryItem], groups: list[str], index: int) -> list[CategoryItem]:
    if not 0 <= index < len(groups):
        return []
    return [item for item in items if item.group == groups[index]]


# --- how things are said --------------------------------------------------------------
def response_window(hours: int, lang: str, working_days: bool = False) -> str:
    """"2×24 jam" as Indonesian offices write it; "2×24 hours" in English."""
    unit = {"id": "jam", "en": "hours"}.get(lang, "jam")
    if working_days:
        unit = {"id": "jam kerja", "en": "working hours"}.get(lang, "jam kerja")
    if hours >= 24 and hours % 24 == 0:
        days = hours // 24
        return f"{days}×24 {unit}" if days > 1 else f"24 {unit}"
    return f"{hours} {unit}"


_AGE_UNITS = {
    "id": ("baru saja", "{n} menit lalu", "{n} jam lalu", "{n} hari lalu"),
    "en": ("just now", "{n} min ago", "{n} h ago", "{n} days ago"),
}


def age(created_at: datetime, now: datetime, lang: str) -> str:
    """How long ago, in the largest whole unit."""
    words = _AGE_UNITS.get(lang, _AGE_UNITS["id"])
    seconds = max(0, int((now - created_at).total_seconds()))
    if seconds < 60:
        return words[0]
    if seconds < 3600:
        return words[1].format(n=seconds // 60)
    if seconds < 86400:
        return words[2].format(n=seconds // 3600)
    days = seconds // 86400
    return "1 day ago" if lang == "en" and days == 1 else words[3].format(n=days)


def shorten(text: str, limit: int) -> str:
    """At most `limit` characters, cut at a word when possible, marked with an ellipsis."""
    text = text or ""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    if space > limit * 0.6:
        cut = cut[:space]
    return cut.rstrip() + "…"


def fit_blocks(head: str, blocks: list[str], limit: int = MAX_TEXT, more: str = "…") -> str:
    """`head` and as many of the LAST blocks as fit in `limit`; `more` marks what was left out."""
    kept: list[str] = []
    budget = limit - len(head) - len(more) - 2
    for block in reversed(blocks):
        if len(block) + 1 > budget:
            break
        kept.insert(0, block)
        budget -= len(block) + 1
    parts = [head] + ([more] if len(kept) < len(blocks) else []) + kept
    return "\n".join(part for part in parts if part)


def split_blocks(blocks: list[str], limit: int = MAX_TEXT, separator: str = "\n\n") -> list[str]:
    """Join blocks into as few messages as fit in `limit` (a block is never cut)."""
    messages: list[str] = []
    current = ""
    for block in blocks:
        block = block[:limit]
        candidate = f"{current}{separator}{block}" if current else block
        if len(candidate) > limit:
            messages.append(current)
            candidate = block
        current = candidate
    if current:
        messages.append(current)
    return messages


# --- updates and webhook settings ------------------------------------------------------
def is_redelivery(update_id: int, last_update_id: int, last_seen: datetime | None, now: datetime) -> bool:
    """True for an update this user's row already recorded (Telegram sent it again)."""
    if last_seen is None or now - last_seen > REDELIVERY_WINDOW:
        return False
    return update_id <= last_update_id


def valid_secret_token(secret: str) -> bool:
    """Telegram accepts 1-256 characters A-Z, a-z, 0-9, _ and - as the webhook secret."""
    return bool(_SECRET.match(secret or ""))


def parse_listen(value: str, default_port: int = 8443) -> tuple[str, int]:
    """"127.0.0.1:8443" / "0.0.0.0" / ":8080" -> (host, port)."""
    host, _, port = (value or "").rpartition(":") if ":" in (value or "") else (value, "", "")
    host = host.strip("[]")
    if not host:  # ":PORT": the operator asks for all interfaces (the setting's default is 127.0.0.1)
        host = "0.0.0.0"  # nosec B104  # their explicit choice, see above
    if not port:
        return host, default_port
    if not port.isdigit() or not 0 < int(port) < 65536:
        raise ValueError(f"TELEGRAM_WEBHOOK_LISTEN must look like 127.0.0.1:8443, not {value!r}")
    return host, int(port)


# --- ids in buttons ----------------------------------------------------------------------
MAX_ID = 2**31 - 1   # the database's integer ids (PostgreSQL's serial) end here
MAX_PAGE = 100_000
_ID = re.compile(r"[0-9]{1,10}")


def parse_id(text: str | None) -> int | None:
    """A database id from a button's data: ASCII digits within the id range, else None.

    A forged button may carry anything: "99999999999999999999" (out of every integer
    column's range: an error from the database, not "not found"), "²" or "١٢" (digits to
    str.isdigit, not all to int()). None makes it answer as for an unknown id."""
    if not text or not _ID.fullmatch(text):
        return None
    value = int(text)
    return value if 0 < value <= MAX_ID else None


def parse_index(text: str | None, upper: int = MAX_PAGE) -> int | None:
    """A small non-negative number (a page, a menu index) up to `upper`, else None."""
    if not text or not _ID.fullmatch(text):
        return None
    value = int(text)
    return value if value <= upper else None


def callback_data_fits(data: str) -> bool:
    return 0 < len(data.encode("utf-8")) <= MAX_CALLBACK_DATA
