"""Scenario 5: point-to-village lookups, Ketapang (262 villages) and a synthetic national set.

    .venv/bin/python -m bench.routing [--villages 80000] [--lookups 20000] [--db postgresql|sqlite|none]

The national set is a Voronoi tessellation of random seeds over Indonesia's bounding box,
densified to about as many vertices per village as Ketapang's real file has (mean 141), so
the polygons are as heavy as real ones. `--db` also loads the national set into the
benchmark database and times `services.regions.locate` (what the worker calls: the cache
stamp query, the index, then the Desa row).
"""
from __future__ import annotations

import argparse
import json
import random
import time

import numpy as np
import shapely

from bench.common import header, pct, summary_ms, timed, verdict
from core.routing import VillageIndex, parse_regions
from services.regions import DEMO_REGIONS

INDONESIA = (95.0, -11.0, 141.0, 6.0)  # lon/lat bounding box


def national_polygons(count: int, seed: int = 11) -> list[shapely.Geometry]:
    """`count` village-sized polygons tiling Indonesia's bounding box, ~140 vertices each."""
    rng = np.random.default_rng(seed)
    min_lon, min_lat, max_lon, max_lat = INDONESIA
    seeds = shapely.multipoints(np.column_stack([rng.uniform(min_lon, max_lon, count),
                                                 rng.uniform(min_lat, max_lat, count)]))
    cells = shapely.get_parts(shapely.voronoi_polygons(seeds, extend_to=shapely.box(*INDONESIA)))
    cells = shapely.intersection(cells, shapely.box(*INDONESIA))
    side = ((max_lon - min_lon) * (max_lat - min_lat) / count) ** 0.5
    return list(shapely.segmentize(cells, side / 35))  # ~4 sides x 35 = ~140 vertices


def code_of(i: int) -> str:
    return f"{10 + i // 100000 % 90:02d}.{i // 10000 % 100:02d}.{i // 1000 % 10:02d}.{2000 + i % 1000:04d}"


def lookup_times(index: VillageIndex, points: list[tuple[float, float]]) -> tuple[list[float], int]:
    """Per-call durations of index.locate over the points, and how many found a village."""
    times, found = [], 0
    for lat, lon in points:
        start = time.perf_counter()
        code = index.locate(lat, lon)
        times.append(time.perf_counter() - start)
        found += code is not None
    return times, found


def points_in(bounds, count: int, rng: random.Random) -> list[tuple[float, float]]:
    min_lon, min_lat, max_lon, max_lat = bounds
    return [(rng.uniform(min_lat, max_lat), rng.uniform(min_lon, max_lon)) for _ in range(count)]


def bench_ketapang(lookups: int) -> None:
    geojson = json.loads(DEMO_REGIONS.read_text())
    parse_s, villages = timed(parse_regions, geojson)
    build_s, index = timed(VillageIndex.build, [(v.code, v.geometry) for v in villages])
    bounds = shapely.total_bounds(shapely.from_geojson([json.dumps(v.geometry) for v in villages]))
    times, found = lookup_times(index, points_in(bounds, lookups, random.Random(1)))
    print(f"ketapang: {len(index)} villages, parse+validate {parse_s * 1000:.0f} ms, index build {build_s * 1000:.0f} ms")
    print(f"ketapang lookups (uniform over the regency's bbox, {found} inside a village or snapped): {summary_ms(times)}")


