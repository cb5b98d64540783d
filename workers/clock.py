"""The clock: the one process that queues the periodic jobs (`python -m workers clock`).

A small loop rather than `rq cron` (still beta in rq 3.0): every minute it queues the
sweeps, every hour the weekly report (which acts only once per week). Only one clock may
act: a leader lock in Redis, renewed each tick, lets a second clock started by mistake
wait quietly until the first one stops. Redis being down is logged and retried; it never
ends the process.
"""
from __future__ import annotations

import logging
import os
import signal
import socket
import threading
from datetime import datetime

from redis.exceptions import RedisError

from models import utcnow
from services import runtime
from workers import enqueue

log = logging.getLogger(__name__)

TICK_SECONDS = 60
LEADER_TTL = 3 * TICK_SECONDS

EVERY_MINUTE = ("sweep_outbox", "sweep_unassigned", "sweep_deadlines")
EVERY_TEN_MINUTES = ("sweep_auto_close",)
EVERY_HOUR = ("weekly_report",)


def due_jobs(now: datetime) -> list[str]:
    """The periodic jobs to queue at this minute."""
    jobs = list(EVERY_MINUTE)
    if now.minute % 10 == 0:
        jobs += EVERY_TEN_MINUTES
    if now.minute == 0:
        jobs += EVERY_HOUR
    return jobs


def all_jobs() -> list[str]:
    return list(EVERY_MINUTE + EVERY_TEN_MINUTES + EVERY_HOUR)


def tick(now: datetime | None = None, jobs: list[str] | None = None) -> list[str]:
    """Queue this minute's periodic jobs; returns the ones queued."""
    now = now or utcnow()
    queued = []
    for name in jobs if jobs is not None else due_jobs(now):
        if enqueue.enqueue(runtime.QUEUE_LOW, f"workers.jobs.{name}", result_ttl=600):
            queued.append(name)
    return queued


class Leader:
    """A Redis lock held by the one clock that acts (renewed every tick, expires if it dies)."""

    def __init__(self):
        cfg = runtime.config()
        self.key = f"{cfg.QUEUE_PREFIX}:clock:leader"
        self.me = f"{socket.gethostname()}:{os.getpid()}"

    def hold(self) -> bool:
        r = runtime.redis()
        if r.set(self.key, self.me, nx=True, ex=LEADER_TTL):
            return True
        if (r.get(self.key) or b"").decode() == self.me:
            r.expire(self.key, LEADER_TTL)
            return True
        return False

    def release(self) -> None:
        r = runtime.redis()
        if (r.get(self.key) or b"").decode() == self.me:
            r.delete(self.key)


def run(stop: threading.Event | None = None) -> None:
    """Tick every minute until SIGTERM/SIGINT (or `stop` is set)."""
    stop = stop or threading.Event()
    if threading.current_thread() is threading.main_thread():
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, lambda *_: stop.set())
    leader = Leader()
    first = True
    log.info("clock started; the periodic jobs go to %s", runtime.queue_name(runtime.config(), runtime.QUEUE_LOW))
    while not stop.is_set():
        try:
            if leader.hold():
                tick(jobs=all_jobs() if first else None)  # a restarted clock catches up at once
                first = False
            else:
                log.debug("another clock is active; waiting")
        except (RedisError, OSError) as exc:
            log.warning("clock: Redis unavailable, retrying next minute: %s", exc)
        stop.wait(TICK_SECONDS - utcnow().second)
    try:
        leader.release()
    except (RedisError, OSError):
        pass
