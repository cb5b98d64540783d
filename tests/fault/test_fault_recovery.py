"""Fault suite: Redis lost for 30 s under load, killed worker and sender processes.

The Procfile's `worker`, `sender` and `clock` run as real processes on the suite's own
PostgreSQL and Redis (tests/faultkit.py); Redis is killed with SIGKILL and comes back empty
(no persistence: every queued and scheduled job is gone). Counts are exact: each message the
system owes arrives once, or is marked in the outbox as possibly delivered ("not sent
again"), never twice and never silently lost.
"""
from __future__ import annotations

import threading
import time
from collections import Counter
from datetime import timedelta

import pytest

from core import status as st
from models import Complaint, OutboundMessage, utcnow
from services import runtime
from services.messaging import outbox
from services.complaints.status_door import Change, change_status
from services.tx import transaction
from tests.factories import make_complaint, make_reporter
from tests.faultkit import process_alive, wait_until
from tests.test_worker_process import StallingProxy, file_road_complaint, procfile
from tests.workerkit import link_office
from workers import sweeps

pytestmark = pytest.mark.fault


def command(name: str) -> list[str]:
    """The Procfile's command for a process, as production runs it."""
    return ["python", "-m", "workers", *procfile(name)]


# The forking worker on every queue, the send queue included (the Procfile's `worker` leaves
# sending to the `sender`): a work-horse in the middle of a Bot API call when it is killed.
ALL_QUEUES_WORKER = ["python", "-m", "workers", "worker", "--queues", "send,default,low"]


class SlowTelegram:
    """Stands in front of the fake Bot API and answers each call `delay` seconds after
    Telegram took it, as over the Internet: a kill then finds calls in flight."""

    def __init__(self, target: str, delay: float):
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

        import httpx

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                reply = httpx.post(target + self.path, content=body,
                                   headers={"Content-Type": self.headers["Content-Type"]})
                time.sleep(delay)
                try:
                    self.send_response(reply.status_code)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(reply.content)))
                    self.end_headers()
                    self.wfile.write(reply.content)
                except OSError:
                    pass  # the caller was killed

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self):
        self.server.shutdown()


class Deliveries:
    """When each message reached the fake Bot API (monotonic clock), per chat."""

    def __init__(self, botapi):
        self.lock = threading.Lock()
        self.times: list[float] = []
        botapi.on_bot_message(self._seen)

    def _seen(self, chat_id, message) -> None:
        if "edit_history" in message:
            return
        with self.lock:
            self.times.append(time.monotonic())

    def after(self, moment: float) -> list[float]:
        with self.lock:
            return sorted(t for t in self.times if t >= moment)


def assert_each_row_once(botapi) -> dict:
    """Every outbox row is sent and reached its chat exactly once, or is honestly marked as
    delivered without Telegram's answer ("not sent again"); returns the counts.

    Rows and messages are matched by Telegram's message id; a message sent twice would be
    a second message with the same text in the chat (every text here is unique per chat)."""
    rows = list(OutboundMessage.select())
    states = Counter(row.state for row in rows)
    assert set(states) <= {"sent", "maybe_sent"}, states
    delivered, marked = 0, 0
    for chat in {row.chat_id for row in rows}:
        theirs = [row for row in rows if row.chat_id == chat]
        got = [m for m in botapi.messages(chat) if "location" not in m]
        texts = Counter(m.get("text") or m.get("caption") or "" for m in got)
        assert max(texts.values(), default=0) <= 1, f"chat {chat} got a message twice: {texts.most_common(2)}"
        ids = {m["message_id"] for m in got}
        known = [row for row in theirs if row.telegram_message_id is not None]
        assert all(row.telegram_message_id in ids for row in known), f"chat {chat}: a recorded message is missing"
        unknown = [row for row in theirs if row.telegram_message_id is None]
        assert all("not sent again" in (row.last_error or "") and row.state == "maybe_sent" for row in unknown), \
            [(r.state, r.last_error) for r in unknown]
        assert len(got) <= len(theirs), f"chat {chat}: {len(got)} messages for {len(theirs)} rows"
        delivered += len(got)
        marked += len(theirs) - len(got)  # possibly delivered, marked so, not resent
    answer_lost = sum("not sent again" in (row.last_error or "") for row in rows)
    return {"rows": len(rows), "delivered": delivered, "duplicates": 0, "marked maybe-delivered": marked,
            "answer lost": answer_lost}


