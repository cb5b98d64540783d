"""The public pages (/publik): list with filters and pages, the map's clusters, a complaint's
page, performance, the code lookup with its rate limit; the panel's controls of what is public.
The privacy test lives in test_public_privacy.py."""
from datetime import timedelta

import migrations
import models
from core import status as st
from core import tracking
from models import Category, Complaint, Desa, StatusChange, utcnow
from services.complaints import status_door
from tests.factories import make_complaint
from tests.panelkit import app, client, logged_in, post_form  # noqa: F401 (fixtures)


def code() -> str:
    return tracking.new_code()


def public(**overrides) -> Complaint:
    overrides.setdefault("tracking_code", code())
    return make_complaint(**overrides)


def text(response) -> str:
    return response.get_data(as_text=True)


def test_the_list_shows_public_complaints_newest_first_in_indonesian_and_english(client):
    now = utcnow()
    older = public(created_at=now - timedelta(days=3))
    newer = public(created_at=now - timedelta(hours=1))
    page = client.get("/publik/")
    assert page.status_code == 200
    html = text(page)
    assert html.index(newer.tracking_code) < html.index(older.tracking_code)
    assert "Aduan Publik" in html and "Jalan" in html and "Sungai Putri" in html and "Diteruskan" in html
    assert page.headers["Cache-Control"].startswith("public, max-age=")
    english = text(client.get("/publik/?lang=en"))
    assert "Public complaints" in english and "Aduan Publik" not in english and "Assigned" in english
    assert 'href="/publik/kinerja?lang=en"' in english  # links keep the language
    assert "Set-Cookie" not in page.headers  # nothing personal, nothing per visitor


def test_filters_by_category_status_village_kecamatan_and_period(client):
    now = utcnow()
    jalan = public()
    sampah_cat = Category.get(Category.code != "jalan", Category.village_level == False)  # noqa: E712
    other = public(category=sampah_cat, status=st.IN_PROGRESS, first_response_at=now)
    other_desa = Desa.get(Desa.kecamatan != jalan.desa.kecamatan)
    elsewhere = public(desa=other_desa)
    old = public(created_at=now - timedelta(days=200))

    def codes(query):
        html = text(client.get("/publik/?" + query))
        return {c.tracking_code for c in (jalan, other, elsewhere, old) if c.tracking_code in html}

    assert codes(f"kategori={sampah_cat.id}") == {other.tracking_code}
    assert codes("status=in_progress") == {other.tracking_code}
    assert codes(f"desa={other_desa.id}") == {elsewhere.tracking_code}
    assert codes(f"kecamatan={jalan.desa.kecamatan_id}") == {jalan.tracking_code, other.tracking_code,
                                                             old.tracking_code}
    assert codes(f"kecamatan={other_desa.kecamatan_id}") == {elsewhere.tracking_code}
    assert codes("periode=30") == {jalan.tracking_code, other.tracking_code, elsewhere.tracking_code}
    # Nonsense filters are ignored, never an error.
    assert client.get("/publik/?kategori=abc&status=<x>&periode=7&hal=-3&per=99999").status_code == 200


def test_pages_stop_at_the_configured_depth_and_size(app):
    from services import runtime

    runtime.use(runtime.config().with_(PUBLIC_PAGE_SIZE=2, PUBLIC_MAX_PAGE=2))
    client = app.test_client()
    made = [public(created_at=utcnow() - timedelta(minutes=i)) for i in range(5)]
    first = text(client.get("/publik/"))
    assert made[0].tracking_code in first and made[1].tracking_code in first and made[2].tracking_code not in first
    assert 'rel="next"' in first and "hal=2" in first
    second = text(client.get("/publik/?hal=2"))
    assert made[2].tracking_code in second and made[3].tracking_code in second
    assert 'rel="next"' not in second and "berhenti di halaman 2" in second
    beyond = text(client.get("/publik/?hal=9"))  # past the deepest page: the deepest page
    assert made[2].tracking_code in beyond and made[4].tracking_code not in beyond


