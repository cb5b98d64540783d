"""The real processes: `python -m workers worker` and `clock` as subprocesses against the test
database, Redis and the fake Bot API; a worker killed with SIGKILL in the middle of a send;
a complaint filed while Redis is down."""
from __future__ import annotations

import os
import shlex
import signal
import socket
import subprocess
import sys
import threading
import time
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest

from core import status as st
from models import Category, Complaint, OutboundMessage, utcnow
from services import runtime
from services.complaints import filing as complaints
from services.messaging import outbox
from services.tx import transaction
from tests.faultkit import descendants, free_port
from tests.workerkit import (SUNGAI_PUTRI, config_env, link_office, point_in, telegram_reporter, texts,
                             wait_until)
from workers import clock, sweeps

ROOT = Path(__file__).resolve().parent.parent


def start(args: list[str], config, **env_overrides) -> subprocess.Popen:
    env = {**os.environ, **config_env(config, **env_overrides), "PYTHONPATH": str(ROOT)}
    return subprocess.Popen([sys.executable, "-m", "workers", *args], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True)


def procfile(name: str) -> list[str]:
    """The arguments after `python -m workers` of a Procfile process: what production runs."""
    for line in (ROOT / "Procfile").read_text().splitlines():
        key, _, command = line.partition(":")
        if key.strip() == name:
            args = shlex.split(command)
            assert args[:3] == ["python", "-m", "workers"], args
            return args[3:]
    raise AssertionError(f"no {name} in the Procfile")


def finish(process: subprocess.Popen, timeout: float = 60) -> str:
    output, _ = process.communicate(timeout=timeout)
    return output.decode(errors="replace")


def file_road_complaint(botapi, key: str) -> Complaint:
    siti = telegram_reporter(botapi)
    lat, lon = point_in(SUNGAI_PUTRI)
    draft = {"category_id": Category.get(Category.code == "jalan").id, "latitude": lat, "longitude": lon,
             "description": "Jalan berlubang besar di depan sekolah dasar."}
    return complaints.create_from_draft(draft, siti, source_key=key)


def test_python_m_workers_worker_assigns_and_delivers(telegram, botapi, redis_conn):
    group = link_office(botapi, "DPUTR")
    complaint = file_road_complaint(botapi, "subprocess")
    output = finish(start(["worker", "--burst"], telegram))
    complaint = Complaint.get_by_id(complaint.id)
    assert complaint.status == st.ASSIGNED, output
    assert complaint.tracking_code in texts(botapi, complaint.reporter.chat_id)[0]
    assert complaint.tracking_code in texts(botapi, group)[0]
    assert not OutboundMessage.select().where(OutboundMessage.state != "sent").exists()


# --- a worker killed while Telegram holds its request -------------------------------------------
class StallingProxy:
    """Stands in front of the fake Bot API: forwards each call, and for the first call whose
    text matches, holds Telegram's answer until released (the worker gets killed meanwhile)."""

    def __init__(self, target: str, stall_text: str):
        self.target, self.stall_text = target, stall_text
        self.forwarded = threading.Event()
        self.release = threading.Event()
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                reply = httpx.post(proxy.target + self.path, content=body,
                                   headers={"Content-Type": self.headers["Content-Type"]})
                if proxy.stall_text.encode() in body and not proxy.forwarded.is_set():
                    proxy.forwarded.set()
                    proxy.release.wait(30)
                try:
                    self.send_response(reply.status_code)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(reply.content)))
                    self.end_headers()
                    self.wfile.write(reply.content)
                except OSError:
                    pass  # the worker is gone

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self):
        self.release.set()
        self.server.shutdown()


