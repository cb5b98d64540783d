"""The Open311 GeoReport v2 API at /open311/v2 (http://wiki.open311.org/GeoReport_v2), in JSON
and XML (the format is the resource's extension, as the spec says):

  GET  discovery.{json,xml}          where the API is, its formats, how to get a key
  GET  services.{json,xml}           the active categories
  GET  services/<code>.{json,xml}    a category's definition (no extra attributes)
  GET  requests.{json,xml}           public complaints (filters: service_request_id, service_code,
                                     start_date, end_date, status)
  GET  requests/<code>.{json,xml}    one public complaint by its tracking code
  POST requests.{json,xml}           a partner files a complaint with its api_key

Errors are the spec's error documents ([{code, description}] / <errors><error>) with the
HTTP status: 400 a missing or invalid parameter, 403 a bad api_key, 404 nothing there, 429
too many posts. No login, no session, no CSRF token (the api_key authorises a post). The
domain (what is public, how a post becomes a complaint) is services.open311.
"""
from __future__ import annotations

import json
import re
from xml.etree.ElementTree import Element, SubElement, tostring  # nosec B405  # builds answers, never parses input

from flask import Blueprint, Response, current_app, request
from werkzeug.exceptions import HTTPException

import i18n
from core import tracking
from core.timefmt import to_local
from models import Category
from services import open311
from services.open311 import Open311Error

bp = Blueprint("open311", __name__, url_prefix="/open311/v2")
FORMATS = {"json": "application/json; charset=utf-8", "xml": "text/xml; charset=utf-8"}
SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
CHANGESET = "2026-12-06T00:00:00Z"  # when this API last changed (discovery's changeset)
# Characters XML 1.0 cannot carry at all (ElementTree would write them and break the document).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# XML element names of list items (the spec's: services/service, service_requests/request...).
ITEM = {"services": "service", "service_requests": "request", "errors": "error", "endpoints": "endpoint",
        "formats": "format", "attributes": "attribute", "values": "value"}


# --- formats ----------------------------------------------------------------------------------
def _lang() -> str:
    """Indonesian unless asked for English: `locale=en`, or Accept-Language preferring it."""
    chosen = (request.args.get("locale") or request.form.get("locale") or "").lower()
    if chosen in i18n.LANGUAGES:
        return chosen
    return request.accept_languages.best_match(i18n.LANGUAGES, default=i18n.DEFAULT) or i18n.DEFAULT


def _fmt(fmt: str | None) -> str:
    if fmt not in FORMATS:
        raise Open311Error(404, "open311.error.not_found")
    return fmt


def _xml(parent: Element, name: str, value) -> None:
    element = SubElement(parent, name)
    if isinstance(value, dict):
        for key, inner in value.items():
            _xml(element, key, inner)
    elif isinstance(value, list):
        for inner in value:
            _xml(element, ITEM[name], inner)
    elif isinstance(value, bool):
        element.text = "true" if value else "false"
    elif value is not None:
        element.text = _NOT_XML.sub("", str(value))


def render(fmt: str, root: str, body, status: int = 200) -> Response:
    """`body` (a list of items, or one document) as JSON, or as XML under `root`."""
    if fmt == "json":
        return Response(json.dumps(body, ensure_ascii=False), status=status, mimetype=None,
                        content_type=FORMATS["json"])
    document = Element(root)
    for key, value in (body.items() if isinstance(body, dict) else ((ITEM[root], item) for item in body)):
        _xml(document, key, value)
    text = b'<?xml version="1.0" encoding="utf-8"?>\n' + tostring(document, encoding="utf-8", xml_declaration=False)
    return Response(text, status=status, content_type=FORMATS["xml"])


def _error_response(fmt: str | None, http: int, description: str) -> Response:
    if fmt not in FORMATS:  # the resource's extension, else XML (the spec's required format)
        fmt = "json" if request.path.endswith(".json") else "xml"
    return render(fmt, "errors", [{"code": http, "description": description}], http)


@bp.errorhandler(Open311Error)
def _refused(exc: Open311Error):
    return _error_response((request.view_args or {}).get("fmt"), exc.http, i18n.t(exc.key, _lang(),
                                                                                             **exc.values))


def _http_error(exc: HTTPException):
    """Werkzeug's refusals (a NUL in a parameter, a body too large) in the spec's format too."""
    key = {404: "open311.error.not_found", 405: "open311.error.method"}.get(exc.code, "open311.error.bad_request")
    return _error_response((request.view_args or {}).get("fmt"), exc.code or 400, i18n.t(key, _lang()))


# By code: the panel's own pages for these codes (panel.web) would otherwise answer first.
for _code in (400, 401, 403, 404, 405, 413):
    bp.register_error_handler(_code, _http_error)
bp.register_error_handler(HTTPException, _http_error)


@bp.after_request
def _cors(response):
    """Public reads may be made by a web page of any site (no cookie is needed or read); posts
    carry an api_key, which belongs on a partner's server, not in a page."""
    if request.method in ("GET", "HEAD"):
        response.headers["Access-Control-Allow-Origin"] = "*"
    return response


def _time(moment) -> str | None:
    """A W3C datetime in the regency's time zone, e.g. 2026-12-06T13:29:07+07:00."""
    return to_local(moment, current_app.config["WADUL"].TIMEZONE).isoformat(timespec="seconds") if moment else None


