"""The panel's web side, added to the app by `create_app`: security settings, language,
login, Flask-Admin views, files, error pages."""
from __future__ import annotations

from flask import Flask, redirect, render_template, url_for
from flask_wtf.csrf import CSRFError, CSRFProtect

from panel import auth, formatting, language, media
from panel.admin import init_admin
from panel.language import tr

csrf = CSRFProtect()
MAX_UPLOAD_BYTES = 64 * 1024 * 1024  # a regency's village GeoJSON is the largest upload


def init_web(app: Flask) -> None:
    """Everything the officials' panel needs, in the order it depends on."""
    app.config.update(MAX_CONTENT_LENGTH=MAX_UPLOAD_BYTES, WTF_CSRF_TIME_LIMIT=None)
    csrf.init_app(app)
    language.init_app(app)
    auth.init_app(app)
    formatting.init_app(app)
    media.init_app(app)
    init_admin(app)
    _pages(app)


def _pages(app: Flask) -> None:
    @app.get("/")
    def root():
        """The panel's address on its own leads to the dashboard (or the login)."""
        return redirect(url_for("admin.index"))

    @app.after_request
    def _headers(response):
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        return response

    @app.errorhandler(CSRFError)
    def _csrf_error(exc):
        return render_template("error.html", code=400, message=tr("panel.error.csrf")), 400

    for code in (401, 403, 404, 413):
        app.register_error_handler(code, _error_page(code))


def _error_page(code: int):
    def handler(exc):
        return render_template("error.html", code=code, message=tr(f"panel.error.http{code}")), code

    return handler
