"""Panel login: sessions, CSRF, throttling in Redis, logout, cookies, language."""
import models
from models import Official
from tests.factories import PASSWORD, make_official
from tests.panelkit import app, client, csrf_from, logged_in, login, post_form  # noqa: F401 (fixtures)


def test_pages_need_a_login(client):
    response = client.get("/admin/complaint/")
    assert response.status_code == 302 and "/login?next=" in response.headers["Location"]
    assert client.get("/admin/").status_code == 302
    assert client.get("/media/photo/1").status_code == 401
    assert client.get("/register").status_code == 404  # no self sign-up


def test_login_opens_the_dashboard_in_indonesian(client):
    staff = make_official(models.ROLE_MAIN_ADMIN, opd="DISKOMINFO")  # an office's people land on their list
    response = login(client, staff)
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and response.request.path == "/admin/"
    assert "Kinerja penanganan aduan" in page and "Keluar" in page
    assert Official.get_by_id(staff.id).last_login_at is not None


def test_wrong_password_unknown_user_and_inactive_account_get_the_same_answer(client):
    staff = make_official(models.ROLE_OPD_STAFF)
    gone = make_official(models.ROLE_OPD_STAFF, active=False)
    for username, password in ((staff.username, "salah-sekali"), ("tidak.ada", PASSWORD), (gone.username, PASSWORD)):
        page = login(client, username, password)
        assert page.request.path == "/login"
        assert "Nama pengguna atau kata sandi salah." in page.get_data(as_text=True)
    assert client.get("/admin/").status_code == 302


def test_login_form_needs_its_csrf_token(client):
    staff = make_official(models.ROLE_OPD_STAFF)
    response = client.post("/login", data={"username": staff.username, "password": PASSWORD})
    assert response.status_code == 400
    assert "Muat ulang halaman" in response.get_data(as_text=True)
    assert client.get("/admin/").status_code == 302


def test_repeated_failures_lock_the_username_from_that_address(client, app, redis_conn):
    cfg = app.config["WADUL"]
    staff = make_official(models.ROLE_OPD_STAFF)
    for _ in range(cfg.LOGIN_MAX_ATTEMPTS):
        login(client, staff, "salah-sekali")
    page = login(client, staff, PASSWORD)  # right password, but locked now
    assert "Terlalu banyak percobaan" in page.get_data(as_text=True)
    assert page.request.path == "/login"
    keys = redis_conn.keys(f"{cfg.QUEUE_PREFIX}:login-fail:*")
    assert len(keys) == 1 and 0 < redis_conn.ttl(keys[0]) <= cfg.LOGIN_LOCK_SECONDS
    other = app.test_client()  # another address is not locked out
    response = other.get("/login")
    ok = other.post("/login", data={"username": staff.username, "password": PASSWORD,
                                    "csrf_token": csrf_from(response.get_data(as_text=True))},
                    environ_base={"REMOTE_ADDR": "10.1.2.3"})
    assert ok.status_code == 302 and ok.headers["Location"].endswith("/admin/complaint/")  # staff: their work


def test_success_clears_earlier_failures(client, app, redis_conn):
    staff = make_official(models.ROLE_OPD_STAFF)
    login(client, staff, "salah-sekali")
    assert redis_conn.keys(f"{app.config['WADUL'].QUEUE_PREFIX}:login-fail:*")
    login(client, staff)
    assert not redis_conn.keys(f"{app.config['WADUL'].QUEUE_PREFIX}:login-fail:*")


def test_session_cookie_is_httponly_and_samesite(client):
    staff = make_official(models.ROLE_OPD_STAFF)
    page = client.get("/login")
    response = client.post("/login", data={"username": staff.username, "password": PASSWORD,
                                           "csrf_token": csrf_from(page.get_data(as_text=True))})
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie


def test_secure_cookie_when_configured(seeded, redis_conn):
    from panel import create_app

    app = create_app(seeded.with_(SESSION_COOKIE_SECURE=True))
    assert app.config["SESSION_COOKIE_SECURE"] is True


def test_logout_is_a_post_with_csrf(client):
    logged_in(client, models.ROLE_OPD_STAFF)
    assert client.get("/logout").status_code == 405
    assert client.post("/logout").status_code == 400  # no token: still logged in
    assert client.get("/admin/").status_code == 200
    response = post_form(client, "/admin/", "/logout", {}, follow_redirects=True)
    assert response.request.path == "/login" and "Anda sudah keluar." in response.get_data(as_text=True)
    assert client.get("/admin/").status_code == 302


