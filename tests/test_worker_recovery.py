"""Workers and the clock through Redis outages and killed parents (workers.process,
workers.clock's RedisWatch, workers.sweeps.catch_up): real `python -m workers` processes on
a Redis server of the test's own, stopped and started again empty."""
from __future__ import annotations

import os
import signal
import time
from datetime import timedelta
from pathlib import Path

import pytest
from redis import Redis
from rq import Queue

from core import status as st
from models import Complaint, OutboundMessage, utcnow
from services import runtime
from services.messaging import enqueue, outbox
from services.tx import transaction
from services.complaints.status_door import Change, change_status
from tests.factories import make_complaint, make_reporter
from tests.test_worker_process import (StallingProxy, descendants, file_road_complaint, finish,  # noqa: F401
                                       private_redis, procfile, start)
from tests.workerkit import link_office, texts, wait_until
from workers import claims as claims_mod, jobs, sweeps


def _alive(pid: int) -> bool:
    """Running (a zombie waiting for its parent counts as gone)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def _stop(*processes) -> str:
    output = ""
    for process in processes:
        if process.poll() is None:
            process.terminate()
        output += getattr(process, "_seen", b"").decode(errors="replace") + finish(process, timeout=30)
    return output


# --- no process outlives its parent ----------------------------------------------------------
def test_killing_the_worker_takes_its_work_horse_along_and_there_is_no_scheduler_process(telegram, botapi,
                                                                                          run_worker):
    siti = botapi.user()
    with transaction():
        row = outbox.add_message(siti.id, "Pesan yang sedang dikirim", kind="status")
    proxy = StallingProxy(botapi.url, "Pesan yang sedang dikirim")
    worker = start(["worker"], telegram, TELEGRAM_API_URL=proxy.url)
    try:
        assert proxy.forwarded.wait(30), "the worker never called Telegram"
        below = descendants(worker.pid)
        assert len(below) == 1, below  # the work-horse, and no scheduler process beside it
        horse = below[0]
        os.kill(worker.pid, signal.SIGKILL)  # the worker alone, as an OOM kill or a careless kill -9 does
        worker.wait(10)
        wait_until(lambda: not _alive(horse), timeout=5)
    finally:
        proxy.stop()
    # The cut send is the claim protocol's "calling" case: Telegram has it, it is not sent again.
    assert OutboundMessage.get_by_id(row.id).state == "sending"
    later = utcnow() + timedelta(seconds=runtime.config().OUTBOX_STALE_SECONDS + 30)
    assert sweeps.sweep_outbox(now=later)["recovered"] == 1
    run_worker()
    assert [m["text"] for m in botapi.messages(siti.id)] == ["Pesan yang sedang dikirim"]  # once
    # Nobody saw Telegram's answer: the row says so honestly (workers.claims), never "sent".
    assert OutboundMessage.get_by_id(row.id).state == "maybe_sent"


def test_the_send_worker_runs_as_one_process(telegram):
    worker = start(procfile("sender"), telegram)
    try:
        wait_until(lambda: "scheduler thread started" in _peek(worker), timeout=20)
        assert descendants(worker.pid) == []
    finally:
        _stop(worker)


def _peek(process) -> str:
    """What a process has logged so far, without waiting for it to end (non-blocking read)."""
    os.set_blocking(process.stdout.fileno(), False)
    chunk = process.stdout.read() or b""
    process._seen = getattr(process, "_seen", b"") + chunk
    return process._seen.decode(errors="replace")


# --- Redis goes away ----------------------------------------------------------------------------
@pytest.mark.parametrize("simple", [True, False], ids=["in-process", "forking"])
def test_a_worker_whose_job_meets_a_redis_outage_carries_on_afterwards(telegram, private_redis, simple):
    """RQ ends `work()` when Redis fails outside its waiting loop (here: recording the
    result of a job that outlived Redis); the process starts a fresh worker instead."""
    url, redis_up, redis_down = private_redis
    config = runtime.use(telegram.with_(REDIS_URL=url))
    worker = start(["worker", "--queues", "default"] + (["--simple"] if simple else []), config)
    try:
        queue = Queue(runtime.queue_name(config, "default"), connection=Redis.from_url(url))
        first = queue.enqueue("time.sleep", 3)
        wait_until(lambda: first.get_status() == "started", timeout=20)
        redis_down()
        time.sleep(4)
        redis_up()  # empty
        queue = Queue(runtime.queue_name(config, "default"), connection=Redis.from_url(url))
        second = queue.enqueue("time.sleep", 0)
        wait_until(lambda: second.get_status() == "finished", timeout=30)
        assert worker.poll() is None
    finally:
        output = _stop(worker)
    assert "starting again once Redis answers" in output


def test_scheduled_jobs_move_again_right_after_redis_returns(telegram, botapi, private_redis):
    """The scheduler (a thread now) carries on through the outage; RQ's forked scheduler
    died on the first error and was started again only by the 10-minute maintenance."""
    url, redis_up, redis_down = private_redis
    config = runtime.use(telegram.with_(REDIS_URL=url))
    siti = botapi.user()
    worker = start(procfile("worker"), config)
    sender = start(procfile("sender"), config)
    try:
        wait_until(lambda: "Acquired scheduler lock" in _peek(worker) + _peek(sender), timeout=20)
        redis_down()
        time.sleep(5)
        redis_up()  # empty: locks, queues, everything gone
        with transaction():
            row = outbox.add_message(siti.id, "Dikirim dua detik kemudian", kind="status")
        back = time.monotonic()
        assert enqueue.send_later(row.id, 2)
        wait_until(lambda: OutboundMessage.get_by_id(row.id).state == "sent", timeout=20)
        assert time.monotonic() - back < 10
        alive = worker.poll() is None and sender.poll() is None
    finally:
        output = _stop(worker, sender)
    assert alive, output[-6000:]
    assert "scheduler: Redis is back" in output
    assert [m["text"] for m in botapi.messages(siti.id)] == ["Dikirim dua detik kemudian"]


def test_what_was_owed_during_an_outage_moves_within_seconds_of_redis_returning(telegram, botapi, private_redis):
    """The Procfile's worker, sender and clock; a complaint filed and a status change made
    while Redis is away (their jobs never reach it). The clock sees Redis return and
    queues the catch-up: no waiting for the sweeps' OUTBOX_STALE_SECONDS (120 s)."""
    url, redis_up, redis_down = private_redis
    config = runtime.use(telegram.with_(REDIS_URL=url))
    group = link_office(botapi, "DPUTR")
    reporter = botapi.user()
    earlier = make_complaint(status=st.IN_PROGRESS, reporter=make_reporter(telegram_id=reporter.id, chat_id=reporter.id))
    processes = [start(procfile(name), config) for name in ("worker", "sender", "clock")]
    try:
        wait_until(lambda: "clock started" in _peek(processes[2]), timeout=20)
        time.sleep(2)
        redis_down()
        complaint = file_road_complaint(botapi, "during-outage")
        change_status(earlier.id, Change(st.RESOLVED, note="Sudah diperbaiki."))
        time.sleep(6)
        redis_up()  # empty
        back = time.monotonic()
        wait_until(lambda: not OutboundMessage.select().where(OutboundMessage.state != "sent").exists()
                   and Complaint.get_by_id(complaint.id).status == st.ASSIGNED
                   and OutboundMessage.select().count() >= 3, timeout=60, interval=0.2)
        took = time.monotonic() - back
        assert took < 30, took
        assert all(p.poll() is None for p in processes)
    finally:
        output = _stop(*processes)
    assert "clock: Redis is back" in output
    complaint = Complaint.get_by_id(complaint.id)
    assert [t for t in texts(botapi, complaint.reporter.chat_id) if complaint.tracking_code in t][:1]
    assert len([t for t in texts(botapi, group) if complaint.tracking_code in t]) == 1
    assert len([t for t in texts(botapi, reporter.id) if earlier.tracking_code in t]) == 1
    for row in OutboundMessage.select():  # each delivered exactly once
        assert sum(1 for m in botapi.messages(row.chat_id) if m.get("message_id") == row.telegram_message_id) == 1


