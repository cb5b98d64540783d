"""Who reaches what: every endpoint of the panel's URL map, tried by every role (and by nobody
logged in), with another office's ids in the URL. Each endpoint must be classified in
EXPECTED below; a view added to the panel without a line here fails
`test_every_endpoint_is_classified`, so no new view escapes the matrix.

The answers a role can get: 200 (the page), 302 (Flask-Admin sends back to the list when a
view has the feature off, or to the login for nobody), 401 (a photo for nobody), 403 (the
role may not open the view), 404 (the row is another office's: not found and not yours
look alike). Every page a role gets is also searched for what it must not contain: the other
office's tracking code and template title, and any password hash.
"""
from __future__ import annotations

import pytest

import models
from core import tracking
from models import (ROLE_MAIN_ADMIN, ROLE_OPD_ADMIN, ROLE_OPD_STAFF, ROLE_OVERSIGHT, ROLE_VILLAGE_HEAD,
                    ROLE_VILLAGE_OFFICIAL, Category, Desa, Holiday, Opd, Photo, ReportRecipient,
                    ResponseTemplate)
from services import open311
from services.complaints import behalf
from tests.factories import make_complaint, make_official
from tests.panelkit import app, client, csrf_from, login  # noqa: F401 (fixtures)

ANON = "anonymous"
ROLES = (ROLE_MAIN_ADMIN, ROLE_OPD_ADMIN, ROLE_OPD_STAFF, ROLE_VILLAGE_HEAD, ROLE_VILLAGE_OFFICIAL, ROLE_OVERSIGHT)
EVERYONE = (*ROLES, ANON)
OPD = (ROLE_OPD_ADMIN, ROLE_OPD_STAFF)
VILLAGE = (ROLE_VILLAGE_HEAD, ROLE_VILLAGE_OFFICIAL)
ACTING = (ROLE_MAIN_ADMIN, *OPD, *VILLAGE)
MANAGERS = (ROLE_MAIN_ADMIN, ROLE_OPD_ADMIN, ROLE_VILLAGE_HEAD)
DIRECTORY = (ROLE_MAIN_ADMIN, ROLE_OVERSIGHT)
MAIN = (ROLE_MAIN_ADMIN,)
READERS = (ROLE_MAIN_ADMIN, ROLE_OVERSIGHT)
FILING = (ROLE_MAIN_ADMIN, *OPD)  # services.access.FILING_ROLES: who records complaints on behalf
CODE_MAKERS = (ROLE_MAIN_ADMIN, ROLE_OPD_ADMIN)  # link codes: every official / their OPD's staff
OTHER_VILLAGE = "61.04.01.2012"


def gate(allowed, ok=200, **per_role):
    """Nobody → 302 (to the login); roles outside `allowed` → 403; inside → `ok`, except the
    roles given in `per_role` (e.g. 404 for those the row belongs to another office of)."""
    answers = {role: (ok if role in allowed else 403) for role in ROLES}
    answers[ANON] = 302
    answers.update(per_role)
    return answers


def same(code, **per_role):
    return {**{role: code for role in EVERYONE}, **per_role}


def not_theirs(*roles):
    """404 for these roles: the id in the URL is another office's."""
    return {role: 404 for role in roles}


