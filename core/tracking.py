"""Tracking codes that residents read off a Telegram message and type back, e.g. "K7RX-4AMT".

Format: 7 random symbols and 1 check symbol, shown as two groups of 4 joined by a hyphen.

The alphabet leaves out both members of every look-alike pair (0/O, 1/I/L, 2/Z, 5/S,
8/B, 6/G), so a code read correctly never needs guessing. That leaves 19 letters and
4 digits: 23 symbols, a prime, which makes the check symbol strong: with weights 1..8 and
sum ≡ 0 (mod 23), every single wrong symbol and every swap of two symbols is caught.
23**7 ≈ 3.4e9 codes (31.7 bits); collisions are rare and retried by the caller, whose
database has a unique index.

Typing is forgiving: case, spaces and hyphens do not matter, and one look-alike that is not
in the alphabet (an O, a 1, a B...) is replaced by the one kept symbol it may stand for
that makes the check symbol agree (with a prime modulus at most one can).
"""
from __future__ import annotations

import re
import secrets
import unicodedata

ALPHABET = "ACDEFHJKMNPQRTUVWXY3479"
BODY_LENGTH = 7
LENGTH = BODY_LENGTH + 1
GROUP = 4
_VALUE = {symbol: value for value, symbol in enumerate(ALPHABET)}
_MODULUS = len(ALPHABET)  # 23, prime: needed for the "every swap is caught" property
# What a symbol outside the alphabet was probably meant to be.
LOOKALIKES = {"0": "DQ", "O": "DQ", "1": "7JT", "I": "7JT", "L": "7JT", "2": "7", "Z": "7",
              "8": "3", "B": "3", "6": "C", "G": "C"}
_SEPARATORS = re.compile(r"[\s\-_.\u2010-\u2015\u2212]+")
_SYMBOL = "[" + ALPHABET + "".join(LOOKALIKES) + "]"
# Overlapping search (lookahead) so a false start does not hide the real code after it;
# a candidate must not be glued to more symbols, not even through a hyphen.
_CANDIDATE = re.compile(rf"(?<![A-Z0-9])(?<![A-Z0-9]-)"
                        rf"(?=({_SYMBOL}{{{GROUP}}}[-\s]?{_SYMBOL}{{{LENGTH - GROUP}}})(?![A-Z0-9]|-[A-Z0-9]))",
                        re.IGNORECASE)


def _checksum(symbols: str) -> int:
    """Weighted sum of symbol values, weights 1, 2, 3... modulo 23."""
    return sum(weight * _VALUE[s] for weight, s in enumerate(symbols, start=1)) % _MODULUS


def _check_symbol(body: str) -> str:
    """The symbol that makes the weighted sum of body + check divisible by 23."""
    # Solve checksum(body) + LENGTH * c ≡ 0 with the inverse of LENGTH modulo 23.
    return ALPHABET[(-_checksum(body) * pow(LENGTH, -1, _MODULUS)) % _MODULUS]


def _display(symbols: str) -> str:
    """Canonical form: "ABCD-EFGH"."""
    return f"{symbols[:GROUP]}-{symbols[GROUP:]}"


def new_code(rng=secrets) -> str:
    """A fresh random code; `rng` is anything with `choice` (tests pass a seeded Random)."""
    body = "".join(rng.choice(ALPHABET) for _ in range(BODY_LENGTH))
    return _display(body + _check_symbol(body))


def normalize(text: str) -> str | None:
    """The canonical code for what a resident typed, or None if it is not a valid code."""
    if not isinstance(text, str):
        return None
    symbols = _SEPARATORS.sub("", unicodedata.normalize("NFKC", text)).upper()
    if len(symbols) != LENGTH:
        return None
    unknown = [i for i, s in enumerate(symbols) if s not in _VALUE]
    if not unknown:
        return _display(symbols) if _checksum(symbols) == 0 else None
    if len(unknown) > 1:  # repairing two positions would let random input pass the check
        return None
    i = unknown[0]
    repairs = [fixed for fixed in (symbols[:i] + s + symbols[i + 1:] for s in LOOKALIKES.get(symbols[i], ""))
               if _checksum(fixed) == 0]
    return _display(repairs[0]) if len(repairs) == 1 else None


def find_codes(text: str) -> list[str]:
    """Valid codes written anywhere in a message, canonical, in order, without repeats."""
    found: list[str] = []
    for match in _CANDIDATE.finditer(unicodedata.normalize("NFKC", text or "")):
        written = match.group(1)
        # An 8-letter word in ordinary lower-case text passes the check 1 time in 23;
        # codes are shown in upper case, so lower case counts only with a digit in it.
        if written != written.upper() and not any(ch.isdigit() for ch in written):
            continue
        code = normalize(written)
        if code and code not in found:
            found.append(code)
    return found
