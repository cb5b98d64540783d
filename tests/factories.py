"""Factories for test data: `make_x(**overrides)` instead of fixtures that set up the world."""
from __future__ import annotations

import itertools
from datetime import timedelta

import models
from core import status as st
from models import Category, Complaint, Desa, Opd, Reporter, utcnow
from services import auth

_seq = itertools.count(1)
PASSWORD = "rahasia-123-uji-sandi"  # passes the password rule (services/auth.py)


def make_reporter(**overrides) -> Reporter:
    n = next(_seq)
    values = dict(telegram_id=700000000 + n, chat_id=700000000 + n, first_name=f"Warga{n}", language="id")
    values.update(overrides)
    return Reporter.create(**values)


def make_official(role: str = models.ROLE_OPD_STAFF, *, opd: str | None = "DPUTR", desa: str | None = None,
                  username: str | None = None, password: str = PASSWORD, **fields) -> models.Official:
    if role in models.VILLAGE_ROLES:
        opd, desa = None, desa or "61.04.01.2011"
    elif role in (models.ROLE_OVERSIGHT,):
        opd = None
    official = auth.create_official(username or f"user{next(_seq)}", role, password, opd_code=opd, desa_code=desa)
    if fields:
        models.Official.update(**fields).where(models.Official.id == official.id).execute()
        official = models.Official.get_by_id(official.id)
    return official


def make_complaint(**overrides) -> Complaint:
    """An assigned complaint of category "jalan" in Sungai Putri, unless told otherwise."""
    n = next(_seq)
    category = overrides.pop("category", None) or Category.get(Category.code == "jalan")
    desa = overrides.pop("desa", None) or Desa.get(Desa.code == "61.04.01.2011")
    now = utcnow()
    values = dict(
        tracking_code=f"TST-{n:06d}", reporter=overrides.pop("reporter", None) or make_reporter(),
        category=category, description="Jalan berlubang besar di depan sekolah, bahaya untuk motor.",
        latitude=desa.centroid_lat, longitude=desa.centroid_lon, desa=desa,
        assigned_opd=None if category.village_level else category.opd,
        assigned_desa=desa if category.village_level else None,
        status=st.ASSIGNED, assigned_at=now, created_at=now,
        response_due_at=now + timedelta(hours=category.response_hours),
        resolution_due_at=now + timedelta(hours=category.resolution_hours),
    )
    values.update(overrides)
    return Complaint.create(**values)


def opd(code: str) -> Opd:
    return Opd.get(Opd.code == code)
