"""Delivering outbox rows to the fake Bot API through a real RQ worker: texts, splits, photos,
locations, buttons; 429, 5xx, blocked users; idempotency and recovery of dead senders."""
from __future__ import annotations

import threading
import time
from datetime import datetime, timedelta, timezone

import pytest

from models import OutboundMessage, utcnow
from services import runtime
from services.messaging import outbox
from services.tx import transaction
from tests.workerkit import photo_file, wait_until
from workers import claims as claims_mod, jobs, sender, sweeps
from workers.message_parts import CAPTION_LIMIT, TEXT_LIMIT, split_html, units
from workers.telegram_api import FLOOD, MIGRATED, PERMANENT, RETRY, classify


def add(chat_id: int, text: str = "Halo <b>Siti</b>", **kwargs) -> OutboundMessage:
    with transaction():
        row = outbox.add_message(chat_id, text, kind=kwargs.pop("kind", "status"), **kwargs)
    return row


def reload(row) -> OutboundMessage:
    return OutboundMessage.get_by_id(row.id)


def sends(api, chat_id: int) -> list[dict]:
    return [c for c in api.calls_for(chat_id) if c["method"].startswith("send")]


def test_text_is_sent_once_and_its_message_id_kept(telegram, botapi, run_worker):
    siti = botapi.user()
    row = add(siti.id, "Aduan <b>ABC</b> &amp; catatan")
    run_worker()
    row = reload(row)
    got = botapi.last_message(siti.id)
    assert row.state == "sent" and row.sent_at is not None and row.attempts == 1
    assert row.telegram_message_id == got["message_id"]
    assert got["text"] == "Aduan ABC & catatan" and got["entities"][0]["type"] == "bold"
    jobs.send_message(row.id)  # a job run twice (or queued again) does nothing
    run_worker()
    assert len(sends(botapi, siti.id)) == 1
    assert botapi.rejected_calls() == []


def test_long_text_is_split_with_buttons_on_the_last_part(telegram, botapi, run_worker):
    siti = botapi.user()
    paragraph = "Warga melaporkan <b>jalan rusak</b> di depan sekolah &amp; pasar. " * 12
    text = "\n\n".join([paragraph] * 12)
    markup = {"inline_keyboard": [[{"text": "Nilai", "callback_data": "rate:1"}]]}
    row = add(siti.id, text, reply_markup=markup)
    run_worker()
    got = botapi.messages(siti.id)
    assert len(got) == len(split_html(text)) >= 3
    assert all(units(m["text"]) <= TEXT_LIMIT for m in got)
    assert [("reply_markup" in m) for m in got] == [False] * (len(got) - 1) + [True]
    assert reload(row).telegram_message_id == got[-1]["message_id"]
    assert botapi.rejected_calls() == []


def test_photo_with_caption_uploaded_once_then_reused(telegram, botapi, run_worker):
    siti, budi = botapi.user(), botapi.user(first_name="Budi")
    path = photo_file(telegram)
    first = add(siti.id, "Foto <b>laporan</b>", photo_path=path)
    run_worker()
    second = add(budi.id, "Foto yang sama", photo_path=path)
    run_worker()
    one, two = botapi.last_message(siti.id), botapi.last_message(budi.id)
    assert one["caption"] == "Foto laporan" and one["photo"]
    assert two["caption"] == "Foto yang sama"
    uploads = [c["params"]["photo"] for c in botapi.calls if c["method"] == "sendPhoto"]
    assert isinstance(uploads[0], dict) and uploads[0]["size"] > 1000  # the file itself
    assert uploads[1] == one["photo"][-1]["file_id"]                    # then its file_id
    assert reload(first).state == reload(second).state == "sent"


