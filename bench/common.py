"""Shared pieces of the benchmarks: the machine, timing and percentiles, the benchmark's own
databases (PostgreSQL `wadul_bench`, a SQLite file under /tmp, Redis db 6) and fast bulk
generation of realistic complaints.

Benchmarks never touch another database: the PostgreSQL one is created and dropped here,
the SQLite file is removed before each run.
"""
from __future__ import annotations

import io
import os
import platform
import random
import statistics
import subprocess
import time
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

BENCH_PG_ADMIN = os.environ.get("WADUL_BENCH_PG", "postgresql://postgres@127.0.0.1:5432/postgres")
BENCH_PG_NAME = "wadul_bench"
BENCH_SQLITE = Path("/tmp/wadul-bench/wadul.db")
BENCH_REDIS = os.environ.get("WADUL_BENCH_REDIS", "redis://127.0.0.1:6379/6")
BENCH_MEDIA = Path("/tmp/wadul-bench/media")


# --- the machine and the output ------------------------------------------------------------
def machine() -> str:
    """One line naming the machine the figures come from."""
    cpu = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem_gib = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return f"{os.cpu_count()} cores, {cpu}, {mem_gib:.0f} GiB RAM, Python {platform.python_version()}"


def header(title: str, method: str) -> None:
    """Print what is measured, how, and on which machine."""
    print(f"== {title} ==")
    print(f"machine: {machine()}")
    for line in method.strip().splitlines():
        print(f"method: {line.strip()}")