def test_changed_password_or_deactivation_ends_open_sessions(client, app):
    from services.auth import hash_password

    staff = logged_in(client, models.ROLE_OPD_STAFF)
    Official.update(password_hash=hash_password("kata-sandi-baru")).where(Official.id == staff.id).execute()
    assert client.get("/admin/").status_code == 302
    second = app.test_client()
    login(second, staff, "kata-sandi-baru")
    assert second.get("/admin/").status_code == 200
    Official.update(active=False).where(Official.id == staff.id).execute()
    assert second.get("/admin/").status_code == 302


def test_next_only_leads_inside_the_panel(client):
    staff = make_official(models.ROLE_OPD_STAFF)
    page = client.get("/login?next=https://evil.example/")
    response = client.post("/login?next=https://evil.example/", data={
        "username": staff.username, "password": PASSWORD, "csrf_token": csrf_from(page.get_data(as_text=True))})
    assert response.headers["Location"].endswith("/admin/complaint/")  # the official's home, not elsewhere
    client.post("/logout", data={"csrf_token": csrf_from(client.get("/admin/").get_data(as_text=True))})
    page = client.get("/login?next=/admin/complaint/")
    response = client.post("/login?next=/admin/complaint/", data={
        "username": staff.username, "password": PASSWORD, "csrf_token": csrf_from(page.get_data(as_text=True))})
    assert response.headers["Location"].endswith("/admin/complaint/")


