"""The Open311 GeoReport v2 API (/open311/v2) through HTTP: every endpoint in JSON and XML,
shaped as the spec's documented examples, its errors, filters, privacy, and a posted request
that a real RQ burst worker routes with deadlines like any complaint. The API keys' page in
the panel: only the main admin reaches it, a key is shown once and stored as a hash, revoking
works at once."""
from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from datetime import timedelta

import pytest

import models
from core import status as st, tracking
from models import ApiKey, Category, Complaint, Desa, StatusChange, utcnow
from services import open311
from tests.factories import make_complaint, make_official, make_reporter
from tests.panelkit import app, client, csrf_from, logged_in, post_form  # noqa: F401 (fixtures)

API = "/open311/v2"
VILLAGE = "61.04.01.2011"
DESCRIPTION = "Jalan berlubang besar di depan SD Negeri 3, sudah dua motor jatuh minggu ini."

# --- the spec's documented examples (http://wiki.open311.org/GeoReport_v2), as published ------
SPEC_SERVICES_JSON = """[{"service_code":"001","service_name":"Cans left out 24x7","description":"Garbage or
recycling cans that have been left out for more than 24 hours after collection. Violators will be cited.",
"metadata":true,"type":"realtime","keywords":"lorem, ipsum, dolor","group":"sanitation"}]""".replace("\n", " ")
SPEC_SERVICES_XML = """<?xml version="1.0" encoding="utf-8"?><services><service><service_code>001</service_code>
<service_name>Cans left out 24x7</service_name><description>Garbage or recycling cans</description>
<metadata>true</metadata><type>realtime</type><keywords>lorem, ipsum, dolor</keywords><group>sanitation</group>
</service></services>"""
SPEC_DEFINITION_JSON = """{"service_code":"DMV66","attributes":[{"variable":true,"code":"WHISHETN",
"datatype":"singlevaluelist","required":true,"datatype_description":null,"order":1,
"description":"What is the ticket/tag/DL number?","values":[{"key":123,"name":"Ford"}]}]}"""
SPEC_DEFINITION_XML = """<?xml version="1.0" encoding="utf-8"?><service_definition><service_code>DMV66</service_code>
<attributes><attribute><variable>true</variable><code>WHISHETN</code></attribute></attributes></service_definition>"""
SPEC_REQUESTS_JSON = """[{"service_request_id":638344,"status":"closed","status_notes":"Duplicate request.",
"service_name":"Sidewalk and Curb Issues","service_code":"006","description":null,"agency_responsible":null,
"service_notice":null,"requested_datetime":"2010-04-14T06:37:38-08:00","updated_datetime":"2010-04-14T06:37:38-08:00",
"expected_datetime":"2010-04-15T06:37:38-08:00","address":"8TH AVE and JUDAH ST","address_id":545483,
"zipcode":94122,"lat":37.762221815,"long":-122.4651145,
"media_url":"http://city.gov.s3.amazonaws.com/requests/media/638344.jpg"}]"""
SPEC_REQUESTS_XML = """<?xml version="1.0" encoding="utf-8"?><service_requests><request>
<service_request_id>638344</service_request_id><status>closed</status><status_notes>Duplicate request.</status_notes>
<service_name>Sidewalk and Curb Issues</service_name><service_code>006</service_code><description></description>
<agency_responsible></agency_responsible><service_notice></service_notice>
<requested_datetime>2010-04-14T06:37:38-08:00</requested_datetime>
<updated_datetime>2010-04-14T06:37:38-08:00</updated_datetime>
<expected_datetime>2010-04-15T06:37:38-08:00</expected_datetime><address>8TH AVE and JUDAH ST</address>
<address_id>545483</address_id><zipcode>94122</zipcode><lat>37.762221815</lat><long>-122.4651145</long>
<media_url>http://city.gov.s3.amazonaws.com/requests/media/638344.jpg</media_url></request></service_requests>"""
SPEC_POST_JSON = """[{"service_request_id":293944,"service_notice":"The City will inspect and require the
responsible party to correct within 24 hours","account_id":null}]""".replace("\n", " ")
SPEC_POST_XML = """<?xml version="1.0" encoding="utf-8"?><service_requests><request>
<service_request_id>293944</service_request_id><service_notice>The City will inspect</service_notice>
<account_id/></request></service_requests>"""
SPEC_ERRORS_JSON = """[{"code":403,"description":"Invalid api_key received -- can't proceed with create_request."}]"""
SPEC_ERRORS_XML = """<?xml version="1.0" encoding="utf-8"?><errors><error><code>403</code>
<description>Invalid api_key received -- can't proceed with create_request.</description></error></errors>"""
SPEC_DISCOVERY_XML = """<?xml version="1.0" encoding="utf-8"?><discovery><changeset>2011-04-05T17:48:34Z</changeset>
<contact>Please email ( content.311@sfgov.org ) for assistance</contact><key_service>To get an API_KEY please visit
this website</key_service><endpoints><endpoint><specification>http://wiki.open311.org/GeoReport_v2</specification>
<url>https://open311.sfgov.org/dev/v2</url><changeset>2011-04-20T17:48:34Z</changeset><type>test</type>
<formats><format>text/XML</format></formats></endpoint></endpoints></discovery>"""
# Wadul gives no media_url: photos are served to logged-in officials only (panel.media).
NOT_GIVEN = {"media_url"}


