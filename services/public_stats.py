"""What the public pages (/publik) read: the list of public complaints, the map's clusters and
the offices' performance. Every query starts from services.publicity's rule; nothing here
selects a reporter, a contact, a description or an exact point.

Speed at a million complaints (bench/public_pages.py):
- the list is newest first on partial indexes over the public rows (models.PUBLIC_INDEXES),
  fetched one row more than a page to know whether a next page exists (no COUNT), and never
  deeper than PUBLIC_MAX_PAGE pages;
- the map groups the points of the box into a grid whose cell follows the zoom (about 64
  screen pixels) in one GROUP BY; single points only at high zoom and at most
  PUBLIC_MAP_MAX_POINTS of them. The answer is kept in Redis for PUBLIC_CACHE_SECONDS under
  the box snapped to the grid, so panning at one zoom reuses it;
- the performance figures are services.stats' own (one GROUP BY office, one median query)
  over the public complaints of the period, kept in Redis for PUBLIC_CACHE_SECONDS.
"""
from __future__ import annotations

import json
import logging
import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from peewee import JOIN, SQL, NodeList, PostgresqlDatabase, fn
from redis.exceptions import RedisError

from core import status as st
from models import Category, Complaint, Desa, Kecamatan, Opd, db, utcnow
from services import publicity, runtime, stats

log = logging.getLogger(__name__)

PERIODS = (30, 90, 365)          # days the filters and the performance page offer
DEFAULT_PERIOD = 90
MAX_PER_PAGE = 50
POINTS_ZOOM = 16                 # from this zoom on, single points (when few enough)
MIN_ZOOM, MAX_ZOOM = 1, 19
CELL_PIXELS = 64                 # a cluster cell is about this many screen pixels wide


# --- filters -----------------------------------------------------------------------------------
@dataclass
class Filters:
    """The public list's and map's filters, already checked (unknown values are dropped)."""

    category: int | None = None
    kecamatan: int | None = None
    desa: int | None = None
    status: str = ""
    period: int | None = None     # days back from now

    @classmethod
    def parse(cls, args) -> "Filters":
        def number(name):
            raw = str(args.get(name) or "").strip()
            return int(raw) if raw.isascii() and raw.isdigit() and len(raw) <= 9 else None

        status = str(args.get("status") or "").strip()
        period = number("periode")
        return cls(category=number("kategori"), kecamatan=number("kecamatan"), desa=number("desa"),
                   status=status if status in st.ALL else "", period=period if period in PERIODS else None)

    def condition(self, now: datetime | None = None):
        cond = publicity.public_condition()
        if self.category:
            cond &= Complaint.category == self.category
        if self.desa:
            cond &= Complaint.desa == self.desa
        elif self.kecamatan:
            cond &= Complaint.desa.in_(Desa.select(Desa.id).where(Desa.kecamatan == self.kecamatan))
        if self.status:
            cond &= Complaint.status == self.status
        if self.period:
            cond &= Complaint.created_at >= (now or utcnow()) - timedelta(days=self.period)
        return cond

    def args(self) -> dict:
        """The filters as query arguments (for links: next page, the map's requests)."""
        values = {"kategori": self.category, "kecamatan": self.kecamatan, "desa": self.desa,
                  "status": self.status, "periode": self.period}
        return {k: v for k, v in values.items() if v}

    def key(self) -> str:
        return "|".join(f"{k}={v}" for k, v in sorted(self.args().items()))


# --- the list ----------------------------------------------------------------------------------
@dataclass
class Page:
    rows: list[dict]
    number: int
    per_page: int
    has_next: bool
    last_allowed: int = 0

    @property
    def has_prev(self) -> bool:
        return self.number > 1


OfficeDesa = Desa.alias("office_desa")


def _public_columns():
    """What a public row shows: never reporter, contact, description or exact point."""
    return [Complaint.id, Complaint.tracking_code, Complaint.status, Complaint.created_at,
            Complaint.first_response_at, Complaint.resolved_at, Complaint.closed_at,
            Complaint.latitude, Complaint.longitude,
            Category.name_id.alias("category_id_name"), Category.name_en.alias("category_en_name"),
            Desa.name.alias("desa_name"), Desa.kind.alias("desa_kind"), Kecamatan.name.alias("kecamatan_name"),
            Opd.short_name.alias("opd_name"), Opd.name.alias("opd_full_name"),
            OfficeDesa.name.alias("office_desa_name"), OfficeDesa.kind.alias("office_desa_kind")]


