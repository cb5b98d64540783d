"""The Open311 API (/open311/v2) over 1,000,000 complaints on PostgreSQL (100,000 on SQLite).

    .venv/bin/python -m bench.open311 [--db postgresql|sqlite] [--complaints N] [--requests 30] [--keep|--reuse]

The complaints of bench.panel_scale (three years over Ketapang's villages and the demo
categories, most finished), one in fifty confidential, and a public reply on the 5,000 newest.
Each request goes through Flask's test client (the whole view and its JSON or XML, no network)
after 3 warm-ups, timed with perf_counter. The heaviest answer is the default list: the last
90 days, newest first, capped at 1,000 requests.
"""
from __future__ import annotations

import argparse
import json
import time
from datetime import timedelta

from bench.common import (COLUMNS, ComplaintFactory, analyze, bench_database, flush_bench_redis, header,
                          insert_complaints, pct, summary_ms, timed)
from bench.panel_scale import with_current_due

DEFAULT_SIZE = {"postgresql": 1_000_000, "sqlite": 100_000}
_CONFIDENTIAL = COLUMNS.index("is_confidential")
# COPY writes no Python-side defaults: the columns later migrations added are given here.
EXTRA = {"channel": "telegram", "contact_name": "", "contact_phone": "", "contact_email": "", "photos_public": False,
         "public_hidden": False}


def time_get(client, url: str, runs: int) -> tuple[list[float], bytes]:
    for _ in range(3):
        assert client.get(url).status_code == 200, url
    times, body = [], b""
    for _ in range(runs):
        start = time.perf_counter()
        response = client.get(url, buffered=True)
        body = response.get_data()
        times.append(time.perf_counter() - start)
        assert response.status_code == 200, (url, response.status_code)
    return times, body


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.open311", description=__doc__)
    parser.add_argument("--db", choices=("postgresql", "sqlite"), default="postgresql")
    parser.add_argument("--complaints", type=int, default=0)
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("--reuse", action="store_true")
    args = parser.parse_args(argv)
    size = args.complaints or DEFAULT_SIZE[args.db]
    header("Open311 API at scale", f"""
        {size} complaints on {args.db} (1 in 50 confidential); Flask test client, {args.requests} timed requests per
        URL after 3 warm-ups.""")
    flush_bench_redis()
    with bench_database(args.db, keep=args.keep, name="o311", reuse=args.reuse) as cfg:
        from models import Complaint, StatusChange, utcnow
        from panel import create_app

        now = utcnow()
        existing = Complaint.select().count()
        if existing:
            print(f"reused the kept database: {existing} complaints")
        else:
            factory = ComplaintFactory(now)
            rows = (with_current_due((*(True if i == _CONFIDENTIAL and n % 50 == 0 else v
                                        for i, v in enumerate(factory.row(n))), *EXTRA.values()))
                    for n in range(size))
            gen_s, count = timed(insert_complaints, rows, columns=(*COLUMNS, *EXTRA, "current_due"))
            newest = [c.id for c in Complaint.select(Complaint.id).order_by(Complaint.created_at.desc()).limit(5000)]
            StatusChange.insert_many([dict(complaint=cid, from_status="assigned", to_status="in_progress",
                                           note="Petugas sudah meninjau lokasi.", actor_label="Dinas PUTR",
                                           created_at=now - timedelta(hours=1)) for cid in newest]).execute()
            analyze_s, _ = timed(analyze)
            print(f"generated {count} complaints in {gen_s:.1f} s, analyze {analyze_s:.1f} s")
        window = Complaint.select().where(Complaint.created_at >= now - timedelta(days=90)).count()
        print(f"complaints in the default 90-day window: {window}")
        sample = Complaint.select(Complaint.tracking_code).where(Complaint.is_confidential == False).order_by(  # noqa: E712
            Complaint.created_at.desc()).first().tracking_code
        client = create_app(cfg).test_client()
        urls = ["/open311/v2/services.json", "/open311/v2/requests.json", "/open311/v2/requests.xml",
                "/open311/v2/requests.json?status=open&service_code=jalan",
                f"/open311/v2/requests/{sample}.json"]
        worst = 0.0
        for url in urls:
            times, body = time_get(client, url, args.requests)
            rows = len(json.loads(body)) if url.endswith("json") or ".json?" in url else body.count(b"<request>")
            worst = max(worst, pct(times, 95))
            print(f"{url}: {rows} rows, {len(body) / 1024:.0f} KiB; {summary_ms(times)}")
        print(f"worst p95: {worst * 1000:.0f} ms")
    flush_bench_redis()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