def spec_keys(example_json: str) -> list[str]:
    body = json.loads(example_json)
    return [k for k in (body[0] if isinstance(body, list) else body) if k not in NOT_GIVEN]


def xml_tags(element) -> list[str]:
    return [child.tag for child in element if child.tag not in NOT_GIVEN]


def xml_of(response):
    assert response.headers["Content-Type"].startswith("text/xml"), response.headers["Content-Type"]
    text = response.get_data()
    assert text.startswith(b'<?xml version="1.0" encoding="utf-8"?>')
    return ET.fromstring(text)


def json_of(response):
    assert response.headers["Content-Type"].startswith("application/json"), response.headers["Content-Type"]
    return json.loads(response.get_data(as_text=True))


@pytest.fixture
def api_key(app):
    _, plain = open311.issue_key("Mitra uji", None)
    return plain


def public_reply(complaint, note, private=False):
    return StatusChange.create(complaint=complaint, from_status=complaint.status, to_status=complaint.status,
                               note=note, actor_label="Dinas PUTR", visible_to_reporter=True, note_private=private)


def with_code(**overrides):
    return make_complaint(tracking_code=tracking.new_code(), **overrides)


# --- discovery ----------------------------------------------------------------------------------
def test_discovery_lists_the_endpoint_from_panel_url_in_both_formats(seeded, redis_conn):
    from panel import create_app

    client = create_app(seeded.with_(PANEL_URL="https://wadul.ketapangkab.go.id/")).test_client()
    body = json_of(client.get(f"{API}/discovery.json"))
    spec = ET.fromstring(SPEC_DISCOVERY_XML.encode())
    assert list(body) == xml_tags(spec)
    endpoint = body["endpoints"][0]
    assert list(endpoint) == xml_tags(spec.find("endpoints/endpoint"))
    assert endpoint["url"] == "https://wadul.ketapangkab.go.id/open311/v2"
    assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert set(endpoint["formats"]) == {"text/xml", "application/json"}
    root = xml_of(client.get(f"{API}/discovery.xml"))
    assert root.tag == "discovery" and xml_tags(root) == xml_tags(spec)
    assert root.findtext("endpoints/endpoint/url") == endpoint["url"]
    assert [f.text for f in root.findall("endpoints/endpoint/formats/format")] == endpoint["formats"]


# --- services -----------------------------------------------------------------------------------
def test_services_are_the_active_categories_shaped_as_the_spec_example(client):
    Category.update(active=False).where(Category.code == "pju").execute()
    body = json_of(client.get(f"{API}/services.json"))
    active = {c.code for c in Category.select().where(Category.active == True)}  # noqa: E712
    assert {s["service_code"] for s in body} == active and "pju" not in active
    assert all(list(s) == spec_keys(SPEC_SERVICES_JSON) for s in body)
    jalan = next(s for s in body if s["service_code"] == "jalan")
    assert jalan["service_name"] == "Jalan rusak" and jalan["group"] == "Infrastruktur"
    assert jalan["metadata"] is False and jalan["type"] == "realtime"
    assert "Dinas" in jalan["description"] or "PUTR" in jalan["description"]
    root = xml_of(client.get(f"{API}/services.xml"))
    spec = ET.fromstring(SPEC_SERVICES_XML.encode())
    assert root.tag == spec.tag == "services"
    services = root.findall("service")
    assert len(services) == len(body) and all(xml_tags(s) == xml_tags(spec[0]) for s in services)
    assert {s.findtext("metadata") for s in services} == {"false"}


