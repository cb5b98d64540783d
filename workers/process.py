"""The worker process itself: RQ's workers made to ride out Redis outages and to leave no
process behind them (`python -m workers worker` runs `run_worker`).

What stock RQ 3.0 does, and why it is not enough here:

- `--with-scheduler` forks a scheduler *process*. The first Redis error kills it, and only
  the worker's maintenance, every 10 minutes, starts it again: jobs scheduled with
  `enqueue_in` (send retries, rate-limited rows) stood still for minutes after a restart.
  Killed with kill -9, the worker also left that process running on as an orphan.
- Waiting for Redis, a worker backs off up to 60 s between attempts, and an error outside
  its dequeue loop (a heartbeat while a job runs) ends `work()` altogether.

So, here:

- **The scheduler is a thread of the worker** (`ThreadScheduler`): RQ's own scheduler logic
  (locks per queue, moving due jobs from the scheduled registry), driven by a loop that
  treats a Redis error as "try again in a second". A thread cannot outlive its process
  and needs no watchdog; this is simpler and surer than a forked process told to die with
  its parent (PR_SET_PDEATHSIG), which would still have to be restarted after each error.
  It is light (one cheap Redis round trip a second), and a work-horse forked meanwhile
  gets only the forking thread, never the scheduler's.
- **A forked work-horse dies with its worker** (`die_with_parent`: PR_SET_PDEATHSIG,
  SIGKILL). RQ puts the horse in its own process group, so a kill -9 of the worker left the
  horse running its job alone. Every job is idempotent and the outbox's claims cover a
  send cut short (workers.claims), exactly as when the whole machine stops.
- **Reconnecting** waits at most `RECONNECT_SECONDS` between attempts, and if `work()`
  ends on a Redis error anyway, a new worker is started in the same process once Redis
  answers (`run_worker`). Only SIGTERM/SIGINT (or a burst worker's empty queues) end it.

Everything owed after an outage is queued again by the clock (workers.clock's RedisWatch
and workers.sweeps.catch_up); this module only makes sure workers are there to take it.
"""
from __future__ import annotations

import ctypes
import logging
import os
import signal
import sys
import threading
import time

from redis import Redis
from redis.exceptions import RedisError
from rq import SimpleWorker, Worker
from rq.scheduler import RQScheduler

log = logging.getLogger(__name__)

RECONNECT_SECONDS = 3.0      # longest wait between two attempts to reach Redis
LOCK_RETRY_SECONDS = 5.0     # a scheduler without all its queue locks asks again this often
LOCK_TTL_SECONDS = 15        # a queue's scheduler lock outlives a killed holder this long (RQ: 61 s)
_SHORTEN_LOCK = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('EXPIRE', KEYS[1], ARGV[2]) end
return 0
"""
_PR_SET_PDEATHSIG = 1
# The C library's own symbols (prctl), loaded once in the worker: a work-horse must not search
# for it on every job (ctypes.util.find_library runs ldconfig).
_LIBC = ctypes.CDLL(None, use_errno=True) if sys.platform.startswith("linux") else None


# --- no process outlives its parent -----------------------------------------------------------
def die_with_parent(parent_pid: int, sig: int = signal.SIGKILL) -> bool:
    """Ask Linux to send `sig` to this process when its parent ends (prctl PR_SET_PDEATHSIG);
    if the parent is already gone, end now. False where prctl does not exist (not Linux)."""
    if _LIBC is None:
        return False
    if _LIBC.prctl(_PR_SET_PDEATHSIG, int(sig), 0, 0, 0) != 0:
        log.warning("prctl(PR_SET_PDEATHSIG) failed: errno %s", ctypes.get_errno())
        return False
    if os.getppid() != parent_pid:  # the parent died before the request took effect
        os._exit(1)
    return True


# --- the scheduler as a thread ------------------------------------------------------------------
class ThreadScheduler(RQScheduler):
    """RQ's scheduler run on a thread of the worker, carrying on through Redis errors.

    RQ's worker calls `start()` and looks at `_process.is_alive()`; here `_process` is the
    thread, so RQ's own restart check keeps working (it never needs to)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._stopping = threading.Event()
        self._last_lock_attempt = 0.0

    @property
    def should_reacquire_locks(self) -> bool:
        """Ask for the queues' locks we lack every LOCK_RETRY_SECONDS (RQ waits 120 s): when
        the worker holding them dies, another worker's scheduler takes over soon (its locks
        expire after LOCK_TTL_SECONDS)."""
        if self._queue_names == self.acquired_locks:
            return False
        return time.monotonic() - self._last_lock_attempt >= LOCK_RETRY_SECONDS

    def acquire_locks(self, auto_start: bool = False):
        self._last_lock_attempt = time.monotonic()
        return super().acquire_locks(auto_start=auto_start)

    def start(self):
        self._stopping.clear()
        self._status = self.Status.STARTED
        self._process = threading.Thread(target=self._run, name="rq-scheduler", daemon=True)
        self._process.start()
        return self._process

    def _run(self) -> None:
        log.info("scheduler thread started for %s", ", ".join(sorted(self._queue_names)))
        down_since: float | None = None
        born = False
        while not self._stopping.is_set():
            try:
                if not born:
                    self.register_birth()
                    born = True
                if self.should_reacquire_locks:
                    self.acquire_locks()
                self.heartbeat()  # also takes a lock back that expired while Redis was away
                self._shorten_locks()
                self.enqueue_scheduled_jobs()
                if down_since is not None:
                    log.info("scheduler: Redis is back after %.0f s; moving due jobs again",
                             time.monotonic() - down_since)
                    down_since = None
            except (RedisError, OSError) as exc:
                if down_since is None:
                    down_since = time.monotonic()
                    log.warning("scheduler: Redis unavailable, retrying every %s s: %s", self.interval, exc)
                self._status = self.Status.STARTED
            except Exception:  # never let the thread die: scheduled jobs would stand still
                log.exception("scheduler: unexpected error; carrying on")
            self._stopping.wait(self.interval)
        try:
            self.stop()  # releases the locks, removes its record
        except (RedisError, OSError):
            pass
        log.info("scheduler thread stopped")

    def _shorten_locks(self) -> None:
        """RQ gives a queue's scheduler lock 61 s, renewed every second: a worker killed with
        kill -9 held back every scheduled job (send retries, rate-limited rows) for a
        minute, until its lock expired. Ours last LOCK_TTL_SECONDS."""
        if not self.acquired_locks:
            return
        script = self.connection.register_script(_SHORTEN_LOCK)
        with self.connection.pipeline() as pipe:
            for name in self.acquired_locks:
                script(keys=[self.get_locking_key(name)], args=[self.name, LOCK_TTL_SECONDS], client=pipe)
            pipe.execute()

    def stop_thread(self, timeout: float = 10.0) -> None:
        self._stopping.set()
        if isinstance(self._process, threading.Thread) and self._process is not threading.current_thread():
            self._process.join(timeout)


