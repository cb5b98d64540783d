"""Shared fixtures: a fresh real database per test (SQLite file, or PostgreSQL when
WADUL_TEST_DATABASE_URL is set), a real Redis on the test database number, a real RQ
worker in burst mode, and the fake Telegram Bot API server on 127.0.0.1.
"""
from __future__ import annotations

import os
import shutil
import time
import uuid
from pathlib import Path

import pytest
from redis import Redis

import migrations
import models
from config import TestConfig
from services import runtime, wiring

wiring.wire()  # as every process does at start (status door's message builders)

TEST_REDIS_URL = os.environ.get("WADUL_TEST_REDIS_URL", "redis://127.0.0.1:6379/13")
TEST_PG_URL = os.environ.get("WADUL_TEST_DATABASE_URL", "")  # e.g. postgresql://postgres@127.0.0.1:5432/wadul_test
TEST_TOKEN = "123456:TEST-TOKEN"


# --- databases ---------------------------------------------------------------------------
def _pg_admin(sql: str) -> None:
    import psycopg

    base = TEST_PG_URL.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(base, autocommit=True) as conn:
        conn.execute(sql)


def _pg_url(name: str) -> str:
    return TEST_PG_URL.rsplit("/", 1)[0] + "/" + name


@pytest.fixture(scope="session")
def _templates(tmp_path_factory):
    """Build an empty and a seeded template database once per session."""
    made = {}
    for kind in ("empty", "seeded"):
        if TEST_PG_URL:
            name = f"{TEST_PG_URL.rsplit('/', 1)[1]}_tpl_{kind}"
            _pg_admin(f'DROP DATABASE IF EXISTS "{name}"')
            _pg_admin(f'CREATE DATABASE "{name}"')
            url = _pg_url(name)
        else:
            url = f"sqlite:///{tmp_path_factory.mktemp('tpl') / (kind + '.db')}"
        cfg = TestConfig(DATABASE_URL=url, REDIS_URL=TEST_REDIS_URL)
        runtime.use(cfg)
        migrations.create_tables()
        if kind == "seeded":
            from services import demo

            demo.seed_demo(officials=False)
        models.db.close()
        made[kind] = url
    yield made
    models.db.close()
    if TEST_PG_URL:
        for url in made.values():
            _pg_admin(f'DROP DATABASE IF EXISTS "{url.rsplit("/", 1)[1]}"')


def _fresh_database(template_url: str, tmp_path: Path) -> tuple[str, callable]:
    if TEST_PG_URL:
        name = f"wadul_t_{uuid.uuid4().hex[:12]}"
        _pg_admin(f'CREATE DATABASE "{name}" TEMPLATE "{template_url.rsplit("/", 1)[1]}"')
        return _pg_url(name), lambda: _pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    target = tmp_path / "wadul.db"
    shutil.copyfile(template_url.split("sqlite:///", 1)[1], target)
    target.chmod(0o600)  # as Wadul makes its own (core/private_files.py)
    return f"sqlite:///{target}", lambda: None


def _make_config(db_url: str, tmp_path: Path, **overrides) -> TestConfig:
    media = tmp_path / "media"
    media.mkdir(exist_ok=True)
    return TestConfig(DATABASE_URL=db_url, REDIS_URL=TEST_REDIS_URL, MEDIA_DIR=str(media),
                      QUEUE_PREFIX=f"wadultest{os.getpid()}", **overrides)


@pytest.fixture
def db(_templates, tmp_path):
    """An empty schema in a fresh database; yields the test's Config."""
    url, drop = _fresh_database(_templates["empty"], tmp_path)
    config = runtime.use(_make_config(url, tmp_path))
    yield config
    models.db.close()
    drop()


@pytest.fixture
def seeded(_templates, tmp_path):
    """A fresh database with Ketapang's regions and the demo OPDs and categories."""
    url, drop = _fresh_database(_templates["seeded"], tmp_path)
    config = runtime.use(_make_config(url, tmp_path))
    yield config
    models.db.close()
    drop()