def test_services_speak_english_when_asked(client):
    for response in (client.get(f"{API}/services.json?locale=en"),
                     client.get(f"{API}/services.json", headers={"Accept-Language": "en-US,en;q=0.9"})):
        jalan = next(s for s in json_of(response) if s["service_code"] == "jalan")
        assert jalan["service_name"] == "Damaged road" and jalan["group"] == "Infrastructure"


def test_service_definition_and_its_404_in_both_formats(client):
    body = json_of(client.get(f"{API}/services/jalan.json"))
    assert list(body) == list(json.loads(SPEC_DEFINITION_JSON)) and body == {"service_code": "jalan", "attributes": []}
    root = xml_of(client.get(f"{API}/services/jalan.xml"))
    assert root.tag == "service_definition" and xml_tags(root) == xml_tags(ET.fromstring(SPEC_DEFINITION_XML.encode()))
    assert root.findtext("service_code") == "jalan"
    Category.update(active=False).where(Category.code == "pju").execute()
    for code in ("nothing-here", "pju"):
        missing = client.get(f"{API}/services/{code}.json")
        assert missing.status_code == 404
        errors = json_of(missing)
        assert [list(e) for e in errors] == [spec_keys(SPEC_ERRORS_JSON)] and errors[0]["code"] == 404
        missing_xml = client.get(f"{API}/services/{code}.xml")
        assert missing_xml.status_code == 404
        root = xml_of(missing_xml)
        assert root.tag == "errors" and [xml_tags(e) for e in root] == [xml_tags(ET.fromstring(SPEC_ERRORS_XML.encode())[0])]
        assert root.findtext("error/code") == "404"


def test_unknown_resource_and_format_answer_in_the_error_format(client):
    assert client.get(f"{API}/services.html").status_code == 404
    assert xml_of(client.get(f"{API}/nothing")).tag == "errors"
    assert json_of(client.get(f"{API}/nothing.json"))[0]["code"] == 404
    response = client.delete(f"{API}/requests.json")
    assert response.status_code == 405 and json_of(response)[0]["code"] == 405
    response = client.get(f"{API}/requests.json?status=open%00")  # the panel refuses NUL everywhere
    assert response.status_code == 400 and json_of(response)[0]["code"] == 400