# --- the catch-up itself -------------------------------------------------------------------------
def test_catch_up_queues_everything_owed_at_once_and_nothing_twice(telegram, botapi, redis_conn, run_worker):
    siti = botapi.user()
    now = utcnow()
    with transaction():
        due = outbox.add_message(siti.id, "Pesan yang tertunda", kind="status")
        later = outbox.add_message(siti.id, "Pesan untuk nanti", kind="status")
        held = outbox.add_message(siti.id, "Pesan yang dipegang pengirim yang berhenti", kind="status")
        live = outbox.add_message(siti.id, "Pesan yang sedang dikirim pengirim hidup", kind="status")
    OutboundMessage.update(next_attempt_at=now + timedelta(seconds=3)).where(OutboundMessage.id == later.id).execute()
    cl = claims_mod.Claims(runtime.redis(), telegram.QUEUE_PREFIX)
    dead_claim = cl.claim(held.id)  # a sender held it when Redis went away, and stopped
    since = utcnow()
    time.sleep(0.01)
    live_claim = cl.claim(live.id)  # claimed after `since`: a live sender's; left alone
    waiting = make_complaint(status=st.NEW, assigned_opd=None, assigned_desa=None, created_at=now)
    redis_conn.flushdb()  # Redis restarted empty: the queued jobs are gone; the held row's
    redis_conn.hset(cl.key(held.id), mapping={  # progress record was saved before the outage
        "token": claims_mod.token_text(dead_claim.token), "phase": "claimed", "beat": time.time() - 60})

    done = sweeps.catch_up(since)
    assert done == {"queued": 1, "scheduled": 1, "recovered": 1, "assignments": 1}
    sweeps.catch_up(since)  # a second catch-up (two clocks, a flapping Redis) changes nothing
    run_worker()
    assert Complaint.get_by_id(waiting.id).status == st.ASSIGNED
    assert OutboundMessage.get_by_id(live.id).state == "sending" and live_claim is not None
    time.sleep(3.2)
    run_worker()  # the scheduled one, now due
    sent = [m["text"] for m in botapi.messages(siti.id)]
    assert sorted(sent) == sorted(["Pesan yang tertunda", "Pesan untuk nanti",
                                   "Pesan yang dipegang pengirim yang berhenti"])
    assert {OutboundMessage.get_by_id(r.id).state for r in (due, later, held)} == {"sent"}


