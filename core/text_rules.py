"""Free text people type (a complaint's description, an address) as the bot and the Open311 API
check it: cleaned of invisible characters, counted as a reader sees it, within the limits.

One rule for every entry point (bot.rules re-exports it): plain functions, no database.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

ADDRESS_MIN = 10
ADDRESS_MAX = 500
_SPACES = re.compile(r"[ \t\r\f\v]+")


@dataclass(frozen=True)
class TextCheck:
    """A cleaned free text, or why it is refused ("too_short", "too_long")."""

    text: str
    error: str | None = None


# Characters that draw nothing although Unicode calls them letters or symbols: Hangul fillers,
# the braille blank, the Mongolian vowel separator. Known tricks to fill a text with "nothing".
_BLANK_LETTERS = frozenset("\u115f\u1160\u3164\uffa0\u2800\u180e")
# Joiners stay in the kept text (emoji sequences, Persian and Indic spelling need them).
_JOINERS = frozenset("\u200c\u200d")


def _drawn(ch: str) -> bool:
    """False for control, format (zero-width, bidi overrides), private-use, unassigned and
    surrogate code points, and for the blank letters above."""
    return unicodedata.category(ch)[0] != "C" and ch not in _BLANK_LETTERS


def clean_text(text: str | None) -> str:
    """Trim, collapse runs of spaces, keep line breaks (people write lists); invisible
    characters (zero-width spaces, bidi overrides, control codes) are dropped."""
    text = "".join(ch for ch in (text or "") if ch in "\n\t" or ch in _JOINERS or _drawn(ch))
    lines = [_SPACES.sub(" ", line).strip() for line in text.strip().splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def visible_length(text: str | None) -> int:
    """How many characters a reader sees: NFKC-normalised, without format and control
    characters or lone combining marks, every run of white space (any kind) counted once.
    Every minimum length of the bot is counted with this, so 20 zero-width spaces or a
    line of ideographic spaces are not a description."""
    normal = unicodedata.normalize("NFKC", text or "")
    kept = "".join(ch for ch in normal if ch.isspace() or (_drawn(ch) and unicodedata.category(ch) not in ("Mn", "Me")))
    return len(" ".join(kept.split()))


def check_length(text: str | None, minimum: int, maximum: int) -> TextCheck:
    """`text` cleaned, or "too_short" when fewer than `minimum` characters are visible and
    "too_long" when the kept text is longer than `maximum`."""
    cleaned = clean_text(text)
    if visible_length(cleaned) < minimum:
        return TextCheck(cleaned, "too_short")
    if len(cleaned) > maximum:
        return TextCheck(cleaned, "too_long")
    return TextCheck(cleaned)


def check_description(text: str | None, minimum: int, maximum: int) -> TextCheck:
    """A complaint's description: within the configured lengths."""
    return check_length(text, minimum, maximum)


def check_address(text: str | None) -> TextCheck:
    """A typed address: enough to find the place, not a whole letter."""
    return check_length(text, ADDRESS_MIN, ADDRESS_MAX)