def test_the_map_json_clusters_at_low_zoom_and_gives_rounded_points_at_high_zoom(client):
    desa = Desa.get(Desa.code == "61.04.01.2011")
    lat, lon = desa.centroid_lat, desa.centroid_lon
    near = [public(latitude=lat + i * 0.00001, longitude=lon + 0.0000123) for i in range(4)]
    far = public(latitude=lat + 0.5, longitude=lon + 0.5)
    bbox = f"{lon - 1},{lat - 1},{lon + 1},{lat + 1}"
    low = client.get(f"/publik/peta.json?z=8&bbox={bbox}").get_json()
    assert low["points"] == [] and sorted(c["count"] for c in low["clusters"]) == [1, 4]
    assert sum(c["count"] for c in low["clusters"]) == 5
    high = client.get(f"/publik/peta.json?z=17&bbox={lon - 0.001},{lat - 0.001},{lon + 0.001},{lat + 0.001}").get_json()
    assert high["clusters"] == [] and {p["code"] for p in high["points"]} == {c.tracking_code for c in near}
    assert all(round(p["lat"], 4) == p["lat"] and round(p["lon"], 4) == p["lon"] for p in high["points"])
    assert far.tracking_code not in str(high)
    # A category filter applies to the map too.
    other = Category.get(Category.code != "jalan")
    assert client.get(f"/publik/peta.json?z=8&bbox={bbox}&kategori={other.id}").get_json()["clusters"] == []
    for bad in ("", "z=8", "bbox=1,2,3", "z=x&bbox=" + bbox, "z=8&bbox=5,5,1,1", "z=8&bbox=nan,1,2,3"):
        assert client.get("/publik/peta.json?" + bad).status_code == 400


def test_too_many_points_at_high_zoom_become_clusters(app):
    from services import runtime

    runtime.use(runtime.config().with_(PUBLIC_MAP_MAX_POINTS=2))
    desa = Desa.get(Desa.code == "61.04.01.2011")
    for i in range(3):
        public(latitude=desa.centroid_lat + i * 0.0001, longitude=desa.centroid_lon)
    box = f"{desa.centroid_lon - 0.002},{desa.centroid_lat - 0.002},{desa.centroid_lon + 0.002},{desa.centroid_lat + 0.002}"
    data = app.test_client().get(f"/publik/peta.json?z=17&bbox={box}").get_json()
    assert data["points"] == [] and sum(c["count"] for c in data["clusters"]) == 3


def test_a_complaints_page_shows_the_offices_public_replies_only(client):
    complaint = public()
    staff = models.Official.get_or_none(models.Official.role == models.ROLE_OPD_STAFF)
    status_door.change_status(complaint.id, status_door.Change(
        to_status=st.IN_PROGRESS, note="Tim PUTR menambal jalan minggu ini.", actor=staff, actor_label="Dinas PUTR"))
    StatusChange.create(complaint=complaint, from_status=st.IN_PROGRESS, to_status=st.IN_PROGRESS,
                        note="Catatan PRIVAT-KANTOR untuk pelapor", note_private=True, office_label="Dinas PUTR")
    StatusChange.create(complaint=complaint, from_status=st.IN_PROGRESS, to_status=st.IN_PROGRESS,
                        note="Catatan INTERNAL-KANTOR", visible_to_reporter=False, office_label="Dinas PUTR")
    page = client.get(f"/publik/aduan/{complaint.tracking_code}")
    html = text(page)
    assert page.status_code == 200 and "Tim PUTR menambal jalan minggu ini." in html
    assert "PRIVAT-KANTOR" not in html and "INTERNAL-KANTOR" not in html
    assert complaint.description not in html  # the reporter's own words are never public
    assert "Diproses" in html and "PUTR" in html
    assert client.get("/publik/aduan/NOPE-NOPE").status_code == 404
    hidden = public(public_hidden=True)
    assert client.get(f"/publik/aduan/{hidden.tracking_code}").status_code == 404


def test_performance_page_per_opd_and_village_in_both_languages(client):
    now = utcnow()
    public(first_response_at=now - timedelta(hours=1), created_at=now - timedelta(hours=5),
           assigned_at=now - timedelta(hours=5), response_due_at=now + timedelta(hours=40), rating=4)
    village_cat = Category.get(Category.village_level == True)  # noqa: E712
    public(category=village_cat)
    html = text(client.get("/publik/kinerja"))
    assert "Kinerja penanganan aduan" in html and "PUTR" in html and "100.0%" in html and "4.0 jam" in html
    assert 'id="perf-desa"' in html and "Sungai Putri" in html
    english = text(client.get("/publik/kinerja?lang=en&periode=30"))
    assert "Complaint handling performance" in english and "4.0 h" in english
    assert client.get("/publik/kinerja?periode=zzz").status_code == 200


