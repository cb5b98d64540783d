"""The RQ jobs, importable by dotted name ("workers.jobs.send_message").

Jobs take ids (and, for tests and catch-up runs, an explicit `now`), reload the rows, and
leave early when the work is already done. Each one closes its database connection when it
ends, since a forked work-horse must not leave connections behind; a worker that runs jobs
in its own process (`--simple`, the send workers) keeps the connection from job to job
instead (opening one costs PostgreSQL a new backend, more than a whole send), and drops it
only after a job that failed, so that a broken connection is never handed to the next job.
"""
from __future__ import annotations

import functools
import logging
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import date, datetime, timedelta

from redis.exceptions import RedisError
from rq import Queue

import models
from services import runtime
from workers import reminders, reports, sender, sweeps
from services.complaints import assignment
from services.messaging import enqueue

log = logging.getLogger(__name__)


_keep = {"connection": False}


def keep_connection(keep: bool = True) -> None:
    """Whether jobs leave the database connection open for the next job (in-process workers)."""
    _keep["connection"] = keep


def _close() -> None:
    if not models.db.in_transaction():
        models.db.close()


def _job(func):
    @functools.wraps(func)
    def run(*args, **kwargs):
        try:
            result = func(*args, **kwargs)
        except BaseException:
            _close()
            raise
        if not _keep["connection"]:
            _close()
        return result
    return run


@_job
def send_message(message_id: int, retries: int = len(enqueue.RETRY_INTERVALS)) -> str:
    """Deliver one outbox row to Telegram (never twice); run again later when asked to wait.
    In a send worker with threads the row goes to a free thread and the job ends at once."""
    if _threads["pool"] is not None:
        _threads["pool"].submit(message_id, retries)
        return "handed to a send thread"
    return _deliver(message_id)


def _deliver(message_id: int) -> str:
    outcome = sender.deliver(message_id)
    if outcome.later is not None:
        enqueue.send_later(message_id, outcome.later)
    return outcome.status


class SendThreads:
    """Rows in flight on `count` threads of one send worker, so that the process goes on with
    the next row while Telegram answers (a round trip to Telegram, not our work, is most of a
    send). The claims and the shared limit make the threads as safe as separate processes;
    the job hands its row over only when a thread is free, so rows wait in Redis, not here.
    A row whose delivery raised is queued again after RETRY_INTERVALS, as RQ would retry the
    job; a process killed with rows in flight leaves them to the outbox sweep, like any lost
    job."""

    def __init__(self, count: int):
        self.free = threading.BoundedSemaphore(count)
        self.executor = ThreadPoolExecutor(count, thread_name_prefix="send")

    def submit(self, message_id: int, retries: int) -> None:
        self.free.acquire()
        try:
            self.executor.submit(self._run, message_id, retries)
        except BaseException:
            self.free.release()
            raise

    def _run(self, message_id: int, retries: int) -> None:
        try:
            _deliver(message_id)  # each thread keeps its own database connection
        except Exception:
            log.exception("sending outbox message %s failed", message_id)
            _close()
            if retries > 0:
                delay = enqueue.RETRY_INTERVALS[len(enqueue.RETRY_INTERVALS) - retries]
                _send_again(message_id, delay, retries - 1)
        finally:
            self.free.release()

    def close(self) -> None:
        """Wait for the rows in flight (each call is bounded by its timeouts)."""
        self.executor.shutdown(wait=True)


_threads: dict = {"pool": None}


def send_in_threads(count: int) -> SendThreads | None:
    """Deliver send jobs' rows on `count` threads of this process (1: in the job itself)."""
    if _threads["pool"] is not None:
        _threads["pool"].close()
    _threads["pool"] = SendThreads(count) if count > 1 else None
    return _threads["pool"]


def stop_send_threads() -> None:
    send_in_threads(1)


def _send_again(message_id: int, seconds: float, retries: int) -> None:
    cfg = runtime.config()
    try:
        queue = Queue(runtime.queue_name(cfg, runtime.QUEUE_SEND), connection=runtime.redis())
        queue.enqueue_in(timedelta(seconds=seconds), "workers.jobs.send_message", message_id, retries, result_ttl=0)
    except (RedisError, OSError) as exc:
        log.warning("could not queue message %s again (the outbox sweep will): %s", message_id, exc)


@_job
def assign_complaint(complaint_id: int, now: datetime | None = None) -> str:
    """Route a confirmed or forwarded complaint, set its deadlines, tell reporter and office."""
    return assignment.assign(complaint_id, now)


@_job
def sweep_outbox(now: datetime | None = None) -> dict:
    """Re-queue outbox rows whose job was lost and recover rows whose sender died; then tell the
    main admins about rows given up after a long outage (sweeps.report_undelivered)."""
    result = sweeps.sweep_outbox(now)
    try:
        sweeps.report_undelivered()
    except Exception:  # noqa: BLE001 - reporting must not undo the sweep; the next minute tries again
        log.exception("reporting undelivered outbox messages failed")
    return result


@_job
def sweep_unassigned(now: datetime | None = None) -> int:
    """Queue assignment again for complaints left new (Redis was down when they were filed)."""
    return sweeps.sweep_unassigned(now)


@_job
def sweep_deadlines(now: datetime | None = None) -> dict:
    """Remind offices before deadlines and escalate missed ones, each once."""
    return reminders.sweep_deadlines(now)


@_job
def catch_up(since: datetime, now: datetime | None = None) -> dict:
    """Queue again everything owed once Redis answers after an outage (the clock queues it)."""
    return sweeps.catch_up(since, now)


@_job
def sweep_auto_close(now: datetime | None = None) -> int:
    """Close resolved complaints the reporter did not rate in time, telling the reporter."""
    return sweeps.sweep_auto_close(now)


@_job
def weekly_report(now: datetime | None = None, days: int | None = None, force: bool = False,
                  first: str | None = None, last: str | None = None) -> int | None:
    """The clock's run: last week's compliance report, once per week. `force` (the manual
    `python -m workers report`): the period asked (`first`/`last` ISO local dates, or the last
    `days` days, default the last complete week), sent even when it was sent before."""
    now = now or models.utcnow()
    if force or days or first or last:
        report = reports.report_on_demand(date.fromisoformat(first) if first else None,
                                          date.fromisoformat(last) if last else None, days=days, now=now)
    else:
        report = reports.weekly_report(now)
    return report.id if report else None


@_job
def refresh_public(spec: list) -> None:
    """Compute a public page's cached answer again (services.public_stats: served stale meanwhile)."""
    from services import public_stats

    public_stats.refresh(spec)