def test_long_caption_goes_after_the_photo_and_location_last(telegram, botapi, run_worker):
    siti = botapi.user()
    text = "🆕 <b>Aduan baru ABC-123</b>\n" + "Rincian panjang. " * 100
    assert units(text) > CAPTION_LIMIT
    add(siti.id, text, photo_path=photo_file(telegram), location=(-1.85, 109.97))
    run_worker()
    got = botapi.messages(siti.id)
    assert [("photo" in m, "text" in m, "location" in m) for m in got] == [
        (True, False, False), (False, True, False), (False, False, True)]
    assert got[0]["caption"] == "🆕 Aduan baru ABC-123"
    assert got[2]["location"]["latitude"] == pytest.approx(-1.85)


def test_missing_photo_file_sends_the_text_alone(telegram, botapi, run_worker):
    siti = botapi.user()
    row = add(siti.id, "Teks tetap terkirim", photo_path="tidak/ada.jpg")
    run_worker()
    assert reload(row).state == "sent"
    assert botapi.last_message(siti.id)["text"] == "Teks tetap terkirim"


def seconds_after_call(moment, call) -> float:
    """How long after a fake Bot API call (epoch ts) a naive UTC moment is."""
    return (moment - datetime.fromtimestamp(call["ts"], timezone.utc).replace(tzinfo=None)).total_seconds()


def test_429_retry_after_is_obeyed(telegram, botapi, run_worker):
    siti = botapi.user()
    botapi.fail_next("sendMessage", error_code=429, retry_after=2)
    row = add(siti.id, "Sabar ya")
    run_worker()
    row = reload(row)
    assert row.state == "pending" and "Too Many Requests" in row.last_error
    assert 1.9 < seconds_after_call(row.next_attempt_at, sends(botapi, siti.id)[0]) < 4
    run_worker()  # too early: neither the row nor the chat may be tried yet
    assert len(sends(botapi, siti.id)) == 1
    wait_until(lambda: utcnow() >= reload(row).next_attempt_at, timeout=5)
    run_worker()
    calls = sends(botapi, siti.id)
    assert [c["error_code"] for c in calls] == [429, None]
    assert calls[1]["ts"] - calls[0]["ts"] >= 2
    assert reload(row).state == "sent" and reload(row).attempts == 1


def test_server_errors_retry_with_growing_delays(telegram, botapi, run_worker):
    runtime.use(telegram.with_(SEND_RETRY_SECONDS=1))
    siti = botapi.user()
    botapi.fail_next("sendMessage", error_code=502, count=2)
    row = add(siti.id, "Coba lagi")
    delays = []
    for _ in range(3):
        run_worker()
        current = reload(row)
        if current.state == "sent":
            break
        delays.append(seconds_after_call(current.next_attempt_at, sends(botapi, siti.id)[-1]))
        wait_until(lambda: utcnow() >= reload(row).next_attempt_at, timeout=5)
    assert reload(row).state == "sent" and reload(row).attempts == 3
    assert 0.9 < delays[0] < 1.8 and 1.9 < delays[1] < 2.8  # 1 s, then 2 s


def test_blocked_user_is_marked_failed_and_never_retried(telegram, botapi, run_worker):
    siti = botapi.user()
    botapi.block(siti.id)
    row = add(siti.id, "Tidak sampai")
    run_worker()
    row = reload(row)
    assert row.state == "failed" and "blocked" in row.last_error
    sweeps.sweep_outbox(now=utcnow() + timedelta(days=1))
    run_worker()
    assert len(sends(botapi, siti.id)) == 1


def test_unknown_chat_fails_with_the_reason(telegram, botapi, run_worker):
    row = add(987654321, "Ke mana?")
    run_worker()
    row = reload(row)
    assert row.state == "failed" and "chat not found" in row.last_error