def _joined(query):
    return (query.join_from(Complaint, Category, JOIN.LEFT_OUTER, on=(Complaint.category == Category.id))
            .join_from(Complaint, Desa, JOIN.LEFT_OUTER, on=(Complaint.desa == Desa.id))
            .join_from(Desa, Kecamatan, JOIN.LEFT_OUTER, on=(Desa.kecamatan == Kecamatan.id))
            .join_from(Complaint, Opd, JOIN.LEFT_OUTER, on=(Complaint.assigned_opd == Opd.id))
            .join_from(Complaint, OfficeDesa, JOIN.LEFT_OUTER, on=(Complaint.assigned_desa == OfficeDesa.id)))


def _shape(row: dict, lang: str) -> dict:
    """A row as the pages show it."""
    name_id, name_en = row.pop("category_id_name"), row.pop("category_en_name")
    row["category"] = (name_en if lang == "en" else name_id) or name_id or ""
    desa_name, desa_kind = row.pop("desa_name"), row.pop("desa_kind")
    kec = row.pop("kecamatan_name")
    row["village"] = _village(desa_name, desa_kind)
    row["kecamatan"] = f"Kec. {kec}" if kec else ""
    opd_name, opd_full = row.pop("opd_name"), row.pop("opd_full_name")
    row["office"] = opd_name or opd_full or _village(row.pop("office_desa_name"), row.pop("office_desa_kind"))
    row.pop("office_desa_name", None), row.pop("office_desa_kind", None)
    row["point"] = publicity.public_point(row.pop("latitude"), row.pop("longitude"))
    return row


def _village(name, kind) -> str:
    if not name:
        return ""
    return f"{'Kel.' if kind == 'kelurahan' else 'Desa'} {name}"


def list_page(filters: Filters, page: int = 1, per_page: int | None = None, lang: str = "id") -> Page:
    """One page of the public complaints matching `filters`, newest first."""
    cfg = runtime.config()
    per_page = max(1, min(per_page or cfg.PUBLIC_PAGE_SIZE, MAX_PER_PAGE))
    page = max(1, min(page, cfg.PUBLIC_MAX_PAGE))
    query = (_joined(Complaint.select(*_public_columns()))
             .where(filters.condition())
             .order_by(Complaint.created_at.desc(), Complaint.id.desc())
             .offset((page - 1) * per_page).limit(per_page + 1))
    rows = [_shape(row, lang) for row in query.dicts()]
    return Page(rows=rows[:per_page], number=page, per_page=per_page,
                has_next=len(rows) > per_page and page < cfg.PUBLIC_MAX_PAGE, last_allowed=cfg.PUBLIC_MAX_PAGE)


def complaint_by_code(code: str) -> Complaint | None:
    """A complaint by its tracking code, public or not (the lookup decides what to show)."""
    return Complaint.get_or_none(Complaint.tracking_code == code)


def public_row(code: str, lang: str = "id") -> dict | None:
    """The public detail of one complaint by code; None when it is not public (or unknown)."""
    query = (_joined(Complaint.select(*_public_columns()))
             .where(publicity.public_condition() & (Complaint.tracking_code == code)))
    row = query.dicts().first()
    return _shape(row, lang) if row else None


# --- the map ------------------------------------------------------------------------------------
@dataclass
class Box:
    west: float
    south: float
    east: float
    north: float

    @classmethod
    def parse(cls, raw: str | None) -> "Box | None":
        try:
            west, south, east, north = (float(part) for part in (raw or "").split(","))
        except ValueError:
            return None
        if not all(math.isfinite(v) for v in (west, south, east, north)):
            return None
        west, east = max(-180.0, west), min(180.0, east)
        south, north = max(-90.0, south), min(90.0, north)
        if west >= east or south >= north:
            return None
        return cls(west, south, east, north)


def cell_degrees(zoom: int) -> float:
    """The side of a cluster cell at `zoom`, in degrees (256-pixel tiles)."""
    return 360.0 / (2 ** zoom) * CELL_PIXELS / 256


def _cell(expr, offset: float, size: float):
    """The grid cell number of a coordinate: floor((x + offset) / size), always positive."""
    shifted = (expr + offset) / size
    if isinstance(db.obj, PostgresqlDatabase):
        return fn.FLOOR(shifted)
    return NodeList((SQL("CAST("), shifted, SQL("AS INTEGER)")), glue=" ")


