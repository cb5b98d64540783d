"""Routing rules: which village a point or a typed address falls in, and which office acts.

Village boundaries come from simplified polygons, so neighbours overlap a little and leave
slivers and gaps between them. `VillageIndex.locate` turns every point of the regency into
exactly one village anyway:

* inside one polygon -> that village;
* inside several (an overlap, or exactly on a shared edge or vertex) -> the village whose
  boundary is farthest from the point (it lies "deepest" in that polygon; an overlap from
  simplification is a thin strip along the true border, so the polygon the point sits well
  inside is the likelier owner); equal depths (shared edges and vertices have depth 0) go
  to the smaller village, then to the smaller code, so the answer never depends on order;
* in a gap within `snap_meters` (default 250 m) of some village -> the nearest village;
* farther than that from every village, or not a valid coordinate -> None.
"""
from __future__ import annotations

import json
import math
import re
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Iterable

import numpy as np
import shapely
from shapely.geometry import shape

DEFAULT_SNAP_METERS = 250.0
METERS_PER_DEGREE = 111_320.0  # one degree of latitude, or of longitude at the equator
# Depths closer than this (about 0.1 mm) are ties: float noise must not beat the area rule.
DEPTH_DECIMALS = 9
CODE_PATTERN = re.compile(r"^\d{2}\.\d{2}\.\d{2}\.\d{4}$")
REQUIRED_PROPERTIES = ("kode", "desa", "kecamatan", "kabupaten")


class RegionFileError(ValueError):
    """A regency village file that cannot be imported; the message says which feature and why."""


@dataclass(frozen=True)
class VillageRecord:
    """One desa or kelurahan read from a regency GeoJSON file."""

    code: str
    name: str
    kecamatan: str
    kecamatan_code: str
    kabupaten: str
    kabupaten_code: str
    kind: str  # "kelurahan" or "desa"
    geometry: dict  # GeoJSON Polygon or MultiPolygon, [lon, lat], repaired when it was invalid
    bbox: tuple[float, float, float, float]  # (min_lon, min_lat, max_lon, max_lat)
    centroid: tuple[float, float]  # (lat, lon) of the polygon's centroid; may lie outside a concave village


# --- reading a regency file ---------------------------------------------------------
def parse_regions(geojson: dict) -> list[VillageRecord]:
    """Validate a village FeatureCollection and return its villages in file order."""
    if not isinstance(geojson, dict) or geojson.get("type") != "FeatureCollection":
        raise RegionFileError("the file is not a GeoJSON FeatureCollection")
    features = geojson.get("features")
    if not isinstance(features, list) or not features:
        raise RegionFileError("the FeatureCollection has no features")
    records: list[VillageRecord] = []
    first_seen: dict[str, int] = {}
    for index, feature in enumerate(features):
        record = _parse_numbered(index, feature)
        if record.code in first_seen:
            raise RegionFileError(f"feature {index} ({record.code}): kode already used by feature {first_seen[record.code]}")
        first_seen[record.code] = index
        records.append(record)
    return records


def _parse_numbered(index: int, feature) -> VillageRecord:
    """Parse one feature, prefixing any error with its position (and code, when readable)."""
    try:
        return _parse_feature(feature)
    except RegionFileError as exc:
        props = feature.get("properties") if isinstance(feature, dict) else None
        code = props.get("kode") if isinstance(props, dict) else None
        label = f"feature {index} ({code})" if isinstance(code, str) and code else f"feature {index}"
        raise RegionFileError(f"{label}: {exc}") from None


def _parse_feature(feature) -> VillageRecord:
    """One feature to a VillageRecord; raises RegionFileError without the feature number."""
    if not isinstance(feature, dict) or feature.get("type") != "Feature":
        raise RegionFileError("not a GeoJSON Feature")
    props = feature.get("properties")
    props = props if isinstance(props, dict) else {}
    for key in REQUIRED_PROPERTIES:
        if not isinstance(props.get(key), str) or not props[key].strip():
            raise RegionFileError(f"property '{key}' is missing or empty")
    code = props["kode"].strip()
    if not CODE_PATTERN.match(code):
        raise RegionFileError(f"kode '{code}' is not a Kemendagri village code like 61.04.01.2011")
    geometry, geom = _read_geometry(feature.get("geometry"))
    parts = code.split(".")
    centroid = geom.centroid
    return VillageRecord(
        code=code, name=props["desa"].strip(), kecamatan=props["kecamatan"].strip(),
        kecamatan_code=".".join(parts[:3]), kabupaten=props["kabupaten"].strip(),
        kabupaten_code=".".join(parts[:2]), kind="kelurahan" if parts[3].startswith("1") else "desa",
        geometry=geometry, bbox=tuple(geom.bounds), centroid=(centroid.y, centroid.x),
    )


