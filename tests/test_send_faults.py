"""Outbound messages under faults, with a real RQ worker against the fake Bot API: requests
that never reached Telegram are sent again (exactly once), requests whose answer was lost are
never sent twice and are shown as "maybe delivered", an outage longer than the old retry
budget loses nothing, permanent refusals stop at once, and what is given up after
SEND_RETRY_MAX_AGE_HOURS is reported to the main admin."""
from __future__ import annotations

import io
import os
import time
from datetime import timedelta
from pathlib import Path

import pytest

import models
from tests.panelkit import app, client  # noqa: F401 - fixtures
from models import OutboundMessage, utcnow
from services import runtime
from services.messaging import outbox
from services.tx import transaction
from tests.factories import make_official
from tests.workerkit import wait_until
from workers import jobs, sender, sweeps
from workers import telegram_api as api


def add(chat_id: int, text: str = "Halo", **kwargs) -> OutboundMessage:
    with transaction():
        return outbox.add_message(chat_id, text, kind=kwargs.pop("kind", "status"), **kwargs)


def reload(row) -> OutboundMessage:
    return OutboundMessage.get_by_id(row.id)


def delivered(botapi, chat_id: int) -> list[dict]:
    return botapi.messages(chat_id)


def big_photo(config, name: str = "aduan/besar.jpg") -> str:
    """A real JPEG of about 8 MB (noise does not compress; Telegram takes photos up to 10 MB):
    more than our socket's send buffer (at most 4 MB here) and what the server's side holds
    unread, so a server that resets the connection unread makes the upload fail before it is
    written. (A small request fits in the send buffer whole: the client cannot tell that
    reset from an answer lost, and must call it uncertain.)"""
    from PIL import Image

    image = Image.frombytes("RGB", (2600, 2600), os.urandom(2600 * 2600 * 3))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=95)
    path = Path(config.MEDIA_DIR) / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(buffer.getvalue())
    assert 7_000_000 < len(buffer.getvalue()) < 10_000_000
    return name


def run_until_settled(run_worker, rows, timeout: float = 40) -> None:
    """Run the worker (burst) until no row is pending or sending any more."""
    began = time.monotonic()
    while OutboundMessage.select().where(OutboundMessage.id.in_([r.id for r in rows]),
                                         OutboundMessage.state.in_(("pending", "sending"))).exists():
        assert time.monotonic() - began < timeout, "rows still pending"
        run_worker()
        time.sleep(0.2)


# --- item 3: never sent vs maybe sent ------------------------------------------------------------
def test_the_client_tells_a_request_never_written_from_an_answer_lost(telegram, botapi):
    siti = botapi.user()
    data = (Path(telegram.MEDIA_DIR) / big_photo(telegram)).read_bytes()
    photo = api.Part("sendPhoto", {"chat_id": siti.id, "caption": "Foto"}, upload=("photo", data, "foto.jpg"))
    botapi.drop_next("sendPhoto", "before_read")
    with pytest.raises(api.TelegramError) as never:
        api.call(telegram.TELEGRAM_API_URL, telegram.TELEGRAM_BOT_TOKEN, photo)
    assert never.value.kind == api.RETRY and "not sent" in never.value.description
    assert delivered(botapi, siti.id) == []

    botapi.drop_next("sendMessage", "after_call")
    text = api.Part("sendMessage", {"chat_id": siti.id, "text": "Halo"})
    with pytest.raises(api.TelegramError) as lost:
        api.call(telegram.TELEGRAM_API_URL, telegram.TELEGRAM_BOT_TOKEN, text)
    assert lost.value.kind == api.UNCERTAIN and "no answer" in lost.value.description
    assert [m["text"] for m in delivered(botapi, siti.id)] == ["Halo"]  # Telegram did get that one

    # The connection pool recovers: the next call goes through on a fresh connection.
    assert api.call(telegram.TELEGRAM_API_URL, telegram.TELEGRAM_BOT_TOKEN, text)["text"] == "Halo"