# --- Redis and the worker --------------------------------------------------------------------
@pytest.fixture
def redis_conn():
    """The test Redis database, emptied before and after (it belongs to the tests only)."""
    conn = Redis.from_url(TEST_REDIS_URL)
    try:
        conn.ping()
    except Exception as exc:  # pragma: no cover - the test command starts Redis
        pytest.fail(f"Redis is not running at {TEST_REDIS_URL}: {exc}")
    conn.flushdb()
    yield conn
    conn.flushdb()
    conn.close()


@pytest.fixture
def run_worker(redis_conn, request):
    """Run a real RQ worker in burst mode (scheduler on) over the project's queues.

    With a live bot in the test (the `bot` fixture), the bot and the sender share each chat's
    send budget (services.messaging.ratelimit), so a message to a chat the bot just wrote to is put off
    by a second or two; a burst worker would stop before then. There the worker goes on for
    send jobs scheduled at most `settle` seconds ahead (20 with a bot: a chat the bot just wrote
    to several times, or a group, is owed a few seconds; at most 60 s in all), as a running
    worker's scheduler would."""
    from rq import SimpleWorker
    from rq.registry import ScheduledJobRegistry

    default_settle = 20.0 if "bot" in request.fixturenames else 0.0

    def run(with_scheduler: bool = True, settle: float | None = None) -> None:
        cfg = runtime.config()
        settle = default_settle if settle is None else settle
        deadline = time.monotonic() + 60  # a paced chat (1 a second, a group 20 a minute) may owe several
        while True:
            worker = SimpleWorker(runtime.queue_names(cfg), connection=runtime.redis())
            worker.work(burst=True, with_scheduler=with_scheduler, logging_level="WARNING")
            if not settle:
                return
            registry = ScheduledJobRegistry(runtime.queue_name(cfg, runtime.QUEUE_SEND), connection=runtime.redis())
            scheduled = registry.get_job_ids(0, 0)  # the earliest (scored by the time it is due)
            if not scheduled:
                return
            first = registry.get_scheduled_time(scheduled[0]).timestamp()
            if first > time.time() + settle or time.monotonic() > deadline:
                return
            time.sleep(max(0.0, first - time.time()) + 0.05)

    return run


# --- the fake Telegram Bot API --------------------------------------------------------------
@pytest.fixture
def botapi():
    """The fake Bot API server on 127.0.0.1; the process's config is pointed at it."""
    from sandbox.botapi import FakeBotAPI

    api = FakeBotAPI(token=TEST_TOKEN)
    api.start()
    yield api
    api.stop()


@pytest.fixture
def telegram(seeded, botapi, redis_conn):
    """A seeded database, Redis, and the config pointed at the fake Bot API server."""
    config = runtime.use(seeded.with_(TELEGRAM_API_URL=botapi.url, TELEGRAM_BOT_TOKEN=TEST_TOKEN))
    yield config


# --- the fault suite (tests marked `fault`: own Redis and PostgreSQL; see tests/faultkit.py) ---
@pytest.fixture(scope="session")
def fault_redis(tmp_path_factory):
    from tests.faultkit import RedisServer

    server = RedisServer(tmp_path_factory.mktemp("fault-redis")).start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def fault_pg():
    from tests.faultkit import PostgresServer

    server = PostgresServer().start()
    yield server
    server.destroy()


@pytest.fixture(scope="session")
def _fault_template(fault_pg):
    from tests.faultkit import build_template

    return build_template(fault_pg)


@pytest.fixture
def fault_env(fault_pg, fault_redis, _fault_template, tmp_path):
    from tests.faultkit import make_fault_env

    yield from make_fault_env(fault_pg, fault_redis, _fault_template, tmp_path)


@pytest.fixture
def procs(request, tmp_path):
    from tests.faultkit import Procs

    logdir = tmp_path / "logs"
    logdir.mkdir(exist_ok=True)
    default_env = None
    if "fault_env" in request.fixturenames:
        default_env = lambda: request.getfixturevalue("fault_env").env  # noqa: E731
    running = Procs(logdir, default_env)
    yield running
    running.cleanup()


@pytest.fixture
def fault_figures():
    from tests.faultkit import Figures

    return Figures()


def pytest_terminal_summary(terminalreporter):
    """The fault suite's figures as one table (also written to bench/results/fault-figures.md)."""
    from tests.faultkit import write_figures

    table = write_figures()
    if table:
        terminalreporter.section("fault suite figures")
        terminalreporter.write_line(table)
