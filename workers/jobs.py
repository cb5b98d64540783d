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
from datetime import datetime, timedelta

from redis.exceptions import RedisError
from rq import Queue

import models
from services import runtime
from workers import assignment, reminders, reports, sender, sweeps

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
def send_message(message_id: int) -> str:
    """Deliver one outbox row to Telegram (never twice); run again later when asked to wait."""
    outcome = sender.deliver(message_id)
    if outcome.later is not None:
        send_later(message_id, outcome.later)
    return outcome.status


def send_later(message_id: int, seconds: float) -> bool:
    """Schedule the send job (the worker's scheduler moves it when due); the sweep backs it up."""
    cfg = runtime.config()
    try:
        queue = Queue(runtime.queue_name(cfg, runtime.QUEUE_SEND), connection=runtime.redis())
        queue.enqueue_in(timedelta(seconds=max(0.0, seconds)), "workers.jobs.send_message", message_id,
                         result_ttl=0)
        return True
    except (RedisError, OSError) as exc:
        log.warning("could not schedule message %s (the outbox sweep will): %s", message_id, exc)
        return False


@_job
def assign_complaint(complaint_id: int, now: datetime | None = None) -> str:
    """Route a confirmed or forwarded complaint, set its deadlines, tell reporter and office."""
    return assignment.assign(complaint_id, now)


@_job
def sweep_outbox(now: datetime | None = None) -> dict:
    """Re-queue outbox rows whose job was lost and recover rows whose sender died."""
    return sweeps.sweep_outbox(now)


@_job
def sweep_unassigned(now: datetime | None = None) -> int:
    """Queue assignment again for complaints left new (Redis was down when they were filed)."""
    return sweeps.sweep_unassigned(now)


@_job
def sweep_deadlines(now: datetime | None = None) -> dict:
    """Remind offices before deadlines and escalate missed ones, each once."""
    return reminders.sweep_deadlines(now)


@_job
def sweep_auto_close(now: datetime | None = None) -> int:
    """Close resolved complaints the reporter did not rate in time, telling the reporter."""
    return sweeps.sweep_auto_close(now)


@_job
def weekly_report(now: datetime | None = None, days: int | None = None) -> int | None:
    """Last week's compliance report (once), or with `days` one for the last days now."""
    now = now or models.utcnow()
    if days:
        report = reports.make_report(now - timedelta(days=days), now, now)
    else:
        report = reports.weekly_report(now)
    return report.id if report else None