# endpoint -> expected status per role. GET for endpoints that answer GET, else POST.
EXPECTED = {
    # public and session pages
    "root": same(302),
    "health": same(200),
    "static": same(200),
    "leaflet.static": same(200),
    "admin.static": same(200),
    "auth.login": same(302, anonymous=200),
    "auth.logout": same(302),
    "set_language": same(302),
    "media.photo": {ROLE_MAIN_ADMIN: 200, **not_theirs(*OPD, *VILLAGE, ROLE_OVERSIGHT), ANON: 401},
    # the dashboard
    "admin.index": gate(ROLES),
    "admin.export_offices": gate(ROLES),
    # complaints: everyone's, scoped in the query
    "complaint.index_view": gate(ROLES),
    "complaint.details_view": gate(ROLES, **not_theirs(*OPD, *VILLAGE, ROLE_OVERSIGHT)),
    "complaint.act_view": gate(ROLES, ok=302, **not_theirs(*OPD, *VILLAGE, ROLE_OVERSIGHT)),
    "complaint.export": gate(ROLES),
    "complaint.create_view": gate(ROLES, ok=302),
    "complaint.edit_view": gate(ROLES, ok=302),
    "complaint.delete_view": gate(ROLES, ok=302),
    "complaint.action_view": gate(ROLES, ok=302),
    "complaint.ajax_lookup": gate(ROLES, ok=404),
    "complaint.ajax_update": gate(ROLES, ok=404),
    # the complaint page's other POSTs, each on another office's complaint (the main admin's tries
    # change nothing but the DLH complaint's publicity: no handler change, merge target, open question)
    "complaint.handler_view": gate(ROLES, ok=302, **not_theirs(*OPD, *VILLAGE, ROLE_OVERSIGHT)),
    "complaint.merge_view": gate(ROLES, ok=302, **not_theirs(*OPD, *VILLAGE, ROLE_OVERSIGHT)),
    "complaint.publicity_view": gate(ROLES, ok=302, **not_theirs(*OPD, *VILLAGE, ROLE_OVERSIGHT)),
    "complaint.withdraw_question_view": gate(ROLES, ok=302, **not_theirs(*OPD, *VILLAGE, ROLE_OVERSIGHT)),
    # filing on behalf: the main admin and OPDs; a slip is only its filer's (here another official's)
    "behalf.index": gate(FILING),
    "behalf.locate": gate(FILING),
    "behalf.slip": gate(FILING, ok=404),
    # routing: the main admin's
    "routing.index_view": gate(MAIN),
    "routing.edit_view": gate(MAIN),
    "routing.ajax_lookup": gate(MAIN),
    "routing.details_view": gate(MAIN, ok=302),
    "routing.create_view": gate(MAIN, ok=302),
    "routing.export": gate(MAIN, ok=302),
    "routing.delete_view": gate(MAIN, ok=302),
    "routing.action_view": gate(MAIN, ok=302),
    "routing.ajax_update": gate(MAIN, ok=404),
    # response templates: acting roles use them, managers keep their own office's
    "responsetemplate.index_view": gate(ACTING),
    "responsetemplate.details_view": gate(ACTING, **not_theirs(*OPD, *VILLAGE)),
    "responsetemplate.create_view": gate(MANAGERS),
    "responsetemplate.edit_view": gate(MANAGERS, **not_theirs(ROLE_OPD_ADMIN, ROLE_VILLAGE_HEAD)),
    "responsetemplate.delete_view": gate(MANAGERS, ok=302, **not_theirs(ROLE_OPD_ADMIN, ROLE_VILLAGE_HEAD)),
    "responsetemplate.ajax_lookup": gate(MANAGERS),
    "responsetemplate.export": gate(ACTING, ok=302),
    "responsetemplate.action_view": gate(ACTING, ok=302),
    "responsetemplate.ajax_update": gate(ACTING, ok=404),
    # accounts and the region file: the main admin's
    "official.index_view": gate(MAIN),
    "official.details_view": gate(MAIN),
    "official.create_view": gate(MAIN),
    "official.edit_view": gate(MAIN),
    "official.ajax_lookup": gate(MAIN),
    "official.link_code_view": gate(MAIN),
    "official.unlink_view": gate(MAIN, ok=302),
    "official.export": gate(MAIN, ok=302),
    "official.delete_view": gate(MAIN, ok=302),
    "official.action_view": gate(MAIN, ok=302),
    "official.ajax_update": gate(MAIN, ok=404),
    "regions.index": gate(MAIN),
    # the directory import: the main admin's (the confirm's empty payload imports nothing)
    "dirimport.index": gate(MAIN),
    "dirimport.template_csv": gate(MAIN),
    "dirimport.template_xlsx": gate(MAIN),
    "dirimport.confirm": gate(MAIN, ok=302),
    # link codes in bulk: the main admin for anyone, an OPD admin for their own OPD's staff only
    # (asked for another OPD's official, nothing is made: back to the list)
    "linkcodes.index": gate(CODE_MAKERS),
    "linkcodes.print_view": gate(CODE_MAKERS, opd_admin=302),
    # the leadership report: the main admin and oversight read it; its recipients are the main admin's
    "reports.index": gate(READERS),
    "reports.print_view": gate(READERS),
    "reports.export": gate(READERS),
    "reportrecipient.index_view": gate(MAIN),
    "reportrecipient.create_view": gate(MAIN),
    "reportrecipient.edit_view": gate(MAIN),
    "reportrecipient.details_view": gate(MAIN, ok=302),
    "reportrecipient.delete_view": gate(MAIN, ok=302),
    "reportrecipient.action_view": gate(MAIN, ok=302),
    "reportrecipient.export": gate(MAIN, ok=302),
    "reportrecipient.ajax_lookup": gate(MAIN, ok=404),
    "reportrecipient.ajax_update": gate(MAIN, ok=404),
    # Open311 API keys: the main admin's; keys are made and revoked, never edited or deleted
    "apikey.index_view": gate(MAIN),
    "apikey.details_view": gate(MAIN),
    "apikey.create_view": gate(MAIN),
    "apikey.edit_view": gate(MAIN, ok=302),
    "apikey.export": gate(MAIN, ok=302),
    "apikey.delete_view": gate(MAIN, ok=302),
    "apikey.action_view": gate(MAIN, ok=302),
    "apikey.ajax_lookup": gate(MAIN, ok=404),
    "apikey.ajax_update": gate(MAIN, ok=404),
    # the Open311 API: public, no session; asked for the confidential complaint it answers nothing
    "open311.discovery": same(200),
    "open311.services": same(200),
    "open311.service_definition": same(200),
    "open311.requests_list": same(200),
    "open311.request_one": same(404),
    "open311.requests_post": same(403),  # no api_key
    "open311.unknown": same(404),
    # the public pages: no login, the same for everyone; asked for the confidential complaint
    # (its page, its photo) they answer not found; the lookup by its code answers the status only
    "markercluster.static": same(200),
    "publik.index": same(200),
    "publik.map_json": same(200),
    "publik.performance": same(200),
    "publik.lookup": same(200),
    "publik.detail": same(404),
    "publik.photo": same(404),
}
# The directory: the main admin edits, oversight reads.
for _view in ("opd", "category", "desa", "holiday"):
    EXPECTED.update({
        f"{_view}.index_view": gate(DIRECTORY),
        f"{_view}.details_view": gate(DIRECTORY),
        f"{_view}.create_view": gate(DIRECTORY, oversight=403, **({"main_admin": 302} if _view == "desa" else {})),
        f"{_view}.edit_view": gate(DIRECTORY, oversight=403),
        f"{_view}.export": gate(DIRECTORY, ok=302),
        f"{_view}.delete_view": gate(DIRECTORY, ok=302),
        f"{_view}.action_view": gate(DIRECTORY, ok=302),
        f"{_view}.ajax_lookup": gate(DIRECTORY, ok=404),
        f"{_view}.ajax_update": gate(DIRECTORY, ok=404),
    })


