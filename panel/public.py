"""The public pages under /publik: no login, no personal data (services.publicity decides what
the public may see; services.public_stats reads it).

- /publik/                 the list of public complaints (filters, pages) and the map
- /publik/peta.json        the map's clusters (or points at high zoom) for a box and a zoom
- /publik/aduan/<CODE>     one public complaint: category, place, status, dates, office, replies
- /publik/kinerja          per-OPD and per-village performance over a period
- /publik/lacak?kode=CODE  status by tracking code (also the page staff give people whose
                           complaint they recorded); rate-limited per address
- /publik/foto/<id>        a photo the reporter agreed to publish

Indonesian first; `?lang=en` shows English (links keep it). The pages are the same for
everyone, so they are cacheable (`Cache-Control: public`) except the code lookup (no-store).
"""
from __future__ import annotations

from flask import Blueprint, abort, current_app, g, jsonify, render_template, request, send_from_directory, url_for
from werkzeug.exceptions import NotFound
from xstatic.pkg import leaflet_markercluster

import i18n
from core import tracking
from panel import throttle
from panel.language import current_lang, tr
from panel.security import id_or_404
from services import public_stats, publicity, runtime
from services.public_stats import Box, Filters

bp = Blueprint("publik", __name__, url_prefix="/publik")
# Leaflet.markercluster's files from the xstatic package (no copy in the repository).
cluster_bp = Blueprint("markercluster", __name__, static_folder=leaflet_markercluster.BASE_DIR,
                       static_url_path="/vendor/markercluster")

PUBLIC_MAX_AGE = 60  # seconds a browser or a proxy may keep a public page


@bp.before_request
def _language_and_switch():
    if not runtime.config().PUBLIC_PAGES:
        abort(404)
    lang = request.args.get("lang", "")
    if lang in i18n.LANGUAGES:
        g.page_lang = lang
    else:
        g.page_lang = current_app.config["WADUL"].DEFAULT_LANGUAGE


@bp.after_request
def _cache_headers(response):
    age = g.get("public_max_age")
    if age and response.status_code == 200:
        response.headers["Cache-Control"] = f"public, max-age={age}"
    else:
        response.headers["Cache-Control"] = "no-store"
    response.headers.setdefault("X-Robots-Tag", "noarchive")
    return response


def _cacheable(age: int = PUBLIC_MAX_AGE) -> None:
    g.public_max_age = age


def purl(endpoint: str, **values) -> str:
    """A URL of the public pages in this page's language."""
    if current_lang() != current_app.config["WADUL"].DEFAULT_LANGUAGE:
        values.setdefault("lang", current_lang())
    return url_for(endpoint, **{k: v for k, v in values.items() if v not in (None, "")})


def _switch_url(lang: str) -> str:
    if g.get("public_error") or request.endpoint is None:
        return url_for("publik.index", lang=lang)  # an error page echoes nothing of what was asked
    args = {k: v for k, v in request.args.items() if k != "lang"}
    args["lang"] = lang
    return url_for(request.endpoint, **(request.view_args or {}), **args)


@bp.app_context_processor
def _helpers():
    return {"purl": purl, "switch_url": _switch_url}


def _page_number() -> int:
    raw = (request.args.get("hal") or "1").strip()
    return int(raw) if raw.isascii() and raw.isdigit() and 0 < len(raw) <= 6 else 1


@bp.get("/")
def index():
    filters = Filters.parse(request.args)
    lang = current_lang()
    page = public_stats.list_page(filters, _page_number(), _per_page(), lang)
    _cacheable()
    return render_template("public/index.html", page=page, filters=filters,
                           choices=public_stats.choices(lang), villages=public_stats.villages_of(filters.kecamatan),
                           extent=public_stats.extent(), tiles=current_app.config["WADUL"].TILE_URL)


def _per_page() -> int | None:
    raw = (request.args.get("per") or "").strip()
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) <= 3 else None


@bp.get("/peta.json")
def map_json():
    box = Box.parse(request.args.get("bbox"))
    raw_zoom = (request.args.get("z") or "").strip()
    if box is None or not (raw_zoom.isascii() and raw_zoom.isdigit() and len(raw_zoom) <= 2):
        return jsonify({"error": "bbox=west,south,east,north and z=zoom are required"}), 400
    data = public_stats.map_data(Filters.parse(request.args), box, int(raw_zoom))
    _cacheable()
    return jsonify(data)


@bp.get("/aduan/<code>")
def detail(code: str):
    normal = tracking.normalize(code) or code.strip().upper()[:16]
    row = public_stats.public_row(normal, current_lang())
    if row is None:
        abort(404)  # unknown, confidential and hidden look the same
    complaint = public_stats.complaint_by_code(row["tracking_code"])
    replies = list(publicity.public_replies(complaint))
    photos = list(publicity.public_photos(complaint))
    _cacheable()
    return render_template("public/detail.html", row=row, replies=replies, photos=photos,
                           tiles=current_app.config["WADUL"].TILE_URL)


@bp.get("/kinerja")
def performance():
    raw = (request.args.get("periode") or "").strip()
    days = int(raw) if raw.isascii() and raw.isdigit() and int(raw or 0) in public_stats.PERIODS else \
        public_stats.DEFAULT_PERIOD
    data = public_stats.performance(days)
    _cacheable()
    return render_template("public/performance.html", data=data, periods=public_stats.PERIODS, days=days)


@bp.get("/lacak")
def lookup():
    typed = (request.args.get("kode") or "").strip()
    if not typed:
        return render_template("public/lookup.html", typed="", result=None, error="")
    wait = throttle.public_lookup(request.remote_addr or "")
    if wait:
        minutes = max(1, (wait + 59) // 60)
        return render_template("public/lookup.html", typed=typed[:40], result=None,
                               error=tr("public.lookup.too_many", minutes=minutes)), 429
    code = tracking.normalize(typed[:40])
    complaint = public_stats.complaint_by_code(code) if code else None
    if complaint is None:
        error = tr("public.lookup.bad_code" if code is None else "public.lookup.unknown")
        return render_template("public/lookup.html", typed=typed[:40], result=None, error=error), 404
    public = publicity.is_public(complaint)
    result = {"code": complaint.tracking_code, "status": complaint.status, "created_at": complaint.created_at,
              "answered_at": complaint.first_response_at, "resolved_at": complaint.resolved_at,
              "closed_at": complaint.closed_at, "public": public}
    if public:
        row = public_stats.public_row(complaint.tracking_code, current_lang())
        result.update(office=row["office"], category=row["category"], village=row["village"],
                      replies=list(publicity.public_replies(complaint)))
    return render_template("public/lookup.html", typed=typed[:40], result=result, error="")


@bp.get("/foto/<rowid:photo_id>")
def photo(photo_id: int):
    row = publicity.public_photo(id_or_404(photo_id))
    if row is None:
        abort(404)
    try:
        response = send_from_directory(current_app.config["WADUL"].MEDIA_DIR, row.path, mimetype=row.mime_type)
    except NotFound:
        abort(404)
    _cacheable(3600)
    return response


@bp.errorhandler(404)
def _not_found(exc):
    g.public_error = True
    return render_template("public/error.html", code=404, message=tr("public.error.not_found")), 404


def public_urls(app) -> list[str]:
    """Every public page's route, as rules (for tests that walk them: the privacy test)."""
    return sorted(rule.rule for rule in app.url_map.iter_rules() if rule.endpoint.startswith("publik."))


def init_app(app) -> None:
    app.register_blueprint(bp)
    app.register_blueprint(cluster_bp)
