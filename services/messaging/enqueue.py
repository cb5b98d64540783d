"""Putting jobs on the queue — always after the database transaction that needs them.

Database first, queue second: if Redis is down the rows are already committed, these
functions log and return False, and the worker's sweeps pick the work up later.
Jobs are enqueued by dotted name so that callers never import the job code.
"""
from __future__ import annotations

import logging
from datetime import timedelta
from typing import Iterable

from redis.exceptions import RedisError
from rq import Queue, Retry

from services import runtime

log = logging.getLogger(__name__)

SEND_JOB = "workers.jobs.send_message"
ASSIGN_JOB = "workers.jobs.assign_complaint"
RETRY_INTERVALS = (5, 30, 120)  # a send job that raised runs again after these many seconds


def _queue(short: str) -> Queue:
    cfg = runtime.config()
    return Queue(runtime.queue_name(cfg, short), connection=runtime.redis())


def enqueue(short_queue: str, func: str, *args, job_id: str | None = None, **options) -> bool:
    """Enqueue `func(*args)`; False (logged) when Redis cannot be reached."""
    try:
        _queue(short_queue).enqueue(func, *args, job_id=job_id, **options)
        return True
    except (RedisError, OSError) as exc:
        log.warning("queue unavailable, %s(%s) left for the sweep: %s", func, args, exc)
        return False


def send_messages(message_ids: Iterable[int]) -> bool:
    """Queue the sender for each outbox row (rows stay pending if this fails)."""
    ok = True
    for message_id in message_ids:
        ok = enqueue(runtime.QUEUE_SEND, SEND_JOB, message_id, result_ttl=0,
                     retry=Retry(max=len(RETRY_INTERVALS), interval=list(RETRY_INTERVALS))) and ok
    return ok


def assign_complaint(complaint_id: int) -> bool:
    """Queue routing and assignment of a newly confirmed or forwarded complaint."""
    return enqueue(runtime.QUEUE_DEFAULT, ASSIGN_JOB, complaint_id,
                   retry=Retry(max=3, interval=[10, 60, 300]))


def send_later(message_id: int, seconds: float) -> bool:
    """Schedule the send job (the worker's scheduler moves it when due); the sweep backs it up."""
    cfg = runtime.config()
    try:
        queue = Queue(runtime.queue_name(cfg, runtime.QUEUE_SEND), connection=runtime.redis())
        queue.enqueue_in(timedelta(seconds=max(0.0, seconds)), SEND_JOB, message_id,
                         result_ttl=0)
        return True
    except (RedisError, OSError) as exc:
        log.warning("could not schedule message %s (the outbox sweep will): %s", message_id, exc)
        return False