def _photo(complaint, media_dir) -> Photo:
    path = f"{complaint.tracking_code}.jpg"
    (media_dir / path).write_bytes(b"\xff\xd8\xff\xe0 matrix " + path.encode())
    return Photo.create(complaint=complaint, path=path)


def _opd_filter_arg(app) -> str:
    from panel.views.complaints import ComplaintView

    view = next(v for v in app.extensions["admin"][0]._views if isinstance(v, ComplaintView))
    with app.test_request_context():
        view._refresh_filters_cache()
        index = next(i for i, f in enumerate(view._filters) if f.column is models.Complaint.assigned_opd)
        return f"flt0_{view.get_filter_arg(index, view._filters[index])}"


@pytest.fixture
def world(app, seeded, tmp_path):
    """Rows of two OPDs and two villages, and the main admin's own rows (routing, directory)."""
    media_dir = tmp_path / "media"
    media_dir.mkdir(exist_ok=True)
    village_category = Category.get(Category.code == "infra_desa")
    village_a, village_b = Desa.get(Desa.code == "61.04.01.2011"), Desa.get(Desa.code == OTHER_VILLAGE)
    dputr, dlh = Opd.get(Opd.code == "DPUTR"), Opd.get(Opd.code == "DLH")
    complaints = {
        "dlh": make_complaint(category=Category.get(Category.code == "sampah")),
        "other_village": make_complaint(category=village_category, desa=village_b),
        # a real tracking code: the public lookup by code reads only those
        "confidential": make_complaint(is_confidential=True, tracking_code=tracking.new_code()),
    }
    templates = {
        "dlh": ResponseTemplate.create(opd=dlh, title="Templat DLH rahasia", text="Sampah diangkut."),
        "other_village": ResponseTemplate.create(desa=village_b, title="Templat desa lain", text="Ditangani."),
        "doomed": ResponseTemplate.create(opd=dlh, title="Templat DLH hapus", text="Dihapus oleh admin."),
    }
    ResponseTemplate.create(opd=dputr, title="Templat DPUTR", text="Jalan diperbaiki.")
    ResponseTemplate.create(desa=village_a, title="Templat desa sendiri", text="Ditangani desa.")
    return dict(
        complaints=complaints, templates=templates,
        photos={key: _photo(c, media_dir) for key, c in complaints.items()},
        routing=make_complaint(status="new", assigned_opd=None, routing_problem="no_village"),
        official=make_official(ROLE_OPD_STAFF, opd="DLH"),
        opd=dlh, category=Category.get(Category.code == "sampah"), desa=village_b, opd_filter=_opd_filter_arg(app),
        holiday=Holiday.create(day="2031-01-02", name="Libur uji"),
        doomed_holiday=Holiday.create(day="2031-01-03", name="Libur dihapus"),
        doomed_by_action=Holiday.create(day="2031-01-04", name="Libur dihapus lewat aksi"),
        recipient=ReportRecipient.create(chat_id=-100777, label="Penerima uji"),
        doomed_recipient=ReportRecipient.create(chat_id=-100778, label="Penerima dihapus"),
        doomed_recipient_by_action=ReportRecipient.create(chat_id=-100779, label="Penerima dihapus lewat aksi"),
        api_key=open311.issue_key("Mitra matriks", None)[0],
        behalf_token=_filed_on_behalf(),
    )


