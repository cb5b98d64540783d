"""Routing rules on the real Ketapang village file and on a small synthetic regency."""
from __future__ import annotations

import copy
import csv
import json
import math
from pathlib import Path

import pytest
import shapely
from shapely.geometry import shape

from core.routing import (
    Office, RegionFileError, VillageIndex, choose_office, match_address, match_kecamatan, parse_regions,
)

REGIONS = Path(__file__).resolve().parent.parent / "data" / "regions"


@pytest.fixture(scope="module")
def ketapang():
    """The parsed Ketapang villages, their shapes by code, and the index over them."""
    villages = parse_regions(json.loads((REGIONS / "ketapang-desa.geojson").read_text(encoding="utf-8")))
    shapes = {v.code: shape(v.geometry) for v in villages}
    return villages, shapes, VillageIndex.build((v.code, v.geometry) for v in villages)


def expected_owner(shapes: dict, codes, point) -> str:
    """The documented rule: deepest inside, then smaller area, then smaller code."""
    return min(codes, key=lambda c: (-round(shapes[c].boundary.distance(point), 9), shapes[c].area, c))


def square(x0, y0, x1, y1, clockwise=False) -> list:
    ring = [[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]
    return ring[::-1] if clockwise else ring


def feature(code, desa, geometry, kecamatan="Kec Satu", kabupaten="Kabupaten Contoh") -> dict:
    return {"type": "Feature", "properties": {"kode": code, "desa": desa, "kecamatan": kecamatan, "kabupaten": kabupaten},
            "geometry": geometry}


def collection(*features) -> dict:
    return {"type": "FeatureCollection", "features": list(features)}


# --- parsing the real file ------------------------------------------------------------------------
def test_parse_ketapang_reads_every_village(ketapang):
    villages, _, index = ketapang
    assert len(villages) == len(index) == 262
    first = villages[0]
    assert (first.code, first.name, first.kecamatan, first.kecamatan_code, first.kabupaten_code, first.kind) == (
        "61.04.01.2011", "Sungai Putri", "Matan Hilir Utara", "61.04.01", "61.04", "desa")
    assert sum(v.kind == "kelurahan" for v in villages) == 9
    assert {v.geometry["type"] for v in villages} == {"Polygon", "MultiPolygon"}


def test_bbox_and_centroid_describe_the_polygon(ketapang):
    villages, shapes, _ = ketapang
    for v in villages:
        min_lon, min_lat, max_lon, max_lat = v.bbox
        lat, lon = v.centroid
        assert 108 < min_lon <= lon <= max_lon < 112 and -4 < min_lat <= lat <= max_lat < 0
        assert v.bbox == shapes[v.code].bounds


def test_kind_follows_the_code_not_the_name():
    geometry = {"type": "Polygon", "coordinates": [square(110, -2, 110.01, -1.99)]}
    (record,) = parse_regions(collection(feature("61.04.18.1004", "Tuan-Tuan", geometry)))
    assert record.kind == "kelurahan"


# --- locating points in Ketapang -------------------------------------------------------------------
def test_a_point_inside_each_village_finds_it(ketapang):
    villages, shapes, index = ketapang
    for v in villages:
        point = shapes[v.code].representative_point()
        holders = [c for c, s in shapes.items() if s.intersects(point)]
        expected = v.code if holders == [v.code] else expected_owner(shapes, holders, point)
        assert index.locate(point.y, point.x) == expected, v.code


@pytest.mark.parametrize("lat, lon", [
    (-6.2, 106.8),     # Jakarta
    (-0.03, 109.33),   # Pontianak
    (-1.9, 109.6),     # Karimata Strait, west of Ketapang's coast
    (-2.5, 109.9),     # open sea south-west
])
def test_points_outside_the_regency_find_nothing(ketapang, lat, lon):
    assert ketapang[2].locate(lat, lon) is None


def test_real_overlap_is_split_by_depth(ketapang):
    _, shapes, index = ketapang
    a, b = "61.04.02.2021", "61.04.12.2017"  # the largest overlap in the file
    overlap = shapes[a].intersection(shapes[b])
    assert overlap.area > 0
    min_x, min_y, max_x, max_y = overlap.bounds
    answers = set()
    for i in range(1, 40):
        for j in range(1, 40):
            point = shapely.Point(min_x + (max_x - min_x) * i / 40, min_y + (max_y - min_y) * j / 40)
            if overlap.contains(point):
                answer = index.locate(point.y, point.x)
                assert answer == expected_owner(shapes, [a, b], point)
                answers.add(answer)
    assert answers == {a, b}  # each village keeps the part of the strip that lies deep inside it


def test_shared_vertex_gives_one_stable_answer(ketapang):
    _, shapes, index = ketapang
    # A corner where three villages meet in the file.
    lon, lat = 110.17387746700007, -1.635689857999978
    corner = shapely.Point(lon, lat)
    holders = [c for c, s in shapes.items() if s.intersects(corner)]
    assert {"61.04.01.2011", "61.04.17.2003", "61.04.17.2004"} <= set(holders)
    answer = index.locate(lat, lon)
    assert answer == expected_owner(shapes, holders, corner)  # depth 0 everywhere: the smallest village
    assert all(index.locate(lat, lon) == answer for _ in range(3))


def test_point_in_a_gap_snaps_to_the_nearest_village(ketapang):
    _, shapes, index = ketapang
    regency = shapely.union_all(list(shapes.values()))
    holes = sorted((shapely.Polygon(h) for part in regency.geoms for h in part.interiors), key=lambda h: h.area)
    point = holes[-1].representative_point()
    assert not any(s.intersects(point) for s in shapes.values())
    nearest = min(shapes, key=lambda c: shapes[c].distance(point))
    assert index.locate(point.y, point.x) == nearest
    assert index.locate(point.y, point.x, snap_meters=0) is None


@pytest.mark.parametrize("lat, lon", [
    (float("nan"), 110.0), (-1.8, float("nan")), (float("inf"), 110.0), (91, 110), (-1.8, 181), (None, 110), ("x", 1),
])
def test_invalid_coordinates_give_none(ketapang, lat, lon):
    assert ketapang[2].locate(lat, lon) is None


# --- a synthetic regency elsewhere (Central Java code 33.27) --------------------------------------
@pytest.fixture
def synthetic():
    """Four villages: a clockwise square, a two-island MultiPolygon, a kelurahan with a hole
    and the enclave village that fills the hole."""
    island = {"type": "MultiPolygon", "coordinates": [[square(109.10, -7.0, 109.11, -6.99)],
                                                       [square(109.112, -7.0, 109.12, -6.99)]]}
    holed = {"type": "Polygon", "coordinates": [square(109.20, -7.0, 109.23, -6.97),
                                                square(109.21, -6.99, 109.22, -6.98, clockwise=True)]}
    return collection(
        feature("33.27.01.2001", "Cw", {"type": "Polygon", "coordinates": [square(109.0, -7.0, 109.01, -6.99, True)]}),
        feature("33.27.01.2002", "Pulau", island),
        feature("33.27.02.1001", "Kota", holed, kecamatan="Kec Dua"),
        feature("33.27.02.2002", "Tengah", {"type": "Polygon", "coordinates": [square(109.21, -6.99, 109.22, -6.98)]},
                kecamatan="Kec Dua"),
    )


def test_synthetic_regency_parses_and_locates(synthetic):
    villages = parse_regions(synthetic)
    assert [(v.kabupaten_code, v.kecamatan_code, v.kind) for v in villages] == [
        ("33.27", "33.27.01", "desa"), ("33.27", "33.27.01", "desa"),
        ("33.27", "33.27.02", "kelurahan"), ("33.27", "33.27.02", "desa")]
    index = VillageIndex.build((v.code, v.geometry) for v in villages)
    assert index.locate(-6.995, 109.005) == "33.27.01.2001"   # clockwise ring
    assert index.locate(-6.995, 109.115) == "33.27.01.2002"   # second island
    assert index.locate(-6.975, 109.215) == "33.27.02.1001"   # ring around the hole
    assert index.locate(-6.985, 109.215) == "33.27.02.2002"   # enclave inside the hole
    assert index.locate(-6.995, 109.111) == "33.27.01.2002"   # water between islands, within 250 m
    assert index.locate(-6.995, 109.125) is None              # 550 m from the nearest shore
    assert index.locate(-7.5, 109.0) is None
    assert index.locate(-1.8, 110.0) is None                  # Ketapang is not loaded here


def overlap_index() -> VillageIndex:
    """A (0.01 degree square) and B (wider) overlap in a strip; C shares A's top edge exactly."""
    return VillageIndex.build([
        ("99.01.01.2001", {"type": "Polygon", "coordinates": [square(0.0, 0.0, 0.010, 0.010)]}),
        ("99.01.01.2002", {"type": "Polygon", "coordinates": [square(0.009, 0.0, 0.020, 0.010)]}),
        ("99.01.01.2003", {"type": "Polygon", "coordinates": [square(0.0, 0.010, 0.005, 0.020)]}),
    ])


def test_overlap_goes_to_the_village_the_point_is_deepest_in():
    index = overlap_index()
    assert index.locate(0.005, 0.0099) == "99.01.01.2002"  # 0.1 mm from A's edge, 0.9 m deep in B
    assert index.locate(0.005, 0.0091) == "99.01.01.2001"
    assert index.locate(0.005, 0.0095) == "99.01.01.2001"  # equally deep: the smaller village


def test_shared_edge_goes_to_the_smaller_village():
    index = overlap_index()
    assert index.locate(0.010, 0.002) == "99.01.01.2003"  # on the edge of A (0.0001 sq deg) and C (0.00005)


def test_snap_distance_is_measured_in_meters():
    index = overlap_index()
    meters_per_degree = 111_320
    assert index.locate(0.005, -200 / meters_per_degree) == "99.01.01.2001"
    assert index.locate(0.005, -300 / meters_per_degree) is None
    assert index.locate(0.005, -300 / meters_per_degree, snap_meters=400) == "99.01.01.2001"


def test_self_intersecting_polygon_is_repaired():
    bowtie = {"type": "Polygon", "coordinates": [[[0, 0], [0.01, 0.01], [0.01, 0], [0, 0.01], [0, 0]]]}
    (record,) = parse_regions(collection(feature("99.01.01.2001", "Dasi", bowtie)))
    assert shape(record.geometry).is_valid and record.geometry["type"] == "MultiPolygon"
    index = VillageIndex.build([(record.code, record.geometry)])
    assert index.locate(0.005, 0.002) == "99.01.01.2001"
    assert VillageIndex.build([("99.01.01.2001", bowtie)]).locate(0.005, 0.002) == "99.01.01.2001"


def test_valid_geometry_is_kept_as_written():
    data = good_file()
    written = copy.deepcopy(data["features"][0]["geometry"])
    assert parse_regions(data)[0].geometry == written  # the importer compares stored rows with it


def test_index_refuses_repeated_codes():
    geometry = {"type": "Polygon", "coordinates": [square(0.0, 0.0, 0.01, 0.01)]}
    with pytest.raises(RegionFileError, match="99.01.01.2001"):
        VillageIndex.build([("99.01.01.2001", geometry), ("99.01.01.2001", geometry)])


def test_empty_index_finds_nothing():
    index = VillageIndex.build([])
    assert len(index) == 0 and index.locate(-1.8, 110.0) is None


# --- parse errors ---------------------------------------------------------------------------------
def good_file() -> dict:
    geometry = {"type": "Polygon", "coordinates": [square(110, -2, 110.01, -1.99)]}
    return collection(feature("61.04.01.2011", "Satu", geometry), feature("61.04.01.2012", "Dua", copy.deepcopy(geometry)))


def broken(change) -> dict:
    data = good_file()
    change(data["features"][1])
    return data


@pytest.mark.parametrize("data, message", [
    ({"type": "Feature"}, "not a GeoJSON FeatureCollection"),
    ({"type": "FeatureCollection", "features": []}, "no features"),
    (broken(lambda f: f["properties"].pop("kecamatan")), "feature 1 (61.04.01.2012): property 'kecamatan' is missing"),
    (broken(lambda f: f["properties"].update(desa="  ")), "feature 1 (61.04.01.2012): property 'desa'"),
    (broken(lambda f: f["properties"].update(kode="61.4.1.2011")), "feature 1 (61.4.1.2011): kode '61.4.1.2011' is not"),
    (broken(lambda f: f["properties"].update(kode="61.04.01.2011")), "feature 1 (61.04.01.2011): kode already used by feature 0"),
    (broken(lambda f: f.update(geometry={"type": "Point", "coordinates": [110, -2]})), "feature 1 (61.04.01.2012): geometry must be a Polygon or MultiPolygon, not Point"),
    (broken(lambda f: f.update(geometry=None)), "geometry must be a Polygon or MultiPolygon"),
    (broken(lambda f: f["geometry"].update(coordinates=[[[-2, 110], [-2, 110.01], [-1.99, 110], [-2, 110]]])), "feature 1 (61.04.01.2012): a coordinate is out of range"),
    (broken(lambda f: f["geometry"].update(coordinates=[[[110, -2], [110.01, -2], [110, -2]]])), "at least 4 positions"),
    (broken(lambda f: f["geometry"].update(coordinates=[[[110, -2], ["110.01", -2], [110, -1.9], [110, -2]]])), "number pairs"),
    (broken(lambda f: f["geometry"].update(coordinates=[[[110, -2], [110.01], [110, -1.9], [110, -2]]])), "number pairs"),
    (broken(lambda f: f["geometry"].update(coordinates=[[[110, -2], [math.nan, -2], [110, -1.9], [110, -2]]])), "out of range"),
    (broken(lambda f: f["geometry"].update(coordinates=[])), "has no rings"),
    (broken(lambda f: f["geometry"].update(coordinates=[[[110, -2], [110.01, -2], [110.02, -2], [110, -2]]])), "no area"),
    (broken(lambda f: f.update(type="Thing")), "feature 1 (61.04.01.2012): not a GeoJSON Feature"),
])
def test_parse_errors_name_the_feature(data, message):
    with pytest.raises(RegionFileError) as error:
        parse_regions(data)
    assert message in str(error.value)


def test_either_ring_orientation_is_accepted():
    data = good_file()
    data["features"][1]["geometry"]["coordinates"] = [square(110, -2, 110.01, -1.99, clockwise=True)]
    assert len(parse_regions(data)) == 2


# --- typed addresses ------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def directory():
    """(code, desa, kecamatan) for every Ketapang village and (code, name) for its kecamatan."""
    with open(REGIONS / "ketapang-wilayah.csv", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    kecamatan = {r["kode"]: r["nama"] for r in rows if r["tingkat"] == "kecamatan"}
    villages = [(r["kode"], r["nama"], kecamatan[r["kode_induk"]]) for r in rows if r["tingkat"] == "desa"]
    return villages, list(kecamatan.items())


@pytest.mark.parametrize("text, code", [
    ("Jl. Merdeka dekat SD 3, Desa Sungai Putri, Matan Hilir Utara", "61.04.01.2011"),
    ("depan masjid sei putri", "61.04.01.2011"),
    ("DÉSA SÚNGAI-PÚTRI!!", "61.04.01.2011"),
    ("Kel. Tuan-Tuan", "61.04.18.1004"),
    ("kelurahan tuan2 dekat pasar", "61.04.18.1004"),
    ("Desa Mekar Jaya, Kec. Manis Mata", "61.04.03.2021"),
    ("mekar jaya manis mata", "61.04.03.2021"),      # "Manis Mata" is also a desa; here it names the kecamatan
    ("Harapan Baru, Kecamatan Air Upas", "61.04.21.2004"),
    ("Desa Sandai Kiri, Kecamatan Sandai", "61.04.05.2011"),
    ("Desa Sandai, Sandai", "61.04.05.2001"),
    ("Jalan Sungai Putri, Desa Kuala Tolak", "61.04.01.2013"),  # the marked name wins over a street name
])
def test_match_address_finds_the_one_village(directory, text, code):
    assert match_address(text, directory[0]) == code


@pytest.mark.parametrize("text", [
    "Desa Mekar Jaya",                      # three villages have that name
    "Harapan Baru, Matan Hilir Utara",      # none of the three lies there
    "Sungai Putri dan Kuala Tolak",         # two different villages
    "Sungai Putrikan",                      # not a whole-word match
    "Kecamatan Sandai",                     # names a kecamatan, not a village
    "Jalan Merdeka no. 5",
    "",
])
def test_match_address_refuses_to_guess(directory, text):
    assert match_address(text, directory[0]) is None


@pytest.mark.parametrize("text, code", [
    ("Kec. Sandai", "61.04.05"),
    ("desa x, kecamatan muara pawan", "61.04.17"),
    ("MATAN HILIR SELATAN", "61.04.12"),
    ("Matan Hilir", None),                  # two kecamatan start so; neither is named in full
    ("Desa Sandai", None),                  # a village of that name, not the kecamatan
    ("Pontianak", None),
])
def test_match_kecamatan(directory, text, code):
    assert match_kecamatan(text, directory[1]) == code


# --- choosing the office --------------------------------------------------------------------------
@pytest.mark.parametrize("village_level, opd_id, desa_id, office", [
    (True, 7, 12, Office("desa", 12)),
    (True, 7, None, None),
    (False, 7, 12, Office("opd", 7)),
    (False, None, 12, None),
])
def test_choose_office(village_level, opd_id, desa_id, office):
    assert choose_office(village_level, opd_id, desa_id) == office
