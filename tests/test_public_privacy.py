"""Privacy of the public pages: confidential and anonymous complaints, filed through the bot's
own filing service with distinctive names, contacts, words and photos, leave no trace on ANY
public URL (tests/publickit.py walks them all: pages, filters, languages, the map's JSON at every
zoom, complaint pages and photos by id). Confidential: nothing at all (not the code, not a count
by place, not a village in the performance tables); anonymous and every other complaint: never
the reporter, never the reporter's words.
"""
import json
from datetime import timedelta

from core import status as st
from core import tracking
from models import Category, Complaint, Desa, Photo, Reporter, StatusChange, utcnow
from services import media, public_stats
from services.complaints import status_door
from tests.factories import make_complaint, make_reporter
from tests.panelkit import app, client  # noqa: F401 (fixtures)
from tests.publickit import public_urls, uncovered_rules

SECRET_WORDS = ["ZQXRAHASIAKATA", "ZQXNAMARAHASIA", "zqxrahasia_user", "081299911177", "zqx@rahasia.example",
                "ZQXKONTAKRAHASIA", "ZQXJAWABANRAHASIA", "ZQXFOTORAHASIA"]
ANON_WORDS = ["ZQXANONKATA", "ZQXNAMAANON", "zqxanon_user", "081288822266", "zqx@anon.example", "ZQXKONTAKANON",
              "ZQXNAMAPUBLIK", "ZQXPUBLIKKATA", "ZQXLANJUTAN", "ZQXPRIVATNOTE"]
TELEGRAM_IDS = [987650000111, 987650000222, 987650000333]


def _photo(complaint, seeded, kind="report"):
    from sandbox.botapi import sample_jpeg

    saved = media.store_photo(sample_jpeg(80, 60), seeded.MEDIA_DIR, complaint.tracking_code)
    return Photo.create(complaint=complaint, path=saved.path, sha256=saved.sha256, size=saved.size, kind=kind)


def _world(seeded):
    """A public complaint, a confidential and an anonymous one (and their history), in places of
    their own: the confidential ones in a village with no public complaint."""
    desa_public = Desa.get(Desa.code == "61.04.01.2011")
    desa_secret = Desa.get((Desa.kecamatan != desa_public.kecamatan) & Desa.centroid_lat.is_null(False))
    village_cat = Category.get(Category.village_level == True)  # noqa: E712
    now = utcnow()

    shown = make_complaint(tracking_code=tracking.new_code(), photos_public=True,
                           reporter=make_reporter(first_name="ZQXNAMAPUBLIK", telegram_id=TELEGRAM_IDS[0]),
                           description="Jalan rusak ZQXPUBLIKKATA di depan rumah saya.")
    status_door.change_status(shown.id, status_door.Change(to_status=st.IN_PROGRESS, note="Kami perbaiki minggu ini.",
                                                           actor_label="Dinas PUTR"))
    status_door.change_status(shown.id, status_door.Change(to_status=st.RESOLVED, note="Pak ZQXPRIVATNOTE dihubungi.",
                                                           actor_label="Dinas PUTR", note_private=True))
    status_door.add_note(shown.id, "ZQXLANJUTAN masih berlubang", reporter_actor=shown.reporter,
                         visible_to_reporter=True)
    _photo(shown, seeded)
    _photo(shown, seeded, kind="followup")

    secrets = []
    for category in (None, village_cat):
        kwargs = {"category": category} if category else {}
        secret = make_complaint(
            tracking_code=tracking.new_code(), is_confidential=True, photos_public=True, desa=desa_secret,
            latitude=desa_secret.centroid_lat, longitude=desa_secret.centroid_lon,
            reporter=make_reporter(first_name="ZQXNAMARAHASIA", username="zqxrahasia_user", phone="081299911177",
                                   telegram_id=TELEGRAM_IDS[1] + len(secrets)),
            contact_name="ZQXKONTAKRAHASIA", contact_phone="081299911177", contact_email="zqx@rahasia.example",
            description="Pungli ZQXRAHASIAKATA oleh petugas.", first_response_at=now, rating=1,
            created_at=now - timedelta(days=1), **kwargs)
        status_door.change_status(secret.id, status_door.Change(
            to_status=st.IN_PROGRESS, note="ZQXJAWABANRAHASIA", actor_label="Dinas PUTR"))
        _photo(secret, seeded)
        secrets.append(secret)

    anon = make_complaint(
        tracking_code=tracking.new_code(), is_anonymous=True,
        reporter=make_reporter(first_name="ZQXNAMAANON", username="zqxanon_user", phone="081288822266",
                               telegram_id=TELEGRAM_IDS[2]),
        contact_name="ZQXKONTAKANON", contact_phone="081288822266", contact_email="zqx@anon.example",
        description="Sampah ZQXANONKATA menumpuk.")
    status_door.change_status(anon.id, status_door.Change(to_status=st.IN_PROGRESS, note="Diangkut besok.",
                                                          actor_label="Dinas PUTR"))
    _photo(anon, seeded)  # no consent given
    return shown, secrets, anon, desa_secret