def _filed_on_behalf() -> str:
    """The form token of a complaint a DLH staff member recorded on behalf of a resident."""
    token = behalf.new_token()
    make_complaint(category=Category.get(Category.code == "sampah"), channel="phone",
                   source_key=behalf.source_key(token), filed_by_official=make_official(ROLE_OPD_STAFF, opd="DLH"))
    return token


def _other_office(role: str) -> str:
    """The complaint (and template) key of another office than `role`'s own."""
    if role in VILLAGE:
        return "other_village"
    if role == ROLE_OVERSIGHT:
        return "confidential"  # oversight sees every office, but no confidential complaint
    return "dlh"


def _target(endpoint: str, role: str, world) -> tuple[str, dict, dict]:
    """(method, URL arguments, form data) for one endpoint tried by `role`."""
    view, _, name = endpoint.partition(".")
    other = _other_office(role)
    ids = {
        "complaint": world["complaints"][other].id, "routing": world["routing"].id,
        "responsetemplate": world["templates"][other if other != "confidential" else "dlh"].id,
        "official": world["official"].id, "opd": world["opd"].id, "category": world["category"].id,
        "desa": world["desa"].id, "holiday": world["holiday"].id, "reportrecipient": world["recipient"].id,
        "apikey": world["api_key"].id,
    }
    secret = world["complaints"]["confidential"].tracking_code
    on_complaint = {"id": ids["complaint"]}
    special = {
        "static": ("GET", {"filename": "panel.css"}, {}),
        "leaflet.static": ("GET", {"filename": "leaflet.js"}, {}),
        "admin.static": ("GET", {"filename": "admin/css/bootstrap4/admin.css"}, {}),
        "set_language": ("POST", {"code": "en"}, {"next": "/admin/"}),
        "auth.logout": ("POST", {}, {}),
        "media.photo": ("GET", {"photo_id": world["photos"][other].id}, {}),
        "complaint.act_view": ("POST", {"action": "note", "id": ids["complaint"]}, {"note-note": ""}),
        "official.link_code_view": ("POST", {"id": ids["official"]}, {}),
        "official.unlink_view": ("POST", {"id": ids["official"]}, {}),
        "open311.discovery": ("GET", {"fmt": "json"}, {}),
        "open311.services": ("GET", {"fmt": "xml"}, {}),
        "open311.service_definition": ("GET", {"fmt": "json", "code": "sampah"}, {}),
        "open311.requests_list": ("GET", {"fmt": "json", "service_request_id": secret}, {}),
        "open311.request_one": ("GET", {"fmt": "json", "request_id": secret}, {}),
        "open311.requests_post": ("POST", {"fmt": "json"}, {"service_code": "sampah"}),
        "open311.unknown": ("GET", {"rest": "tokens/1.json"}, {}),
        "complaint.handler_view": ("POST", on_complaint, {"handling-handler": "", "handling-priority": "0"}),
        "complaint.merge_view": ("POST", on_complaint, {"merge-target": ""}),
        "complaint.publicity_view": ("POST", on_complaint, {"publicity-public_hidden": "y"}),
        "complaint.withdraw_question_view": ("POST", on_complaint, {}),
        "behalf.locate": ("GET", {"lat": "0.05", "lon": "109.3"}, {}),
        "behalf.slip": ("GET", {"token": world["behalf_token"]}, {}),
        "dirimport.confirm": ("POST", {}, {"payload": "", "filename": "direktori.csv"}),
        "linkcodes.print_view": ("POST", {}, {"official": str(world["official"].id)}),
        "markercluster.static": ("GET", {"filename": "leaflet.markercluster.js"}, {}),
        "publik.map_json": ("GET", {"bbox": "108.0,-1.0,111.0,1.5", "z": "9"}, {}),
        "publik.lookup": ("GET", {"kode": secret}, {}),
        "publik.detail": ("GET", {"code": secret}, {}),
        "publik.photo": ("GET", {"photo_id": world["photos"]["confidential"].id}, {}),
    }
    if endpoint in special:
        return special[endpoint]
    if name == "delete_view":
        doomed = {"holiday": world["doomed_holiday"].id, "responsetemplate": world["templates"]["doomed"].id,
                  "reportrecipient": world["doomed_recipient"].id}
        row = doomed.get(view, ids.get(view))
        return "POST", {}, {"id": row, "url": f"/admin/{view}/"}
    if name == "action_view":
        doomed = {"holiday": world["doomed_by_action"].id, "responsetemplate": world["templates"]["doomed"].id,
                  "reportrecipient": world["doomed_recipient_by_action"].id}
        return "POST", {}, {"action": "delete", "rowid": doomed.get(view, ids.get(view))}
    if name == "ajax_update":
        return "POST", {}, {"list_form_pk": ids.get(view)}
    if name == "ajax_lookup":
        return "GET", {"name": "desa", "query": "Sungai"}, {}
    if endpoint in ("complaint.index_view", "complaint.export"):
        # the list and the export filtered on the other office: still only the viewer's rows
        kind = {"export_type": "csv"} if name == "export" else {}
        return "GET", {**kind, world["opd_filter"]: world["opd"].id, "sort": "0"}, {}
    if name == "export":
        return "GET", {"export_type": "csv"}, {}
    if name in ("details_view", "edit_view"):
        return "GET", {"id": ids[view]}, {}
    return "GET", {}, {}