def test_reads_may_come_from_any_web_page_posts_not(client, api_key):
    assert client.get(f"{API}/services.json").headers["Access-Control-Allow-Origin"] == "*"
    assert client.get(f"{API}/requests.xml").headers["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Origin" not in _post(client, api_key=api_key).headers


# --- GET requests ---------------------------------------------------------------------------------
def test_requests_are_public_complaints_shaped_as_the_spec_example(client):
    complaint = with_code(contact_name="Budi Santoso", contact_phone="081234567890",
                          reporter=make_reporter(first_name="Siti", last_name="Rahmawati", username="sitirah"))
    public_reply(complaint, "Tim sudah dijadwalkan menambal hari Kamis.")
    body = json_of(client.get(f"{API}/requests.json"))
    assert [r["service_request_id"] for r in body] == [complaint.tracking_code]
    found = body[0]
    assert list(found) == spec_keys(SPEC_REQUESTS_JSON)
    assert found["status"] == "open" and found["service_code"] == "jalan" and found["service_name"] == "Jalan rusak"
    assert found["status_notes"] == "Tim sudah dijadwalkan menambal hari Kamis."
    assert found["agency_responsible"] == str(complaint.assigned_opd)
    village = Desa.get(Desa.code == VILLAGE)
    assert found["address_id"] == VILLAGE and found["address"] == f"{village}, {village.kecamatan}"
    assert isinstance(found["lat"], float) and isinstance(found["long"], float)
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+07:00", found["requested_datetime"])
    assert found["expected_datetime"] is not None
    root = xml_of(client.get(f"{API}/requests.xml"))
    spec = ET.fromstring(SPEC_REQUESTS_XML.encode())
    assert root.tag == spec.tag == "service_requests" and [r.tag for r in root] == ["request"]
    assert xml_tags(root[0]) == xml_tags(spec[0])
    assert root.findtext("request/service_request_id") == complaint.tracking_code
    assert root.findtext("request/status_notes") == found["status_notes"]
    for text in (json.dumps(body, ensure_ascii=False), ET.tostring(root, encoding="unicode")):
        for personal in ("Budi", "081234567890", "Siti", "Rahmawati", "sitirah"):
            assert personal not in text


def test_one_request_by_id_in_both_formats_and_404(client):
    complaint = with_code()
    one = json_of(client.get(f"{API}/requests/{complaint.tracking_code}.json"))
    assert len(one) == 1 and one[0]["service_request_id"] == complaint.tracking_code
    lower = json_of(client.get(f"{API}/requests/{complaint.tracking_code.lower()}.json"))
    assert lower[0]["service_request_id"] == complaint.tracking_code
    root = xml_of(client.get(f"{API}/requests/{complaint.tracking_code}.xml"))
    assert root.findtext("request/service_request_id") == complaint.tracking_code
    for fmt in ("json", "xml"):
        response = client.get(f"{API}/requests/{tracking.new_code()}.{fmt}")
        assert response.status_code == 404


def test_confidential_and_hidden_complaints_are_never_returned(client):
    shown = with_code()
    secret = with_code(is_confidential=True, description="Rahasia: pungutan liar oleh oknum di kantor desa.")
    hidden = with_code(public_hidden=True, description="Nama tetangga disebut di sini, disembunyikan.")
    for complaint in (secret, hidden):
        for fmt in ("json", "xml"):
            response = client.get(f"{API}/requests/{complaint.tracking_code}.{fmt}")
            assert response.status_code == 404  # as for a code that does not exist
            text = response.get_data(as_text=True)
            assert complaint.description not in text and "Jalan rusak" not in text and "PUTR" not in text
    queries = ["", f"?service_request_id={secret.tracking_code},{hidden.tracking_code},{shown.tracking_code}",
               "?status=open", "?service_code=jalan"]
    for query in queries:
        for fmt in ("json", "xml"):
            text = client.get(f"{API}/requests.{fmt}{query}").get_data(as_text=True)
            assert shown.tracking_code in text
            for complaint in (secret, hidden):
                assert complaint.tracking_code not in text and complaint.description not in text


def test_xml_stays_well_formed_whatever_a_text_holds(client):
    complaint = with_code(description="Jalan <rusak> & berlubang \x01\x0b di \"depan\" sekolah, dekat pasar.")
    public_reply(complaint, "Catatan dengan ]]> dan \x1f karakter kendali.")
    root = xml_of(client.get(f"{API}/requests/{complaint.tracking_code}.xml"))
    # The reporter's description is never public (services.publicity): a request reads as its
    # category; the office's public reply carries the awkward characters here.
    assert root.findtext("request/description") == complaint.category.name_id
    assert root.findtext("request/status_notes") == "Catatan dengan ]]> dan  karakter kendali."
    answer = client.get(f"{API}/requests/{complaint.tracking_code}.json")
    assert json_of(answer)[0]["description"] == complaint.category.name_id
    assert "berlubang" not in answer.get_data(as_text=True)


def test_the_reporters_description_address_and_exact_point_are_never_given(client):
    complaint = with_code(description="Rumah Pak Budi Santoso di gang buntu, jalan berlubang.",
                          address_text="Gang Mawar no. 7, rumah Pak Budi", latitude=-1.8512345, longitude=109.9876543)
    for fmt in ("json", "xml"):
        for url in (f"{API}/requests/{complaint.tracking_code}.{fmt}", f"{API}/requests.{fmt}"):
            body = client.get(url).get_data(as_text=True)
            assert "Budi" not in body and "Gang Mawar" not in body and "1.8512345" not in body, url
    found = json_of(client.get(f"{API}/requests/{complaint.tracking_code}.json"))[0]
    assert (found["lat"], found["long"]) == (-1.8512, 109.9877)


def test_private_notes_and_the_reporters_words_are_not_status_notes(client):
    complaint = with_code()
    public_reply(complaint, "Sudah kami survei, perbaikan minggu depan.")
    public_reply(complaint, "Catatan pribadi untuk pelapor: nomor HP petugas 0812-0000.", private=True)
    StatusChange.create(complaint=complaint, from_status=complaint.status, to_status=complaint.status,
                        note="Saya pelapor, menambahkan keterangan.", actor_reporter=complaint.reporter)
    found = json_of(client.get(f"{API}/requests/{complaint.tracking_code}.json"))[0]
    assert found["status_notes"] == "Sudah kami survei, perbaikan minggu depan."


def test_status_mapping_filters_and_dates(client):
    now = utcnow()
    made = {status: with_code(status=status) for status in st.ALL}
    old = with_code(created_at=now - timedelta(days=120))
    sampah = with_code(category=Category.get(Category.code == "sampah"))

    def ids(query, fmt="json"):
        response = client.get(f"{API}/requests.{fmt}{query}")
        assert response.status_code == 200, response.get_data(as_text=True)
        if fmt == "xml":
            return {r.findtext("service_request_id") for r in xml_of(response)}
        return {r["service_request_id"] for r in json_of(response)}

    opened = {made[s].tracking_code for s in st.OPEN} | {sampah.tracking_code}
    closed = {made[s].tracking_code for s in (st.RESOLVED, st.CLOSED, st.REJECTED)}
    assert opened | closed == {c.tracking_code for c in made.values()} | {sampah.tracking_code}
    for fmt in ("json", "xml"):
        assert ids("", fmt) == opened | closed  # the default window: the last 90 days
        assert ids("?status=open", fmt) == opened
        assert ids("?status=closed", fmt) == closed
        assert ids("?status=open,closed", fmt) == opened | closed
        assert ids("?service_code=sampah", fmt) == {sampah.tracking_code}
        assert ids("?service_code=sampah,jalan&status=closed", fmt) == closed
    start = (now - timedelta(days=130)).strftime("%Y-%m-%dT%H:%M:%SZ")
    end = (now - timedelta(days=100)).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert ids(f"?start_date={start}&end_date={end}") == {old.tracking_code}
    assert ids(f"?start_date={start}") == {old.tracking_code}  # 90 days from a lone start
    local_end = (now + timedelta(hours=7, minutes=1)).strftime("%Y-%m-%dT%H:%M:%S+07:00")
    assert ids(f"?end_date={local_end}") == opened | closed  # "+" unencoded: a space
    assert ids(f"?end_date={local_end.replace('+', '%2B')}") == opened | closed
    # service_request_id overrides every other filter (the spec), the old one included
    both = f"{old.tracking_code},{made[st.CLOSED].tracking_code}"
    assert ids(f"?service_request_id={both}&status=open&service_code=sampah") == set(both.split(","))
    for bad in ("?status=pending", "?start_date=yesterday", "?end_date=2026-13-01T00:00:00Z",
                f"?start_date={(now - timedelta(days=200)).isoformat()}Z&end_date={now.isoformat()}Z",
                f"?start_date={end}&end_date={start}"):
        for fmt in ("json", "xml"):
            response = client.get(f"{API}/requests.{fmt}{bad}")
            assert response.status_code == 400, (bad, response.get_data(as_text=True))
            code = (json_of(response)[0]["code"] if fmt == "json" else int(xml_of(response).findtext("error/code")))
            assert code == 400


def test_at_most_1000_requests_newest_first(client, monkeypatch):
    monkeypatch.setattr(open311, "MAX_REQUESTS", 3)  # the same cap, smaller: 1000 rows would only be slow
    now = utcnow()
    made = [with_code(created_at=now - timedelta(minutes=i)) for i in range(5)]
    body = json_of(client.get(f"{API}/requests.json"))
    assert [r["service_request_id"] for r in body] == [c.tracking_code for c in made[:3]]
    assert open311.MAX_REQUESTS == 3 and open311.WINDOW_DAYS == 90


# --- POST requests --------------------------------------------------------------------------------
def _post(client, fmt="json", **fields):
    village = Desa.get(Desa.code == VILLAGE)
    data = {"service_code": "jalan", "lat": str(village.centroid_lat), "long": str(village.centroid_lon),
            "description": DESCRIPTION, "first_name": "Budi", "last_name": "Santoso", "email": "budi@example.org",
            "phone": "081234567890", "media_url": "http://169.254.169.254/latest/meta-data/"}
    data.update(fields)
    return client.post(f"{API}/requests.{fmt}", data={k: v for k, v in data.items() if v is not None})


def test_post_creates_a_complaint_the_worker_routes_with_deadlines(client, api_key, run_worker):
    response = _post(client, api_key=api_key)
    assert response.status_code == 200, response.get_data(as_text=True)
    body = json_of(response)
    assert list(body[0]) == [k for k in json.loads(SPEC_POST_JSON)[0]]
    code = body[0]["service_request_id"]
    assert tracking.normalize(code) == code and body[0]["account_id"] is None
    assert "PUTR" in body[0]["service_notice"] or "Dinas" in body[0]["service_notice"]
    complaint = Complaint.get(Complaint.tracking_code == code)
    assert complaint.channel == "open311" and complaint.reporter_id is None
    assert (complaint.contact_name, complaint.contact_phone, complaint.contact_email) == (
        "Budi Santoso", "081234567890", "budi@example.org")
    assert complaint.desa.code == VILLAGE and complaint.status == st.NEW
    assert not complaint.photos.exists()  # media_url is never fetched
    run_worker()
    complaint = Complaint.get_by_id(complaint.id)
    assert complaint.status == st.ASSIGNED and complaint.assigned_opd.code == "DPUTR"
    assert complaint.response_due_at is not None and complaint.resolution_due_at is not None
    assert complaint.response_due_at < complaint.resolution_due_at
    # ... and it can be read back, without the poster's contact
    back = client.get(f"{API}/requests/{code}.json")
    assert json_of(back)[0]["status"] == "open" and "Budi" not in back.get_data(as_text=True)
    assert ApiKey.get(ApiKey.label == "Mitra uji").last_used_at is not None


def test_post_in_xml_and_by_address(client, api_key, run_worker):
    response = _post(client, "xml", api_key=api_key, lat=None, long=None,
                     address_string="Jl. Raya Sungai Putri dekat masjid, Desa Sungai Putri")
    assert response.status_code == 200, response.get_data(as_text=True)
    root = xml_of(response)
    spec = ET.fromstring(SPEC_POST_XML.encode())
    assert root.tag == "service_requests" and xml_tags(root[0]) == xml_tags(spec[0])
    complaint = Complaint.get(Complaint.tracking_code == root.findtext("request/service_request_id"))
    assert complaint.latitude is None and "Sungai Putri" in complaint.address_text
    by_id = json_of(_post(client, api_key=api_key, lat=None, long=None, address_id=VILLAGE))
    village_complaint = Complaint.get(Complaint.tracking_code == by_id[0]["service_request_id"])
    assert village_complaint.desa.code == VILLAGE
    run_worker()
    for made in (complaint, village_complaint):
        assert Complaint.get_by_id(made.id).assigned_opd.code == "DPUTR"


@pytest.mark.parametrize("fields, status, says", [
    ({"api_key": None}, 403, "api_key"),
    ({"api_key": "o311_wrong"}, 403, "api_key"),
    ({"service_code": None}, 400, "service_code"),
    ({"service_code": "bukan-kategori"}, 400, "bukan-kategori"),
    ({"description": None}, 400, "description"),
    ({"description": "jalan rusak"}, 400, "description"),
    ({"description": "\u200b" * 40}, 400, "description"),
    ({"description": "x" * 5000}, 400, "description"),
    ({"lat": None, "long": None}, 400, "address_string"),
    ({"lat": "abc"}, 400, "lat"),
    ({"lat": "nan"}, 400, "lat"),
    ({"long": None}, 400, "long"),
    ({"lat": "-6.2", "long": "106.8"}, 400, "Ketapang"),  # Jakarta: outside every village
    ({"lat": None, "long": None, "address_string": "dekat"}, 400, "address_string"),
    ({"lat": None, "long": None, "address_id": "99.99"}, 400, "address_id"),
])
def test_post_refusals_in_the_spec_error_format(client, api_key, fields, status, says):
    fields = {"api_key": api_key, **fields}
    for fmt in ("json", "xml"):
        response = _post(client, fmt, **fields)
        assert response.status_code == status, response.get_data(as_text=True)
        if fmt == "json":
            errors = json_of(response)
            assert [list(e) for e in errors] == [spec_keys(SPEC_ERRORS_JSON)] and errors[0]["code"] == status
            assert says in errors[0]["description"]
        else:
            root = xml_of(response)
            assert root.tag == "errors" and root.findtext("error/code") == str(status)
            assert says in root.findtext("error/description")
    assert not Complaint.select().where(Complaint.channel == "open311").exists()


def test_post_errors_speak_english_when_asked(client, api_key):
    response = _post(client, api_key=api_key, description="pendek", locale="en")
    assert "too short" in json_of(response)[0]["description"]
    response = _post(client, api_key=api_key, description="pendek")
    assert "terlalu pendek" in json_of(response)[0]["description"]


def test_posts_are_rate_limited_per_key(seeded, redis_conn):
    from panel import create_app

    client = create_app(seeded.with_(OPEN311_POSTS_PER_MINUTE=2)).test_client()
    _, first = open311.issue_key("Mitra A", None)
    _, second = open311.issue_key("Mitra B", None)
    assert [_post(client, api_key=first).status_code for _ in range(3)] == [200, 200, 429]
    limited = _post(client, api_key=first)
    assert limited.status_code == 429 and json_of(limited)[0]["code"] == 429
    assert 1 <= int(limited.headers["Retry-After"]) <= 60
    assert _post(client, api_key=second).status_code == 200  # another key has its own budget
    assert Complaint.select().where(Complaint.channel == "open311").count() == 3


# --- the panel's API keys ---------------------------------------------------------------------------
@pytest.mark.parametrize("role", [r for r in models.ROLES if r != models.ROLE_MAIN_ADMIN])
def test_only_the_main_admin_reaches_the_api_keys(client, role):
    _, plain = open311.issue_key("Mitra rahasia", None)
    logged_in(client, role)
    for url in ("/admin/apikey/", "/admin/apikey/new/", f"/admin/apikey/details/?id={ApiKey.get().id}"):
        response = client.get(url)
        assert response.status_code == 403, (url, response.status_code)
        assert "Mitra rahasia" not in response.get_data(as_text=True)
    response = client.post("/admin/apikey/new/", data={"label": "Penyusup"})
    assert response.status_code in (400, 403)  # CSRF or the role: either way nothing is made
    response = client.post("/admin/apikey/action/", data={"action": "revoke", "rowid": str(ApiKey.get().id)})
    assert response.status_code in (400, 403)
    assert ApiKey.select().count() == 1 and ApiKey.get().revoked_at is None
    assert open311.key_for(plain) is not None


def test_main_admin_creates_a_key_shown_once_and_revokes_it_at_once(client):
    logged_in(client, models.ROLE_MAIN_ADMIN, opd="DISKOMINFO")
    response = post_form(client, "/admin/apikey/new/", "/admin/apikey/new/", {"label": "LAPOR! SP4N"})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    keys = re.findall(r"o311_[A-Za-z0-9_-]{40,}", page)
    assert len(set(keys)) == 1
    plain = keys[0]
    row = ApiKey.get(ApiKey.label == "LAPOR! SP4N")
    assert row.key_hash == open311.hash_key(plain) and plain not in (row.key_hash, row.prefix)
    assert row.created_by.role == models.ROLE_MAIN_ADMIN
    listing = client.get("/admin/apikey/").get_data(as_text=True)
    assert "LAPOR! SP4N" in listing and row.prefix in listing and plain not in listing
    details = client.get(f"/admin/apikey/details/?id={row.id}").get_data(as_text=True)
    assert plain not in details and row.key_hash not in details
    assert _post(client, api_key=plain).status_code == 200
    page = client.get("/admin/apikey/").get_data(as_text=True)
    response = client.post("/admin/apikey/action/", data={"action": "revoke", "rowid": str(row.id),
                                                          "csrf_token": csrf_from(page)}, follow_redirects=True)
    assert response.status_code == 200
    assert ApiKey.get_by_id(row.id).revoked_at is not None
    refused = _post(client, api_key=plain)
    assert refused.status_code == 403 and json_of(refused)[0]["code"] == 403


def test_migration_step_creates_the_api_key_table(seeded):
    import migrations

    step = next(fn for _, description, fn in migrations.STEPS if description.startswith("open311"))
    models.db.drop_tables([ApiKey])
    assert not ApiKey.table_exists()
    for operation in step(migrations._migrator()):
        operation.run()
    assert ApiKey.table_exists()
    open311.issue_key("setelah migrasi", make_official(models.ROLE_MAIN_ADMIN, opd="DISKOMINFO"))
