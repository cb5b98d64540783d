"""Helpers for the worker's tests: offices and officials linked to fake Telegram chats,
photos in MEDIA_DIR, points inside villages, and the environment for subprocess workers."""
from __future__ import annotations

import time
from dataclasses import fields
from pathlib import Path

import shapely
from shapely.geometry import shape

import models
from models import Desa, Official, Opd, Reporter
from sandbox.botapi import sample_jpeg
from tests.factories import make_official, make_reporter

SUNGAI_PUTRI = "61.04.01.2011"


def link_office(api, code: str) -> int:
    """Give an OPD a Telegram group for notices; returns the group's chat id."""
    chat_id = api.group(title=f"Grup {code}")
    Opd.update(telegram_chat_id=chat_id).where(Opd.code == code).execute()
    return chat_id


def linked_official(api, role: str = models.ROLE_OPD_STAFF, language: str = "id", **kwargs) -> Official:
    """An official whose Telegram account is linked to a fake private chat."""
    user = api.user(first_name="Petugas", language_code=language)
    official = make_official(role, **kwargs)
    Official.update(telegram_user_id=user.id, telegram_chat_id=user.id, language=language).where(
        Official.id == official.id).execute()
    return Official.get_by_id(official.id)


def telegram_reporter(api, language: str = "id", **overrides) -> Reporter:
    user = api.user(first_name=overrides.pop("first_name", "Siti"), language_code=language)
    return make_reporter(telegram_id=user.id, chat_id=user.id, first_name=user.first_name, language=language,
                         **overrides)


def photo_file(config, name: str = "aduan/foto1.jpg") -> str:
    """A real JPEG under MEDIA_DIR; returns its path relative to MEDIA_DIR."""
    path = Path(config.MEDIA_DIR) / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(sample_jpeg(320, 240))
    return name


def point_in(code: str) -> tuple[float, float]:
    """A (lat, lon) surely inside the village (its polygon's representative point)."""
    desa = Desa.get(Desa.code == code)
    point = shapely.point_on_surface(shape(desa.geometry))
    return point.y, point.x


def texts(api, chat_id: int) -> list[str]:
    """What the bot sent to a chat: message texts and photo captions, in order (locations left out)."""
    return [m.get("text") or m.get("caption") or "" for m in api.messages(chat_id) if "location" not in m]


def wait_until(predicate, timeout: float = 10.0, interval: float = 0.05):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise TimeoutError("condition not met in time")


def config_env(config, **overrides) -> dict[str, str]:
    """Environment variables that make Config.from_env() in a subprocess equal `config`."""
    env = {}
    for f in fields(config):
        value = getattr(config, f.name)
        if f.name in ("extra", "TESTING"):
            continue
        if isinstance(value, bool):
            env[f.name] = "true" if value else "false"
        elif isinstance(value, tuple):
            env[f.name] = ",".join(str(v) for v in value)
        else:
            env[f.name] = str(value)
    env.update({k: str(v) for k, v in overrides.items()})
    return env