def test_performance_is_cached_then_served_stale_while_a_worker_refreshes_it(client, redis_conn, run_worker):
    import json

    client.get("/publik/kinerja?periode=30")
    keys = [k for k in redis_conn.keys("*:public:*") if b'"perf",30' in k]
    assert len(keys) == 1 and redis_conn.ttl(keys[0]) > 300
    public(first_response_at=utcnow())
    assert "PUTR" not in text(client.get("/publik/kinerja?periode=30"))  # fresh: the kept answer
    entry = json.loads(redis_conn.get(keys[0]))
    entry["at"] -= 301  # older than PUBLIC_CACHE_SECONDS
    redis_conn.set(keys[0], json.dumps(entry))
    assert "PUTR" not in text(client.get("/publik/kinerja?periode=30"))  # stale, served at once...
    run_worker()  # ...while one job computes it again
    assert "PUTR" in text(client.get("/publik/kinerja?periode=30"))
    assert not [k for k in redis_conn.keys("*refreshing")]


def test_hiding_a_complaint_empties_the_public_cache(client, redis_conn):
    from services import public_stats

    complaint = public()
    desa = complaint.desa
    url = f"/publik/peta.json?z=8&bbox={desa.centroid_lon - 1},{desa.centroid_lat - 1},{desa.centroid_lon + 1},{desa.centroid_lat + 1}"
    assert client.get(url).get_json()["clusters"]
    Complaint.update(public_hidden=True).where(Complaint.id == complaint.id).execute()
    public_stats.forget_map()
    assert client.get(url).get_json()["clusters"] == []


def test_lookup_by_code_public_confidential_unknown_and_bad_input(client):
    shown = public()
    status_door.change_status(shown.id, status_door.Change(to_status=st.IN_PROGRESS, note="Sedang dikerjakan PUTR.",
                                                           actor_label="Dinas PUTR"))
    secret = public(is_confidential=True, description="Rahasia RAHASIA-KATA tentang kepala dinas.")
    status_door.change_status(secret.id, status_door.Change(to_status=st.IN_PROGRESS, note="JAWABAN-RAHASIA",
                                                            actor_label="Dinas PUTR"))
    html = text(client.get(f"/publik/lacak?kode={shown.tracking_code.lower().replace('-', ' ')}"))
    assert shown.tracking_code in html and "Sedang dikerjakan PUTR." in html and "PUTR" in html and "Diproses" in html
    page = client.get(f"/publik/lacak?kode={secret.tracking_code}")
    html = text(page)
    assert page.status_code == 200 and "Diproses" in html and 'id="lookup-private"' in html
    assert page.headers["Cache-Control"] == "no-store"
    for absent in ("JAWABAN-RAHASIA", "RAHASIA-KATA", "PUTR", "Jalan", "Sungai Putri", "aduan/"):
        assert absent not in html.split('id="lookup-form"')[1], absent
    unknown = client.get(f"/publik/lacak?kode={code()}")
    assert unknown.status_code == 404 and "Tidak ada aduan dengan kode itu." in text(unknown)
    bad = client.get("/publik/lacak?kode=<script>alert(1)</script>")
    assert bad.status_code == 404 and "bukan kode pelacakan yang sah" in text(bad) and "<script>alert" not in text(bad)
    assert client.get("/publik/lacak").status_code == 200
    assert "Track a complaint" in text(client.get("/publik/lacak?lang=en"))


def test_lookups_are_rate_limited_per_address(app):
    from services import runtime

    runtime.use(runtime.config().with_(PUBLIC_LOOKUP_MAX=3))
    client = app.test_client()
    complaint = public()
    for _ in range(3):
        assert client.get(f"/publik/lacak?kode={code()}").status_code == 404
    refused = client.get(f"/publik/lacak?kode={complaint.tracking_code}")
    assert refused.status_code == 429 and "Terlalu banyak pencarian" in text(refused)
    assert complaint.tracking_code not in text(refused).split('id="lookup-form"')[1].split("</form>")[1]
    other = client.get(f"/publik/lacak?kode={complaint.tracking_code}", environ_base={"REMOTE_ADDR": "10.0.0.9"})
    assert other.status_code == 200