def test_dropped_before_the_request_was_read_is_sent_again_exactly_once(telegram, botapi, run_worker):
    runtime.use(telegram.with_(SEND_RETRY_SECONDS=1))
    siti = botapi.user()
    row = add(siti.id, "Foto <b>laporan</b>", photo_path=big_photo(telegram))
    botapi.drop_next("sendPhoto", "before_read", count=2)
    run_until_settled(run_worker, [row])
    row = reload(row)
    got = delivered(botapi, siti.id)
    assert [m.get("caption") for m in got] == ["Foto laporan"]          # delivered, once
    assert row.state == "sent" and row.attempts == 3 and row.last_error == ""
    assert row.telegram_message_id == got[0]["message_id"]
    assert [c["kind"] for c in botapi.calls if c["method"] == "sendPhoto"] == ["dropped", "dropped", "ok"]


def test_answer_lost_is_marked_maybe_sent_and_never_sent_twice(telegram, botapi, run_worker):
    siti, budi = botapi.user(), botapi.user(first_name="Budi")
    row = add(siti.id, "Aduan diterima")
    long_row = add(budi.id, "Bagian. " * 700)  # two parts: the first one's answer is lost
    botapi.drop_next("sendMessage", "after_call", count=1)
    run_until_settled(run_worker, [row, long_row])
    first, second = reload(row), reload(long_row)
    maybe = [r for r in (first, second) if r.state == "maybe_sent"]
    assert len(maybe) == 1 and "no answer" in maybe[0].last_error and "not sent again" in maybe[0].last_error
    # Whatever was dropped, each part reached the fake exactly once.
    assert [m["text"] for m in delivered(botapi, siti.id)] == ["Aduan diterima"]
    assert len(delivered(botapi, budi.id)) == 2
    sweeps.sweep_outbox(now=utcnow() + timedelta(days=1))
    run_worker()
    assert len(delivered(botapi, siti.id)) == 1 and len(delivered(botapi, budi.id)) == 2
    assert {reload(r).state for r in (first, second)} <= {"sent", "maybe_sent"}


# --- item 4: outages longer than the retry budget ---------------------------------------------------
def test_outage_longer_than_the_old_budget_loses_nothing(telegram, botapi, run_worker):
    runtime.use(telegram.with_(SEND_RETRY_SECONDS=1, SEND_RETRY_MAX_DELAY_SECONDS=1))
    people = [botapi.user(first_name=f"Warga{i}") for i in range(12)]
    botapi.fail_next("sendMessage", error_code=502, description="Bad Gateway", count=10_000)
    rows = [add(p.id, f"Pesan {i}") for i, p in enumerate(people)]
    began = time.monotonic()
    # The old rule gave up after 8 attempts; keep Telegram down until every row had 9.
    while min(reload(r).attempts for r in rows) < 9:
        assert time.monotonic() - began < 40
        run_worker()
        time.sleep(0.2)
    assert {reload(r).state for r in rows} == {"pending"}
    assert all("temporary" in reload(r).last_error and "502" in reload(r).last_error for r in rows)
    botapi.clear_failures()  # Telegram is back
    run_until_settled(run_worker, rows)
    assert [[m["text"] for m in delivered(botapi, p.id)] for p in people] == [[f"Pesan {i}"] for i in range(12)]
    assert {reload(r).state for r in rows} == {"sent"}


@pytest.mark.parametrize("code, description", [(400, "Bad Request: chat not found"),
                                               (403, "Forbidden: bot was blocked by the user"),
                                               (400, "Bad Request: can't parse entities")])
def test_permanent_refusals_stop_at_once(telegram, botapi, run_worker, code, description):
    siti = botapi.user()
    botapi.fail_next("sendMessage", error_code=code, description=description)
    row = add(siti.id, "Ditolak")
    run_worker()
    sweeps.sweep_outbox(now=utcnow() + timedelta(hours=1))
    run_worker()
    row = reload(row)
    assert row.state == "failed" and row.attempts == 1 and row.last_error == description
    assert delivered(botapi, siti.id) == []