def processes_up(procs, names=("worker", "sender", "clock")):
    for name in names:
        procs.start(name, command(name))
    wait_until(lambda: all("scheduler thread started" in procs.all[n].log_text() for n in names if n != "clock")
               and "clock started" in procs.all["clock"].log_text(), timeout=30, what="the processes to start")


# --- Redis away for 30 s while people keep working ----------------------------------------------
def test_redis_down_30_s_while_complaints_are_filed_and_statuses_change(fault_env, fault_redis, procs,
                                                                         fault_figures):
    botapi = fault_env.botapi
    office = link_office(botapi, "DPUTR")
    people = [botapi.user(first_name=f"Warga{i}") for i in range(6)]
    assigned = [make_complaint(reporter=make_reporter(telegram_id=u.id, chat_id=u.id)) for u in people[:4]]
    deliveries = Deliveries(botapi)
    processes_up(procs)

    # Messages in flight when Redis dies: 48 rows to six people (the per-chat pacing spreads them).
    with transaction():
        for i in range(48):
            outbox.add_message(people[i % 6].id, f"Pesan sebelum gangguan {i:02d}", kind="status")
    wait_until(lambda: len(deliveries.times) >= 8, timeout=30, what="the first messages")
    fault_redis.stop()  # SIGKILL: everything in Redis is gone
    down_at = time.monotonic()

    filed = [file_road_complaint(botapi, f"outage-{i}") for i in range(3)]  # the bot's confirm, Redis down
    for complaint in assigned:  # officials work in the panel meanwhile
        change_status(complaint.id, Change(st.IN_PROGRESS, note=f"Ditangani saat gangguan {complaint.id}."))
    while time.monotonic() - down_at < 30:
        time.sleep(0.5)
    fault_redis.start()  # empty
    back = time.monotonic()

    owed_now = lambda: (OutboundMessage.select().where(OutboundMessage.state != "sent").count() == 0  # noqa: E731
                        and Complaint.select().where(Complaint.id.in_([c.id for c in filed]),
                                                     Complaint.status != st.ASSIGNED).count() == 0)
    wait_until(owed_now, timeout=45, interval=0.2, what="everything owed delivered")
    all_done = time.monotonic() - back
    first = deliveries.after(back)
    assert first, "nothing was delivered after Redis came back"
    counts = assert_each_row_once(botapi)
    for complaint in filed:  # each new complaint's office heard of it once
        assert sum(complaint.tracking_code in (m.get("text") or "") for m in botapi.messages(office)) == 1
    for name in ("worker", "sender", "clock"):
        assert procs.all[name].alive(), f"{name} died:\n{procs.all[name].log_text()[-3000:]}"
    assert "clock: Redis is back" in procs.all["clock"].log_text()

    case = "Redis killed 30 s (comes back empty)"
    fault_figures.record(case, "complaints filed while down / assigned after", f"{len(filed)} / {len(filed)}")
    fault_figures.record(case, "status changes while down", len(assigned))
    fault_figures.record(case, "outbox rows / delivered once / duplicates",
                         f"{counts['rows']} / {counts['delivered']} / {counts['duplicates']}")
    fault_figures.record(case, "in a call when cut: delivered, marked, not resent", counts["answer lost"])
    fault_figures.record(case, "marked maybe-delivered but not received", counts["marked maybe-delivered"])
    fault_figures.record(case, "s from Redis back to first delivery", f"{first[0] - back:.1f}")
    fault_figures.record(case, "s from Redis back to all delivered", f"{all_done:.1f}")
    fault_figures.record(case, "processes alive afterwards", "worker, sender, clock")
    assert all_done <= 30, all_done