def _read_geometry(geometry) -> tuple[dict, shapely.Geometry]:
    """Check a Polygon/MultiPolygon and return it (repaired if self-intersecting) with its shape."""
    kind = geometry.get("type") if isinstance(geometry, dict) else None
    if kind not in ("Polygon", "MultiPolygon"):
        raise RegionFileError(f"geometry must be a Polygon or MultiPolygon, not {kind or type(geometry).__name__}")
    coordinates = geometry.get("coordinates")
    polygons = [coordinates] if kind == "Polygon" else coordinates
    if not isinstance(polygons, list) or not polygons or not all(isinstance(p, list) and p for p in polygons):
        raise RegionFileError(f"the {kind} has no rings")
    for polygon in polygons:
        for ring in polygon:
            _check_ring(ring)
    geom = shape(geometry)
    if geom.is_valid and geom.area > 0:
        return {"type": kind, "coordinates": coordinates}, geom
    repaired = _polygonal(shapely.make_valid(geom))
    if repaired.is_empty:
        raise RegionFileError("the polygon has no area")
    # Through JSON so the stored geometry is lists, like a geometry read from a file.
    return json.loads(shapely.to_geojson(repaired)), repaired


def _check_ring(ring) -> None:
    """A ring is at least 4 finite [longitude, latitude] positions within range."""
    try:
        array = np.asarray(ring) if isinstance(ring, list) else None
    except ValueError:  # ragged positions
        array = None
    if array is None or array.dtype.kind not in "if" or array.ndim != 2 or array.shape[1] not in (2, 3):
        raise RegionFileError("a ring must be a list of [longitude, latitude] number pairs")
    if len(array) < 4:
        raise RegionFileError("a ring needs at least 4 positions")
    lon, lat = array[:, 0], array[:, 1]
    if not np.isfinite(array).all() or (np.abs(lon) > 180).any() or (np.abs(lat) > 90).any():
        raise RegionFileError("a coordinate is out of range (GeoJSON positions are [longitude, latitude])")


def _polygonal(geom: shapely.Geometry) -> shapely.Geometry:
    """The areal part of a repaired geometry (make_valid can add stray lines and points)."""
    parts = [part for part in shapely.get_parts(geom) if part.geom_type in ("Polygon", "MultiPolygon")]
    return shapely.union_all(parts) if parts else shapely.Polygon()


# --- point lookup -------------------------------------------------------------------
class VillageIndex:
    """Point-in-village lookup over many polygons: an STRtree over prepared geometries."""

    def __init__(self, codes: list[str], geometries: list[shapely.Geometry]):
        self._codes = list(codes)
        self._geoms = np.asarray(geometries, dtype=object)
        shapely.prepare(self._geoms)  # prepared polygons answer point tests without a full scan
        self._areas = shapely.area(self._geoms)
        self._tree = shapely.STRtree(self._geoms)

    @classmethod
    def build(cls, villages: Iterable[tuple[str, dict]]) -> "VillageIndex":
        """Index (code, GeoJSON geometry) pairs; invalid polygons are repaired, not rejected."""
        codes, geometries = [], []
        for code, geometry in villages:
            geom = geometry if isinstance(geometry, shapely.Geometry) else _shape_of(code, geometry)
            codes.append(code)
            geometries.append(geom)
        repeated = sorted(code for code, count in Counter(codes).items() if count > 1)
        if repeated:
            raise RegionFileError(f"village codes appear more than once: {', '.join(repeated)}")
        invalid = np.flatnonzero(~shapely.is_valid(np.asarray(geometries, dtype=object))) if geometries else []
        for i in invalid:
            geometries[i] = _polygonal(shapely.make_valid(geometries[i]))
        return cls(codes, geometries)

    def __len__(self) -> int:
        return len(self._codes)

    def locate(self, lat: float, lon: float, snap_meters: float = DEFAULT_SNAP_METERS) -> str | None:
        """Code of the village containing the point (rules in the module docstring), or None."""
        point = _point(lat, lon)
        if point is None or not self._codes:
            return None
        candidates = self._tree.query(point)  # bounding boxes only: cheap
        inside = candidates[shapely.intersects_xy(self._geoms[candidates], point.x, point.y)]
        if len(inside) == 1:
            return self._codes[inside[0]]
        if len(inside) > 1:
            return self._codes[self._deepest(inside, point)]
        return self._nearest(point, snap_meters)

    def _deepest(self, inside: np.ndarray, point: shapely.Point) -> int:
        """Among polygons holding the point: deepest inside, then smaller area, then code."""
        depths = np.round(shapely.distance(point, shapely.boundary(self._geoms[inside])), DEPTH_DECIMALS)
        best = min(range(len(inside)), key=lambda k: (-depths[k], self._areas[inside[k]], self._codes[inside[k]]))
        return int(inside[best])

    def _nearest(self, point: shapely.Point, snap_meters: float) -> str | None:
        """The village nearest to a point in a gap, if within snap_meters."""
        if not snap_meters or snap_meters <= 0:
            return None
        # A degree of longitude is the shorter one away from the equator, so this radius
        # in degrees reaches at least snap_meters in every direction.
        cos_lat = max(math.cos(math.radians(point.y)), 1e-6)
        near = self._tree.query(point, predicate="dwithin", distance=snap_meters / (METERS_PER_DEGREE * cos_lat))
        if not len(near):
            return None
        meters = [_length_meters(line) for line in shapely.shortest_line(point, self._geoms[near])]
        best = min(range(len(near)), key=lambda i: (meters[i], self._areas[near[i]], self._codes[near[i]]))
        return self._codes[near[best]] if meters[best] <= snap_meters else None