def _secrets_of_others(role: str, world) -> list[str]:
    if role in (ROLE_MAIN_ADMIN, ANON):
        return []
    other = _other_office(role)
    found = [world["complaints"][other].tracking_code]
    if role != ROLE_OVERSIGHT:
        found.append(world["templates"][other].title)
    return found


def test_every_endpoint_is_classified(app):
    """A new view (or a view's new URL) must be given its answers here before it ships."""
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    assert sorted(endpoints - set(EXPECTED)) == [], "endpoints nobody classified in EXPECTED"
    assert sorted(set(EXPECTED) - endpoints) == [], "EXPECTED names endpoints the panel no longer has"
    assert all(set(answers) == set(EVERYONE) for answers in EXPECTED.values())


@pytest.mark.parametrize("role", EVERYONE)
def test_each_role_gets_exactly_its_answers(app, client, world, role):
    """Every endpoint, tried by `role` with another office's ids; a list of every difference."""
    if role != ANON:
        assert login(client, make_official(role)).request.path != "/login"
    token = csrf_from(client.get("/login" if role == ANON else "/admin/").get_data(as_text=True))
    must_not_show = _secrets_of_others(role, world)
    wrong = []
    rules = sorted(app.url_map.iter_rules(), key=lambda r: (r.endpoint == "auth.logout", r.endpoint))
    for rule in rules:
        method, args, data = _target(rule.endpoint, role, world)
        if method not in rule.methods:
            method = "POST"
        with app.test_request_context():
            from flask import url_for

            url = url_for(rule.endpoint, **args)
        if method == "POST":
            response = client.post(url, data={**data, "csrf_token": token})
        else:
            response = client.get(url)
        expected = EXPECTED[rule.endpoint][role]
        if response.status_code != expected:
            wrong.append(f"{method} {url}: {response.status_code}, expected {expected}")
            continue
        body = response.get_data().decode("utf-8", "replace") if not rule.endpoint.endswith("static") else ""
        if role == ROLE_MAIN_ADMIN and rule.endpoint in ("complaint.index_view", "complaint.export"):
            if world["complaints"]["dlh"].tracking_code not in body:  # the filter did apply, and finds it
                wrong.append(f"{method} {url} lacks the other office's complaint the main admin may see")
        leaked = [text for text in must_not_show if text in body]
        if rule.endpoint.startswith("publik."):
            # The public pages are everyone's: other offices' public complaints are on them by
            # design; the confidential complaint never is, except that its code (typed by its
            # reporter) gives its status and dates, and nothing more.
            confidential = world["complaints"]["confidential"]
            if rule.endpoint == "publik.lookup":
                leaked = [text for text in (confidential.category.name_id, str(confidential.assigned_opd),
                                            confidential.description) if text in body]
                if 'id="lookup-private"' not in body:
                    wrong.append(f"{method} {url} does not say the complaint is not public")
            else:
                leaked = [confidential.tracking_code] if confidential.tracking_code in body else []
        if leaked or "$argon2" in body:
            wrong.append(f"{method} {url} shows {leaked or 'a password hash'}")
        if response.status_code == 302 and role == ANON and rule.endpoint.startswith(tuple(
                f"{v}." for v in ("admin", "complaint", "routing", "official", "regions", "opd", "behalf",
                                "dirimport", "linkcodes"))):
            if "/login" not in response.headers["Location"]:
                wrong.append(f"{method} {url}: sent to {response.headers['Location']}, not the login")
    assert wrong == []
    # The rows a refused or foreign request named are still there.
    assert models.Complaint.get_by_id(world["complaints"]["dlh"].id).status == "assigned"
    for key, complaint in world["complaints"].items():  # only the main admin took one off the public pages
        hidden = models.Complaint.get_by_id(complaint.id).public_hidden
        assert hidden == (role == ROLE_MAIN_ADMIN and key == "dlh"), key
    kept = ResponseTemplate.get_or_none(ResponseTemplate.id == world["templates"]["doomed"].id)
    assert (kept is None) == (role == ROLE_MAIN_ADMIN)  # only the main admin may delete another office's
    for holiday in ("doomed_holiday", "doomed_by_action"):  # the directory: the main admin's to change
        assert (Holiday.get_or_none(Holiday.id == world[holiday].id) is None) == (role == ROLE_MAIN_ADMIN)
    for recipient in ("doomed_recipient", "doomed_recipient_by_action"):  # the report's recipients: the same
        assert (ReportRecipient.get_or_none(ReportRecipient.id == world[recipient].id) is None) == (
            role == ROLE_MAIN_ADMIN)
