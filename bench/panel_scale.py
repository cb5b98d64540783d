"""Scenario 3: the panel with 1,000,000 complaints on PostgreSQL (100,000 on SQLite).

    .venv/bin/python -m bench.panel_scale [--db postgresql|sqlite] [--complaints N] [--requests 30]

Complaints are spread over Ketapang's 262 villages, the 16 demo categories (so their OPDs)
and statuses as a regency has them after three years (most closed, about a quarter open),
with 50,000 reporters. Each page is requested through Flask's test client as a logged-in
official (the whole Flask-Admin view, template and all, but no network), after 3 warm-up
requests, and timed with perf_counter.
"""
from __future__ import annotations

import argparse
import re
import time
from datetime import timedelta

from bench.common import (COLUMNS, ComplaintFactory, analyze, bench_database, flush_bench_redis, header, insert_complaints,
                          pct, summary_ms, timed, verdict)

PASSWORD = "bench-password-123"
DEFAULT_SIZE = {"postgresql": 1_000_000, "sqlite": 100_000}


def make_reporters(count: int) -> list[int]:
    import models
    from models import Reporter

    rows = [dict(telegram_id=7_000_000 + i, chat_id=7_000_000 + i, first_name=f"Warga {i}", language="id")
            for i in range(count)]
    with models.db.atomic():
        for start in range(0, count, 2000):
            Reporter.insert_many(rows[start:start + 2000]).execute()
    return [r.id for r in Reporter.select(Reporter.id)]


def add_history(complaint_ids: list[int], now) -> None:
    """A realistic history (filed, assigned, in progress) for the complaints whose pages are timed."""
    from models import StatusChange

    rows = []
    for cid in complaint_ids:
        for k, (old, new) in enumerate(((None, "new"), ("new", "assigned"), ("assigned", "in_progress"))):
            rows.append(dict(complaint=cid, from_status=old, to_status=new, note="Sedang ditinjau petugas.",
                             actor_label="sistem", created_at=now - timedelta(hours=10 - k)))
    StatusChange.insert_many(rows).execute()


_AT = {name: COLUMNS.index(name) for name in ("status", "first_response_at", "response_due_at", "resolution_due_at")}


def with_current_due(row: tuple) -> tuple:
    """A bulk row plus the stored deadline Complaint.save() would have written (COPY bypasses it)."""
    from models import Complaint

    probe = Complaint(**{name: row[i] for name, i in _AT.items()})
    return (*row, probe.due_now())


def login(client, username: str) -> None:
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"', page)
    response = client.post("/login", data={"username": username, "password": PASSWORD,
                                           "csrf_token": token.group(1) or token.group(2)}, follow_redirects=True)
    assert response.status_code == 200 and "/login" not in response.request.path, "login failed"


def time_get(client, url: str, runs: int, check=None) -> list[float]:
    for _ in range(3):
        response = client.get(url, buffered=True)
        assert response.status_code == 200, (url, response.status_code)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        response = client.get(url, buffered=True)
        body = response.get_data()
        times.append(time.perf_counter() - start)
        assert response.status_code == 200, (url, response.status_code)
    if check:
        check(body)
    return times


def status_filter_url(client) -> str:
    """The list's own quick link 'assigned' (status filter), sorted by deadline by default."""
    page = client.get("/admin/complaint/", follow_redirects=True).get_data(as_text=True)
    match = re.search(r'href="(/admin/complaint/\?flt0_[^"=]+=assigned)"', page)
    assert match, "quick link for the status filter not found"
    return match.group(1).replace("&amp;", "&")


def export_view(app):
    admin = app.extensions["admin"][0]
    return next(v for v in admin._views if getattr(v, "endpoint", "") == "complaint")