@pytest.mark.parametrize("command", ["worker", "sender"])
def test_worker_killed_in_the_middle_of_sending_loses_nothing_and_sends_nothing_twice(
        telegram, botapi, run_worker, command):
    """The forking `worker` and the Procfile's in-process `sender` alike."""
    siti = botapi.user()
    with transaction():
        first = outbox.add_message(siti.id, "Pesan pertama", kind="status")
        second = outbox.add_message(siti.id, "Pesan kedua", kind="status")
    proxy = StallingProxy(botapi.url, "Pesan pertama")
    worker = start(["worker"] if command == "worker" else procfile("sender"), telegram, TELEGRAM_API_URL=proxy.url)
    try:
        assert proxy.forwarded.wait(30), "the worker never called Telegram"
        if command == "sender":  # its other threads carry on with the next row while one waits for Telegram
            wait_until(lambda: OutboundMessage.get_by_id(second.id).state == "sent", timeout=10)
        for pid in [worker.pid] + descendants(worker.pid):
            os.kill(pid, signal.SIGKILL)  # the machine pulls the plug: worker, work-horse, scheduler
        worker.wait(10)
    finally:
        proxy.stop()
    assert OutboundMessage.get_by_id(first.id).state == "sending"  # Telegram has it; nobody recorded it

    run_worker()  # another worker (talking to Telegram directly) carries on with the queue
    assert OutboundMessage.get_by_id(second.id).state == "sent"
    later = utcnow() + timedelta(seconds=runtime.config().OUTBOX_STALE_SECONDS + 30)
    assert sweeps.sweep_outbox(now=later)["recovered"] == 1
    run_worker()
    for _ in range(2):  # and however often the sweeps run afterwards
        sweeps.sweep_outbox(now=later + timedelta(minutes=10))
        run_worker()

    assert sorted(m["text"] for m in botapi.messages(siti.id)) == ["Pesan kedua", "Pesan pertama"]
    row = OutboundMessage.get_by_id(first.id)
    assert row.state == "maybe_sent" and "not sent again" in row.last_error  # Telegram had it: shown as such


# --- Redis down while a complaint is filed ---------------------------------------------------------
@pytest.fixture
def private_redis():
    """A Redis server of our own, which the test may stop and start again."""
    port = free_port()
    server: dict = {}

    def up():
        server["process"] = subprocess.Popen(
            ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_until(lambda: _pings(port), timeout=10)

    def down():
        server["process"].terminate()
        server["process"].wait(10)

    up()
    yield f"redis://127.0.0.1:{port}/0", up, down
    if server["process"].poll() is None:
        down()


def _pings(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.2) as conn:
            conn.sendall(b"PING\r\n")
            return conn.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def test_complaint_filed_while_redis_is_down_is_kept_and_assigned_later(telegram, botapi, private_redis, caplog):
    url, redis_up, redis_down = private_redis
    config = runtime.use(telegram.with_(REDIS_URL=url))
    group = link_office(botapi, "DPUTR")
    redis_down()
    complaint = file_road_complaint(botapi, "redis-down")  # the bot's confirm still works
    assert Complaint.get_by_id(complaint.id).status == st.NEW
    assert "left for the sweep" in caplog.text

    redis_up()  # an empty Redis: the assignment job never made it there
    time.sleep(1.1)
    assert "sweep_unassigned" in clock.tick()  # the clock's minute: the sweeps are queued
    output = finish(start(["worker", "--burst"], config, OUTBOX_STALE_SECONDS=1))
    complaint = Complaint.get_by_id(complaint.id)
    assert complaint.status == st.ASSIGNED, output
    assert complaint.tracking_code in texts(botapi, complaint.reporter.chat_id)[0]
    assert complaint.tracking_code in texts(botapi, group)[0]


# --- the clock ----------------------------------------------------------------------------------
def test_clock_queues_the_periodic_jobs_and_only_one_clock_acts(telegram, redis_conn):
    from datetime import datetime

    from rq import Queue

    assert clock.due_jobs(datetime(2026, 11, 2, 10, 7)) == ["sweep_outbox", "sweep_unassigned", "sweep_deadlines"]
    assert "weekly_report" in clock.due_jobs(datetime(2026, 11, 2, 10, 0))
    first, second = clock.Leader(), clock.Leader()
    second.me = "another-host:1"
    assert first.hold() and first.hold() and not second.hold()
    first.release()
    assert second.hold()
    second.release()

    stop = threading.Event()
    runner = threading.Thread(target=clock.run, args=(stop,))
    runner.start()
    low = Queue(runtime.queue_name(telegram, runtime.QUEUE_LOW), connection=redis_conn)
    wait_until(lambda: len(low) >= 5, timeout=10)
    stop.set()
    runner.join(10)
    names = sorted(job.func_name.rsplit(".", 1)[1] for job in low.jobs)
    assert names == ["sweep_auto_close", "sweep_deadlines", "sweep_outbox", "sweep_unassigned", "weekly_report"]
    assert redis_conn.get(clock.Leader().key) is None  # released on the way out


def test_clock_once_from_the_command_line(telegram, redis_conn):
    output = finish(start(["clock", "--once"], telegram))
    assert "queued: sweep_outbox" in output