def test_english_can_be_chosen_and_is_remembered(client, app):
    staff = logged_in(client, models.ROLE_OPD_STAFF)
    page = client.get("/admin/complaint/", follow_redirects=True).get_data(as_text=True)
    assert "Tambah saringan" in page and "Unduh CSV" in page  # Flask-Admin's own strings, in Indonesian
    response = post_form(client, "/admin/", "/lang/en", {"next": "/admin/complaint/"}, follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "Add Filter" in page and "Complaints" in page and "Log out" in page
    assert Official.get_by_id(staff.id).language == "en"
    later = app.test_client()
    login(later, staff)  # a new session starts in the account's language
    assert "How complaints are answered" in later.get("/admin/").get_data(as_text=True)


def test_form_errors_are_in_indonesian(client):
    page = client.get("/login")
    response = client.post("/login", data={"username": "", "password": "",
                                           "csrf_token": csrf_from(page.get_data(as_text=True))})
    assert "Isian ini wajib diisi." in response.get_data(as_text=True)


# --- sessions end when they should, whatever copies of the cookie exist ---------------------
def test_logout_ends_the_session_even_for_a_copied_cookie(client, app):
    from models import PanelSession

    staff = logged_in(client, models.ROLE_OPD_STAFF)
    copied = client.get_cookie("wadul_session").value
    other_device = app.test_client()
    login(other_device, staff)
    assert PanelSession.select().where(PanelSession.official == staff.id).count() == 2
    post_form(client, "/admin/", "/logout", {})
    thief = app.test_client()
    thief.set_cookie("wadul_session", copied)
    assert thief.get("/admin/").status_code == 302  # the old cookie opens nothing any more
    assert other_device.get("/admin/").status_code == 200  # logging out here leaves the other login
    assert PanelSession.select().where(PanelSession.official == staff.id).count() == 1


def test_forged_session_ids_are_refused(client, app):
    from panel.auth import password_stamp

    staff = make_official(models.ROLE_OPD_STAFF)
    stamp = password_stamp(staff)
    for forged in (str(staff.id), f"{staff.id}:{stamp}", f"{staff.id}:{stamp}:tebakan", f"99999999999999999999:{stamp}:x",
                   f"-1:{stamp}:x", "::", "a:b:c", f"{staff.id}:{stamp}:x:y"):
        with client.session_transaction() as session:
            session["_user_id"] = forged
        assert client.get("/admin/").status_code == 302, forged


def test_an_expired_session_is_refused_and_its_row_removed_at_the_next_login(client, app):
    from datetime import timedelta

    from models import PanelSession, utcnow

    staff = logged_in(client, models.ROLE_OPD_STAFF)
    PanelSession.update(expires_at=utcnow() - timedelta(seconds=1)).execute()
    assert client.get("/admin/").status_code == 302
    login(app.test_client(), make_official(models.ROLE_OPD_STAFF))
    assert PanelSession.select().where(PanelSession.official == staff.id).count() == 0


# --- throttling by address, by account, and the trusted proxies -----------------------------
def _panel(**settings):
    from panel import create_app
    from services import runtime

    return create_app(runtime.config().with_(**settings)).test_client()


def _try_login(client, username, password, address, forwarded=None) -> str:
    """"in", "locked" or "failed": what a login from `address` got."""
    environ = {"REMOTE_ADDR": address}
    headers = {"X-Forwarded-For": forwarded} if forwarded else {}
    page = client.get("/login", environ_base=environ, headers=headers)
    response = client.post("/login", environ_base=environ, headers=headers, data={
        "username": username, "password": password, "csrf_token": csrf_from(page.get_data(as_text=True))})
    if response.status_code == 302:
        client.post("/logout", environ_base=environ, data={
            "csrf_token": csrf_from(client.get("/admin/", environ_base=environ).get_data(as_text=True))})
        return "in"
    return "locked" if "Terlalu banyak percobaan" in response.get_data(as_text=True) else "failed"


def test_password_spraying_from_one_address_is_stopped_across_usernames(seeded, redis_conn):
    client = _panel(LOGIN_MAX_PER_ADDRESS=3)
    victims = [make_official(models.ROLE_OPD_STAFF) for _ in range(4)]
    assert [_try_login(client, v.username, "Password123", "10.0.0.1") for v in victims[:3]] == ["failed"] * 3
    assert _try_login(client, victims[3].username, PASSWORD, "10.0.0.1") == "locked"  # even the right one
    assert _try_login(client, victims[3].username, PASSWORD, "10.0.0.2") == "in"  # others are not
    assert _try_login(client, "tidak-ada", "x", "10.0.0.1") == "locked"  # unknown names count the same


def test_one_address_alone_cannot_lock_an_account_for_everyone(seeded, redis_conn, app):
    client = _panel(LOGIN_ACCOUNT_ADDRESSES=3)
    staff = make_official(models.ROLE_OPD_STAFF)
    attempts = app.config["WADUL"].LOGIN_MAX_ATTEMPTS + 3
    assert [_try_login(client, staff.username, "salah", "10.0.0.66") for _ in range(attempts)][-1] == "locked"
    assert _try_login(client, staff.username, PASSWORD, "10.0.0.7") == "in"  # the owner still gets in
    # Failures from as many addresses as LOGIN_ACCOUNT_ADDRESSES lock the username everywhere.
    for address in ("10.0.1.1", "10.0.1.2"):
        assert _try_login(client, staff.username, "salah", address) == "failed"
    assert _try_login(client, staff.username, PASSWORD, "10.0.0.7") == "locked"


def test_forwarded_addresses_are_believed_only_from_trusted_proxies(seeded, redis_conn, app):
    staff = make_official(models.ROLE_OPD_STAFF)
    attempts = app.config["WADUL"].LOGIN_MAX_ATTEMPTS
    direct = _panel()  # TRUSTED_PROXY_COUNT=0: a client's own X-Forwarded-For changes nothing
    for n in range(attempts):
        _try_login(direct, staff.username, "salah", "203.0.113.5", forwarded=f"198.51.100.{n}")
    assert _try_login(direct, staff.username, PASSWORD, "203.0.113.5", forwarded="198.51.100.200") == "locked"
    redis_conn.flushdb()
    proxied = _panel(TRUSTED_PROXY_COUNT=1)  # behind one proxy: its last X-Forwarded-For entry is the client
    for _ in range(attempts):
        _try_login(proxied, staff.username, "salah", "127.0.0.1", forwarded="6.6.6.6, 198.51.100.9")
    assert _try_login(proxied, staff.username, PASSWORD, "127.0.0.1", forwarded="198.51.100.9") == "locked"
    assert _try_login(proxied, staff.username, PASSWORD, "127.0.0.1", forwarded="198.51.100.10") == "in"


def test_an_account_lock_by_one_address_is_a_configuration_error():
    import pytest

    from config import ConfigError, TestConfig

    with pytest.raises(ConfigError, match="LOGIN_ACCOUNT_ADDRESSES"):
        TestConfig().with_(LOGIN_ACCOUNT_ADDRESSES=1)
    with pytest.raises(ConfigError, match="TRUSTED_PROXY_COUNT"):
        TestConfig().with_(TRUSTED_PROXY_COUNT=-1)
