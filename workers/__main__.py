"""`python -m workers worker [--burst] [--simple] [--queues send,default,low]` runs an RQ
worker with its scheduler on the project's queues (what `rq worker --with-scheduler` does,
with the scheduler on a thread and quick recovery from Redis outages: workers.process);
`python -m workers clock` runs the one periodic process; `python -m workers report [--days N | --from D --to D]`
queues a report now and sends it (even if that period's was sent before).

Production (the Procfile) runs the send queue on its own in-process workers
(`worker --simple --queues send --threads 8`, two of them): one send job is one message,
and a forking worker's fork per job alone caps a worker at a few messages a second; the
threads keep several messages in flight while Telegram answers (over the Internet a call
takes a few hundred milliseconds, so one message at a time is ~5 a second per process).
Everything else runs on the forking `worker --queues default,low`, where a job's memory
goes away with its work-horse.
"""
from __future__ import annotations

import argparse
import logging
import sys

from config import Config, ConfigError


def main(argv: list[str] | None = None) -> int:
    """Parse the command line and run the chosen process."""
    parser = argparse.ArgumentParser(prog="python -m workers", description="Wadul background processes")
    sub = parser.add_subparsers(dest="command", required=True)
    work = sub.add_parser("worker", help="an RQ worker (with scheduler) on the Wadul queues")
    work.add_argument("--burst", action="store_true", help="quit when the queues are empty")
    work.add_argument("--simple", action="store_true", help="run jobs in this process (no fork per job)")
    work.add_argument("--queues", default=",".join(QUEUES), type=_queue_list,
                      help=f"comma-separated queues to serve, most urgent first (default: {','.join(QUEUES)})")
    work.add_argument("--threads", type=int, default=1, metavar="N",
                      help="with --simple: send up to N messages at once on threads of this process (default 1)")
    clock = sub.add_parser("clock", help="queue the periodic sweeps and reports (run exactly one)")
    clock.add_argument("--once", action="store_true", help="queue every periodic job once and quit")
    report = sub.add_parser("report", help="queue a compliance report now (sent even if sent before)")
    report.add_argument("--days", type=int, default=0, help="cover the last N days up to now")
    report.add_argument("--from", dest="first", type=_iso_date, metavar="YYYY-MM-DD",
                        help="first local day of the period (default: the last complete week)")
    report.add_argument("--to", dest="last", type=_iso_date, metavar="YYYY-MM-DD",
                        help="last local day of the period, included (default: the --from day)")
    args = parser.parse_args(argv)
    if args.command == "worker" and not 1 <= args.threads <= 64:
        parser.error("--threads must be from 1 to 64")
    if args.command == "worker" and args.threads > 1 and not args.simple:
        parser.error("--threads needs --simple (a forked work-horse ends with its job, threads and all)")
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        config = Config.from_env()
    except ConfigError as exc:
        print(f"Configuration error: {exc}", file=sys.stderr)
        return 2
    from core import logsafe
    from services import runtime, wiring

    logsafe.install(config.TELEGRAM_BOT_TOKEN)  # no log line of this process carries the token
    runtime.use(config)
    wiring.wire()
    return {"worker": _worker, "clock": _clock, "report": _report}[args.command](args)


QUEUES = ("send", "default", "low")  # services.runtime's QUEUE_SEND, QUEUE_DEFAULT, QUEUE_LOW


def _queue_list(text: str) -> list[str]:
    names = [name.strip() for name in text.split(",") if name.strip()]
    unknown = [name for name in names if name not in QUEUES]
    if unknown or not names:
        raise argparse.ArgumentTypeError(f"queues must be some of {', '.join(QUEUES)} (got {text!r})")
    return list(dict.fromkeys(names))


def _iso_date(text: str) -> str:
    from datetime import date

    try:
        return date.fromisoformat(text).isoformat()
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date YYYY-MM-DD: {text!r}") from None


def _worker(args) -> int:
    import models
    from services import runtime
    from workers import jobs, process

    cfg = runtime.config()
    _preload()
    models.db.close()  # never hand an open connection to forked work-horses
    jobs.keep_connection(args.simple)  # in-process jobs reuse one connection
    jobs.send_in_threads(args.threads)
    try:
        # The scheduler runs on a thread, reconnection is quick, and a work-horse dies with
        # its worker (workers.process says why).
        process.run_worker([runtime.queue_name(cfg, q) for q in args.queues], runtime.redis(),
                           simple=args.simple, burst=args.burst)
    finally:
        jobs.stop_send_threads()  # the rows in flight finish before the process ends
    return 0


def _preload() -> None:
    """Import the jobs and build the village index once, so that each forked work-horse
    starts with them (copy-on-write) instead of paying for them on every job."""
    import importlib

    from peewee import DatabaseError

    from services import regions
    from workers import telegram_api

    importlib.import_module("workers.jobs")
    telegram_api.tls_context()
    try:
        regions.village_index()
    except DatabaseError as exc:  # not initialised yet: each job will say so itself
        logging.getLogger(__name__).warning("village index not preloaded: %s", exc)


def _clock(args) -> int:
    from workers import clock

    if args.once:
        queued = clock.tick(jobs=clock.all_jobs())
        logging.getLogger(__name__).info("queued: %s", ", ".join(queued) or "nothing (Redis down?)")
        return 0 if queued else 1
    clock.run()
    return 0


def _report(args) -> int:
    from services import runtime
    from services.messaging import enqueue

    # The manual command always sends (force); the clock's run keeps its once-a-week guard.
    kwargs = {"force": True, "days": args.days or None, "first": args.first, "last": args.last}
    ok = enqueue.enqueue(runtime.QUEUE_LOW, "workers.jobs.weekly_report", **kwargs)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