def pct(values: list[float], q: float) -> float:
    """The q-th percentile (0..100) by nearest rank; 0 for no values."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, int(round(q / 100 * len(ordered) + 0.5)) - 1))
    return ordered[rank]


def summary_ms(values_s: list[float]) -> str:
    """p50/p95/p99/max of durations given in seconds, printed in milliseconds."""
    ms = [v * 1000 for v in values_s]
    if not ms:
        return "n=0"
    return (f"n={len(ms)} p50={pct(ms, 50):.2f} ms p95={pct(ms, 95):.2f} ms p99={pct(ms, 99):.2f} ms "
            f"max={max(ms):.2f} ms mean={statistics.fmean(ms):.2f} ms")


def timed(fn, *args, **kwargs) -> tuple[float, object]:
    """(seconds, result) of one call."""
    start = time.perf_counter()
    result = fn(*args, **kwargs)
    return time.perf_counter() - start, result


def verdict(ok: bool) -> str:
    return "MET" if ok else "MISSED"


# --- the benchmark's databases ---------------------------------------------------------------
def pg_url(name: str = BENCH_PG_NAME) -> str:
    return BENCH_PG_ADMIN.rsplit("/", 1)[0] + "/" + name


def _pg_admin(sql: str) -> None:
    import psycopg

    with psycopg.connect(BENCH_PG_ADMIN, autocommit=True) as conn:
        conn.execute(sql)


def bench_config(database_url: str, **overrides):
    """A Config for benchmark processes: own database, Redis db 6, own queue prefix and media."""
    from config import Config

    BENCH_MEDIA.mkdir(parents=True, exist_ok=True)
    values = dict(DATABASE_URL=database_url, REDIS_URL=BENCH_REDIS, SECRET_KEY="bench-secret-key-for-wadul-benchmarks",
                  MEDIA_DIR=str(BENCH_MEDIA), QUEUE_PREFIX="wadulbench", TELEGRAM_BOT_TOKEN="123456:BENCH-TOKEN")
    values.update(overrides)
    return Config(**values)


def bench_env(config) -> dict:
    """Environment variables that make a child process (`python -m workers`, the bot) use `config`."""
    env = dict(os.environ)
    for name in ("DATABASE_URL", "REDIS_URL", "SECRET_KEY", "MEDIA_DIR", "QUEUE_PREFIX", "TELEGRAM_BOT_TOKEN",
                 "TELEGRAM_API_URL", "TELEGRAM_WEBHOOK_URL", "TELEGRAM_WEBHOOK_SECRET", "TELEGRAM_WEBHOOK_LISTEN",
                 "SEND_GLOBAL_PER_SECOND", "OUTBOX_STALE_SECONDS"):
        value = getattr(config, name)
        env[name] = ",".join(map(str, value)) if isinstance(value, tuple) else str(value)
    env["PYTHONUNBUFFERED"] = "1"
    return env


@contextmanager
def bench_database(kind: str, keep: bool = False, seeded: bool = True, name: str = "", reuse: bool = False,
                   **overrides):
    """A fresh benchmark database ("postgresql" or "sqlite"), bound and seeded; yields the Config.

    `name` suffixes the database (wadul_bench_<name>, /tmp/wadul-bench/<name>.db) so that two
    benchmarks never share one. `reuse`: when that database already exists (an earlier run
    with keep), bind it as it is (not dropped, not seeded, kept afterwards)."""
    pg_name = f"{BENCH_PG_NAME}_{name}" if name else BENCH_PG_NAME
    sqlite_path = BENCH_SQLITE.with_name(f"{name}.db") if name else BENCH_SQLITE
    import migrations
    import models
    from services import runtime

    reused = reuse and (_pg_exists(pg_name) if kind == "postgresql" else sqlite_path.exists())
    keep = keep or reused
    if kind == "postgresql":
        if not reused:
            _pg_admin(f'DROP DATABASE IF EXISTS "{pg_name}" WITH (FORCE)')
            _pg_admin(f'CREATE DATABASE "{pg_name}"')
        url = pg_url(pg_name)
    else:
        sqlite_path.parent.mkdir(parents=True, exist_ok=True)
        for suffix in ("", "-wal", "-shm"):
            if not reused:
                Path(f"{sqlite_path}{suffix}").unlink(missing_ok=True)
        url = f"sqlite:///{sqlite_path}"
    cfg = runtime.use(bench_config(url, **overrides))
    migrations.create_tables()
    if seeded and not reused:
        from services import demo

        demo.seed_demo(officials=True)
    try:
        yield cfg
    finally:
        models.db.close()
        if kind == "postgresql" and not keep:
            _pg_admin(f'DROP DATABASE IF EXISTS "{pg_name}" WITH (FORCE)')


def _pg_exists(name: str) -> bool:
    import psycopg

    with psycopg.connect(BENCH_PG_ADMIN, autocommit=True) as conn:
        return conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone() is not None


def flush_bench_redis() -> None:
    from redis import Redis

    Redis.from_url(BENCH_REDIS).flushdb()


# --- realistic complaints in bulk --------------------------------------------------------------
STATUS_WEIGHTS = {  # a regency a few years in: most complaints are finished
    "closed": 55, "resolved": 10, "rejected": 6, "in_progress": 12, "assigned": 12,
    "forwarded": 1, "reopened": 1, "new": 3,
}
OPEN_STATUSES = ("assigned", "in_progress", "reopened")
COLUMNS = ("tracking_code", "reporter_id", "from_village_head", "category_id", "description", "latitude",
           "longitude", "address_text", "desa_id", "assigned_opd_id", "assigned_desa_id", "status",
           "routing_problem", "is_anonymous", "is_confidential", "created_at", "updated_at", "assigned_at",
           "first_response_at", "resolved_at", "closed_at", "response_due_at", "resolution_due_at",
           "escalation_level", "reopen_count", "feedback")
DESCRIPTIONS = [
    "Jalan berlubang besar di depan sekolah, sudah dua bulan tidak diperbaiki.",
    "Saluran air tersumbat sampah, rumah warga tergenang setiap hujan.",
    "Lampu jalan mati sepanjang 200 meter, rawan kecelakaan di malam hari.",
    "Sampah menumpuk di tepi jalan dan tidak diangkut sejak minggu lalu.",
    "Air PDAM tidak mengalir tiga hari, warga membeli air galon.",
    "Jembatan kayu penghubung dusun mulai lapuk dan berbahaya dilewati.",
]


class ComplaintFactory:
    """Rows of realistic complaints spread over the loaded villages, categories and statuses."""

    def __init__(self, now, seed: int = 7, reporters: list[int] | None = None):
        from models import Category, Desa

        self.rng = random.Random(seed)
        self.now = now
        self.villages = [(d.id, d.centroid_lat, d.centroid_lon) for d in Desa.select(Desa.id, Desa.centroid_lat, Desa.centroid_lon)]
        self.categories = [(c.id, c.opd_id, c.village_level, c.response_hours, c.resolution_hours) for c in Category.select()]
        self.statuses = list(STATUS_WEIGHTS)
        self.weights = list(STATUS_WEIGHTS.values())
        self.reporters = reporters or [None]

    def row(self, n: int, status: str | None = None, **overrides) -> tuple:
        """One complaint tuple in COLUMNS order; `overrides` replace columns by name."""
        values = self._row(n, status)
        if overrides:
            values = tuple(overrides.get(c, v) for c, v in zip(COLUMNS, values))
        return values

    def _row(self, n: int, status: str | None) -> tuple:
        rng = self.rng
        desa_id, lat, lon = rng.choice(self.villages)
        cat_id, opd_id, village_level, resp_h, resol_h = rng.choice(self.categories)
        status = status or rng.choices(self.statuses, self.weights)[0]
        created = self.now - timedelta(seconds=rng.randrange(3 * 365 * 86400))
        assigned = created + timedelta(minutes=1) if status != "new" else None
        finished = status in ("resolved", "closed", "rejected")
        first_response = assigned + timedelta(hours=rng.randrange(1, 60)) if assigned and (finished or status == "in_progress") else None
        resolved = (first_response or created) + timedelta(days=rng.randrange(1, 20)) if status in ("resolved", "closed") else None
        closed = resolved + timedelta(days=7) if status == "closed" else None
        response_due = assigned + timedelta(hours=resp_h) if assigned else None
        resolution_due = assigned + timedelta(hours=resol_h) if assigned else None
        return (f"WDL-B{n:09d}", rng.choice(self.reporters), False, cat_id, rng.choice(DESCRIPTIONS),
                lat + rng.uniform(-0.002, 0.002), lon + rng.uniform(-0.002, 0.002), "",
                desa_id, None if village_level or not assigned else opd_id,
                desa_id if village_level and assigned else None, status, "", False, False,
                created, closed or resolved or first_response or created, assigned, first_response, resolved,
                closed, response_due, resolution_due, 0, 0, "")


def insert_complaints(rows, batch: int = 5000, columns: tuple = COLUMNS) -> int:
    """Insert complaint tuples (`columns` order, COLUMNS unless told) fast: COPY on PostgreSQL,
    insert_many on SQLite."""
    import models

    defaults = required_defaults(columns)
    if defaults:  # NOT NULL columns added since the caller's list was written: their defaults
        extra = tuple(value for _, value in defaults)
        columns = (*columns, *(name for name, _ in defaults))
        rows = (tuple(row) + extra for row in rows)
    database = models.db.obj
    if isinstance(database, models.SqliteDatabase):
        return _insert_sqlite(rows, batch, columns)
    return _copy_postgres(rows, columns)


def required_defaults(columns: tuple) -> list[tuple[str, object]]:
    """(column, default) of each NOT NULL complaint column with a constant default that
    `columns` leaves out: a bulk insert bypasses peewee's Python-side defaults, and a column a
    later migration adds (channel, photos_public...) must not make every benchmark fail."""
    import models

    found = []
    for field in models.Complaint._meta.sorted_fields:
        if field.primary_key or field.null or field.column_name in columns:
            continue
        if field.default is not None and not callable(field.default):
            found.append((field.column_name, field.default))
    return found


def _insert_sqlite(rows, batch: int, columns: tuple = COLUMNS) -> int:
    import models

    fields = [getattr(models.Complaint, c[:-3] if c.endswith("_id") else c) for c in columns]
    count, chunk = 0, []
    # SQLite allows 32766 variables per statement: keep a batch under that.
    per = max(1, min(batch, 32000 // len(columns)))
    with models.db.atomic():
        for row in rows:
            chunk.append(row)
            if len(chunk) >= per:
                models.Complaint.insert_many(chunk, fields=fields).execute()
                count += len(chunk)
                chunk = []
        if chunk:
            models.Complaint.insert_many(chunk, fields=fields).execute()
            count += len(chunk)
    return count


def _copy_postgres(rows, columns: tuple = COLUMNS) -> int:
    import models

    conn = models.db.connection()
    count = 0
    with conn.cursor() as cur:
        with cur.copy(f"COPY complaint ({', '.join(columns)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
                count += 1
    conn.commit()
    return count


def analyze() -> None:
    """Refresh the planner's statistics after a bulk load (what autovacuum would do soon after)."""
    import models

    if isinstance(models.db.obj, models.SqliteDatabase):
        models.db.execute_sql("ANALYZE")
        return
    import psycopg

    with psycopg.connect(pg_url(models.db.obj.database), autocommit=True) as conn:  # VACUUM refuses a transaction
        conn.execute("VACUUM ANALYZE")


def git_revision() -> str:
    try:
        return subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True,
                              cwd=Path(__file__).resolve().parent.parent).stdout.strip()
    except OSError:
        return "?"
