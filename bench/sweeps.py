"""Scenario 4: the reminder sweep over 1,000,000 open complaints of which 0, 100, 10,000 are due.

    .venv/bin/python -m bench.sweeps [--db postgresql|sqlite] [--open 1000000] [--due 0,100,10000]

Open complaints (assigned / in progress / reopened) are spread over Ketapang's villages and
categories with deadlines beyond the reminder lead time; for each step, that many of them
are made due (half a reminder before the response deadline, half an overdue escalation),
then `workers.reminders.sweep_deadlines` is run until it finds nothing more (each run
handles at most its BATCH per deadline, as the clock would every minute). Every OPD has a
Telegram group and a leadership chat is set, so reminders and escalations write their
outbox rows (sends are queued on Redis db 6 and discarded).
"""
from __future__ import annotations

import argparse
import logging
import time
from datetime import timedelta

from bench.common import (ComplaintFactory, OPEN_STATUSES, analyze, bench_database, flush_bench_redis, header,
                          insert_complaints, summary_ms, timed, verdict)


def open_rows(factory: ComplaintFactory, count: int):
    """Open complaints whose deadlines lie beyond every reminder lead time."""
    rng, now = factory.rng, factory.now
    for n in range(count):
        status = rng.choice(OPEN_STATUSES)
        assigned = now - timedelta(hours=rng.randrange(1, 200))
        yield factory.row(n, status, created_at=assigned - timedelta(minutes=1), assigned_at=assigned,
                          first_response_at=None if status != "in_progress" else assigned + timedelta(hours=3),
                          resolved_at=None, closed_at=None,
                          response_due_at=now + timedelta(days=rng.randrange(3, 30)),
                          resolution_due_at=now + timedelta(days=rng.randrange(62, 120)))


def make_due(ids: list[int], now) -> None:
    """Half get a response deadline in 1 h (reminders due), half one passed 1 h ago (escalations)."""
    from models import Complaint

    half = len(ids) // 2
    for chunk, due in ((ids[:half], now + timedelta(hours=1)), (ids[half:], now - timedelta(hours=1))):
        for start in range(0, len(chunk), 5000):
            (Complaint.update(status="assigned", first_response_at=None, response_due_at=due,
                              assigned_at=now - timedelta(hours=47), escalation_level=0)
             .where(Complaint.id.in_(chunk[start:start + 5000])).execute())


class QueryCount(logging.Handler):
    """Counts the SQL statements peewee sends (its debug log has one record per statement)."""

    def __init__(self):
        super().__init__()
        self.count = 0

    def emit(self, record):
        self.count += 1

    def __enter__(self):
        log = logging.getLogger("peewee")
        self._level, self._propagate = log.level, log.propagate
        log.addHandler(self)
        log.setLevel(logging.DEBUG)
        log.propagate = False
        return self

    def __exit__(self, *exc):
        log = logging.getLogger("peewee")
        log.removeHandler(self)
        log.setLevel(self._level)
        log.propagate = self._propagate


def sweep_until_idle(now) -> tuple[list[float], dict]:
    from workers import reminders

    times, totals = [], {"reminders": 0, "escalations": 0}
    while True:
        seconds, done = timed(reminders.sweep_deadlines, now)
        times.append(seconds)
        for key in totals:
            totals[key] += done[key]
        if not any(done.values()):
            return times, totals


def idle_sweeps(now, runs: int = 20) -> list[float]:
    from workers import reminders

    return [timed(reminders.sweep_deadlines, now)[0] for _ in range(runs)]


def other_sweeps(now) -> None:
    from workers import sweeps

    for name in ("sweep_outbox", "sweep_unassigned", "sweep_auto_close"):
        func = getattr(sweeps, name)
        times = [timed(func, now)[0] for _ in range(10)]
        print(f"  {name} with nothing to do: {summary_ms(times)}")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.sweeps", description=__doc__)
    parser.add_argument("--db", choices=("postgresql", "sqlite"), default="postgresql")
    parser.add_argument("--open", type=int, default=1_000_000)
    parser.add_argument("--due", default="0,100,10000")
    parser.add_argument("--keep", action="store_true", help="keep the PostgreSQL database afterwards")
    args = parser.parse_args(argv)
    header("Scenario 4: reminder sweep", f"""
        {args.open} open complaints on {args.db}; workers.reminders.sweep_deadlines(now) called in this process,
        timed with perf_counter; 'idle' = 20 sweeps with nothing due; 'due K' = sweeps run until one finds nothing.""")
    with bench_database(args.db, keep=args.keep, name="sweeps", LEADERSHIP_CHAT_ID="-100900") as _cfg:
        from models import Complaint, Opd, utcnow

        for i, opd in enumerate(Opd.select()):
            Opd.update(telegram_chat_id=-100100 - i).where(Opd.id == opd.id).execute()
        now = utcnow()
        factory = ComplaintFactory(now)
        gen_s, count = timed(insert_complaints, open_rows(factory, args.open))
        analyze_s, _ = timed(analyze)
        print(f"generated {count} open complaints in {gen_s:.1f} s ({count / gen_s:,.0f} rows/s), analyze {analyze_s:.1f} s")
        ids = [c.id for c in Complaint.select(Complaint.id).order_by(Complaint.id)]
        used = 0
        for due in [int(x) for x in args.due.split(",")]:
            flush_bench_redis()
            if due:
                make_due(ids[used:used + due], now)
                used += due
                analyze()
                with QueryCount() as queries:
                    times, totals = sweep_until_idle(now)
                total = sum(times)
                print(f"due {due}: {len(times)} sweeps until idle, total {total * 1000:.0f} ms "
                      f"({total / due * 1000:.2f} ms per due complaint, {queries.count / due:.1f} SQL statements "
                      f"each), first sweep {times[0] * 1000:.0f} ms; "
                      f"sent {totals['reminders']} reminders, {totals['escalations']} escalations")
            idle = idle_sweeps(now)
            p95 = sorted(idle)[int(len(idle) * 0.95) - 1] * 1000
            label = "nothing due" if not due else f"after the {due} were handled"
            print(f"idle sweep, {label}: {summary_ms(idle)} -> target < 50 ms {verdict(p95 < 50)}")
        print("other periodic sweeps on the same data:")
        other_sweeps(now)
    flush_bench_redis()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
