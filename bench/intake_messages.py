"""Messages per complaint, and what that allows under Telegram's overall limit.

    .venv/bin/python -m bench.intake_messages [--residents 10] [--db sqlite|postgresql]

Each resident, as tests/botdriver.py's file_complaint does it after a /start: the menu's
"file" button, category, description, two photos, "done", a GPS point inside a village,
privacy, confirm; then a real RQ worker (burst, scheduler on) routes the complaints and sends
the assignment notices. Every Bot API call the bot and the worker made to the residents'
chats is counted on the fake server: messages SENT (sendMessage, sendPhoto, ...) and EDITS
(editMessageText, editMessageReplyMarkup, editMessageCaption).

Telegram's broadcast limit (~30 messages/s per token; the sender grants SEND_GLOBAL_PER_SECOND
= 29) is about messages sent; the Bot API specification (bot-api-spec.json) states no rate for
edits. "complaints/s" is 29 / sent per complaint; the conservative figure counts every edit as
a message too.
"""
from __future__ import annotations

import argparse
import time
from collections import Counter

from bench.common import bench_database, flush_bench_redis, header

# Measured with this script on the code before issue 17 (commit 62113cb), --residents 3.
BEFORE = {"sent": 12.0, "edited": 5.0}
SEND = {"sendMessage", "sendPhoto", "sendMediaGroup", "sendLocation", "sendVenue", "sendDocument", "sendContact"}
EDIT = {"editMessageText", "editMessageReplyMarkup", "editMessageCaption"}


def run_worker(cfg) -> None:
    """A burst worker until the send jobs the bot's chat pacing put off are done (as tests do)."""
    from rq import SimpleWorker
    from rq.registry import ScheduledJobRegistry

    from services import runtime

    deadline = time.monotonic() + 120
    while True:
        SimpleWorker(runtime.queue_names(cfg), connection=runtime.redis()).work(
            burst=True, with_scheduler=True, logging_level="WARNING")
        registry = ScheduledJobRegistry(runtime.queue_name(cfg, runtime.QUEUE_SEND), connection=runtime.redis())
        scheduled = registry.get_job_ids(0, 0)
        if not scheduled or time.monotonic() > deadline:
            return
        first = registry.get_scheduled_time(scheduled[0]).timestamp()
        time.sleep(max(0.0, first - time.time()) + 0.05)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--residents", type=int, default=10)
    parser.add_argument("--db", default="sqlite", choices=("sqlite", "postgresql"))
    args = parser.parse_args(argv)
    header("Intake: messages per complaint", f"{args.residents} residents file one complaint each through the real "
           "bot (fake Bot API), then a burst RQ worker assigns them; calls to their chats are counted")
    from sandbox.botapi import FakeBotAPI, sample_jpeg
    from tests.botdriver import BotDriver, Person, file_complaint
    from models import Complaint, Desa

    api = FakeBotAPI(token="123456:BENCH-TOKEN").start()
    flush_bench_redis()
    try:
        with bench_database(args.db, name="intake_messages", TELEGRAM_API_URL=api.url) as cfg:
            desa = Desa.select().where(Desa.centroid_lat.is_null(False)).order_by(Desa.code).first()
            people = []
            with BotDriver(cfg):
                for n in range(args.residents):
                    person = Person(api, first_name=f"Warga{n}", timeout=30)
                    person.say("/start", expect="Wadul")
                    file_complaint(person, photos=(sample_jpeg(640, 480, (n % 250, 0, 0)),
                                                   sample_jpeg(800, 600, (0, n % 250, 9))),
                                   location=(desa.centroid_lat, desa.centroid_lon), from_menu=True)
                    people.append(person)
                run_worker(cfg)
            assigned = Complaint.select().where(Complaint.status == "assigned").count()
            counts = Counter()
            for person in people:
                for call in api.calls_for(person.id):
                    if call["ok"] and call["method"] in SEND:
                        counts["sent"] += 1
                    elif call["ok"] and call["method"] in EDIT:
                        counts["edited"] += 1
    finally:
        api.stop()
        flush_bench_redis()
    n = max(1, args.residents)
    sent, edited = counts["sent"] / n, counts["edited"] / n
    rate = cfg.SEND_GLOBAL_PER_SECOND
    print(f"complaints assigned: {assigned} of {args.residents}")
    print(f"messages sent per complaint (from /start to the assignment notice): {sent:.2f}")
    print(f"edits per complaint: {edited:.2f}")
    print(f"complaints/s at {rate} messages/s per token: {rate / sent:.2f} "
          f"(conservative, edits counted as messages: {rate / (sent + edited):.2f})")
    b_sent, b_edited = BEFORE["sent"], BEFORE["edited"]
    print(f"before issue 17 (62113cb): {b_sent:.2f} sent, {b_edited:.2f} edits per complaint; "
          f"{rate / b_sent:.2f} complaints/s (conservative {rate / (b_sent + b_edited):.2f})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