def test_photos_only_with_consent(client, seeded):
    from sandbox.botapi import sample_jpeg
    from services import media

    def with_photo(**kw):
        complaint = public(**kw)
        saved = media.store_photo(sample_jpeg(64, 48), seeded.MEDIA_DIR, complaint.tracking_code)
        photo = models.Photo.create(complaint=complaint, path=saved.path, sha256=saved.sha256, size=saved.size)
        return complaint, photo

    agreed, agreed_photo = with_photo(photos_public=True)
    refused, refused_photo = with_photo(photos_public=False)
    _, followup = with_photo(photos_public=True)
    models.Photo.update(kind="followup").where(models.Photo.id == followup.id).execute()
    assert f"/publik/foto/{agreed_photo.id}" in text(client.get(f"/publik/aduan/{agreed.tracking_code}"))
    assert client.get(f"/publik/foto/{agreed_photo.id}").status_code == 200
    assert "/publik/foto/" not in text(client.get(f"/publik/aduan/{refused.tracking_code}"))
    assert client.get(f"/publik/foto/{refused_photo.id}").status_code == 404
    assert client.get(f"/publik/foto/{followup.id}").status_code == 404


def test_public_pages_can_be_switched_off(app):
    from services import runtime

    runtime.use(runtime.config().with_(PUBLIC_PAGES=False))
    assert app.test_client().get("/publik/").status_code == 404


# --- the panel's controls ------------------------------------------------------------------------
def _page(complaint):
    return f"/admin/complaint/details/?id={complaint.id}"


def test_an_office_hides_a_complaint_from_the_public_pages_and_shows_it_again(client):
    complaint = public()
    logged_in(client, models.ROLE_OPD_STAFF)
    page = text(client.get(_page(complaint)))
    assert "Jangan tampilkan di halaman publik" in page
    response = post_form(client, _page(complaint), f"/admin/complaint/publicity/?id={complaint.id}",
                         {"publicity-public_hidden": "y"}, follow_redirects=True)
    assert "tidak lagi tampil di halaman publik" in text(response)
    assert Complaint.get_by_id(complaint.id).public_hidden
    assert complaint.tracking_code not in text(client.get("/publik/"))
    post_form(client, _page(complaint), f"/admin/complaint/publicity/?id={complaint.id}", {})
    assert not Complaint.get_by_id(complaint.id).public_hidden


def test_an_office_of_another_complaint_cannot_hide_it(client):
    complaint = public()
    logged_in(client, models.ROLE_OPD_STAFF, opd="DLH")
    page = client.get("/publik/")
    from tests.panelkit import csrf_from

    token = csrf_from(text(client.get("/admin/")))
    response = client.post(f"/admin/complaint/publicity/?id={complaint.id}", data={"csrf_token": token,
                                                                                  "publicity-public_hidden": "y"})
    assert response.status_code in (403, 404) and page.status_code == 200
    assert not Complaint.get_by_id(complaint.id).public_hidden


def test_a_private_note_reaches_the_reporter_but_not_the_public(client):
    complaint = public()
    logged_in(client, models.ROLE_OPD_STAFF)
    post_form(client, _page(complaint), f"/admin/complaint/act/accept/?id={complaint.id}",
              {"accept-note": "Petugas kami Pak Budi 0812-PRIVAT akan datang.", "accept-note_private": "y"})
    history = StatusChange.get(StatusChange.complaint == complaint, StatusChange.to_status == st.IN_PROGRESS)
    assert history.note_private and history.visible_to_reporter
    assert "0812-PRIVAT" in models.OutboundMessage.get(models.OutboundMessage.complaint == complaint).text
    assert "0812-PRIVAT" not in text(client.get(f"/publik/aduan/{complaint.tracking_code}"))
    assert "Diproses" in text(client.get(f"/publik/aduan/{complaint.tracking_code}"))


def test_the_migration_step_adds_the_public_indexes(db):
    step = next(fn for _v, description, fn in migrations.STEPS if description.startswith("public pages"))
    for name, _ in models.PUBLIC_INDEXES:
        models.db.execute_sql(f"DROP INDEX IF EXISTS {name}")
    from playhouse.migrate import migrate

    migrate(*step(migrations._migrator()))
    names = {index.name for index in models.db.get_indexes("complaint")}
    assert {name for name, _ in models.PUBLIC_INDEXES} <= names
    assert step(migrations._migrator()) == []  # run again: nothing to add
