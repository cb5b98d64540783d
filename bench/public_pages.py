"""The public pages (/publik) with 1,000,000 complaints on PostgreSQL.

    .venv/bin/python -m bench.public_pages [--complaints 1000000] [--requests 30] [--keep] [--reuse]

The complaints are made in SQL (one INSERT ... SELECT over generate_series): spread over
Ketapang's 262 villages and 16 demo categories, filed over three years, statuses as a regency
has them after three years; 5 % confidential, 1 % taken off the public pages. Each page is
requested through Flask's test client (the whole view and template, no network) after 3
warm-ups and timed with perf_counter:

- the list: first page; a deep page (the deepest allowed, PUBLIC_MAX_PAGE) with a category
  filter; first page filtered by kecamatan; by status and period;
- the map's JSON over the whole regency (zoom 7, as a phone or a desktop first shows it) and
  over boxes of one screen at zooms 9, 11, 13 and 17 (single points): "cold" (Redis cache
  emptied before every request: the SQL itself) and "warm" (as a visitor after another);
- the performance page: cold (computed) and warm (from the cache);
- "stale": an answer older than PUBLIC_CACHE_SECONDS, served at once while one worker job
  computes it again (no worker runs here: the job only waits in its queue).

Its own database (wadul_bench_public), dropped at the end unless --keep; Redis db 6.
"""
from __future__ import annotations

import argparse
import random

from bench.common import (analyze, bench_database, flush_bench_redis, header, pct, required_defaults, summary_ms, timed,
                          verdict)

TARGET_S = 0.100
SEED_COLUMNS = (
    "tracking_code", "from_village_head", "category_id", "description", "latitude", "longitude", "address_text",
    "desa_id", "assigned_opd_id", "assigned_desa_id", "status", "routing_problem", "channel", "contact_name",
    "contact_phone", "contact_email", "photos_public", "public_hidden", "is_anonymous", "is_confidential",
    "created_at", "updated_at", "assigned_at", "first_response_at", "resolved_at", "closed_at", "response_due_at",
    "resolution_due_at", "current_due", "escalation_level", "reopen_count", "rating", "rated_at", "feedback")


