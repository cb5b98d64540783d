"""The panel's web side, added to the app by `create_app`: security settings, language,
login, Flask-Admin views, files, error pages."""
from __future__ import annotations

from flask import Flask, abort, redirect, render_template, request, url_for
from flask_wtf.csrf import CSRFError, CSRFProtect
from werkzeug.middleware.proxy_fix import ProxyFix

from panel import auth, formatting, language, media
from panel.admin import init_admin
from panel.language import tr
from panel.security import content_security_policy, csp_nonce

csrf = CSRFProtect()
MAX_UPLOAD_BYTES = 64 * 1024 * 1024  # a regency's village GeoJSON is the largest upload


def init_web(app: Flask) -> None:
    """Everything the officials' panel needs, in the order it depends on."""
    app.config.update(MAX_CONTENT_LENGTH=MAX_UPLOAD_BYTES, WTF_CSRF_TIME_LIMIT=None)
    proxies = app.config["WADUL"].TRUSTED_PROXY_COUNT
    if proxies:
        # The client's address (login throttling) and scheme come from the X-Forwarded-* headers
        # that exactly this many proxies added; with 0 those headers are ignored, since anyone
        # can send them.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies)
    csrf.init_app(app)
    language.init_app(app)
    auth.init_app(app)
    formatting.init_app(app)
    media.init_app(app)
    init_admin(app)
    from panel import public

    public.init_app(app)
    _pages(app)
    from panel import open311

    open311.init_app(app, csrf)  # the Open311 GeoReport v2 API at /open311/v2


def _pages(app: Flask) -> None:
    @app.get("/")
    def root():
        """The panel's address on its own leads to the official's home (auth.home_url), or the login."""
        official = auth.current_official()
        return redirect(auth.home_url(official) if official is not None else url_for("admin.index"))

    policy = content_security_policy(app.config["WADUL"].TILE_URL)

    @app.before_request
    def _refuse_nul():
        """No field of the panel takes a NUL character; PostgreSQL refuses it in any string, so
        it is answered 400 here rather than as a database error inside some view."""
        values = [request.path, *(request.view_args or {}).values()]
        values += [part for pair in request.args.items(multi=True) for part in pair]
        if request.method == "POST":
            values += [part for pair in request.form.items(multi=True) for part in pair]
        if any("\x00" in str(v) for v in values):
            abort(400)

    @app.after_request
    def _headers(response):
        headers = response.headers
        headers.setdefault("Content-Security-Policy", policy.replace("{nonce}", csp_nonce()))
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("Referrer-Policy", "same-origin")
        if not (request.endpoint or "").endswith("static") and not (request.endpoint or "").startswith("publik."):
            # Pages, exports and photos show personal data: no copy stays in a browser's or a
            # proxy's cache after the official leaves (shared computers in offices).
            headers["Cache-Control"] = "no-store"
        return response

    @app.errorhandler(CSRFError)
    def _csrf_error(exc):
        return render_template("error.html", code=400, message=tr("panel.error.csrf")), 400

    for code in (400, 401, 403, 404, 413):
        app.register_error_handler(code, _error_page(code))


def _error_page(code: int):
    def handler(exc):
        return render_template("error.html", code=code, message=tr(f"panel.error.http{code}")), code

    return handler