def test_nothing_of_confidential_complaints_and_no_reporter_appears_on_any_public_url(app, seeded):
    client = app.test_client()
    shown, secrets, anon, desa_secret = _world(seeded)
    codes = [c.tracking_code for c in Complaint.select()]
    urls = public_urls(app, codes, [p.id for p in Photo.select()])
    assert uncovered_rules(app, urls) == [], "a public route is not walked by tests/publickit.py"

    secret_codes = [s.tracking_code for s in secrets]
    bodies = {}
    for url in urls:
        response = client.get(url)
        assert response.status_code in (200, 404), (url, response.status_code)
        body = response.get_data(as_text=True) if not response.mimetype.startswith("image/") else ""
        bodies[url] = (response, body)
        for word in SECRET_WORDS + ANON_WORDS + secret_codes + [str(i) for i in TELEGRAM_IDS]:
            assert word not in body, (url, word)
        assert anon.description not in body and shown.description not in body

    # Confidential complaints' pages and photos do not exist for the public; consented photos do.
    for secret in secrets:
        assert bodies[f"/publik/aduan/{secret.tracking_code}"][0].status_code == 404
        for photo in secret.photos:
            assert bodies[f"/publik/foto/{photo.id}"][0].status_code == 404
    for photo in anon.photos:
        assert bodies[f"/publik/foto/{photo.id}"][0].status_code == 404
    shown_photos = {p.kind: p.id for p in shown.photos}
    assert bodies[f"/publik/foto/{shown_photos['report']}"][0].status_code == 200
    assert bodies[f"/publik/foto/{shown_photos['followup']}"][0].status_code == 404  # the reporter's later photo
    assert bodies[f"/publik/aduan/{anon.tracking_code}"][0].status_code == 200  # anonymous: public, no reporter

    # Not in counts by place: the map counts the public complaints only, at every zoom, and
    # nothing is drawn where only the confidential ones are.
    public_count = Complaint.select().where(~Complaint.is_confidential & ~Complaint.public_hidden).count()
    for url, (response, body) in bodies.items():
        if "/peta.json" in url and "bbox=-180" in url:
            data = json.loads(body)
            assert sum(c["count"] for c in data["clusters"]) + len(data["points"]) == public_count, url
            for item in data["clusters"] + data["points"]:
                assert (abs(item["lat"] - desa_secret.centroid_lat) > 0.001
                        or abs(item["lon"] - desa_secret.centroid_lon) > 0.001), (url, item)
    # Not in the performance tables either: the confidential ones' village has no line.
    for url, (response, body) in bodies.items():
        if "/kinerja" in url:
            assert desa_secret.name not in body, url
    # Nor in the list filtered by their village.
    listing = bodies[f"/publik/?desa={desa_secret.id}"][1]
    assert 'id="no-results"' in listing


def test_a_confidential_code_tells_its_holder_the_status_and_dates_only(client, seeded):
    shown, secrets, anon, desa_secret = _world(seeded)
    for secret in secrets:
        page = client.get(f"/publik/lacak?kode={secret.tracking_code}")
        body = page.get_data(as_text=True)
        assert page.status_code == 200 and secret.tracking_code in body and "Diproses" in body
        result = body.split('id="lookup-result"')[1]
        for word in SECRET_WORDS + ["PUTR", desa_secret.name, "aduan/", "/foto/"]:
            assert word not in result, word
        assert page.headers["Cache-Control"] == "no-store"
    body = client.get(f"/publik/lacak?kode={anon.tracking_code}").get_data(as_text=True)
    for word in ANON_WORDS:
        assert word not in body, word
    assert "Diangkut besok." in body  # the office's public reply


def test_the_words_looked_for_are_really_there(app, seeded):
    """The walk's absences mean something: the distinctive words are stored, and a page that
    printed the complaint's own fields (as the panel does) would show them."""
    shown, secrets, anon, desa_secret = _world(seeded)
    urls = public_urls(app, [anon.tracking_code], [])
    assert f"/publik/aduan/{anon.tracking_code}" in urls
    stored = " ".join([str(Reporter.get_by_id(anon.reporter_id)), anon.description, anon.contact_email,
                       secrets[0].description, secrets[0].contact_name])
    assert all(word in stored for word in ("ZQXNAMAANON", "ZQXANONKATA", "zqx@anon.example", "ZQXRAHASIAKATA",
                                           "ZQXKONTAKRAHASIA"))
    assert StatusChange.select().where(StatusChange.note_private == True).count() == 1  # noqa: E712
    assert public_stats.public_row(secrets[0].tracking_code) is None
    assert public_stats.public_row(anon.tracking_code) is not None
