"""Open311 GeoReport v2 as Wadul's domain sees it: services are the active categories, service
requests are the complaints the public may see (services.publicity), and a request posted by
a partner with an API key becomes a complaint filed like any other (services.complaints.filing:
the same routing job, the same deadlines).

The HTTP side (formats, the spec's error documents) is panel/open311.py.

Status mapping (the spec knows only "open" and "closed"):
  open   <- new, assigned, in_progress, forwarded, reopened (the office still owes an answer)
  closed <- resolved, closed, rejected (nobody needs to act)

API keys: the main admin issues them in the panel; only the SHA-256 of a key is stored, the key
itself is shown once. A revoked key stops working at once (every request reads the row).
"""
from __future__ import annotations

import hashlib
import logging
import math
import re
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from peewee import JOIN
from redis.exceptions import RedisError

from core import status as st
from core.text_rules import ADDRESS_MAX, ADDRESS_MIN, check_address, check_description
from models import ApiKey, Category, Complaint, Desa, Kecamatan, Official, Opd, StatusChange, utcnow, without_geometry
from services import publicity, regions, runtime
from services.complaints import filing

log = logging.getLogger(__name__)

OPEN, CLOSED = "open", "closed"
STATUS = {s: (OPEN if s in st.OPEN else CLOSED) for s in st.ALL}
WINDOW_DAYS = 90        # the spec: without dates, the last 90 days; a range may not span more
MAX_REQUESTS = 1000     # the spec's suggested most requests in one answer
MAX_IDS = 100           # service_request_id values in one GET requests
KEY_PREFIX = "o311_"


class Open311Error(Exception):
    """A refusal in the spec's terms: the HTTP status and a catalogue text (i18n.open311)."""

    def __init__(self, http: int, key: str, **values):
        super().__init__(key)
        self.http, self.key, self.values = http, key, values


def wadul_statuses(open311_status: str) -> list[str]:
    """The Wadul statuses an Open311 status stands for."""
    return sorted(s for s, mapped in STATUS.items() if mapped == open311_status)


# --- API keys ---------------------------------------------------------------------------------
def hash_key(plain: str) -> str:
    return hashlib.sha256(plain.encode()).hexdigest()


def issue_key(label: str, official: Official | None) -> tuple[ApiKey, str]:
    """A new key for a partner: the row (hash only) and the key, to be shown once."""
    plain = KEY_PREFIX + secrets.token_urlsafe(32)
    row = ApiKey.create(label=label.strip()[:120], key_hash=hash_key(plain), prefix=plain[:12],
                        created_by=official)
    return row, plain


def key_for(plain: str | None) -> ApiKey | None:
    """The active key row for what a partner sent, its use recorded; None when unknown or revoked."""
    if not plain or len(plain) > 200:
        return None
    row = ApiKey.get_or_none((ApiKey.key_hash == hash_key(plain)) & ApiKey.revoked_at.is_null())
    if row is not None:
        ApiKey.update(last_used_at=utcnow()).where(ApiKey.id == row.id).execute()
    return row


def revoke(key_ids) -> int:
    """Revoke keys (from now on they open nothing); returns how many were still active."""
    return (ApiKey.update(revoked_at=utcnow())
            .where(ApiKey.id.in_(list(key_ids)) & ApiKey.revoked_at.is_null()).execute())


def post_wait(key: ApiKey) -> int:
    """0 when this key may post now, else the seconds until it may (OPEN311_POSTS_PER_MINUTE,
    a one-minute window per key in Redis shared by every web process). Without Redis the post
    is let through (and logged): the complaint is stored and routed when Redis is back."""
    cfg = runtime.config()
    if not cfg.OPEN311_POSTS_PER_MINUTE:
        return 0
    name = f"{cfg.QUEUE_PREFIX}:open311-posts:{key.id}"
    try:
        conn = runtime.redis()
        pipe = conn.pipeline()
        pipe.set(name, 0, ex=60, nx=True)  # the window starts with its first post, and always ends
        pipe.incr(name)
        pipe.ttl(name)
        _, count, ttl = pipe.execute()
    except RedisError as exc:
        log.warning("open311 post limit unavailable: %s", exc)
        return 0
    return max(int(ttl), 1) if count > cfg.OPEN311_POSTS_PER_MINUTE else 0


# --- services -------------------------------------------------------------------------------
def services() -> list[Category]:
    """The active categories, in the bot's order, each with its OPD loaded."""
    return list(Category.select(Category, Opd).join(Opd, JOIN.LEFT_OUTER)
                .where(Category.active == True)  # noqa: E712
                .order_by(Category.sort_order, Category.group_id, Category.name_id))


def service(code: str) -> Category | None:
    found = [c for c in services() if c.code == code]
    return found[0] if found else None


