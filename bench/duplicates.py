"""Duplicates nearby: the search a resident's point triggers at filing, at 1,000,000 complaints.

    .venv/bin/python -m bench.duplicates [--db postgresql|sqlite] [--complaints N] [--lookups 2000] [--radius 50]

Complaints are spread as in scenario 3 (bench.common.ComplaintFactory: Ketapang's 262 villages,
±0.002° around each village's centre, the 16 demo categories, a regency's mix of statuses, so
about 3,800 complaints per village and ~240 per village and category: a dense case). Each lookup
is `services.complaints.duplicates.nearby` (the bounding box on the (category, latitude,
longitude) index, the exact haversine check, the village names of what is kept) for a random
point near a random village's centre and a random category, timed with perf_counter. Uses the
benchmark database `wadul_bench_dupes` (created and dropped) and no Redis.
"""
from __future__ import annotations

import argparse
import random

from bench.common import (COLUMNS, ComplaintFactory, analyze, bench_database, header, insert_complaints, pct,
                          summary_ms, timed, verdict)

DEFAULT_SIZE = {"postgresql": 1_000_000, "sqlite": 100_000}


def panel_list(cfg, reused: int) -> None:
    """The complaint list with its support column (a count per row of the page), as bench.panel_scale times it."""
    from bench.panel_scale import PASSWORD, login, status_filter_url, time_get
    from models import ROLE_OPD_STAFF, Complaint, Official, Reporter, Support, db
    from panel import create_app
    from services import auth

    if not Official.select().where(Official.username == "bench.opd").exists():
        auth.create_official("bench.opd", ROLE_OPD_STAFF, PASSWORD, opd_code="DPUTR", full_name="Bench OPD")
    if not Support.select().exists():
        rng = random.Random(5)
        reporters = [dict(telegram_id=9_000_000 + i, chat_id=9_000_000 + i, first_name=f"Pendukung {i}")
                     for i in range(20_000)]
        with db.atomic():
            for start in range(0, len(reporters), 2000):
                Reporter.insert_many(reporters[start:start + 2000]).execute()
        fans = [r.id for r in Reporter.select(Reporter.id).where(Reporter.telegram_id >= 9_000_000)]
        top = Complaint.select(Complaint.id).order_by(Complaint.id.desc()).first().id
        pairs = {(rng.randrange(1, top + 1), rng.choice(fans)) for _ in range(100_000)}
        with db.atomic():
            rows = [dict(complaint=c, reporter=r) for c, r in pairs]
            for start in range(0, len(rows), 5000):
                Support.insert_many(rows[start:start + 5000]).execute()
        from bench.common import analyze

        analyze()
    from services.complaints import supporters

    client = create_app(cfg).test_client()
    login(client, "bench.opd")
    url = status_filter_url(client)
    counted = supporters.attach_counts
    rounds = {"with": [], "without": []}
    for _ in range(3):  # alternated, so that the machine's load falls on both alike
        supporters.attach_counts = counted
        rounds["with"] += time_get(client, url, 10)
        supporters.attach_counts = lambda rows: [setattr(r, "support_count", 0) for r in rows]
        rounds["without"] += time_get(client, url, 10)
    supporters.attach_counts = counted
    for name, times in rounds.items():
        print(f"panel list {name} the support column (bench.opd): {url}: {summary_ms(times)}")
    p95 = pct(rounds["with"], 95)
    print(f"target list p95 < 150 ms (scenario 3): {p95 * 1000:.0f} ms -> {verdict(p95 < 0.150)}")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.duplicates", description=__doc__)
    parser.add_argument("--db", choices=("postgresql", "sqlite"), default="postgresql")
    parser.add_argument("--complaints", type=int, default=0, help="default 1,000,000 on PostgreSQL, 100,000 on SQLite")
    parser.add_argument("--lookups", type=int, default=2000)
    parser.add_argument("--radius", type=float, default=50.0)
    parser.add_argument("--panel", action="store_true",
                        help="also time the panel's complaint list (its 'Dukungan' column) with 100,000 supports")
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("--reuse", action="store_true")
    args = parser.parse_args(argv)
    size = args.complaints or DEFAULT_SIZE[args.db]
    header("Duplicates nearby: the search at filing", f"""
        {size} complaints on {args.db}; {args.lookups} lookups of services.complaints.duplicates.nearby (radius
        {args.radius:g} m, up to 3 results) at random points within ±0.002° of random villages' centres, random
        categories, after 50 warm-ups.""")
    with bench_database(args.db, keep=args.keep, name="dupes", reuse=args.reuse) as cfg:
        import models
        from models import Category, Complaint, Desa, utcnow
        from services.complaints import duplicates

        now = utcnow()
        existing = Complaint.select().count()
        if not existing:
            factory = ComplaintFactory(now)
            # COPY fills no Python-side default: the columns of migration 6 are given.
            extra = ("channel", "contact_name", "contact_phone", "contact_email", "photos_public", "public_hidden")
            rows = ((*factory.row(n), "telegram", "", "", "", False, False) for n in range(size))
            gen_s, count = timed(insert_complaints, rows, columns=(*COLUMNS, *extra))
            analyze_s, _ = timed(analyze)
            print(f"generated {count} complaints in {gen_s:.1f} s, analyze {analyze_s:.1f} s")
        else:
            print(f"reused {existing} complaints")
        rng = random.Random(11)
        villages = [(d.centroid_lat, d.centroid_lon) for d in Desa.select(Desa.centroid_lat, Desa.centroid_lon)]
        categories = [c.id for c in Category.select(Category.id)]

        def point():
            lat, lon = rng.choice(villages)
            return rng.choice(categories), lat + rng.uniform(-0.002, 0.002), lon + rng.uniform(-0.002, 0.002)

        for _ in range(50):
            duplicates.nearby(*point(), radius_m=args.radius)
        times, found, candidates = [], [], []
        for _ in range(args.lookups):
            category, lat, lon = point()
            seconds, result = timed(duplicates.nearby, category, lat, lon, radius_m=args.radius)
            times.append(seconds)
            found.append(len(result))
        for _ in range(200):
            candidates.append(duplicates.candidates_query(*point(), args.radius).count())
        print(f"nearby(): {summary_ms(times)}")
        print(f"offers per lookup: mean {sum(found) / len(found):.2f}, with at least one: "
              f"{sum(1 for n in found if n) / len(found):.0%}; bounding-box candidates (200 points): "
              f"mean {sum(candidates) / len(candidates):.1f}, max {max(candidates)}")
        category, lat, lon = point()
        sql, params = duplicates.candidates_query(category, lat, lon, args.radius).sql()
        prefix = "EXPLAIN " if args.db == "postgresql" else "EXPLAIN QUERY PLAN "
        plan = models.db.execute_sql(prefix + sql, params).fetchall()
        print("plan:")
        for row in plan:
            print("  " + " ".join(str(part) for part in row))
        p95 = pct(times, 95)
        print(f"target p95 < 20 ms (one of a filing's steps): {p95 * 1000:.2f} ms -> {verdict(p95 < 0.020)}")
        if args.panel:
            panel_list(cfg, existing)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
