"""Filing on behalf of a resident: a complaint that reached the regency by phone, WhatsApp, a
visit to the office or social media, recorded by staff in the panel.

It becomes a complaint exactly like one from the bot (services.complaints.filing): the same
checks of category, description and place, the same village-of-a-point rule (a point outside
every village is refused, as the bot refuses it), photos cleaned by services.media with the
bot's limits, then the same assignment job, deadlines and reports. What differs is recorded on
the complaint: the channel, the reporter's name and contact as they gave it (never public), and
the official who recorded it. The form's one-time token is the complaint's source_key, so a
form submitted twice files once.

The reporter follows it with its code: on the public status page, or on Telegram by sending
the code to the bot (services.complaints.claiming, which is why the slip names the phone's last
4 digits when a phone number was recorded).
"""
from __future__ import annotations

import re
import secrets
from dataclasses import dataclass, field

import i18n
from models import Category, Complaint, Desa, Official, Opd
from services import media, regions, runtime
from services.complaints import assignment, claiming, filing

CHANNELS = ("phone", "whatsapp", "walk_in", "social")
KEY_PREFIX = "behalf:"
_TOKEN = re.compile(r"^[0-9a-f]{32}$")
_PHONE = re.compile(r"^\+?[0-9][0-9 ().-]{5,38}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def new_token() -> str:
    return secrets.token_hex(16)


def valid_token(token: str | None) -> bool:
    return bool(token and _TOKEN.match(token))


def source_key(token: str) -> str:
    return KEY_PREFIX + token


def filed(token: str, official: Official) -> Complaint | None:
    """The complaint this form token made, if it was this official who recorded it."""
    if not valid_token(token):
        return None
    complaint = filing.by_source_key(source_key(token))
    if complaint is None or complaint.filed_by_official_id != official.id:
        return None
    return complaint


@dataclass
class Entry:
    """What the staff member typed, as text (kept whole to show the form again)."""

    channel: str = ""
    contact_name: str = ""
    contact_phone: str = ""
    contact_email: str = ""
    category_id: str = ""
    description: str = ""
    latitude: str = ""
    longitude: str = ""
    address_text: str = ""
    anonymous: bool = False
    confidential: bool = False
    photos_public: bool = False
    photos: list[dict] = field(default_factory=list)  # already stored (services.media), kept across retries


@dataclass
class Checked:
    draft: dict
    errors: dict[str, str]  # field -> catalogue key


def check(entry: Entry) -> Checked:
    """The draft `filing.create_from_draft` takes, or the fields to correct (catalogue keys)."""
    cfg = runtime.config()
    errors: dict[str, str] = {}
    if entry.channel not in CHANNELS:
        errors["channel"] = "behalf.error.channel"
    category = Category.get_or_none(Category.id == int(entry.category_id)) if entry.category_id.isdigit() else None
    if category is None:
        errors["category_id"] = "behalf.error.category"
    description = entry.description.strip()
    if len(description) < cfg.DESCRIPTION_MIN:
        errors["description"] = "behalf.error.description_short"
    elif len(description) > cfg.DESCRIPTION_MAX:
        errors["description"] = "behalf.error.description_long"
    phone, email = entry.contact_phone.strip(), entry.contact_email.strip()
    if phone and not _PHONE.match(phone):
        errors["contact_phone"] = "behalf.error.phone"
    if email and (len(email) > 120 or not _EMAIL.match(email)):
        errors["contact_email"] = "behalf.error.email"
    if len(entry.contact_name.strip()) > 120:
        errors["contact_name"] = "behalf.error.name_long"
    point, desa_id = None, None
    if entry.latitude.strip() or entry.longitude.strip():
        point = _point(entry.latitude, entry.longitude)
        if point is None:
            errors["point"] = "behalf.error.point"
        else:
            desa = regions.locate(*point)
            if desa is None:
                errors["point"] = "behalf.error.outside"
            else:
                desa_id = desa.id
    address = entry.address_text.strip()
    if point is None and not address and "point" not in errors:
        errors["point"] = "behalf.error.place"
    if len(address) > 500:
        errors["address_text"] = "behalf.error.address_long"
    if len(entry.photos) > cfg.MAX_PHOTOS:
        errors["photos"] = "behalf.error.photos_many"
    draft = dict(
        channel=entry.channel, contact_name=entry.contact_name.strip(), contact_phone=phone, contact_email=email,
        category_id=category.id if category else None, description=description,
        latitude=point[0] if point else None, longitude=point[1] if point else None,
        address_text=address, desa_id=desa_id, anonymous=entry.anonymous, confidential=entry.confidential,
        photos_public=entry.photos_public and bool(entry.photos), photos=list(entry.photos),
    )
    return Checked(draft, errors)


def _point(lat: str, lon: str) -> tuple[float, float] | None:
    try:
        point = float(lat.replace(",", ".")), float(lon.replace(",", "."))
    except ValueError:
        return None
    if not (-90 <= point[0] <= 90 and -180 <= point[1] <= 180):
        return None
    return point


def store_photo(data: bytes, token: str) -> dict:
    """Clean and keep one uploaded photo (raises media.MediaError for what is not a usable image,
    media.StorageError when MEDIA_DIR cannot take it): the bot's rules and caps."""
    if len(data) > media.MAX_DOWNLOAD_BYTES:
        raise media.MediaError("too_big", f"{len(data)} bytes")
    saved = media.store_photo(data, runtime.config().MEDIA_DIR, f"behalf-{token[:16]}")
    return {k: v for k, v in saved.as_dict().items() if k not in ("file_id", "file_unique_id")}


def file(entry: Entry, official: Official, token: str) -> Complaint:
    """Store the complaint (or return the one this token already made); raises ValueError when
    `check` finds something to correct."""
    existing = filing.by_source_key(source_key(token))
    if existing is not None:
        return existing
    checked = check(entry)
    if checked.errors:
        raise ValueError(", ".join(sorted(checked.errors)))
    return filing.create_from_draft(checked.draft, None, official, source_key=source_key(token))


def public_link(code: str) -> str:
    cfg = runtime.config()
    base = (cfg.PUBLIC_BASE_URL or cfg.PANEL_URL).rstrip("/")
    return f"{base}/publik/lacak?kode={code}"


def slip_text(complaint: Complaint, lang: str) -> str:
    """What the reporter is given (read out on the phone, sent back by WhatsApp, printed): plain text."""
    cfg = runtime.config()
    bot = f"@{cfg.TELEGRAM_BOT_USERNAME.lstrip('@')}" if cfg.TELEGRAM_BOT_USERNAME else i18n.t("behalf.slip.bot", lang)
    text = i18n.t("behalf.slip.text", lang, code=complaint.tracking_code, link=public_link(complaint.tracking_code),
                  bot=bot, regency=cfg.REGENCY_NAME)
    if claiming.needs_digits(complaint):
        text += " " + i18n.t("behalf.slip.digits", lang, code=complaint.tracking_code)
    elif complaint.claim_pin:
        text += " " + i18n.t("behalf.slip.pin", lang, code=complaint.tracking_code, pin=complaint.claim_pin)
    return text


def expected_office(complaint: Complaint) -> str | None:
    """The office the complaint is with, or will be by the assignment job's own rule
    (services.complaints.assignment.route, typed addresses included); None: the main admin routes."""
    if complaint.office_name:
        return complaint.office_name
    office = assignment.route(complaint).office
    if office is None:
        return None
    row = Opd.get_or_none(Opd.id == office.id) if office.kind == "opd" else Desa.get_or_none(Desa.id == office.id)
    return str(row) if row is not None else None