def test_given_up_after_the_max_age_and_reported_to_the_main_admin_once(telegram, botapi, run_worker):
    runtime.use(telegram.with_(SEND_RETRY_MAX_AGE_HOURS=0.5))
    admin_user = botapi.user(first_name="Admin")
    make_official(models.ROLE_MAIN_ADMIN, opd="DISKOMINFO", telegram_user_id=admin_user.id,
                  telegram_chat_id=admin_user.id, language="en")
    people = [botapi.user(first_name=f"Warga{i}") for i in range(3)]
    rows = [add(p.id, f"Pesan {i}", recipient_label=f"Warga{i}") for i, p in enumerate(people)]
    (OutboundMessage.update(created_at=utcnow() - timedelta(minutes=31))
     .where(OutboundMessage.id.in_([r.id for r in rows])).execute())
    botapi.fail_next("sendMessage", error_code=503, description="Service Unavailable", count=len(rows))
    run_worker()
    for r in rows:
        current = reload(r)
        assert current.state == "failed" and current.last_error.startswith(sender.UNDELIVERED)
        assert "503" in current.last_error
    jobs.sweep_outbox()
    run_worker()
    report = delivered(botapi, admin_user.id)
    assert len(report) == 1
    assert "3 messages were not delivered" in report[0]["text"] and "Warga2" in report[0]["text"]
    assert all(reload(r).last_error.endswith(sender.REPORTED) for r in rows)
    jobs.sweep_outbox()  # reported once only
    run_worker()
    assert len(delivered(botapi, admin_user.id)) == 1
    assert all(delivered(botapi, p.id) == [] for p in people)  # given up means not sent later


def test_retry_settings_are_validated():
    from config import Config, ConfigError, TestConfig

    assert TestConfig().SEND_RETRY_MAX_AGE_HOURS == 24 and TestConfig().SEND_RETRY_MAX_DELAY_SECONDS == 600
    assert Config.from_env({"SEND_RETRY_MAX_AGE_HOURS": "0.25", "SECRET_KEY": "k" * 48}).SEND_RETRY_MAX_AGE_HOURS == 0.25
    with pytest.raises(ConfigError, match="SEND_RETRY_MAX_AGE_HOURS must be a number"):
        Config.from_env({"SEND_RETRY_MAX_AGE_HOURS": "sehari", "SECRET_KEY": "k" * 48})
    with pytest.raises(ConfigError, match="SEND_RETRY_MAX_AGE_HOURS"):
        TestConfig(SEND_RETRY_MAX_AGE_HOURS=0).validated()
    with pytest.raises(ConfigError, match="SEND_RETRY_SECONDS must not exceed"):
        TestConfig(SEND_RETRY_SECONDS=900, SEND_RETRY_MAX_DELAY_SECONDS=600).validated()
    with pytest.raises(ConfigError, match="SEND_RETRY_MAX_DELAY_SECONDS"):
        TestConfig(SEND_RETRY_MAX_DELAY_SECONDS=0).validated()


# --- what the panel shows ----------------------------------------------------------------------------
def test_the_complaint_page_tells_maybe_delivered_and_retrying_apart(client):
    from tests.factories import make_complaint
    from tests.panelkit import logged_in

    logged_in(client, models.ROLE_MAIN_ADMIN, opd="DISKOMINFO")
    complaint = make_complaint()
    for state, error in (("maybe_sent", "sent, but no answer from Telegram: ReadTimeout: timed out; not sent again"),
                         ("pending", "temporary, will retry: 502 Bad Gateway"),
                         ("sent", "")):
        OutboundMessage.create(chat_id=4242, text=f"Pesan {state}", complaint=complaint, state=state, last_error=error,
                               recipient_label="pelapor")
    html = client.get(f"/admin/complaint/details/?id={complaint.id}").get_data(as_text=True)
    assert 'data-state="maybe_sent"' in html and "Mungkin terkirim" in html
    assert "Telegram mungkin sudah menerimanya" in html
    assert "temporary, will retry: 502 Bad Gateway" in html
    assert html.count(">Terkirim<") == 1  # only the row Telegram confirmed
