"""Officials' passwords (Argon2), the rule a new password must pass, and account creation.

One password rule serves every place a password is set: the panel's account form (create,
edit), the CLI's `create-user` and the demo seed. It asks for a length (`PASSWORD_MIN`) and
refuses what is easy to guess, judged by zxcvbn (Dropbox's estimator, maintained on PyPI):
its lists of common passwords, names and words, and its patterns (keyboard rows, sequences,
repeats, dates, l33t spellings), with the account's own username and name counted as known.
"""
from __future__ import annotations

import re
import secrets
import unicodedata

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

import i18n
import models
from models import Desa, Official, Opd

_hasher = PasswordHasher()
PASSWORD_MIN = 12
PASSWORD_MAX = 200        # what the login form accepts: a longer one could never be typed in
_JUDGED = 72              # zxcvbn judges at most this many characters (its own limit)
MIN_SCORE = 3             # zxcvbn's 0-4: 3 = "safely unguessable" (about 10^8 guesses and more)
USERNAME = re.compile(r"^[a-z0-9._-]{2,60}$")
FULL_NAME_MAX = 120       # Official.full_name's column size


class AccountError(ValueError):
    """An account cannot be created as asked; the message says why (English, for operators)."""


class PasswordRefused(AccountError):
    """A new password breaks the rule. `text(lang)` says why in the catalogue's words
    (i18n/accounts.py); str() gives Indonesian and English together, for the CLI."""

    def __init__(self, key: str, **values):
        self.key, self.values = key, values
        super().__init__(f"{self.text('id')} / {self.text('en')}")

    def text(self, lang: str) -> str:
        return i18n.t(self.key, lang, **self.values)


def check_password(password: str | None, *, username: str = "", full_name: str = "") -> None:
    """Raise PasswordRefused when `password` may not be set for this account."""
    password = password or ""
    if not is_plain(password):  # a pasted line break, NUL, or undecodable bytes from a terminal
        raise PasswordRefused("password.unusable_characters")
    if len(password) < PASSWORD_MIN:
        raise PasswordRefused("password.too_short", n=PASSWORD_MIN)
    if len(password) > PASSWORD_MAX:
        raise PasswordRefused("password.too_long", n=PASSWORD_MAX)
    known = _words(username) + _words(full_name) + ["wadul", "ketapang", "diskominfo"]
    if len(_without(password.lower(), known)) < 4:  # the name with digits or signs around it
        raise PasswordRefused("password.personal")
    from zxcvbn import zxcvbn  # here, not at import: its word lists cost ~14 MB, needed only here

    verdict = zxcvbn(password[:_JUDGED], user_inputs=known)
    if verdict["score"] >= MIN_SCORE:
        return
    matches = verdict["sequence"]
    if any(m.get("dictionary_name") == "user_inputs" for m in matches):
        raise PasswordRefused("password.personal")
    if len(matches) == 1 and matches[0].get("dictionary_name") == "passwords":
        raise PasswordRefused("password.common")
    raise PasswordRefused("password.guessable")


def generate_password(*, username: str = "", full_name: str = "") -> str:
    """A random password that passes the rule (16 URL-safe characters, about 96 bits)."""
    while True:
        password = secrets.token_urlsafe(12)
        try:
            check_password(password, username=username, full_name=full_name)
            return password
        except PasswordRefused:  # pragma: no cover - a random string that looks like a word
            continue


def _without(password: str, words: list[str]) -> str:
    """The letters of `password` left after taking out the known words (longest first)."""
    for word in sorted(words, key=len, reverse=True):
        password = password.replace(word, "")
    return "".join(ch for ch in password if ch.isalpha())


def _words(text: str) -> list[str]:
    """The username or name itself and its parts ("putr.staf" -> putr.staf, putr, staf)."""
    text = (text or "").strip().lower()
    parts = [p for p in re.split(r"[\s._-]+", text) if len(p) >= 3]
    return ([text] if text else []) + parts


def is_plain(text: str) -> bool:
    """No control characters and no lone surrogates (what a terminal makes of undecodable
    bytes): such text cannot be typed back, and PostgreSQL refuses NUL outright."""
    return not any(unicodedata.category(ch) in ("Cc", "Cs") for ch in text)


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    """True when `password` matches; never raises for a wrong or malformed hash."""
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError, UnicodeError):
        return False


def check_username(username: str | None) -> str:
    """The username as stored (trimmed, lower case), or AccountError."""
    username = (username or "").strip().lower()
    if not USERNAME.match(username):
        raise AccountError("username must be 2 to 60 of: lower-case letters a-z, digits, '.', '_' or '-'")
    return username


def create_official(username: str, role: str, password: str, *, opd_code: str | None = None,
                    desa_code: str | None = None, full_name: str = "", language: str = "id") -> Official:
    """Create a panel account, checking that the role has the office it needs."""
    username = check_username(username)
    if role not in models.ROLES:
        raise AccountError(f"role must be one of: {', '.join(models.ROLES)}")
    full_name = (full_name or "").strip()
    if len(full_name) > FULL_NAME_MAX or not is_plain(full_name):
        raise AccountError(f"name must be at most {FULL_NAME_MAX} characters of plain text")
    check_password(password, username=username, full_name=full_name)
    if Official.select().where(Official.username == username).exists():
        raise AccountError(f"username {username!r} is taken")
    opd, desa = _office_for(role, opd_code, desa_code)
    return Official.create(username=username, role=role, password_hash=hash_password(password),
                           opd=opd, desa=desa, full_name=full_name or username, language=language)


def _office_for(role: str, opd_code: str | None, desa_code: str | None):
    opd = desa = None
    if role in models.OPD_ROLES or (role == models.ROLE_MAIN_ADMIN and opd_code):
        if not opd_code:
            raise AccountError(f"role {role} needs --opd CODE")
        opd = Opd.get_or_none(Opd.code == opd_code.upper()) if is_plain(opd_code) else None
        if opd is None:
            raise AccountError(f"no OPD with code {opd_code!r}")
    if role in models.VILLAGE_ROLES:
        if not desa_code:
            raise AccountError(f"role {role} needs --desa KODE (Kemendagri code)")
        desa = Desa.get_or_none(Desa.code == desa_code) if is_plain(desa_code) else None
        if desa is None:
            raise AccountError(f"no village with code {desa_code!r}; load regions first")
    return opd, desa