def test_temporary_failures_are_retried_until_the_message_is_too_old(telegram, botapi, run_worker):
    # Ten attempts no longer end it (the old SEND_MAX_ATTEMPTS): only the message's age does.
    runtime.use(telegram.with_(SEND_RETRY_SECONDS=1, SEND_RETRY_MAX_DELAY_SECONDS=1))
    siti = botapi.user()
    botapi.fail_next("sendMessage", error_code=500, count=10)
    row = add(siti.id, "Server rusak")
    began = time.monotonic()
    while reload(row).state != "sent":
        assert time.monotonic() - began < 40
        run_worker()
        current = reload(row)
        assert current.state in ("pending", "sent")
        if current.state == "pending":
            assert "temporary" in current.last_error
            wait_until(lambda: utcnow() >= reload(row).next_attempt_at, timeout=5)
    calls = sends(botapi, siti.id)
    assert [c["error_code"] for c in calls] == [500] * 10 + [None] and reload(row).attempts == 11
    gaps = [b["ts"] - a["ts"] for a, b in zip(calls, calls[1:])]
    assert max(gaps) < 3  # capped at 1 s (plus the chat's own pacing), not doubling to 512 s
    # The same failure on a message older than SEND_RETRY_MAX_AGE_HOURS ends it as undelivered.
    runtime.use(telegram.with_(SEND_RETRY_SECONDS=1, SEND_RETRY_MAX_AGE_HOURS=1))
    old = add(botapi.user(first_name="Budi").id, "Sudah lama")  # a fresh chat: no wait for its limit
    OutboundMessage.update(created_at=utcnow() - timedelta(minutes=61)).where(OutboundMessage.id == old.id).execute()
    botapi.fail_next("sendMessage", error_code=502, count=1)
    run_worker()
    old = reload(old)
    assert old.state == "failed" and old.last_error.startswith(sender.UNDELIVERED) and "502" in old.last_error, old.last_error