# --- discovery and services -----------------------------------------------------------------
@bp.get("/discovery.<fmt>")
def discovery(fmt: str):
    fmt = _fmt(fmt)
    cfg = current_app.config["WADUL"]
    lang = _lang()
    body = {
        "changeset": CHANGESET,
        "contact": i18n.t("open311.discovery.contact", lang, regency=cfg.REGENCY_NAME),
        "key_service": i18n.t("open311.discovery.key_service", lang, regency=cfg.REGENCY_NAME),
        "endpoints": [{
            "specification": SPECIFICATION,
            "url": cfg.PANEL_URL.rstrip("/") + bp.url_prefix,
            "changeset": CHANGESET,
            "type": "production",
            "formats": ["text/xml", "application/json"],
        }],
    }
    return render(fmt, "discovery", body)


def _service(category: Category, lang: str) -> dict:
    office = (i18n.t("open311.service.village", lang) if category.village_level
              else str(category.opd) if category.opd_id else i18n.t("open311.service.main_admin", lang))
    group = (category.group_en if lang == "en" else category.group_id) or category.group_id
    name = category.name(lang)
    return {
        "service_code": category.code,
        "service_name": name,
        "description": i18n.t("open311.service.description", lang, name=name, group=group or "-", office=office),
        "metadata": False,
        "type": "realtime",
        "keywords": ", ".join(dict.fromkeys(w for w in (category.name_id, category.name_en, category.code) if w)),
        "group": group,
    }


@bp.get("/services.<fmt>")
def services(fmt: str):
    fmt = _fmt(fmt)
    lang = _lang()
    return render(fmt, "services", [_service(c, lang) for c in open311.services()])


@bp.get("/services/<code>.<fmt>")
def service_definition(code: str, fmt: str):
    fmt = _fmt(fmt)
    category = open311.service(code)
    if category is None:
        raise Open311Error(404, "open311.error.service_code", value=code[:60])
    return render(fmt, "service_definition", {"service_code": category.code, "attributes": []})


# --- service requests ---------------------------------------------------------------------------
def _request(found: open311.PublicRequest, lang: str) -> dict:
    return {
        "service_request_id": found.service_request_id,
        "status": found.status,
        "status_notes": found.status_notes,
        "service_name": found.category.name(lang) if found.category else None,
        "service_code": found.category.code if found.category else None,
        "description": found.description or (found.category.name(lang) if found.category else ""),
        "agency_responsible": found.agency_responsible,
        "service_notice": None,
        "requested_datetime": _time(found.requested),
        "updated_datetime": _time(found.updated),
        "expected_datetime": _time(found.expected),
        "address": found.address,
        "address_id": found.address_id,
        "zipcode": None,
        "lat": found.lat,
        "long": found.long,
        # media_url: none. Photos are served to logged-in officials only (panel.media); there
        # is no public photo address to give, even for photos the reporter allowed.
    }


def _listed(name: str) -> list[str] | None:
    raw = request.args.get(name)
    if raw is None or not raw.strip():
        return None
    return [part.strip() for part in raw.split(",") if part.strip()]


def _code(text: str) -> str:
    """A tracking code as typed (lower case, look-alike letters repaired), else as given."""
    return tracking.normalize(text) or text.strip().upper()[:32]


@bp.get("/requests.<fmt>")
def requests_list(fmt: str):
    fmt = _fmt(fmt)
    ids = _listed("service_request_id")
    if ids is not None:
        if len(ids) > open311.MAX_IDS:
            raise Open311Error(400, "open311.error.invalid", name="service_request_id", value=f"> {open311.MAX_IDS}")
        ids = [_code(i) for i in ids]
    statuses = _listed("status")
    for status in statuses or ():
        if status not in (open311.OPEN, open311.CLOSED):
            raise Open311Error(400, "open311.error.invalid", name="status", value=status[:20])
    dates = {name: open311.parse_datetime(name, request.args[name])
             for name in ("start_date", "end_date") if (request.args.get(name) or "").strip()}
    found = open311.find_requests(ids=ids, codes=_listed("service_code"), start=dates.get("start_date"),
                                  end=dates.get("end_date"), statuses=statuses)
    lang = _lang()
    return render(fmt, "service_requests", [_request(f, lang) for f in found])


@bp.get("/requests/<request_id>.<fmt>")
def request_one(request_id: str, fmt: str):
    fmt = _fmt(fmt)
    found = open311.public_request(_code(request_id))
    if found is None:  # unknown, confidential and hidden look the same
        raise Open311Error(404, "open311.error.request_not_found")
    return render(fmt, "service_requests", [_request(found, _lang())])


@bp.post("/requests.<fmt>")
def requests_post(fmt: str):
    fmt = _fmt(fmt)
    params = {**request.args.to_dict(), **request.form.to_dict()}
    key = open311.key_for(params.get("api_key"))
    if key is None:
        raise Open311Error(403, "open311.error.api_key")
    wait = open311.post_wait(key)
    if wait:
        response = _error_response(fmt, 429, i18n.t("open311.error.rate", _lang(), seconds=wait))
        response.headers["Retry-After"] = str(wait)
        return response
    complaint = open311.post_request(params)
    notice, values = open311.notice_key(complaint)
    return render(fmt, "service_requests", [{"service_request_id": complaint.tracking_code,
                                             "service_notice": i18n.t(notice, _lang(), **values),
                                             "account_id": None}])


@bp.route("/<path:rest>", methods=("GET", "POST", "PUT", "PATCH", "DELETE"))
def unknown(rest: str):
    """Anything else under /open311/v2 answers in the spec's format (XML: the required one)."""
    if request.method not in ("GET", "POST"):
        raise Open311Error(405, "open311.error.method")
    raise Open311Error(404, "open311.error.not_found")


def init_app(app, csrf) -> None:
    csrf.exempt(bp)  # no session: the api_key is the authority for a post
    app.register_blueprint(bp)
