"""Linking officials' Telegram accounts: the one-time codes (service), the panel's buttons
on the official's page, and the operator's `link-code` command."""
from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest

import models
from models import LinkCode, Official, OutboundMessage, utcnow
from services import linking
from tests.factories import make_official
from tests.panelkit import app, client, csrf_from, logged_in  # noqa: F401 (fixtures)

HEAD_TG = 810001
OTHER_TG = 810002


def reload(official) -> Official:
    return Official.get_by_id(official.id)


# --- codes ------------------------------------------------------------------------------------
def test_codes_are_random_readable_and_only_their_hash_is_stored(seeded, redis_conn):
    head = make_official(models.ROLE_VILLAGE_HEAD)
    codes = {linking.create_link_code(head) for _ in range(20)}
    assert len(codes) == 20
    for code in codes:
        assert len(code) == 14 and code.count("-") == 2
        assert all(ch in linking.ALPHABET for ch in code.replace("-", ""))
    row = LinkCode.select().order_by(LinkCode.id.desc()).first()
    assert all(code.replace("-", "") not in row.code_hash for code in codes)
    stored = {r.code_hash for r in LinkCode.select()}
    assert {hashlib.sha256(c.replace("-", "").encode()).hexdigest() for c in codes} == stored


@pytest.mark.parametrize("typed", ["k7rx 4amt pq3c", "K7RX4AMTPQ3C", "link-K7RX-4AMT-PQ3C", " K7RX-4AMT-PQ3C\n"])
def test_a_code_may_be_typed_loosely(typed):
    assert linking.normalize(typed) == "K7RX4AMTPQ3C"
    assert linking.looks_like_code(typed)


@pytest.mark.parametrize("text", ["terimakasihh", "K7RX-4AMT", "Jalan rusak parah sekali", "K7RX-4AMT-PQ3C-9",
                                  "", None])
def test_ordinary_messages_and_tracking_codes_are_not_link_codes(text):
    assert not linking.looks_like_code(text)


def test_the_deep_link_fits_telegrams_start_parameter():
    link = linking.deep_link("K7RX-4AMT-PQ3C", "@WadulKetapangBot")
    assert link == "https://t.me/WadulKetapangBot?start=link-K7RX4AMTPQ3C"
    assert len(link.split("start=")[1]) <= 64
    assert linking.deep_link("K7RX-4AMT-PQ3C", "") == ""


# --- redeeming -------------------------------------------------------------------------------------
def test_a_valid_code_links_the_account_once(seeded, redis_conn):
    head = make_official(models.ROLE_VILLAGE_HEAD)
    code = linking.create_link_code(head)
    linked = linking.redeem(code.lower(), HEAD_TG, HEAD_TG)
    assert (linked.id, linked.telegram_user_id, linked.telegram_chat_id) == (head.id, HEAD_TG, HEAD_TG)
    row = LinkCode.get()
    assert row.used_at is not None and row.used_by_telegram_id == HEAD_TG
    assert linking.redeem(code, HEAD_TG, HEAD_TG).id == head.id  # sent again by the same person: still linked
    with pytest.raises(linking.LinkError) as refused:
        linking.redeem(code, OTHER_TG, OTHER_TG)
    assert refused.value.code == "used"
    assert reload(head).telegram_user_id == HEAD_TG


def test_an_expired_code_is_refused(seeded, redis_conn):
    head = make_official(models.ROLE_VILLAGE_HEAD)
    code = linking.create_link_code(head, ttl=timedelta(hours=1), now=utcnow() - timedelta(hours=2))
    with pytest.raises(linking.LinkError) as refused:
        linking.redeem(code, HEAD_TG, HEAD_TG)
    assert refused.value.code == "expired" and reload(head).telegram_user_id is None


def test_a_new_code_replaces_the_unused_one(seeded, redis_conn):
    head = make_official(models.ROLE_VILLAGE_HEAD)
    old = linking.create_link_code(head)
    new = linking.create_link_code(head)
    with pytest.raises(linking.LinkError) as refused:
        linking.redeem(old, HEAD_TG, HEAD_TG)
    assert refused.value.code == "expired"
    assert linking.redeem(new, HEAD_TG, HEAD_TG).telegram_user_id == HEAD_TG


def test_an_official_linked_elsewhere_or_an_account_of_another_official_is_refused(seeded, redis_conn):
    head = make_official(models.ROLE_VILLAGE_HEAD)
    staff = make_official(models.ROLE_VILLAGE_OFFICIAL)
    linking.redeem(linking.create_link_code(head), HEAD_TG, HEAD_TG)
    with pytest.raises(linking.LinkError) as taken:
        linking.redeem(linking.create_link_code(head), OTHER_TG, OTHER_TG)
    assert taken.value.code == "official_taken"
    with pytest.raises(linking.LinkError) as account:
        linking.redeem(linking.create_link_code(staff), HEAD_TG, HEAD_TG)
    assert account.value.code == "account_taken" and account.value.official.id == head.id
    assert reload(head).telegram_user_id == HEAD_TG and reload(staff).telegram_user_id is None
    assert LinkCode.select().where(LinkCode.used_at.is_null(False)).count() == 1  # refusals use up nothing


