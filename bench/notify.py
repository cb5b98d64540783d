"""Scenario 2: 5,000 status changes to distinct reporters, sent by two worker processes
through the fake Bot API server enforcing Telegram's limits.

    .venv/bin/python -m bench.notify [--changes 5000] [--workers 2] [--rate 29] [--db postgresql|sqlite]
                                     [--simple | --fork] [--ceiling]

The fake server (sandbox.botapi.FakeBotAPI, rate_limits=True: about 30 messages a second
over all chats, 1 a second per chat) runs in this process; two real worker processes (RQ
workers with scheduler, shared Redis rate limit) send the outbox. By default they run the
Procfile's `sender` command, what production runs; `--simple` runs `python -m workers worker
--simple` on every queue, `--fork` the forking `python -m workers worker`. `--ceiling` turns
the fake's limits off and the workers' limit up, to show what the senders could do unpaced.
Every change goes through the status door (`change_status`, assigned -> in_progress with a
note), which writes the reporter's outbox row and queues its send job after commit, as the
panel does. Throughput is counted from the rows' sent_at; the idle latency is the time
from a change's commit to the row's sent_at with an empty queue (one change every 300 ms).
"""
from __future__ import annotations

import argparse
import os
import shlex
import subprocess
import sys
import time
from pathlib import Path

from peewee import fn

from bench.common import (ComplaintFactory, bench_database, bench_env, flush_bench_redis, header, insert_complaints,
                          pct, summary_ms, verdict)

TOKEN = "123456:BENCH-TOKEN"
ROOT = Path(__file__).resolve().parent.parent


def make_reporters(api, count: int) -> list[int]:
    import models
    from models import Reporter

    rows = []
    for i in range(count):
        user = api.user(user_id=8_000_000 + i, first_name=f"Warga {i}")
        rows.append(dict(telegram_id=user.id, chat_id=user.id, first_name=f"Warga {i}", language="id"))
    with models.db.atomic():
        for start in range(0, count, 2000):
            Reporter.insert_many(rows[start:start + 2000]).execute()
    return [r.id for r in Reporter.select(Reporter.id).order_by(Reporter.id)]


def assigned_complaints(reporters: list[int], now) -> list[int]:
    from models import Complaint

    factory = ComplaintFactory(now)
    rows = (factory.row(n, "assigned", reporter_id=rid, first_response_at=None, resolved_at=None, closed_at=None)
            for n, rid in enumerate(reporters))
    insert_complaints(rows)
    return [c.id for c in Complaint.select(Complaint.id).order_by(Complaint.id)]


class DelayingProxy:
    """Stands in front of the fake Bot API like the Internet in front of Telegram: each call
    takes `rtt` seconds more (half on the way there, half back, +-20%), so that a sender's
    wait for Telegram's answer is that of a real deployment, not of a local socket."""

    def __init__(self, target: str, rtt: float):
        import random
        import threading
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

        import httpx

        client = httpx.Client(base_url=target, timeout=30, limits=httpx.Limits(max_connections=100))
        lock = threading.Lock()

        def leg() -> float:
            with lock:
                return rtt / 2 * random.uniform(0.8, 1.2)

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                time.sleep(leg())
                reply = client.post(self.path, content=body, headers={"Content-Type": self.headers["Content-Type"]})
                time.sleep(leg())
                self.send_response(reply.status_code)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(reply.content)))
                self.end_headers()
                self.wfile.write(reply.content)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        self.server.shutdown()


def procfile_sender() -> list[str]:
    """The Procfile's `sender` command (production's send workers), as arguments."""
    for line in (ROOT / "Procfile").read_text().splitlines():
        name, _, command = line.partition(":")
        if name.strip() == "sender":
            args = shlex.split(command)
            assert args[:3] == ["python", "-m", "workers"], args
            return args[3:]
    raise SystemExit("the Procfile has no sender process")


def worker_args(args) -> list[str]:
    if args.simple:
        return ["worker", "--simple"]
    if args.fork:
        return ["worker"]
    return procfile_sender()


def start_workers(cfg, count: int, args: list[str]) -> list[subprocess.Popen]:
    env = bench_env(cfg)
    command = [sys.executable, "-m", "workers", *args]
    return [subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL,
                             stderr=open(f"/tmp/wadul-bench/worker{i}.log", "w")) for i in range(count)]


def change(complaint_id: int) -> None:
    from services.complaints.status_door import Change, change_status

    change_status(complaint_id, Change("in_progress", note="Petugas sedang menuju lokasi."))


