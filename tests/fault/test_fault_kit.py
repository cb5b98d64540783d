"""The fault suite's own servers behave as the faults need: a PostgreSQL that can be crashed
and brought back, a Redis that forgets everything on restart, processes that can be killed."""
from __future__ import annotations

import pytest
from redis import Redis
from redis.exceptions import ConnectionError as RedisConnectionError

import models
from models import Category
from tests.faultkit import port_open, process_alive, wait_until

pytestmark = pytest.mark.fault


def test_own_servers_not_the_shared_ones(fault_env, fault_pg, fault_redis):
    assert fault_pg.port != 5432 and fault_redis.port != 6379
    assert f":{fault_pg.port}/" in fault_env.config.DATABASE_URL
    assert f":{fault_redis.port}/" in fault_env.config.REDIS_URL
    assert Category.select().count() > 0  # the seeded directory was copied from the template


def test_postgres_crash_and_return(fault_env, fault_pg):
    fault_pg.stop("immediate")
    assert not port_open(fault_pg.port)
    models.db.close()
    with pytest.raises(Exception):
        models.db.connect()
    fault_pg.start()
    models.db.close()
    assert Category.select().count() > 0


def test_redis_restart_forgets(fault_env, fault_redis):
    conn = Redis.from_url(fault_env.config.REDIS_URL)
    conn.set("wadul:probe", 1)
    fault_redis.stop()
    with pytest.raises(RedisConnectionError):
        conn.get("wadul:probe")
    fault_redis.start()
    assert conn.get("wadul:probe") is None
    conn.close()


def test_processes_are_killed_and_cleaned(fault_env, procs, fault_figures):
    worker = procs.start("worker", ["python", "-m", "workers", "worker", "--queues", "default,low"])
    wait_until(lambda: "Listening on" in worker.log_text() or "listening" in worker.log_text().lower()
               or len(worker.children()) > 0, timeout=30, what="the worker to start")
    assert worker.alive()
    worker.kill9()
    assert not process_alive(worker.pid)
    fault_figures.record("fault kit", "worker started and killed", "ok")
