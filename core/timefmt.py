"""Dates and times as Indonesian readers expect them, in the regency's local time."""
from __future__ import annotations

from datetime import datetime, timezone
from zoneinfo import ZoneInfo

MONTHS_ID = ("Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des")
MONTHS_EN = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
ZONE_NAMES = {"Asia/Jakarta": "WIB", "Asia/Pontianak": "WIB", "Asia/Makassar": "WITA", "Asia/Jayapura": "WIT"}


def to_local(utc_naive: datetime, tz: str = "Asia/Jakarta") -> datetime:
    """A naive UTC timestamp (as stored) in the given zone."""
    return utc_naive.replace(tzinfo=timezone.utc).astimezone(ZoneInfo(tz))


def local_datetime(utc_naive: datetime, lang: str = "id", tz: str = "Asia/Jakarta") -> str:
    """E.g. "24 Nov 2026 14.00 WIB" (Indonesian) or "24 Nov 2026 14:00 WIB"."""
    local = to_local(utc_naive, tz)
    months = MONTHS_EN if lang == "en" else MONTHS_ID
    sep = ":" if lang == "en" else "."
    zone = ZONE_NAMES.get(tz, local.strftime("%Z"))
    return f"{local.day} {months[local.month - 1]} {local.year} {local.hour:02d}{sep}{local.minute:02d} {zone}"