def map_data(filters: Filters, box: Box, zoom: int) -> dict:
    """{"zoom", "clusters": [{lat, lon, count}], "points": [{lat, lon, code, status}]} for the
    public complaints in `box`; clusters unless the zoom is high and the points few."""
    zoom = max(MIN_ZOOM, min(int(zoom), MAX_ZOOM))
    size = cell_degrees(zoom)
    whole = extent()
    if whole:  # nothing lies outside the regency: a box showing all of it is the regency's box
        box = Box(max(box.west, whole["west"]), max(box.south, whole["south"]),
                  min(box.east, whole["east"]), min(box.north, whole["north"]))
        if box.west > box.east or box.south > box.north:
            return {"zoom": zoom, "clusters": [], "points": []}
    # Snap the box outwards to the grid: neighbouring requests share cells and the cache.
    snapped = [math.floor(box.west / size) * size, math.floor(box.south / size) * size,
               math.ceil(box.east / size) * size, math.ceil(box.north / size) * size]
    spec = ["map", filters.args(), [round(v, 6) for v in snapped], zoom]
    return cached(spec)


def _in_box(box: Box):
    return (Complaint.latitude.between(box.south, box.north) & Complaint.longitude.between(box.west, box.east))


def _map_data(filters: Filters, box: Box, zoom: int) -> dict:
    size, max_points = cell_degrees(zoom), runtime.config().PUBLIC_MAP_MAX_POINTS
    where = filters.condition() & _in_box(box)
    if zoom >= POINTS_ZOOM:
        points = list(Complaint.select(Complaint.tracking_code, Complaint.status, Complaint.latitude,
                                       Complaint.longitude)
                      .where(where).order_by(Complaint.created_at.desc()).limit(max_points + 1).tuples())
        if len(points) <= max_points:
            shown = []
            for code, status, lat, lon in points:
                lat, lon = publicity.public_point(lat, lon)
                shown.append({"lat": lat, "lon": lon, "code": code, "status": status})
            return {"zoom": zoom, "clusters": [], "points": shown}
    gx, gy = _cell(Complaint.longitude, 180.0, size), _cell(Complaint.latitude, 90.0, size)
    query = (Complaint.select(gx, gy, fn.COUNT(SQL("*")), fn.AVG(Complaint.latitude), fn.AVG(Complaint.longitude))
             .where(where).group_by(SQL("1"), SQL("2")))
    clusters = [{"lat": round(float(lat), 5), "lon": round(float(lon), 5), "count": int(count)}
                for _x, _y, count, lat, lon in stats.plain_rows(query)]
    clusters.sort(key=lambda c: (-c["count"], c["lat"], c["lon"]))
    return {"zoom": zoom, "clusters": clusters, "points": []}


def extent() -> dict | None:
    """The box of the regency's villages (the map's first view); None without villages."""
    return cached(["extent"])


def _extent() -> dict | None:
    row = (Desa.select(fn.MIN(Desa.min_lon), fn.MIN(Desa.min_lat), fn.MAX(Desa.max_lon), fn.MAX(Desa.max_lat))
           .tuples().first())
    if not row or row[0] is None:
        return None
    return {"west": row[0], "south": row[1], "east": row[2], "north": row[3]}


# --- performance --------------------------------------------------------------------------------
def performance(days: int) -> dict:
    """Per-office figures over the public complaints filed in the last `days` days:
    {"days", "generated_at", "opd": [lines], "desa": [lines]}; cached."""
    days = days if days in PERIODS else DEFAULT_PERIOD
    return cached(["perf", days])


def _performance(days: int, now: datetime) -> dict:
    start = now - timedelta(days=days)
    figures = stats.office_figures(publicity.public_condition(), start, None, now)
    names = stats.office_names(figures)
    lines = {"opd": [], "desa": []}
    for key, f in figures.items():
        kind, _id = key
        lines[kind].append({
            "name": names.get(key, "?"), "received": f.received, "due": f.due, "on_time": f.on_time,
            "on_time_rate": round(100 * f.on_time / f.due, 1) if f.due else None,
            "median_hours": f.median_hours, "overdue_now": f.overdue_now,
            "avg_rating": round(f.rating_sum / f.rating_count, 2) if f.rating_count else None,
            "ratings": f.rating_count})
    for kind in lines:
        lines[kind].sort(key=lambda line: (line["on_time_rate"] is None, -(line["on_time_rate"] or 0),
                                           line["overdue_now"], line["name"]))
    return {"days": days, "generated_at": now.isoformat(), **lines}