# --- a claim whose Redis side fails before the call ---------------------------------------------
def test_a_claimed_row_whose_progress_redis_lost_goes_back_to_pending_and_is_sent_once(telegram, botapi,
                                                                                         redis_conn, run_worker):
    """Redis restarted empty between the claim and the call: nothing was sent under the
    claim, so the row is handed back and queued again (the sweep could only have marked it
    failed, "delivery unknown")."""
    siti = botapi.user()
    with transaction():
        row = outbox.add_message(siti.id, "Diklaim lalu Redis kosong", kind="status")
    cl = claims_mod.Claims(runtime.redis(), telegram.QUEUE_PREFIX)
    claim = cl.claim(row.id)
    redis_conn.flushdb()
    assert cl.start_call(claim) is False  # no call under this claim
    assert OutboundMessage.get_by_id(row.id).state == "pending"
    run_worker()
    assert [m["text"] for m in botapi.messages(siti.id)] == ["Diklaim lalu Redis kosong"]
    row = OutboundMessage.get_by_id(row.id)
    assert row.state == "sent" and row.attempts == 1


def test_a_claimed_row_is_handed_back_when_redis_fails_before_the_call(telegram, botapi, private_redis):
    url, redis_up, redis_down = private_redis
    config = runtime.use(telegram.with_(REDIS_URL=url))
    siti = botapi.user()
    with transaction():
        row = outbox.add_message(siti.id, "Redis mati sebelum dikirim", kind="status")
    cl = claims_mod.Claims(runtime.redis(), config.QUEUE_PREFIX)
    claim = cl.claim(row.id)
    redis_down()
    with pytest.raises(Exception):
        cl.start_call(claim)
    row = OutboundMessage.get_by_id(row.id)
    assert row.state == "pending" and row.attempts == 0 and "Redis" in row.last_error
    assert botapi.messages(siti.id) == []