def test_inactive_officials_get_no_code_and_cannot_use_one(seeded, redis_conn):
    head = make_official(models.ROLE_VILLAGE_HEAD)
    code = linking.create_link_code(head)
    Official.update(active=False).where(Official.id == head.id).execute()
    with pytest.raises(linking.LinkError) as refused:
        linking.redeem(code, HEAD_TG, HEAD_TG)
    assert refused.value.code == "inactive"
    with pytest.raises(linking.LinkError):
        linking.create_link_code(reload(head))


def test_guessing_is_stopped_after_a_few_wrong_codes(seeded, redis_conn):
    head = make_official(models.ROLE_VILLAGE_HEAD)
    code = linking.create_link_code(head)
    for _ in range(linking.MAX_FAILURES):
        with pytest.raises(linking.LinkError) as wrong:
            linking.redeem("AAAA-AAAA-AAAA", OTHER_TG, OTHER_TG)
        assert wrong.value.code == "unknown"
    with pytest.raises(linking.LinkError) as blocked:
        linking.redeem(code, OTHER_TG, OTHER_TG)  # even the right code, for now
    assert blocked.value.code == "too_many"
    assert linking.redeem(code, HEAD_TG, HEAD_TG).telegram_user_id == HEAD_TG  # other accounts are not blocked


def test_unlinking_forgets_the_account_and_tells_it(seeded, redis_conn):
    head = make_official(models.ROLE_VILLAGE_HEAD, full_name="Pak Darto")
    linking.redeem(linking.create_link_code(head), HEAD_TG, HEAD_TG)
    assert linking.unlink(reload(head)) is True
    assert reload(head).telegram_user_id is None and reload(head).telegram_chat_id is None
    message = OutboundMessage.get()
    assert message.chat_id == HEAD_TG and "tidak lagi terhubung" in message.text and "Pak Darto" in message.text
    assert linking.unlink(reload(head)) is False
    assert linking.redeem(linking.create_link_code(head), OTHER_TG, OTHER_TG).telegram_user_id == OTHER_TG


# --- panel ------------------------------------------------------------------------------------------
def test_main_admin_creates_a_code_shown_once_and_unlinks(client):  # noqa: F811
    logged_in(client, models.ROLE_MAIN_ADMIN, opd="DISKOMINFO")
    head = make_official(models.ROLE_VILLAGE_HEAD, username="kades.sp")
    page = client.get(f"/admin/official/details/?id={head.id}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "Buat kode tautan Telegram" in html and "Belum terhubung" in html
    shown = client.post(f"/admin/official/link-code/?id={head.id}", data={"csrf_token": csrf_from(html)})
    assert shown.status_code == 200 and shown.headers["Cache-Control"] == "no-store"
    text = shown.get_data(as_text=True)
    code = text.split('<code>')[1].split('</code>')[0]
    assert "hanya ditampilkan sekali" in text and linking.normalize(code)
    assert code not in client.get(f"/admin/official/details/?id={head.id}").get_data(as_text=True)
    linking.redeem(code, HEAD_TG, HEAD_TG)
    html = client.get(f"/admin/official/details/?id={head.id}").get_data(as_text=True)
    assert f"ID {HEAD_TG}" in html and "Buat kode tautan" not in html  # unlink first to link another account
    done = client.post(f"/admin/official/unlink/?id={head.id}", data={"csrf_token": csrf_from(html)},
                       follow_redirects=True)
    assert "sudah diputus" in done.get_data(as_text=True) and reload(head).telegram_user_id is None


def test_codes_and_unlinking_are_the_main_admins_and_need_the_form_token(app, client):  # noqa: F811
    head = make_official(models.ROLE_VILLAGE_HEAD, telegram_user_id=HEAD_TG, telegram_chat_id=HEAD_TG)
    logged_in(client, models.ROLE_VILLAGE_HEAD, desa="61.04.01.2012")
    html = client.get("/admin/").get_data(as_text=True)
    for action in ("link-code", "unlink"):
        assert client.post(f"/admin/official/{action}/?id={head.id}", data={"csrf_token": csrf_from(html)}
                           ).status_code == 403
    admin = app.test_client()
    logged_in(admin, models.ROLE_MAIN_ADMIN, opd="DISKOMINFO")
    assert admin.post(f"/admin/official/unlink/?id={head.id}").status_code == 400  # no CSRF token
    assert reload(head).telegram_user_id == HEAD_TG and LinkCode.select().count() == 0


# --- operator command ----------------------------------------------------------------------------------
def test_link_code_command_and_new_village_accounts(app):  # noqa: F811
    runner = app.test_cli_runner()
    make_official(models.ROLE_OPD_STAFF, username="budi")
    result = runner.invoke(args=["link-code", "budi", "--hours", "2"])
    assert result.exit_code == 0, result.output
    code = result.output.split("one use): ")[1].split()[0]
    assert linking.redeem(code, OTHER_TG, OTHER_TG).username == "budi"
    assert runner.invoke(args=["link-code", "nobody"]).exit_code != 0
    created = runner.invoke(args=["create-user", "--username", "kades3", "--role", "village_head",
                                  "--desa", "61.04.01.2012", "--password", "kata-sandi-panjang"])
    assert created.exit_code == 0 and "Telegram link code for kades3" in created.output
