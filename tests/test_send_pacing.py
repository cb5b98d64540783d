"""How a send worker spends its time against the shared limits, through a real RQ worker and
the fake Bot API enforcing Telegram's flood limits: a chat held by its own limit is handed
back (the worker sends to other chats meanwhile), the overall limit is waited for in the
job, and a split message's later parts wait in the job with the claim held."""
from __future__ import annotations

import time

from rq import SimpleWorker

from models import OutboundMessage
from services import runtime
from services.messaging import outbox
from services.tx import transaction
from tests.workerkit import wait_until
from workers.message_parts import split_html


def add(chat_id: int, text: str) -> OutboundMessage:
    with transaction():
        return outbox.add_message(chat_id, text, kind="status")


def drain_without_scheduler() -> None:
    """One pass over what is queued now; jobs scheduled for later stay scheduled."""
    cfg = runtime.config()
    SimpleWorker(runtime.queue_names(cfg), connection=runtime.redis()).work(burst=True, with_scheduler=False,
                                                                         logging_level="WARNING")


def sends(api, chat_id: int) -> list[dict]:
    return [c for c in api.calls_for(chat_id) if c["method"].startswith("send")]


def test_a_chat_at_its_limit_does_not_hold_up_the_others(telegram, botapi, run_worker):
    botapi.limits.enabled = True
    siti, budi = botapi.user(), botapi.user(first_name="Budi")
    rows = [add(siti.id, f"Untuk Siti {i}") for i in range(4)] + [add(budi.id, "Untuk Budi")]
    drain_without_scheduler()
    to_siti, to_budi = sends(botapi, siti.id), sends(botapi, budi.id)
    assert len(to_siti) == 3 and len(to_budi) == 1  # Siti's burst, then Budi at once
    assert to_budi[0]["ts"] - to_siti[-1]["ts"] < 0.5  # not after Siti's one-a-second wait
    held = OutboundMessage.get_by_id(rows[3].id)
    assert held.state == "pending" and held.last_error == "" and held.attempts == 0

    deadline = time.monotonic() + 10
    while OutboundMessage.select().where(OutboundMessage.state != "sent").exists():
        assert time.monotonic() < deadline
        run_worker()  # the scheduler brings Siti's fourth back when her chat may receive it
        time.sleep(0.2)
    to_siti = sends(botapi, siti.id)
    assert [c["params"]["text"] for c in to_siti] == [f"Untuk Siti {i}" for i in range(4)]
    assert [c["error_code"] for c in botapi.calls if c["method"].startswith("send")] == [None] * 5
    assert to_siti[3]["ts"] - to_siti[0]["ts"] >= 1.0
    assert OutboundMessage.get_by_id(rows[3].id).attempts == 1


def test_the_overall_limit_is_waited_for_in_the_job(telegram, botapi):
    runtime.use(telegram.with_(SEND_GLOBAL_PER_SECOND=5, SEND_GLOBAL_BURST=1))
    people = [botapi.user() for _ in range(4)]
    for n, person in enumerate(people):
        add(person.id, f"Pesan {n}")
    drain_without_scheduler()  # one pass sends them all: none was handed to the scheduler
    calls = [sends(botapi, p.id) for p in people]
    assert [len(c) for c in calls] == [1, 1, 1, 1]
    moments = sorted(c[0]["ts"] for c in calls)
    assert all(b - a >= 0.18 for a, b in zip(moments, moments[1:]))  # one every fifth of a second
    assert not OutboundMessage.select().where(OutboundMessage.state != "sent").exists()


def test_a_split_message_keeps_its_claim_while_its_chat_catches_up(telegram, botapi):
    botapi.limits.enabled = True
    siti = botapi.user()
    paragraph = "Petugas sudah memeriksa lokasi dan mencatat kerusakan jalan. " * 12
    text = "\n\n".join([paragraph] * 17)
    parts = split_html(text)
    assert len(parts) == 4  # one more than a private chat's burst
    row = add(siti.id, text)
    drain_without_scheduler()
    wait_until(lambda: OutboundMessage.get_by_id(row.id).state == "sent", timeout=5)
    got = sends(botapi, siti.id)
    assert [c["error_code"] for c in got] == [None] * 4
    assert got[3]["ts"] - got[2]["ts"] >= 0.9  # the fourth part waited for the chat, in the job
    assert OutboundMessage.get_by_id(row.id).attempts == 1