class _Resilient:
    """What the project's workers add to RQ's Worker and SimpleWorker (see the module doc)."""

    max_connection_wait_time = RECONNECT_SECONDS

    def _start_scheduler(self, burst: bool = False, logging_level="INFO", *args, **kwargs):
        if burst:  # a burst worker moves the due jobs once, in-line, as RQ does
            return super()._start_scheduler(burst, logging_level, *args, **kwargs)
        self.scheduler = ThreadScheduler(self.queues, connection=self.connection, serializer=self.serializer,
                                         logging_level=logging_level if logging_level is not None else "INFO")
        self.scheduler.start()

    def stop_scheduler(self):
        if isinstance(self.scheduler, ThreadScheduler):
            self.scheduler.stop_thread()
        else:
            super().stop_scheduler()


class ProjectWorker(_Resilient, Worker):
    """The forking worker: a work-horse per job, which dies if the worker dies."""

    def main_work_horse(self, job, queue):
        die_with_parent(self._parent_pid)
        super().main_work_horse(job, queue)

    def fork_work_horse(self, job, queue):
        self._parent_pid = os.getpid()
        super().fork_work_horse(job, queue)


class ProjectSimpleWorker(_Resilient, SimpleWorker):
    """The in-process worker (the send workers): jobs run in this process, no children."""


# --- the process ---------------------------------------------------------------------------------
def run_worker(queue_names: list[str], connection: Redis, *, simple: bool, burst: bool = False,
               make_worker=None) -> int:
    """Work the queues until SIGTERM/SIGINT (or, with `burst`, until they are empty).

    When RQ's loop ends on a Redis error, wait for Redis and start a fresh worker (a new
    name: the old one's record expires by itself) instead of ending the process."""
    worker_class = ProjectSimpleWorker if simple else ProjectWorker
    make_worker = make_worker or (lambda: worker_class(queue_names, connection=connection))
    while True:
        worker = None
        try:
            worker = make_worker()  # (it talks to Redis already: CLIENT SETNAME)
            worker.work(burst=burst, with_scheduler=True, logging_level="INFO")
        except (RedisError, OSError) as exc:
            log.warning("worker %s stopped on a Redis error: %s", getattr(worker, "name", "(new)"), exc)
        if burst or getattr(worker, "_shutdown_requested_date", None) is not None:
            return 0
        log.warning("worker %s left its loop without being asked to stop; starting again once Redis answers",
                    getattr(worker, "name", "(new)"))
        if not _wait_for_redis(connection):
            return 0


def _wait_for_redis(connection: Redis) -> bool:
    """Ping Redis every RECONNECT_SECONDS; False when SIGTERM/SIGINT came meanwhile."""
    stop = threading.Event()
    previous = {sig: signal.signal(sig, lambda *_: stop.set()) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        while not stop.is_set():
            try:
                connection.ping()
                return True
            except (RedisError, OSError):
                stop.wait(RECONNECT_SECONDS)
        return False
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