def seed_sql(count: int) -> None:
    """`count` complaints in one statement (plus helper tables of villages and categories)."""
    import models

    db = models.db
    extra = required_defaults(SEED_COLUMNS)  # NOT NULL columns later migrations added, at their defaults
    db.execute_sql("DROP TABLE IF EXISTS bench_vill; DROP TABLE IF EXISTS bench_cat")
    db.execute_sql("CREATE TEMP TABLE bench_vill AS SELECT row_number() OVER (ORDER BY id) AS rn, id, centroid_lat AS lat, "
                   "centroid_lon AS lon FROM desa WHERE centroid_lat IS NOT NULL")
    db.execute_sql("CREATE TEMP TABLE bench_cat AS SELECT row_number() OVER (ORDER BY id) AS rn, id, opd_id, "
                   "village_level, response_hours, resolution_hours FROM category")
    nv = db.execute_sql("SELECT count(*) FROM bench_vill").fetchone()[0]
    nc = db.execute_sql("SELECT count(*) FROM bench_cat").fetchone()[0]
    db.execute_sql(f"""
    INSERT INTO complaint ({", ".join(SEED_COLUMNS + tuple(name for name, _ in extra))})
    SELECT code, false, cat_id, 'Jalan berlubang besar di depan sekolah, sudah dua bulan tidak diperbaiki.',
        lat, lon, '', desa_id,
        CASE WHEN village_level OR st = 'new' THEN NULL ELSE opd_id END,
        CASE WHEN village_level AND st <> 'new' THEN desa_id END,
        st, '', 'telegram', '', '', '', g %% 3 = 0, g %% 100 = 7, g %% 10 = 3, g %% 20 = 0,
        created, created, assigned, first_at, resolved, closed, resp_due, resol_due,
        CASE WHEN st IN ('new', 'assigned', 'in_progress', 'forwarded', 'reopened') THEN
             CASE WHEN first_at IS NULL AND resp_due IS NOT NULL THEN resp_due ELSE resol_due END END,
        0, CASE WHEN st = 'reopened' THEN 1 ELSE 0 END,
        CASE WHEN st = 'closed' AND g %% 2 = 0 THEN 1 + g %% 5 END, CASE WHEN st = 'closed' AND g %% 2 = 0 THEN closed END, ''
        {"".join(", %s" for _ in extra)}
    FROM (
      SELECT *, CASE WHEN st IN ('resolved', 'closed') THEN first_at + (1 + floor(rr * 19)) * interval '1 day' END
                AS resolved,
                CASE WHEN st = 'closed' THEN first_at + (8 + floor(rr * 19)) * interval '1 day' END AS closed,
                assigned + response_hours * interval '1 hour' AS resp_due,
                assigned + resolution_hours * interval '1 hour' AS resol_due
      FROM (
        SELECT *, CASE WHEN st <> 'new' THEN created + interval '1 minute' END AS assigned,
                  CASE WHEN st IN ('resolved', 'closed', 'rejected', 'in_progress')
                       THEN created + interval '1 minute' + (1 + floor(rh * 59)) * interval '1 hour' END AS first_at
        FROM (
          SELECT g, 'WDL-' || lpad(g::text, 9, '0') AS code, v.id AS desa_id,
                 v.lat + (random() - 0.5) * 0.004 AS lat, v.lon + (random() - 0.5) * 0.004 AS lon,
                 c.id AS cat_id, c.opd_id, c.village_level, c.response_hours, c.resolution_hours,
                 (now() AT TIME ZONE 'utc') - random() * interval '1095 days' AS created,
                 random() AS rh, random() AS rr,
                 CASE WHEN rs < 0.55 THEN 'closed' WHEN rs < 0.65 THEN 'resolved' WHEN rs < 0.71 THEN 'rejected'
                      WHEN rs < 0.83 THEN 'in_progress' WHEN rs < 0.95 THEN 'assigned' WHEN rs < 0.96 THEN 'forwarded'
                      WHEN rs < 0.97 THEN 'reopened' ELSE 'new' END AS st
          FROM (SELECT g, random() AS rs FROM generate_series(1::bigint, {int(count)}::bigint) g) s
          JOIN bench_vill v ON v.rn = 1 + (g * 7919) %% {nv}
          JOIN bench_cat c ON c.rn = 1 + ((g / 7) * 104729 + g) %% {nc}
        ) a
      ) b
    ) d""", [value for _, value in extra])
    db.execute_sql("DROP TABLE bench_vill; DROP TABLE bench_cat")


def time_get(client, url: str, runs: int, before=None, check=None) -> list[float]:
    for _ in range(3):
        if before:
            before()
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        if check:
            check(response)
    times = []
    for _ in range(runs):
        if before:
            before()
        seconds, response = timed(client.get, url)
        assert response.status_code == 200, (url, response.status_code)
        times.append(seconds)
    return times