def wait_sent(ids_count: int, timeout: float) -> int:
    from models import OUTBOX_SENT, OutboundMessage

    deadline = time.monotonic() + timeout
    sent = 0
    while time.monotonic() < deadline:
        sent = OutboundMessage.select().where(OutboundMessage.state == OUTBOX_SENT).count()
        if sent >= ids_count:
            break
        time.sleep(0.5)
    return sent


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.notify", description=__doc__)
    parser.add_argument("--changes", type=int, default=5000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--rate", type=int, default=29, help="SEND_GLOBAL_PER_SECOND for the workers (default config: 29)")
    parser.add_argument("--idle", type=int, default=50, help="changes for the idle-queue latency")
    parser.add_argument("--db", choices=("postgresql", "sqlite"), default="postgresql")
    kind = parser.add_mutually_exclusive_group()
    kind.add_argument("--simple", action="store_true", help="`worker --simple` on every queue instead of the Procfile's sender")
    kind.add_argument("--fork", action="store_true", help="the forking `worker` on every queue instead of the Procfile's sender")
    parser.add_argument("--ceiling", action="store_true",
                        help="no limits (fake's off, SEND_GLOBAL_PER_SECOND=10000): the senders' own capacity")
    parser.add_argument("--rtt", type=float, default=0.0,
                        help="milliseconds each Bot API call takes on the network (a delaying proxy; 0: none)")
    args = parser.parse_args(argv)
    command = worker_args(args)
    rate = 10000 if args.ceiling else args.rate
    from config import Config

    burst = os.environ.get("SEND_GLOBAL_BURST") or Config.SEND_GLOBAL_BURST  # the workers inherit the environment
    header("Scenario 2: notification throughput", f"""
        {args.changes} status changes (status door, one per distinct reporter) on {args.db}, sent by {args.workers}
        `python -m workers {' '.join(command)}` processes with SEND_GLOBAL_PER_SECOND={rate} (SEND_GLOBAL_BURST={burst}),
        through FakeBotAPI(rate_limits={not args.ceiling}){f' behind a proxy adding {args.rtt:.0f} ms (+-20%) to each call' if args.rtt else ''}.""")
    from sandbox.botapi import FakeBotAPI

    flush_bench_redis()
    api = FakeBotAPI(TOKEN, rate_limits=not args.ceiling).start()
    proxy = DelayingProxy(api.url, args.rtt / 1000) if args.rtt else None
    procs = []
    try:
        with bench_database(args.db, name="notify", TELEGRAM_API_URL=proxy.url if proxy else api.url,
                            SEND_GLOBAL_PER_SECOND=rate) as cfg:
            import models
            from models import OutboundMessage, utcnow

            now = utcnow()
            reporters = make_reporters(api, args.changes + args.idle)
            complaints = assigned_complaints(reporters, now)
            models.db.close()
            procs = start_workers(cfg, args.workers, command)
            time.sleep(3)  # the workers start and preload
            start = time.monotonic()
            for cid in complaints[:args.changes]:
                change(cid)
            written = time.monotonic() - start
            sent = wait_sent(args.changes, timeout=args.changes / 20 + 60)
            rows = list(OutboundMessage.select(OutboundMessage.created_at, OutboundMessage.sent_at)
                        .where(OutboundMessage.sent_at.is_null(False)))
            first = min(r.sent_at for r in rows)
            last = max(r.sent_at for r in rows)
            span = (last - first).total_seconds()
            rate = (len(rows) - 1) / span if span else 0
            print(f"wrote {args.changes} changes in {written:.1f} s ({args.changes / written:.0f}/s); "
                  f"{sent} sent; first to last delivery {span:.1f} s -> {rate:.1f} messages/s")
            per_second = _per_second(rows)
            low = min(range(len(per_second)), key=per_second.__getitem__)
            print(f"messages per wall-clock second (steady part, excluding first and last second): "
                  f"min {min(per_second)} (second {low + 2} of {len(per_second) + 2}), "
                  f"median {sorted(per_second)[len(per_second) // 2]}, max {max(per_second)}; "
                  f"lowest five {sorted(per_second)[:5]}")
            tail = sorted(r.sent_at for r in rows)[-5:]
            print(f"last five deliveries, seconds after the first: {[round((t - first).total_seconds(), 2) for t in tail]}")
            sends = [c for c in api.calls if c["method"] in ("sendMessage", "sendPhoto")]
            too_many = sum(1 for c in sends if c["error_code"] == 429)
            delivered = {}
            for c in sends:
                if c["ok"]:
                    key = c["params"].get("chat_id")
                    delivered[key] = delivered.get(key, 0) + 1
            dups = sum(n - 1 for n in delivered.values() if n > 1)
            lost = args.changes - len(delivered)
            print(f"429 answers: {too_many}; duplicates: {dups}; lost: {lost}; "
                  f"states: {dict(OutboundMessage.select(OutboundMessage.state, fn.COUNT(1)).group_by(OutboundMessage.state).tuples())}")
            print(f"target >= 28 msg/s sustained: {rate:.1f} -> {verdict(rate >= 28)}; zero 429/dup/lost -> "
                  f"{verdict(not too_many and not dups and not lost)}")
            idle = _idle_latency(complaints[args.changes:args.changes + args.idle])
            print(f"idle-queue latency, change committed -> sent_at: {summary_ms(idle)}")
            print(f"target p95 < 1 s: {pct(idle, 95) * 1000:.0f} ms -> {verdict(pct(idle, 95) < 1.0)}")
    finally:
        for p in procs:
            p.terminate()
        for p in procs:
            try:
                p.wait(10)
            except subprocess.TimeoutExpired:
                p.kill()
        if proxy:
            proxy.stop()
        api.stop()
        flush_bench_redis()
    return 0


def _per_second(rows) -> list[int]:
    counts: dict[int, int] = {}
    base = min(r.sent_at for r in rows)
    for r in rows:
        k = int((r.sent_at - base).total_seconds())
        counts[k] = counts.get(k, 0) + 1
    keys = sorted(counts)[1:-1] or sorted(counts)
    return [counts.get(k, 0) for k in range(keys[0], keys[-1] + 1)]


def _idle_latency(complaint_ids: list[int]) -> list[float]:
    from models import OutboundMessage

    out = []
    for cid in complaint_ids:
        change(cid)
        deadline = time.monotonic() + 10
        row = None
        while time.monotonic() < deadline:
            row = (OutboundMessage.select().where(OutboundMessage.complaint == cid, OutboundMessage.sent_at.is_null(False))
                   .first())
            if row:
                break
            time.sleep(0.01)
        if row:
            out.append((row.sent_at - row.created_at).total_seconds())
        time.sleep(0.3)
    return out


if __name__ == "__main__":
    raise SystemExit(main())
