"""Officials' login and logout (Flask-Login sessions, Argon2 passwords, Redis throttling).

There is no sign-up: the main admin creates accounts. A session stays valid only while its
row in PanelSession exists (logout deletes it), the account is active and its password
unchanged (the session id carries a password stamp): logout, a password change and
deactivation end a session at the next request, whatever copies of the cookie exist.
"""
from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from urllib.parse import urlsplit

from flask import Blueprint, flash, has_request_context, redirect, render_template, request, session, url_for
from flask_login import LoginManager, UserMixin, current_user, login_user, logout_user
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import InputRequired, Length

from models import OPD_ROLES, ROLE_OVERSIGHT, VILLAGE_ROLES, Official, PanelSession, utcnow
from panel import throttle
from panel.language import LANGUAGES, LazyText, tr, wtforms_translations
from panel.security import without_impossible_choices
from services.auth import hash_password, verify_password

bp = Blueprint("auth", __name__)
login_manager = LoginManager()
# Verified against when the username is unknown, so both cases cost one Argon2 check.
_DUMMY_HASH = hash_password("wadul-dummy-password")
SESSION_HOURS = 12


class PanelForm(FlaskForm):
    """Base of every panel form: CSRF token, WTForms messages in the panel's language."""

    class Meta(FlaskForm.Meta):
        def get_translations(self, form):
            return wtforms_translations

    def process(self, formdata=None, obj=None, data=None, extra_filters=None, **kwargs):
        formdata, refused = without_impossible_choices(self, self.meta.wrap_formdata(self, formdata))
        super().process(formdata, obj, data, extra_filters, **kwargs)
        for field in refused:
            field.process_errors.append(tr("panel.form.invalid_choice"))


class SessionUser(UserMixin):
    """The logged-in official as Flask-Login sees them."""

    def __init__(self, official: Official, token: str):
        self.official = official
        self.token = token

    def get_id(self) -> str:
        return f"{self.official.id}:{password_stamp(self.official)}:{self.token}"

    @property
    def is_active(self) -> bool:
        return bool(self.official.active)


def password_stamp(official: Official) -> str:
    return hashlib.sha256(official.password_hash.encode()).hexdigest()[:16]


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@login_manager.user_loader
def load_user(user_id: str):
    """Reload the official of a session; a logout (the session row is gone), a changed password
    or a deactivated account ends it."""
    official_id, stamp, token = ((user_id or "").split(":") + ["", ""])[:3]
    if not official_id.isdigit() or len(official_id) > 18 or not token:
        return None
    row = (PanelSession.select(PanelSession, Official).join(Official)
           .where(PanelSession.token_hash == _token_hash(token), PanelSession.official == int(official_id),
                  PanelSession.expires_at > utcnow(), Official.active == True)  # noqa: E712
           .get_or_none())
    if row is None or stamp != password_stamp(row.official):
        return None
    return SessionUser(row.official, token)


def open_session(official: Official) -> SessionUser:
    """A new session row for `official` (expired rows of everyone are removed on the way)."""
    now = utcnow()
    PanelSession.delete().where(PanelSession.expires_at <= now).execute()
    token = secrets.token_urlsafe(32)
    PanelSession.create(official=official, token_hash=_token_hash(token), created_at=now,
                        expires_at=now + timedelta(hours=SESSION_HOURS))
    return SessionUser(official, token)


def current_official() -> Official | None:
    """The logged-in, active official, or None (also outside a request)."""
    if not has_request_context() or not current_user.is_authenticated:
        return None
    return current_user.official


def safe_next(target: str | None) -> str | None:
    """`target` when it is a path on this site; None for anything that could leave it."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//") or "\\" in target:
        # (browsers read a backslash as a slash: "/\\evil.example" would leave the site)
        return None
    return target


def home_url(official: Official) -> str:
    """Where an official lands after login: an office's people on "needs my action" (their
    open complaints, nearest deadline first: panel.views.complaints), oversight on the
    leadership report, the main admin on the dashboard."""
    if official.role in (*OPD_ROLES, *VILLAGE_ROLES):
        return url_for("complaint.index_view")
    if official.role == ROLE_OVERSIGHT:
        return url_for("reports.index")
    return url_for("admin.index")


class LoginForm(PanelForm):
    username = StringField(LazyText("panel.login.username"), validators=[InputRequired(), Length(max=60)])
    password = PasswordField(LazyText("panel.login.password"), validators=[InputRequired(), Length(max=200)])


@bp.route("/login", methods=["GET", "POST"])
def login():
    """Show the login form; on a valid username and password start the session."""
    if current_official() is not None:
        return redirect(home_url(current_official()))
    form = LoginForm()
    if form.validate_on_submit():
        official = _authenticate(form.username.data, form.password.data)
        if official is not None:
            return _start_session(official)
    return render_template("auth/login.html", form=form, next=safe_next(request.args.get("next")))


def _authenticate(username: str, password: str) -> Official | None:
    """The official for these credentials, flashing why not otherwise (throttled per address)."""
    username = (username or "").strip().lower()
    address = request.remote_addr or "-"
    wait = throttle.locked_for(username, address)
    if wait:
        flash(tr("panel.login.locked", minutes=max(1, (wait + 59) // 60)), "error")
        return None
    official = Official.get_or_none(Official.username == username)
    valid = verify_password(official.password_hash if official else _DUMMY_HASH, password)
    if not valid or official is None or not official.active:
        throttle.record_failure(username, address)
        flash(tr("panel.login.failed"), "error")
        return None
    throttle.clear(username, address)
    return official


def _start_session(official: Official):
    lang = session.get("lang")
    session.clear()  # no state from before the login survives it (session fixation)
    if lang:
        session["lang"] = lang
    login_user(open_session(official))
    Official.update(last_login_at=utcnow()).where(Official.id == official.id).execute()
    return redirect(safe_next(request.args.get("next")) or home_url(official))


@bp.route("/logout", methods=["POST"])
def logout():
    """End the session (a POST with the CSRF token, so no other site can log anyone out); its
    row is deleted, so a copied cookie no longer works either."""
    if current_user.is_authenticated:
        PanelSession.delete().where(PanelSession.token_hash == _token_hash(current_user.token)).execute()
    logout_user()
    session.clear()
    flash(tr("panel.login.logged_out"), "info")
    return redirect(url_for("auth.login"))


def set_language(code: str):
    """Switch the panel's language for this session (and remember it for the account)."""
    if code in LANGUAGES:
        session["lang"] = code
        official = current_official()
        if official is not None:
            Official.update(language=code).where(Official.id == official.id).execute()
    return redirect(safe_next(request.form.get("next")) or url_for("admin.index"))


def init_app(app) -> None:
    """Sessions with hardened cookies, and the login views."""
    cfg = app.config["WADUL"]
    app.config.update(
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=cfg.SESSION_COOKIE_SECURE,
        SESSION_COOKIE_NAME="wadul_session",
        PERMANENT_SESSION_LIFETIME=SESSION_HOURS * 3600,
        REMEMBER_COOKIE_HTTPONLY=True,
        REMEMBER_COOKIE_SECURE=cfg.SESSION_COOKIE_SECURE,
    )
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = LazyText("panel.login.required")
    login_manager.login_message_category = "info"
    login_manager.localize_callback = str  # flashed messages are stored as plain text
    login_manager.session_protection = "basic"
    app.register_blueprint(bp)
    app.add_url_rule("/lang/<code>", "set_language", set_language, methods=["POST"])