def test_two_senders_racing_send_once(telegram, botapi):
    people = [botapi.user() for _ in range(3)]
    rows = [add(person.id, f"Pesan {i}") for i, person in enumerate(people)]
    start = threading.Barrier(4)

    def race():
        start.wait()
        for row in rows:
            sender.deliver(row.id)

    threads = [threading.Thread(target=race) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert [[m["text"] for m in botapi.messages(p.id)] for p in people] == [["Pesan 0"], ["Pesan 1"], ["Pesan 2"]]
    assert {reload(r).state for r in rows} == {"sent"}


def test_rate_limit_keeps_telegram_happy(telegram, botapi, run_worker):
    botapi.limits.enabled = True  # the fake now answers 429 like Telegram when flooded
    siti = botapi.user()
    for i in range(6):
        add(siti.id, f"Pesan {i}")
    began = time.monotonic()
    run_worker()
    while OutboundMessage.select().where(OutboundMessage.state != "sent").exists():
        assert time.monotonic() - began < 15
        time.sleep(0.3)
        run_worker()
    calls = sends(botapi, siti.id)
    assert [c["error_code"] for c in calls] == [None] * 6
    assert calls[-1]["ts"] - calls[0]["ts"] >= 2.5  # burst of 3, then one a second


# --- dead senders ----------------------------------------------------------------------------
def stale_sweep():
    return sweeps.sweep_outbox(now=utcnow() + timedelta(seconds=runtime.config().OUTBOX_STALE_SECONDS + 60))


def test_sender_dead_before_calling_loses_nothing(telegram, botapi, run_worker):
    siti = botapi.user()
    row = add(siti.id, "Tetap sampai")
    claim = sender.claims().claim(row.id)  # a sender claims the row, then dies
    assert claim is not None and reload(row).state == "sending"
    run_worker()
    assert botapi.messages(siti.id) == []  # the queued job sees the claim and leaves it
    assert stale_sweep() == {"requeued": 0, "recovered": 1}
    run_worker()
    assert [m["text"] for m in botapi.messages(siti.id)] == ["Tetap sampai"]
    assert reload(row).state == "sent"
    # The dead sender waking up can neither call Telegram nor touch the row.
    assert sender.claims().start_call(claim) is False
    assert sender.claims().write(claim, state="failed") is False


def test_sender_dead_during_a_call_is_never_resent(telegram, botapi, run_worker):
    siti = botapi.user()
    path = photo_file(telegram)
    row = add(siti.id, "Bagian kedua. " * 100, photo_path=path)  # photo, then the text
    cl = sender.claims()
    claim = cl.claim(row.id)
    assert cl.start_call(claim)  # the photo call is in flight when the sender dies
    stale_sweep()
    run_worker()
    row = reload(row)
    sent = botapi.messages(siti.id)
    assert row.state == "maybe_sent" and "not sent again" in row.last_error
    assert [("photo" in m) for m in sent] == [False]  # the in-flight part is not repeated; the rest goes


def test_live_slow_sender_keeps_its_claim(telegram, botapi):
    siti = botapi.user()
    row = add(siti.id, "Lambat")
    cl = sender.claims()
    assert cl.claim(row.id) is not None
    cl.redis.hset(cl.key(row.id), "beat", time.time() + 3600)  # it keeps beating
    stale_sweep()
    assert reload(row).state == "sending"


def test_lost_progress_record_fails_instead_of_guessing(telegram, botapi):
    siti = botapi.user()
    row = add(siti.id, "Entah")
    cl = sender.claims()
    cl.claim(row.id)
    cl.redis.delete(cl.key(row.id))
    stale_sweep()
    row = reload(row)
    assert row.state == "failed" and "unknown" in row.last_error
    assert botapi.messages(siti.id) == []


def test_pending_row_whose_job_was_lost_is_requeued(telegram, botapi, run_worker, redis_conn):
    siti = botapi.user()
    row = add(siti.id, "Antrean hilang")
    redis_conn.flushdb()  # the queued job is gone (Redis restarted without its data)
    run_worker()
    assert reload(row).state == "pending"
    assert stale_sweep()["requeued"] == 1
    run_worker()
    assert reload(row).state == "sent" and len(botapi.messages(siti.id)) == 1


# --- pure pieces --------------------------------------------------------------------------------
def test_split_keeps_tags_balanced_and_entities_whole():
    text = "<b>" + "kata &amp; kata " * 700 + "</b>\n<i>akhir</i>"
    parts = split_html(text, 1000)
    assert len(parts) > 5
    for part in parts:
        assert units(part) <= 1000
        assert part.count("<b>") == part.count("</b>")
        assert "&am" not in part.replace("&amp;", "")
    assert "".join(p.replace("<b>", "").replace("</b>", "") for p in parts).count("kata") == 1400


def test_split_counts_utf16_like_telegram():
    text = "😀" * 3000  # 6000 UTF-16 units
    parts = split_html(text)
    assert len(parts) == 2 and all(units(p) <= TEXT_LIMIT for p in parts)
    assert "".join(parts) == text


@pytest.mark.parametrize("status, body, kind", [
    (429, {"error_code": 429, "description": "Too Many Requests: retry after 7", "parameters": {"retry_after": 7}}, FLOOD),
    (403, {"error_code": 403, "description": "Forbidden: bot was blocked by the user"}, PERMANENT),
    (400, {"error_code": 400, "description": "Bad Request: chat not found"}, PERMANENT),
    (400, {"error_code": 400, "description": "Bad Request: group chat was upgraded to a supergroup chat",
           "parameters": {"migrate_to_chat_id": -1001234}}, MIGRATED),
    (502, {}, RETRY),
    (500, {"error_code": 500, "description": "Internal Server Error"}, RETRY),
])
def test_error_classes(status, body, kind):
    error = classify(status, body)
    assert error.kind == kind
    if kind == FLOOD:
        assert error.retry_after == 7
    if kind == MIGRATED:
        assert error.migrate_to == -1001234


def test_claim_token_survives_the_database_round_trip(telegram, botapi):
    siti = botapi.user()
    row = add(siti.id, "Token")
    claim = sender.claims().claim(row.id)
    stored = reload(row).claimed_at
    assert claims_mod.token_text(stored) == claims_mod.token_text(claim.token)
