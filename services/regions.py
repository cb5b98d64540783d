"""Regions in the database: importing a regency's village file, the village lookup, and
how a complaint's place reads (`place_text`, the one version for notices, bot and panel).

The lookup itself is the pure `core.routing.VillageIndex`; this module builds it from the
Desa rows once per process and rebuilds it when the regions change (any process may have
imported a new file: the stamp is read from the database).
"""
from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from peewee import fn

import models
from core.routing import RegionFileError, VillageIndex, parse_regions
from models import Desa, Kabupaten, Kecamatan, utcnow
from services.tx import transaction

DEMO_REGIONS = Path(__file__).resolve().parent.parent / "data" / "regions" / "ketapang-desa.geojson"


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    kabupaten: tuple[str, ...] = ()

    def __str__(self):
        return (f"{self.created} villages created, {self.updated} updated, {self.unchanged} unchanged "
                f"({', '.join(self.kabupaten)})")


def read_geojson(path: str | Path) -> dict:
    """Read a GeoJSON file, turning unreadable input into RegionFileError."""
    try:
        with open(path, encoding="utf-8") as handle:
            return json.load(handle)
    except FileNotFoundError:
        raise RegionFileError(f"file not found: {path}") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise RegionFileError(f"{path} is not valid GeoJSON: {exc}") from None


def load_regions(geojson: dict) -> ImportResult:
    """Import (insert or update by Kemendagri code) every village of the file; idempotent."""
    villages = parse_regions(geojson)
    result = ImportResult()
    with transaction():
        kab_ids = _upsert_parents(villages)
        for v in villages:
            _upsert_village(v, kab_ids, result)
    result.kabupaten = tuple(sorted({v.kabupaten for v in villages}))
    _cache.clear()
    return result


def _upsert_parents(villages) -> dict[str, int]:
    """Kabupaten and kecamatan rows for the file; returns kecamatan code -> id."""
    kec_ids: dict[str, int] = {}
    for v in villages:
        if v.kecamatan_code in kec_ids:
            continue
        kab, _ = Kabupaten.get_or_create(code=v.kabupaten_code, defaults={"name": v.kabupaten})
        if kab.name != v.kabupaten:
            Kabupaten.update(name=v.kabupaten).where(Kabupaten.id == kab.id).execute()
        kec, created = Kecamatan.get_or_create(code=v.kecamatan_code, defaults={"name": v.kecamatan, "kabupaten": kab})
        if not created and kec.name != v.kecamatan:
            Kecamatan.update(name=v.kecamatan).where(Kecamatan.id == kec.id).execute()
        kec_ids[v.kecamatan_code] = kec.id
    return kec_ids


def _upsert_village(v, kec_ids: dict[str, int], result: ImportResult) -> None:
    min_lon, min_lat, max_lon, max_lat = v.bbox
    lat, lon = v.centroid
    values = dict(name=v.name, kind=v.kind, kecamatan=kec_ids[v.kecamatan_code], geometry=v.geometry,
                  min_lon=min_lon, min_lat=min_lat, max_lon=max_lon, max_lat=max_lat,
                  centroid_lat=lat, centroid_lon=lon)
    row = Desa.get_or_none(Desa.code == v.code)
    if row is None:
        Desa.create(code=v.code, updated_at=utcnow(), **values)
        result.created += 1
    elif _differs(row, values):
        Desa.update(updated_at=utcnow(), **values).where(Desa.id == row.id).execute()
        result.updated += 1
    else:
        result.unchanged += 1


def _differs(row: Desa, values: dict) -> bool:
    for key, value in values.items():
        current = getattr(row, f"{key}_id") if key == "kecamatan" else getattr(row, key)
        if current != value:
            return True
    return False


# --- the lookup ----------------------------------------------------------------------
_cache: dict = {}
_lock = threading.Lock()


def _stamp() -> tuple:
    return Desa.select(fn.COUNT(Desa.id), fn.MAX(Desa.updated_at)).scalar(as_tuple=True)


# The change stamp scans every Desa row (about 25 ms at 80,000 villages on PostgreSQL, more
# than the lookup itself), so a process reads it at most this often; an import in this
# process clears the cache at once, one in another process is seen within this delay.
STAMP_SECONDS = 5.0


def village_index() -> tuple[VillageIndex, dict[str, int]]:
    """The process's village index and Kemendagri code -> Desa id, rebuilt when regions change."""
    with _lock:
        if _cache.get("db") is models.db.obj and time.monotonic() - _cache.get("checked", 0.0) < STAMP_SECONDS:
            return _cache["index"], _cache["ids"]
    stamp = _stamp()
    with _lock:
        if _cache.get("stamp") != stamp or _cache.get("db") is not models.db.obj:
            rows = list(Desa.select(Desa.id, Desa.code, Desa.geometry).where(Desa.geometry.is_null(False)).tuples())
            _cache["index"] = VillageIndex.build((code, geom) for _, code, geom in rows)
            _cache["ids"] = {code: desa_id for desa_id, code, _ in rows}
            _cache["stamp"] = stamp
            _cache["db"] = models.db.obj  # another database (a test, a CLI run) never shares it
        _cache["checked"] = time.monotonic()
        return _cache["index"], _cache["ids"]


def locate(lat: float, lon: float) -> Desa | None:
    """The village containing the point, or None outside every loaded village."""
    index, ids = village_index()
    code = index.locate(lat, lon)
    return Desa.get_by_id(ids[code]) if code else None


def place_text(desa: Desa | None, address_text: str | None, limit: int = 200) -> str:
    """Where a complaint is, as people read it: "village, kecamatan" (the village alone when
    its kecamatan is unknown), else the typed address cut to `limit` characters; "" when
    neither is known (the caller says "unknown" in its own words). Plain text: a caller
    writing HTML escapes it."""
    if desa is not None:
        return f"{desa}, {desa.kecamatan}" if desa.kecamatan_id else str(desa)
    return (address_text or "")[:limit]