def run_pages(app, cfg, runs: int, opd_complaint: int) -> dict:
    results = {}
    for who in ("bench.opd", "bench.admin"):
        client = app.test_client()
        login(client, who)
        url = status_filter_url(client)
        rows_on_page = lambda body: results.setdefault(f"{who} rows on page", body.count(b'class="code-link"'))
        results[f"list ({who}): {url}"] = time_get(client, url, runs, rows_on_page)
        results[f"dashboard ({who}): /admin/"] = time_get(client, "/admin/", max(5, runs // 3))
    client = app.test_client()
    login(client, "bench.opd")
    results[f"complaint page (bench.opd): /admin/complaint/details/?id={opd_complaint}"] = time_get(
        client, f"/admin/complaint/details/?id={opd_complaint}", runs)
    view = export_view(app)
    view.export_max_rows = 10_000  # the scenario: an export of 10,000 rows
    lines = {}
    results["CSV export, 10,000 rows (bench.opd): /admin/complaint/export/csv/"] = time_get(
        client, "/admin/complaint/export/csv/", 5, lambda body: lines.setdefault("n", body.count(b"\n")))
    results["csv lines"] = lines.get("n", 0)
    return results


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.panel_scale", description=__doc__)
    parser.add_argument("--db", choices=("postgresql", "sqlite"), default="postgresql")
    parser.add_argument("--complaints", type=int, default=0, help="default 1,000,000 on PostgreSQL, 100,000 on SQLite")
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards (PostgreSQL)")
    parser.add_argument("--reuse", action="store_true",
                        help="use the database an earlier --keep run left (same size), bringing its schema up to date "
                             "with the migrations, instead of generating it again")
    args = parser.parse_args(argv)
    size = args.complaints or DEFAULT_SIZE[args.db]
    header("Scenario 3: panel at scale", f"""
        {size} complaints on {args.db}; Flask test client, logged in through the login form; {args.requests}
        timed requests per page after 3 warm-ups (exports: 5). bench.opd = OPD staff of Dinas PUTR (jalan, jembatan,
        drainase); bench.admin = main admin (sees everything).""")
    flush_bench_redis()
    with bench_database(args.db, keep=args.keep, name="panel", reuse=args.reuse) as cfg:
        import migrations
        from models import ROLE_MAIN_ADMIN, ROLE_OPD_STAFF, Complaint, Official, Opd, utcnow
        from panel import create_app
        from services import auth

        now = utcnow()
        existing = Official.select().where(Official.username == "bench.opd").exists() and Complaint.select().count()
        if existing:
            up_s, done = timed(migrations.upgrade)
            print(f"reused the kept database: {existing} complaints; migrations {done or 'none'} in {up_s:.1f} s")
        else:
            auth.create_official("bench.opd", ROLE_OPD_STAFF, PASSWORD, opd_code="DPUTR", full_name="Bench OPD")
            auth.create_official("bench.admin", ROLE_MAIN_ADMIN, PASSWORD, opd_code="DISKOMINFO",
                                 full_name="Bench Admin")
            rep_s, reporters = timed(make_reporters, 50_000)
            factory = ComplaintFactory(now, reporters=reporters)
            gen_s, count = timed(insert_complaints, (with_current_due(factory.row(n)) for n in range(size)),
                                 columns=(*COLUMNS, "current_due"))
            analyze_s, _ = timed(analyze)
            print(f"generated 50,000 reporters in {rep_s:.1f} s, {count} complaints in {gen_s:.1f} s "
                  f"({count / gen_s:,.0f} rows/s), analyze {analyze_s:.1f} s")
        dputr = Opd.get(Opd.code == "DPUTR").id
        sample = Complaint.select(Complaint.id).where(Complaint.assigned_opd == dputr,
                                                      Complaint.status == "in_progress").first().id
        if not existing:
            add_history([sample], now)
        visible = Complaint.select().where(Complaint.assigned_opd == dputr).count()
        print(f"Dinas PUTR's complaints: {visible}; open ones: "
              f"{Complaint.select().where(Complaint.assigned_opd == dputr, Complaint.status.in_(['assigned', 'in_progress', 'reopened'])).count()}")
        app = create_app(cfg)
        results = run_pages(app, cfg, args.requests, sample)
        for name, times in results.items():
            if isinstance(times, list):
                print(f"{name}: {summary_ms(times)}")
            else:
                print(f"{name}: {times}")
        list_p95 = max(pct(t, 95) for n, t in results.items() if n.startswith("list ("))
        dash_p95 = max(pct(t, 95) for n, t in results.items() if n.startswith("dashboard ("))
        print(f"target list p95 < 150 ms: worst {list_p95 * 1000:.0f} ms -> {verdict(list_p95 < 0.150)}")
        print(f"target dashboard < 1 s (PostgreSQL): worst p95 {dash_p95 * 1000:.0f} ms -> {verdict(dash_p95 < 1.0)}")
    flush_bench_redis()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