# --- service requests -------------------------------------------------------------------------
@dataclass(frozen=True)
class PublicRequest:
    """What the public may know of one complaint, in Open311's terms."""

    service_request_id: str
    status: str
    status_notes: str | None
    category: Category | None
    description: str
    agency_responsible: str | None
    requested: datetime
    updated: datetime
    expected: datetime | None
    address: str | None
    address_id: str | None  # the village's Kemendagri code (POST takes it as address_id too)
    lat: float | None
    long: float | None


def parse_datetime(name: str, value: str) -> datetime:
    """A W3C datetime (2010-01-01T00:00:00Z, with an offset, or a date alone) as naive UTC;
    without a zone it is taken as UTC. A "+" a client left unencoded in the query string
    arrives as a space: "2010-01-01T00:00:00 07:00" is read as +07:00."""
    text = re.sub(r" (\d\d:?\d\d)$", r"+\1", value.strip())
    try:
        moment = datetime.fromisoformat(text[:-1] + "+00:00" if text.endswith(("Z", "z")) else text)
    except ValueError:
        raise Open311Error(400, "open311.error.invalid", name=name, value=value[:40]) from None
    if moment.tzinfo is not None:
        moment = moment.astimezone(timezone.utc).replace(tzinfo=None)
    return moment


def window(start: datetime | None, end: datetime | None, now: datetime | None = None) -> tuple[datetime, datetime]:
    """The requested_datetime range: the last 90 days by default, 90 days from a lone start
    or up to a lone end; a range longer than 90 days (or backwards) is refused."""
    limit = timedelta(days=WINDOW_DAYS)
    if start is None and end is None:
        end = now or utcnow()
    if start is None:
        start = end - limit
    if end is None:
        end = start + limit
    if end < start or end - start > limit:
        raise Open311Error(400, "open311.error.date_range", days=WINDOW_DAYS)
    return start, end


# The columns an answer shows: a thousand rows of every column cost three times as much to load.
_FIELDS = (Complaint.id, Complaint.tracking_code, Complaint.status, Complaint.category,
           Complaint.assigned_opd, Complaint.assigned_desa, Complaint.desa, Complaint.created_at, Complaint.updated_at,
           Complaint.resolution_due_at, Complaint.latitude, Complaint.longitude)


def find_requests(ids: list[str] | None = None, codes: list[str] | None = None, start: datetime | None = None,
                  end: datetime | None = None, statuses: list[str] | None = None) -> list[PublicRequest]:
    """Public complaints, newest first, at most MAX_REQUESTS. `ids` (tracking codes) overrides
    every other filter, as the spec says; otherwise the date window always applies."""
    query = Complaint.select(*_FIELDS).where(publicity.public_condition())
    if ids is not None:
        query = query.where(Complaint.tracking_code.in_(ids or [""]))
    else:
        start, end = window(start, end)
        query = query.where((Complaint.created_at >= start) & (Complaint.created_at <= end))
        if codes:
            query = query.join(Category).where(Category.code.in_(codes)).switch(Complaint)
        if statuses:
            wanted = sorted({s for status in statuses for s in wadul_statuses(status)})
            query = query.where(Complaint.status.in_(wanted))
    # Plain rows, not model instances: a third of the time of a thousand-row answer.
    rows = list(query.order_by(Complaint.created_at.desc(), Complaint.id.desc()).limit(MAX_REQUESTS).namedtuples())
    return _public(rows)


def public_request(code: str) -> PublicRequest | None:
    """One public complaint by its tracking code; None for unknown, confidential or hidden ones
    (they look the same)."""
    found = find_requests(ids=[code])
    return found[0] if found else None


def _public(rows: list) -> list[PublicRequest]:
    """The rows as the public sees them, with a fixed number of queries (no village's boundary
    is read)."""
    if not rows:
        return []
    categories = {c.id: c for c in Category.select()}
    opds = {o.id: o for o in Opd.select()}
    desa_ids = {i for r in rows for i in (r.desa, r.assigned_desa) if i}
    desas = {d.id: d for d in Desa.select(*without_geometry(Desa)).where(Desa.id.in_(list(desa_ids)))} if desa_ids else {}
    kec_ids = {d.kecamatan_id for d in desas.values()}
    kecs = {k.id: k for k in Kecamatan.select().where(Kecamatan.id.in_(list(kec_ids)))} if kec_ids else {}
    notes: dict[int, str] = {}
    replies = (StatusChange.select(StatusChange.complaint, StatusChange.note)
               .where(StatusChange.complaint.in_([r.id for r in rows]) & publicity.public_reply_condition())
               .order_by(StatusChange.created_at, StatusChange.id).tuples())
    for complaint_id, note in replies:
        notes[complaint_id] = note  # the latest public reply explains the current status
    for desa in desas.values():
        if desa.kecamatan_id in kecs:
            desa.kecamatan = kecs[desa.kecamatan_id]
    places = {desa_id: regions.place_text(desa, None) for desa_id, desa in desas.items()}
    names = {**{("opd", i): str(o) for i, o in opds.items()}, **{("desa", i): str(d) for i, d in desas.items()}}
    found = []
    for r in rows:
        office = names.get(("opd", r.assigned_opd)) or names.get(("desa", r.assigned_desa))
        status = STATUS.get(r.status, OPEN)
        # The one rule of what is public (services.publicity): never the reporter's own words
        # (the description, a typed address: they often name people and houses), the point
        # rounded; the request reads as its category (the panel writes its name), its village
        # and the office's answers.
        point = publicity.public_point(r.latitude, r.longitude)
        found.append(PublicRequest(
            service_request_id=r.tracking_code, status=status, status_notes=notes.get(r.id),
            category=categories.get(r.category), description="",
            agency_responsible=office, requested=r.created_at, updated=r.updated_at or r.created_at,
            expected=r.resolution_due_at if status == OPEN else None,
            address=places.get(r.desa) or None,
            address_id=desas[r.desa].code if r.desa in desas else None,
            lat=point[0] if point else None, long=point[1] if point else None))
    return found