# --- no process outlives its parent ------------------------------------------------------------
def test_kill_9_of_the_worker_leaves_no_orphan(fault_env, procs, fault_figures):
    botapi = fault_env.botapi
    siti = botapi.user()
    with transaction():
        row = outbox.add_message(siti.id, "Terpotong di tengah panggilan", kind="status")
    proxy = StallingProxy(botapi.url, "Terpotong di tengah panggilan")
    try:
        worker = procs.start("worker", ALL_QUEUES_WORKER, TELEGRAM_API_URL=proxy.url)
        assert proxy.forwarded.wait(30), "the worker never called Telegram"
        worker_children = worker.children()
        assert len(worker_children) == 1  # its work-horse, in the call; no scheduler process
        sender = procs.start("sender", command("sender"))
        wait_until(lambda: "scheduler thread started" in sender.log_text(), timeout=20)
        sender_children = sender.children()
        assert sender_children == []  # the scheduler is a thread; sends run on threads
        left = worker.kill9() + sender.kill9()  # the parents only, as `kill -9 PID`
        wait_until(lambda: not any(process_alive(pid) for pid in left), timeout=5, what="the children to end")
    finally:
        proxy.stop()
    orphans = [pid for pid in left if process_alive(pid)]
    assert orphans == []
    fault_figures.record("kill -9 of worker and sender (parents)", "children before (worker / sender)",
                         f"{len(worker_children)} / {len(sender_children)}")
    fault_figures.record("kill -9 of worker and sender (parents)", "processes left after 5 s", len(orphans))
    # The cut send: Telegram had it; it is recovered as delivered and never sent again.
    runtime.use(fault_env.config.with_(OUTBOX_STALE_SECONDS=1))
    time.sleep(1.5)
    sweeps.sweep_outbox()
    procs.start("sender2", command("sender"))
    # Nobody saw Telegram's answer to the cut call: the row ends "maybe_sent", never resent.
    wait_until(lambda: OutboundMessage.get_by_id(row.id).state == "maybe_sent", timeout=30)
    assert [m["text"] for m in botapi.messages(siti.id)] == ["Terpotong di tengah panggilan"]


# --- kill -9 in the middle of the work ----------------------------------------------------------
def test_kill_9_of_worker_and_sender_mid_work_loses_nothing_and_sends_nothing_twice(fault_env, procs,
                                                                                    fault_figures):
    botapi = fault_env.botapi
    people = [botapi.user(first_name=f"Warga{i}") for i in range(10)]
    deliveries = Deliveries(botapi)
    with transaction():
        for i in range(80):
            outbox.add_message(people[i % 10].id, f"Pesan beban {i:02d}", kind="status")
    slow = SlowTelegram(botapi.url, delay=0.4)
    try:
        sender = procs.start("sender", command("sender"), TELEGRAM_API_URL=slow.url)
        worker = procs.start("worker", ALL_QUEUES_WORKER, TELEGRAM_API_URL=slow.url)
        wait_until(lambda: len(deliveries.times) >= 20, timeout=60, what="a quarter delivered")
        sender.kill9()  # its threads in the middle of their calls
        killed_sender_at = len(deliveries.times)
        wait_until(lambda: len(deliveries.times) >= killed_sender_at + 10, timeout=60,
                   what="more delivered by the worker")
        left = worker.kill9()  # and its work-horse, in a call, dies with it
        killed_worker_at = len(deliveries.times)
        wait_until(lambda: not any(process_alive(pid) for pid in left), timeout=5, what="the work-horse to end")
        in_flight = OutboundMessage.select().where(OutboundMessage.state == "sending").count()

        # Restarted, as a process manager does; the outbox sweep (the clock's, run here at
        # once) takes back the rows the killed processes held.
        runtime.use(fault_env.config.with_(OUTBOX_STALE_SECONDS=1))
        time.sleep(1.5)
        recovered = sweeps.sweep_outbox(now=utcnow() + timedelta(seconds=1))
        procs.start("sender2", command("sender"), TELEGRAM_API_URL=slow.url)
        procs.start("worker2", ALL_QUEUES_WORKER, TELEGRAM_API_URL=slow.url)
        wait_until(lambda: OutboundMessage.select().where(OutboundMessage.state.in_(("pending", "sending")))
                   .count() == 0, timeout=60, interval=0.2, what="every row delivered or marked")
    finally:
        slow.stop()
    counts = assert_each_row_once(botapi)
    assert recovered["recovered"] == in_flight
    case = "kill -9 sender, then worker, mid-send"
    fault_figures.record(case, "delivered when sender / worker killed", f"{killed_sender_at} / {killed_worker_at}")
    fault_figures.record(case, "rows in a call when killed / taken back by the sweep",
                         f"{in_flight} / {recovered['recovered']}")
    fault_figures.record(case, "outbox rows / delivered once / duplicates",
                         f"{counts['rows']} / {counts['delivered']} / {counts['duplicates']}")
    fault_figures.record(case, "in a call when cut: delivered, marked, not resent", counts["answer lost"])
    fault_figures.record(case, "marked maybe-delivered but not received", counts["marked maybe-delivered"])
