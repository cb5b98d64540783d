"""Officials' passwords (Argon2) and account creation."""
from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

import models
from models import Desa, Official, Opd

_hasher = PasswordHasher()
MIN_PASSWORD = 8


class AccountError(ValueError):
    """An account cannot be created as asked; the message says why (English, for operators)."""


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    """True when `password` matches; never raises for a wrong or malformed hash."""
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def create_official(username: str, role: str, password: str, *, opd_code: str | None = None,
                    desa_code: str | None = None, full_name: str = "", language: str = "id") -> Official:
    """Create a panel account, checking that the role has the office it needs."""
    username = (username or "").strip().lower()
    if not username or not username.replace(".", "").replace("_", "").replace("-", "").isalnum():
        raise AccountError("username must be letters, digits, '.', '_' or '-'")
    if role not in models.ROLES:
        raise AccountError(f"role must be one of: {', '.join(models.ROLES)}")
    if len(password or "") < MIN_PASSWORD:
        raise AccountError(f"password must have at least {MIN_PASSWORD} characters")
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
        opd = Opd.get_or_none(Opd.code == opd_code.upper())
        if opd is None:
            raise AccountError(f"no OPD with code {opd_code!r}")
    if role in models.VILLAGE_ROLES:
        if not desa_code:
            raise AccountError(f"role {role} needs --desa KODE (Kemendagri code)")
        desa = Desa.get_or_none(Desa.code == desa_code)
        if desa is None:
            raise AccountError(f"no village with code {desa_code!r}; load regions first")
    return opd, desa