# --- posting ----------------------------------------------------------------------------------
def _point(params: dict) -> tuple[float, float] | None:
    raw_lat, raw_lon = (params.get("lat") or "").strip(), (params.get("long") or "").strip()
    if not raw_lat and not raw_lon:
        return None
    values = []
    for name, raw, bound in (("lat", raw_lat, 90), ("long", raw_lon, 180)):
        try:
            value = float(raw)
        except ValueError:
            raise Open311Error(400, "open311.error.invalid", name=name, value=raw[:40]) from None
        if not math.isfinite(value) or abs(value) > bound:
            raise Open311Error(400, "open311.error.invalid", name=name, value=raw[:40])
        values.append(value)
    return values[0], values[1]


def post_request(params: dict) -> Complaint:
    """File the complaint a partner posted (form fields of POST requests); raises Open311Error
    for what the bot would refuse too (the same description and address rules).

    media_url is not fetched: fetching any URL a caller names would let the API reach the
    regency's internal network (SSRF), and a photo needs its reporter's consent to be public."""
    cfg = runtime.config()
    code = (params.get("service_code") or "").strip()
    if not code:
        raise Open311Error(400, "open311.error.missing", name="service_code")
    category = Category.get_or_none((Category.code == code) & (Category.active == True))  # noqa: E712
    if category is None:
        raise Open311Error(400, "open311.error.service_code", value=code[:60])
    if not (params.get("description") or "").strip():
        raise Open311Error(400, "open311.error.missing", name="description")
    described = check_description(params.get("description"), cfg.DESCRIPTION_MIN, cfg.DESCRIPTION_MAX)
    if described.error == "too_short":
        raise Open311Error(400, "open311.error.description_short", min=cfg.DESCRIPTION_MIN)
    if described.error:
        raise Open311Error(400, "open311.error.description_long", max=cfg.DESCRIPTION_MAX)
    draft = {"channel": "open311", "category_id": category.id, "description": described.text}
    point = _point(params)
    if point is not None:
        desa = regions.locate(*point)
        if desa is None:  # the bot refuses such a point too
            raise Open311Error(400, "open311.error.outside", regency=cfg.REGENCY_NAME)
        draft.update(latitude=point[0], longitude=point[1], desa_id=desa.id)
    address = (params.get("address_string") or "").strip()
    if address:
        typed = check_address(address)
        if typed.error == "too_short":
            raise Open311Error(400, "open311.error.address_short", min=ADDRESS_MIN)
        if typed.error:
            raise Open311Error(400, "open311.error.address_long", max=ADDRESS_MAX)
        draft["address_text"] = typed.text  # the routing job matches it to a village (assignment)
    address_id = (params.get("address_id") or "").strip()
    if address_id and point is None:
        desa = Desa.get_or_none(Desa.code == address_id)  # the regency's address register: its villages
        if desa is None:
            raise Open311Error(400, "open311.error.address_id", value=address_id[:40])
        draft["desa_id"] = desa.id
        draft.setdefault("address_text", regions.place_text(desa, None))
    if point is None and not draft.get("address_text"):
        raise Open311Error(400, "open311.error.location")
    name = " ".join(p for p in ((params.get("first_name") or "").strip(), (params.get("last_name") or "").strip()) if p)
    draft.update(contact_name=name, contact_phone=params.get("phone") or "", contact_email=params.get("email") or "")
    return filing.create_from_draft(draft, None, source_key=f"open311:{uuid.uuid4().hex}")


def notice_key(complaint: Complaint) -> tuple[str, dict]:
    """What the partner is told about the posted complaint (a catalogue key and its values)."""
    office = filing.predicted_office(complaint.category, complaint.desa_id)
    if office is None:
        return "open311.notice.routing", {}
    return "open311.notice.office", {"office": office, "hours": complaint.category.response_hours}
