"""The clock: the one process that queues the periodic jobs (`python -m workers clock`).

A small loop rather than `rq cron` (still beta in rq 3.0): every minute it queues the
sweeps, every hour the weekly report (which acts only once per week). Only one clock may
act: a leader lock in Redis, renewed each check, lets a second clock started by mistake
wait quietly until the first one stops. Redis being down is logged and retried; it never
ends the process.

The loop looks at Redis every CHECK_SECONDS (`RedisWatch`). When Redis answers again after
failing, or answers as a different server (restarted: a new run_id, its queues and
scheduled jobs possibly gone), the clock queues `catch_up` at once, which queues again
everything owed (workers.sweeps.catch_up), and then the minute's sweeps: the work moves
within seconds of Redis returning instead of waiting for the sweeps' OUTBOX_STALE_SECONDS.
"""
from __future__ import annotations

import logging
import os
import signal
import socket
import threading
import time
from datetime import datetime

from redis.exceptions import RedisError

from models import utcnow
from services import runtime
from services.messaging import enqueue

log = logging.getLogger(__name__)

TICK_SECONDS = 60
CHECK_SECONDS = 2.0  # how often the clock looks at Redis (and renews its lock)
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


class RedisWatch:
    """Notices Redis coming back: after errors, or restarted between two looks (its run_id
    changed). `owed_since` is then set to when Redis was last known to hold our work, until
    a catch-up for it has been queued."""

    def __init__(self):
        self.run_id: str | None = None
        self.last_ok: datetime | None = None
        self.down_since: datetime | None = None
        self.owed_since: datetime | None = None

    def check(self) -> None:
        """One look at Redis; raises RedisError/OSError while it is away."""
        try:
            run_id = runtime.redis().info("server").get("run_id")
        except (RedisError, OSError):
            if self.down_since is None:
                self.down_since = utcnow()  # (no sender can write a heartbeat after this)
            raise
        if self.down_since is not None:
            self._owe(self.down_since)
            log.warning("clock: Redis is back (away since %s); queueing the catch-up",
                        f"{self.down_since:%H:%M:%S}")
            self.down_since = None
        elif self.run_id is not None and run_id != self.run_id:
            self._owe(self.last_ok or utcnow())
            log.warning("clock: Redis was restarted (new run_id); queueing the catch-up")
        self.run_id, self.last_ok = run_id, utcnow()

    def _owe(self, since: datetime) -> None:
        self.owed_since = since if self.owed_since is None else min(self.owed_since, since)


def queue_catch_up(since: datetime) -> bool:
    """Queue workers.jobs.catch_up ahead of the sweeps (the default queue)."""
    return enqueue.enqueue(runtime.QUEUE_DEFAULT, "workers.jobs.catch_up", since, result_ttl=600)


def run(stop: threading.Event | None = None) -> None:
    """Look at Redis every CHECK_SECONDS, queue the periodic jobs once a minute, until
    SIGTERM/SIGINT (or `stop` is set)."""
    stop = stop or threading.Event()
    if threading.current_thread() is threading.main_thread():
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, lambda *_: stop.set())
    leader = Leader()
    watch = RedisWatch()
    ticked = None       # the minute last ticked; None: tick every job (start, or after an outage)
    logged_at = 0.0
    log.info("clock started; the periodic jobs go to %s", runtime.queue_name(runtime.config(), runtime.QUEUE_LOW))
    while not stop.is_set():
        try:
            watch.check()
            if leader.hold():
                if watch.owed_since is not None and queue_catch_up(watch.owed_since):
                    watch.owed_since = None
                    ticked = None  # and every periodic job, whatever the minute
                now = utcnow()
                minute = now.replace(second=0, microsecond=0)
                if minute != ticked and tick(now, jobs=all_jobs() if ticked is None else None):
                    ticked = minute
            else:
                log.debug("another clock is active; waiting")
        except (RedisError, OSError) as exc:
            if time.monotonic() - logged_at >= TICK_SECONDS:  # once a minute, not every look
                logged_at = time.monotonic()
                log.warning("clock: Redis unavailable, retrying every %.0f s: %s", CHECK_SECONDS, exc)
        stop.wait(CHECK_SECONDS)
    try:
        leader.release()
    except (RedisError, OSError):
        pass