def screen_box(lat: float, lon: float, zoom: int, width: int = 1280, height: int = 420) -> str:
    """The box a map of width x height pixels shows at `zoom` around a point (web mercator, roughly)."""
    import math

    deg_per_px = 360.0 / (256 * 2 ** zoom)
    half_w = width / 2 * deg_per_px
    half_h = height / 2 * deg_per_px * math.cos(math.radians(lat))
    return f"{lon - half_w:.5f},{lat - half_h:.5f},{lon + half_w:.5f},{lat + half_h:.5f}"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.public_pages", description=__doc__)
    parser.add_argument("--complaints", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument("--reuse", action="store_true", help="use the database an earlier --keep run left")
    args = parser.parse_args(argv)
    header("Public pages at scale", f"""
        {args.complaints} complaints on PostgreSQL made by one INSERT ... SELECT generate_series; 5 % confidential,
        1 % hidden; Flask test client, no login; {args.requests} timed requests per URL after 3 warm-ups.
        map cold = the Redis cache emptied before each request; warm = answered from the cache.""")
    flush_bench_redis()
    with bench_database("postgresql", keep=args.keep, name="public", reuse=args.reuse) as cfg:
        import migrations
        from models import Category, Complaint, Desa, Kecamatan
        from panel import create_app
        from services import public_stats, runtime

        existing = Complaint.select().count()
        if existing:
            up_s, done = timed(migrations.upgrade)
            print(f"reused the kept database: {existing} complaints; migrations {done or 'none'} in {up_s:.1f} s")
        else:
            gen_s, _ = timed(seed_sql, args.complaints)
            analyze_s, _ = timed(analyze)
            print(f"generated {args.complaints} complaints in {gen_s:.1f} s, vacuum analyze {analyze_s:.1f} s")
        public_n = Complaint.select().where(~Complaint.is_confidential & ~Complaint.public_hidden).count()
        print(f"public complaints: {public_n}")
        app = create_app(cfg)
        client = app.test_client()
        category = Category.get(Category.code == "jalan").id
        kecamatan = Kecamatan.select().order_by(Kecamatan.id).first().id
        rng = random.Random(3)
        villages = [(d.centroid_lat, d.centroid_lon) for d in Desa.select().where(Desa.centroid_lat.is_null(False))]
        max_page = runtime.config().PUBLIC_MAX_PAGE

        def forget():
            public_stats.forget_map()

        results = {}
        runs = args.requests
        results["list first page"] = time_get(client, "/publik/", runs)
        results[f"list deep page {max_page}, category filter"] = time_get(
            client, f"/publik/?kategori={category}&hal={max_page}", runs)
        results["list first page, kecamatan filter"] = time_get(client, f"/publik/?kecamatan={kecamatan}", runs)
        results["list page 50, status in_progress, 30 days"] = time_get(
            client, "/publik/?status=in_progress&periode=30&hal=50", runs)
        extent = public_stats.extent()
        whole = f"{extent['west']},{extent['south']},{extent['east']},{extent['north']}"
        map_urls = {"map zoom 7 (whole regency)": f"/publik/peta.json?z=7&bbox={whole}",
                    "map zoom 7, category filter": f"/publik/peta.json?z=7&bbox={whole}&kategori={category}"}
        for zoom in (9, 11, 13, 17):
            lat, lon = rng.choice(villages)
            map_urls[f"map zoom {zoom} (one screen)"] = f"/publik/peta.json?z={zoom}&bbox={screen_box(lat, lon, zoom)}"

        def clusters_or_points(response):
            data = response.get_json()
            assert data["clusters"] or data["points"], response.request.url

        for name, url in map_urls.items():
            results[f"{name} cold"] = time_get(client, url, runs, before=forget, check=clusters_or_points)
            results[f"{name} warm"] = time_get(client, url, runs)
        def make_stale():
            import json

            conn = runtime.redis()
            for key in conn.keys(f"{cfg.QUEUE_PREFIX}:public:*"):
                raw = conn.get(key)
                if raw and not key.endswith(b":refreshing"):
                    entry = json.loads(raw)
                    entry["at"] -= 10 * cfg.PUBLIC_CACHE_SECONDS
                    conn.set(key, json.dumps(entry))

        whole_url = map_urls["map zoom 7 (whole regency)"]
        results["map zoom 7 (whole regency) stale (served while a job refreshes)"] = time_get(
            client, whole_url, runs, before=make_stale)
        results["performance 90 days cold"] = time_get(client, "/publik/kinerja?periode=90", max(5, runs // 6),
                                                       before=forget)
        results["performance 365 days cold"] = time_get(client, "/publik/kinerja?periode=365", max(5, runs // 6),
                                                        before=forget)
        results["performance 90 days warm"] = time_get(client, "/publik/kinerja?periode=90", runs)
        results["performance 365 days stale (served while a job refreshes)"] = time_get(
            client, "/publik/kinerja?periode=365", runs, before=make_stale)
        for name, times in results.items():
            print(f"{name}: {summary_ms(times)}")
        served = {n: t for n, t in results.items() if not n.endswith(" cold")}
        worst_name, worst = max(served.items(), key=lambda item: pct(item[1], 95))
        print(f"target p95 < 100 ms for the pages as served (list; map and performance warm or stale): worst "
              f"{worst_name} {pct(worst, 95) * 1000:.0f} ms -> {verdict(pct(worst, 95) < TARGET_S)}")
        cold = {n: t for n, t in results.items() if n.endswith(" cold")}
        worst_name, worst = max(cold.items(), key=lambda item: pct(item[1], 95))
        print(f"cold (cache emptied before each request): worst {worst_name} {pct(worst, 95) * 1000:.0f} ms")
    flush_bench_redis()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