# --- the cache ----------------------------------------------------------------------------------
# Answers are named by a spec (a JSON list: what to compute and with which arguments), so that a
# worker can compute one again from its name alone. An answer is fresh for PUBLIC_CACHE_SECONDS;
# after that, for as long again times STALE_FACTOR, it is still served while one worker job
# (`workers.jobs.refresh_public`) computes it anew: visitors never wait for the slow aggregates
# (the map of a whole regency, the performance of a year) except the very first one.
STALE_FACTOR = 12
REFRESH_JOB = "workers.jobs.refresh_public"


def _compute(spec: list):
    kind, *args = spec
    if kind == "map":
        filter_args, box, zoom = args
        return _map_data(Filters.parse(filter_args), Box(*box), zoom)
    if kind == "perf":
        return _performance(args[0], utcnow())
    if kind == "choices":
        return _choices(args[0])
    if kind == "villages":
        return _villages_of(args[0])
    if kind == "extent":
        return _extent()
    raise ValueError(f"unknown public cache spec {spec!r}")


def _cache_key(spec: list) -> str:
    return f"{runtime.config().QUEUE_PREFIX}:public:{json.dumps(spec, sort_keys=True, separators=(',', ':'))}"


def cached(spec: list):
    """The answer for `spec`: from Redis when fresh; stale (with a refresh queued) when older;
    computed here when absent or when Redis is away (slower, never wrong)."""
    import time

    cfg = runtime.config()
    key = _cache_key(spec)
    try:
        conn = runtime.redis()
        raw = conn.get(key)
    except RedisError as exc:
        log.warning("public cache unavailable: %s", exc)
        return _compute(spec)
    if raw is not None:
        entry = json.loads(raw)
        if time.time() - entry["at"] >= cfg.PUBLIC_CACHE_SECONDS:
            _queue_refresh(conn, key, spec)
        return entry["value"]
    return store(spec)


def store(spec: list):
    """Compute the answer for `spec` and keep it; returns it."""
    import time

    cfg = runtime.config()
    value = _compute(spec)
    try:
        runtime.redis().set(_cache_key(spec), json.dumps({"at": time.time(), "value": value}),
                            ex=cfg.PUBLIC_CACHE_SECONDS * STALE_FACTOR)
    except RedisError as exc:
        log.warning("public cache unavailable: %s", exc)
    return value


def _queue_refresh(conn, key: str, spec: list) -> None:
    """One refresh job per stale answer (a lock for the time it may take)."""
    from services.messaging import enqueue

    try:
        if conn.set(f"{key}:refreshing", 1, nx=True, ex=120):
            enqueue.enqueue(runtime.QUEUE_LOW, REFRESH_JOB, spec, result_ttl=0)
    except RedisError as exc:
        log.warning("public cache unavailable: %s", exc)


def refresh(spec: list) -> None:
    """The refresh job's work: compute `spec` again and keep it."""
    store(spec)
    try:
        runtime.redis().delete(f"{_cache_key(spec)}:refreshing")
    except RedisError as exc:
        log.warning("public cache unavailable: %s", exc)


def choices(lang: str = "id") -> dict:
    """The filters' choices: categories, kecamatan, statuses, periods (cached)."""
    return cached(["choices", lang])


def _choices(lang: str) -> dict:
    categories = [(c.id, c.name(lang)) for c in Category.select().where(Category.active == True)  # noqa: E712
                  .order_by(Category.sort_order, Category.name_id)]
    kecamatan = [(k.id, k.name) for k in Kecamatan.select(Kecamatan.id, Kecamatan.name).order_by(Kecamatan.name)]
    return {"categories": categories, "kecamatan": kecamatan, "statuses": list(st.ALL), "periods": list(PERIODS)}


def villages_of(kecamatan_id: int | None) -> list[tuple[int, str]]:
    if not kecamatan_id:
        return []
    return [tuple(pair) for pair in cached(["villages", kecamatan_id])]


def _villages_of(kecamatan_id: int) -> list[tuple[int, str]]:
    return [(d.id, str(d)) for d in Desa.select(Desa.id, Desa.name, Desa.kind)
            .where(Desa.kecamatan == kecamatan_id).order_by(Desa.name)]


def forget_map() -> None:
    """Drop the cached map answers and performance figures (a complaint was taken off the public
    pages: it must leave the map now, not when the cache expires)."""
    cfg = runtime.config()
    try:
        conn = runtime.redis()
        keys = list(conn.scan_iter(match=f"{cfg.QUEUE_PREFIX}:public:*", count=1000))
        if keys:
            conn.delete(*keys)
    except RedisError as exc:
        log.warning("public cache unavailable: %s", exc)