def bench_national(count: int, lookups: int) -> tuple[list, VillageIndex]:
    gen_s, polygons = timed(national_polygons, count)
    codes = [code_of(i) for i in range(len(polygons))]
    build_s, index = timed(VillageIndex.build, list(zip(codes, polygons)))
    vertices = shapely.get_num_coordinates(np.asarray(polygons, dtype=object))
    print(f"national: {len(index)} synthetic villages, mean {vertices.mean():.0f} vertices "
          f"(generated in {gen_s:.1f} s); index build {build_s:.2f} s")
    rng = random.Random(2)
    times, found = lookup_times(index, points_in(INDONESIA, lookups, rng))
    print(f"national lookups (uniform over Indonesia's bbox, {found} found): {summary_ms(times)}")
    # Points on shared edges are the slow path (several candidates, depth computed).
    edge_points = []
    for poly in rng.sample(polygons, min(lookups // 10, len(polygons))):
        x, y = poly.exterior.coords[0]
        edge_points.append((y, x))
    edge_times, _ = lookup_times(index, edge_points)
    print(f"national lookups exactly on a shared vertex (several candidates): {summary_ms(edge_times)}")
    p95 = pct([t * 1000 for t in times], 95)
    print(f"target < 1 ms per lookup at national size: p95 {p95:.3f} ms -> {verdict(p95 < 1.0)}")
    return list(zip(codes, polygons)), index


def bench_database(kind: str, villages: list, lookups: int) -> None:
    """Load the national set as Desa rows and time services.regions.locate end to end."""
    import models
    from bench.common import bench_database as fresh_database
    from services import regions

    with fresh_database(kind, seeded=False, name="routing") as _cfg:
        load_s, _ = timed(_load_desa, villages)
        first_s, _ = timed(regions.village_index)
        rng = random.Random(3)
        pts = points_in(INDONESIA, lookups // 4, rng)
        times = []
        for lat, lon in pts:
            start = time.perf_counter()
            regions.locate(lat, lon)
            times.append(time.perf_counter() - start)
        stamp_times = [timed(regions._stamp)[0] for _ in range(200)]
        print(f"database ({kind}): {len(villages)} Desa rows loaded in {load_s:.1f} s; first village_index() "
              f"(read rows + build) {first_s:.1f} s")
        print(f"services.regions.locate on {kind} (stamp query + index + Desa row): {summary_ms(times)}")
        print(f"  of which the change-stamp query (COUNT, MAX(updated_at) over Desa): {summary_ms(stamp_times)}")
        models.db.close()


def _load_desa(villages: list) -> None:
    import models
    from models import Desa, Kabupaten, Kecamatan, utcnow

    kab = Kabupaten.create(code="99.99", name="Nasional (sintetis)")
    kec_ids = {}
    rows = []
    now = utcnow()
    for code, geom in villages:
        kec_code = code[:8]
        if kec_code not in kec_ids:
            kec_ids[kec_code] = Kecamatan.create(code=kec_code, name=f"Kec {kec_code}", kabupaten=kab).id
        min_lon, min_lat, max_lon, max_lat = geom.bounds
        c = geom.centroid
        rows.append(dict(code=code, name=f"Desa {code}", kind="desa", kecamatan=kec_ids[kec_code],
                         geometry=shapely.to_geojson(geom), min_lon=min_lon, min_lat=min_lat,
                         max_lon=max_lon, max_lat=max_lat, centroid_lat=c.y, centroid_lon=c.x, updated_at=now))
    if isinstance(models.db.obj, models.SqliteDatabase):
        with models.db.atomic():
            for row in rows:
                row["geometry"] = json.loads(row["geometry"])
            for start in range(0, len(rows), 500):
                Desa.insert_many(rows[start:start + 500]).execute()
        return
    columns = list(rows[0])
    conn = models.db.connection()
    with conn.cursor() as cur, cur.copy(f"COPY desa ({', '.join(c + '_id' if c == 'kecamatan' else c for c in columns)}) "
                                        "FROM STDIN") as copy:
        for row in rows:
            copy.write_row([row[c] for c in columns])
    conn.commit()


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.routing", description=__doc__)
    parser.add_argument("--villages", type=int, default=80000)
    parser.add_argument("--lookups", type=int, default=20000)
    parser.add_argument("--db", choices=("postgresql", "sqlite", "none"), default="postgresql")
    args = parser.parse_args(argv)
    header("Scenario 5: routing (point -> village)", f"""
        core.routing.VillageIndex (STRtree over prepared shapely polygons), timed per call with perf_counter
        over {args.lookups} random points; single process, single thread; index build timed separately.""")
    bench_ketapang(args.lookups)
    villages, _ = bench_national(args.villages, args.lookups)
    if args.db != "none":
        bench_database(args.db, villages, args.lookups)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