def _shape_of(code: str, geometry: dict) -> shapely.Geometry:
    """A shapely geometry from GeoJSON, with the village code in the error."""
    try:
        return shape(geometry)
    except Exception as exc:  # shapely raises several types for malformed GeoJSON
        raise RegionFileError(f"village {code}: unreadable geometry ({exc})") from None


def _point(lat, lon) -> shapely.Point | None:
    """A lon/lat point, or None for anything that is not a real coordinate."""
    try:
        lat, lon = float(lat), float(lon)
    except (TypeError, ValueError):
        return None
    if not (math.isfinite(lat) and math.isfinite(lon) and -90 <= lat <= 90 and -180 <= lon <= 180):
        return None
    return shapely.Point(lon, lat)


def _length_meters(line: shapely.LineString) -> float:
    """Length of a short lon/lat segment in meters (equirectangular; fine below a few km)."""
    (x0, y0), (x1, y1) = line.coords
    cos_lat = math.cos(math.radians((y0 + y1) / 2))
    return math.hypot((x1 - x0) * cos_lat, y1 - y0) * METERS_PER_DEGREE


# --- typed addresses ----------------------------------------------------------------
# Abbreviations residents type; applied to the text and the names alike.
ALIASES = {"sei": "sungai", "sui": "sungai", "sg": "sungai", "tj": "tanjung", "tg": "tanjung",
           "ds": "desa", "kel": "kelurahan", "kec": "kecamatan", "kab": "kabupaten"}
VILLAGE_MARKERS = frozenset({"desa", "kelurahan"})
KECAMATAN_MARKERS = frozenset({"kecamatan"})

Words = tuple[str, ...]
Mention = tuple[int, int, Words]  # start, end (word positions), the phrase


def _words(text: str) -> Words:
    """Lower-case ASCII words; accents and punctuation dropped, "tuan2" read as "tuan tuan"."""
    folded = unicodedata.normalize("NFKD", text or "").encode("ascii", "ignore").decode().lower()
    words: list[str] = []
    for word in re.findall(r"[a-z0-9]+", folded):
        word = ALIASES.get(word, word)
        # Indonesian writes reduplication as a trailing 2 ("Tuan-Tuan" typed "tuan2").
        words.extend([word[:-1]] * 2 if len(word) > 2 and word[-1] == "2" and word[:-1].isalpha() else [word])
    return tuple(words)


SEGMENT = ","  # between the comma-separated parts of an address (never inside a name)


def _segmented_words(text: str) -> Words:
    """_words of each comma (or ;, /, brackets, new line) separated part, with SEGMENT between."""
    out: list[str] = []
    for part in re.split(r"[,;/()\n]+", text or ""):
        words = _words(part)
        if words:
            if out:
                out.append(SEGMENT)
            out.extend(words)
    return tuple(out)


def _name_words(name: str) -> Words:
    """A village or kecamatan name as words, without a leading "desa"/"kelurahan"/"kecamatan"."""
    words = _words(name)
    while len(words) > 1 and (words[0] in VILLAGE_MARKERS or words[0] in KECAMATAN_MARKERS):
        words = words[1:]
    return words


