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
    staff = make_official(models.ROLE_OPD_STAFF)
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
    assert ok.status_code == 302 and ok.headers["Location"].endswith("/admin/")


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
    assert response.headers["Location"].endswith("/admin/")
    client.post("/logout", data={"csrf_token": csrf_from(client.get("/admin/").get_data(as_text=True))})
    page = client.get("/login?next=/admin/complaint/")
    response = client.post("/login?next=/admin/complaint/", data={
        "username": staff.username, "password": PASSWORD, "csrf_token": csrf_from(page.get_data(as_text=True))})
    assert response.headers["Location"].endswith("/admin/complaint/")


def test_english_can_be_chosen_and_is_remembered(client, app):
    staff = logged_in(client, models.ROLE_OPD_STAFF)
    page = client.get("/admin/complaint/").get_data(as_text=True)
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