def _mentions(words: Words, phrases: Iterable[Words]) -> list[Mention]:
    """Whole-word occurrences of the phrases, except those inside a longer occurrence."""
    phrases = set(phrases)
    longest = max(map(len, phrases), default=0)
    found = [(i, i + n, words[i:i + n]) for i in range(len(words))
             for n in range(1, min(longest, len(words) - i) + 1) if words[i:i + n] in phrases]
    return [m for m in found
            if not any(o[0] <= m[0] and m[1] <= o[1] and o[1] - o[0] > m[1] - m[0] for o in found)]


def _after(words: Words, mention: Mention, markers: frozenset[str]) -> bool:
    """Whether the mention directly follows one of the marker words."""
    return mention[0] > 0 and words[mention[0] - 1] in markers


def match_address(text: str, villages: Iterable[tuple[str, str, str]]) -> str | None:
    """The code of the one village a typed address names, or None when none or several fit.

    `villages` are (code, desa name, kecamatan name). A name right after "desa"/"kel." wins
    over names elsewhere; a name right after "kec." is never read as a village; a name
    shared by several villages is settled by the kecamatan named in the text.
    """
    by_name: dict[Words, list[tuple[str, Words]]] = defaultdict(list)
    for code, name, kecamatan in villages:
        by_name[_name_words(name)].append((code, _name_words(kecamatan)))
    words = _segmented_words(text)
    mentions = [m for m in _mentions(words, by_name) if not _after(words, m, KECAMATAN_MARKERS)]
    marked = [m for m in mentions if _after(words, m, VILLAGE_MARKERS)]
    # A one-word name inside a longer name ("Baru" of "Pasar Baru", "Jl. Parit Baru") is not
    # the village: without "desa"/"kel." before it, it must open its part of the address.
    mentions = marked or [m for m in mentions if m[1] - m[0] > 1 or m[0] == 0 or words[m[0] - 1] == SEGMENT]
    spans: dict[str, set[tuple[int, int]]] = defaultdict(set)
    kecamatan_of: dict[str, Words] = {}
    for start, end, phrase in mentions:
        for code, kecamatan in by_name[phrase]:
            spans[code].add((start, end))
            kecamatan_of[code] = kecamatan
    if len(spans) <= 1:
        return next(iter(spans), None)
    return _settle_by_kecamatan(words, spans, kecamatan_of)


def _settle_by_kecamatan(words: Words, spans: dict[str, set], kecamatan_of: dict[str, Words]) -> str | None:
    """Among several candidate villages, the one whose kecamatan the text names."""
    named = _mentions(words, set(kecamatan_of.values()))
    named_kecamatan = {phrase for _, _, phrase in named}
    fits = [code for code in spans if kecamatan_of[code] in named_kecamatan]
    if len(fits) > 1:
        # "Mekar Jaya, Manis Mata": "Manis Mata" is also a desa, but here it names the kecamatan.
        kecamatan_spans = {(start, end) for start, end, _ in named}
        fits = [code for code in fits if not spans[code] <= kecamatan_spans]
    return fits[0] if len(fits) == 1 else None


def match_kecamatan(text: str, kecamatans: Iterable[tuple[str, str]]) -> str | None:
    """The code of the one kecamatan a text names ((code, name) pairs), or None."""
    by_name: dict[Words, set[str]] = defaultdict(set)
    for code, name in kecamatans:
        by_name[_name_words(name)].add(code)
    words = _words(text)
    mentions = [m for m in _mentions(words, by_name) if not _after(words, m, VILLAGE_MARKERS)]
    mentions = [m for m in mentions if _after(words, m, KECAMATAN_MARKERS)] or mentions
    codes = {code for _, _, phrase in mentions for code in by_name[phrase]}
    return codes.pop() if len(codes) == 1 else None


# --- which office acts ----------------------------------------------------------------
@dataclass(frozen=True)
class Office:
    """The office that must act on a complaint: an OPD or a village (desa/kelurahan)."""

    kind: str  # "opd" | "desa"
    id: int


def choose_office(category_village_level: bool, category_opd_id: int | None, desa_id: int | None) -> Office | None:
    """Village-level categories go to the village, others to the category's OPD.

    None means nobody can be chosen automatically (unknown village, or a category without
    an OPD): the main admin routes the complaint by hand.
    """
    if category_village_level:
        return Office("desa", desa_id) if desa_id is not None else None
    return Office("opd", category_opd_id) if category_opd_id is not None else None
