"""Duplicates nearby: filing near an open complaint of the same category offers to support it
(the real bot over the fake Bot API, a real RQ burst worker), supporters hear the status
changes, and offices see support counts and merge duplicates from the complaint page."""
from __future__ import annotations

import itertools
import math

import pytest

import migrations
import models
from core import geo, status as st, tracking
from models import Complaint, Desa, Draft, OutboundMessage, Photo, StatusChange, Support
from sandbox.botapi import sample_jpeg
from services.complaints import desk, duplicates
from tests.botdriver import Person, buttons_of, choose_category, text_of
from tests.factories import make_complaint, make_official, make_reporter
from tests.panelkit import app, client, logged_in, post_form  # noqa: F401 (fixtures)

pytest_plugins = ("tests.botfixtures",)  # the `bot` fixture

SUNGAI_PUTRI = "61.04.01.2011"
DESCRIPTION = "Jalan berlubang besar di depan SD, bahaya untuk pengendara motor malam hari."


def centre():
    desa = Desa.get(Desa.code == SUNGAI_PUTRI)
    return desa.centroid_lat, desa.centroid_lon


def moved(lat: float, lon: float, north_m: float = 0.0, east_m: float = 0.0) -> tuple[float, float]:
    """A point `north_m` metres north and `east_m` east of (lat, lon)."""
    dlat = north_m / geo.METRES_PER_DEGREE_LAT
    dlon = east_m / (geo.METRES_PER_DEGREE_LAT * math.cos(math.radians(lat)))
    return lat + dlat, lon + dlon


_others = itertools.count(1)


def existing(**fields) -> Complaint:
    """An open, public complaint of category jalan at the village's centre, assigned to DPUTR
    (its reporter, unless given, a resident with no chat in the fake Bot API)."""
    if "reporter" not in fields:
        n = 880000000 + next(_others)
        fields["reporter"] = make_reporter(telegram_id=n, chat_id=n)
    return make_complaint(tracking_code=tracking.new_code(), **fields)


def reload(complaint: Complaint) -> Complaint:
    return Complaint.get_by_id(complaint.id)


def up_to_location(person: Person, point: tuple[float, float], category: str = "jalan", photos: int = 0,
                   lang: str = "id") -> dict:
    """/lapor, category, description, photos, then the GPS point; returns the bot's last message
    after the point (the offer, or the privacy question)."""
    person.say("/lapor", expect=lambda m: "1/5" in text_of(m))
    choose_category(person, category, lang)
    person.say(DESCRIPTION, expect=lambda m: "3/5" in text_of(m))
    for index in range(1, photos + 1):
        person.photo(sample_jpeg(320, 240, (10 * index, 80, 120)), expect=lambda m, n=index: f"({n}/" in text_of(m))
    person.press("ph:done" if photos else "ph:skip", expect=lambda m: "4/5" in text_of(m))
    return person.location(*point, expect=lambda m: "5/5" in text_of(m) or any(
        (b or "").startswith("dup:") for b in buttons_of(m)))


def offered(message: dict) -> list[str]:
    return [b for b in buttons_of(message) if b.startswith("dup:")]


# --- pure geometry ---------------------------------------------------------------------------------
def test_haversine_and_bounding_box():
    lat, lon = -1.85, 110.0
    north = moved(lat, lon, north_m=50)
    east = moved(lat, lon, east_m=60)
    assert abs(geo.haversine_m(lat, lon, *north) - 50) < 0.05
    assert abs(geo.haversine_m(lat, lon, *east) - 60) < 0.05
    assert abs(geo.haversine_m(0, 0, 0, 1) - 111_195) < 1  # a degree of the equator
    min_lat, max_lat, min_lon, max_lon = geo.bounding_box(lat, lon, 50)
    for p_lat, p_lon in (moved(lat, lon, 50), moved(lat, lon, -50), moved(lat, lon, 0, 50), moved(lat, lon, 0, -50),
                         moved(lat, lon, 35.3, 35.3)):
        assert min_lat <= p_lat <= max_lat and min_lon <= p_lon <= max_lon
    assert not (min_lat <= moved(lat, lon, 52)[0] <= max_lat)  # not much larger than needed


# --- at filing ------------------------------------------------------------------------------------
def test_support_instead_of_filing_then_the_supporter_hears_the_next_change(bot, botapi, telegram, run_worker):
    lat, lon = centre()
    reporter_person = Person(botapi, first_name="Budi")
    target = existing(reporter=make_reporter(telegram_id=reporter_person.id, chat_id=reporter_person.id),
                      description="Lubang dalam di jalan depan SD Negeri 3, sering ada motor jatuh.")
    siti = Person(botapi, first_name="Siti")
    offer = up_to_location(siti, moved(lat, lon, north_m=20), photos=1)
    assert offered(offer) == [f"dup:{target.id}", "dup:new"]
    text = text_of(offer)
    assert "Sungai Putri" in text and "±20 m" in text and "Diteruskan" in text and "Lubang dalam" in text
    assert "Budi" not in text and target.tracking_code not in text  # never the reporter; no code before supporting
    assert "Dukung aduan ini" in str(offer["reply_markup"]) and "Tetap buat aduan baru" in str(offer["reply_markup"])

    done = siti.press_and_wait_edit(f"dup:{target.id}", lambda m: "mendukung" in text_of(m))
    assert target.tracking_code in text_of(done) and offered(done) == []
    assert Complaint.select().count() == 1  # nothing filed
    assert Draft.get(Draft.telegram_user_id == siti.id).step == "idle"
    support = Support.get(Support.complaint == target)
    assert support.reporter.telegram_id == siti.id
    info = StatusChange.get(StatusChange.complaint == target, StatusChange.note.contains("pendukung"))
    assert DESCRIPTION in info.note and info.note_private and not info.visible_to_reporter
    assert Photo.select().where(Photo.complaint == target, Photo.kind == "support").count() == 1

    staff = make_official(opd="DPUTR")
    desk.perform(reload(target), staff, desk.Request("accept", note="Tim survei datang besok pagi."))
    run_worker()
    heard = siti.wait(lambda m: target.tracking_code in text_of(m) and "sedang diproses" in text_of(m))
    assert "Anda dukung" in text_of(heard) and "Tim survei datang besok pagi." in text_of(heard)
    reporter_person.wait(lambda m: target.tracking_code in text_of(m) and "sedang diproses" in text_of(m))

    desk.perform(reload(target), staff, desk.Request("resolve", note="Lubang sudah ditambal aspal."))
    run_worker()
    asked = reporter_person.wait(lambda m: any((b or "").startswith("fb:") for b in buttons_of(m)))
    assert target.tracking_code in text_of(asked)  # the reporter is asked whether it is fixed
    resolved = siti.wait(lambda m: "sudah selesai" in text_of(m))
    assert buttons_of(resolved) == [] and "Lubang sudah ditambal aspal." in text_of(resolved)
    assert not any(buttons_of(m) for m in siti.messages() if target.tracking_code in text_of(m))


def test_file_mine_anyway_files_normally_in_english(bot, botapi, telegram):
    lat, lon = centre()
    target = existing()
    second = existing(latitude=moved(lat, lon, east_m=10)[0], longitude=moved(lat, lon, east_m=10)[1])
    ani = Person(botapi, first_name="Ani", language_code="en")
    offer = up_to_location(ani, moved(lat, lon, east_m=30), lang="en")
    assert offered(offer) == [f"dup:{second.id}", f"dup:{target.id}", "dup:new"]  # nearest first
    text = text_of(offer)
    assert "open complaints about" in text and "Assigned" in text and "±20 m" in text and "±30 m" in text
    assert "Dukung" not in str(offer["reply_markup"]) and "Support complaint 2" in str(offer["reply_markup"])
    ani.press("dup:new", expect=lambda m: "5/5" in text_of(m))
    edited = next(m for m in ani.messages() if m["message_id"] == offer["message_id"])
    assert "filed as a new complaint" in text_of(edited) and offered(edited) == []
    ani.press("pv:ok", expect=lambda m: any(b.startswith("ok:") for b in buttons_of(m)))
    confirm = next(b for b in buttons_of(ani.messages()[-1]) if b.startswith("ok:"))
    reply = ani.press(confirm, expect=lambda m: bool(tracking.find_codes(text_of(m))))
    code = tracking.find_codes(text_of(reply))[0]
    mine = Complaint.get(Complaint.tracking_code == code)
    assert mine.id != target.id and mine.status == st.NEW and Support.select().count() == 0
    texts = ani.texts()  # the offer, edited in place; not offered again at the summary
    assert sum("new complaint" in t for t in texts) == 1 and not any("open complaints about" in t for t in texts)


def test_not_offered_other_category_far_closed_confidential_hidden_or_merged(bot, botapi, telegram):
    lat, lon = centre()
    from models import Category

    existing(category=Category.get(Category.code == "jembatan"))        # another category, same point
    far_lat, far_lon = moved(lat, lon, east_m=60)
    existing(latitude=far_lat, longitude=far_lon)                          # 60 m away
    existing(status=st.CLOSED)                                             # finished
    existing(status=st.REJECTED)
    existing(is_confidential=True)                                         # never offered
    existing(public_hidden=True)
    merged_target = existing(latitude=far_lat, longitude=far_lon)
    existing(merged_into=merged_target)
    rudi = Person(botapi, first_name="Rudi")
    reply = up_to_location(rudi, (lat, lon))
    assert "5/5" in text_of(reply) and not any(offered(m) for m in rudi.messages())

    # The same search, as the service sees it: 49 m is in, 51 m is out; the resident's own
    # complaint is not offered to them.
    near_lat, near_lon = moved(lat, lon, north_m=49)
    near = existing(latitude=near_lat, longitude=near_lon)
    existing(latitude=moved(lat, lon, north_m=51)[0], longitude=lon)
    found = duplicates.nearby(near.category_id, lat, lon)
    assert [n.id for n in found] == [near.id] and 48.5 < found[0].distance_m < 49.5
    assert duplicates.nearby(near.category_id, lat, lon, exclude_reporter=near.reporter.telegram_id) == []
    assert duplicates.nearby(near.category_id, lat, lon, radius_m=0) == []


# --- the panel ------------------------------------------------------------------------------------
def _page(complaint):
    return f"/admin/complaint/details/?id={complaint.id}"


def merge(client, source, code, **kwargs):
    return post_form(client, _page(source), f"/admin/complaint/merge/?id={source.id}", {"merge-target": code},
                     **kwargs)


def test_merge_tells_the_merged_reporter_once_and_counts_support(telegram, botapi, run_worker):
    from panel import create_app

    client = create_app(telegram).test_client()
    budi = botapi.user(first_name="Budi", language_code="id")
    john = botapi.user(first_name="John", language_code="en")
    target = existing()
    source = existing(reporter=make_reporter(telegram_id=budi.id, chat_id=budi.id))
    supporter = make_reporter(telegram_id=john.id, chat_id=john.id, language="en")
    Support.create(complaint=source, reporter=supporter)
    logged_in(client, models.ROLE_OPD_STAFF)

    listing = client.get("/admin/complaint/", follow_redirects=True).get_data(as_text=True)
    assert "Dukungan" in listing and 'support-count">1<' in listing

    response = merge(client, source, target.tracking_code.lower().replace("-", " "), follow_redirects=True)
    page = response.get_data(as_text=True)
    assert f"digabung ke {target.tracking_code}" in page and 'data-count="2"' in page
    source, target = reload(source), reload(target)
    assert source.status == st.REJECTED and source.merged_into_id == target.id
    history = StatusChange.get(StatusChange.complaint == source, StatusChange.to_status == st.REJECTED)
    assert history.note == f"Digabung ke {target.tracking_code}"
    assert {s.reporter_id for s in Support.select().where(Support.complaint == target)} == {
        source.reporter_id, supporter.id}

    run_worker()
    told = botapi.wait_for_message(budi.id, lambda m: target.tracking_code in m.get("text", ""), timeout=10)
    assert "berlanjut sebagai" in told["text"] and "tidak dapat ditindaklanjuti" not in told["text"]
    botapi.wait_for_message(john.id, lambda m: "continues as" in m.get("text", ""), timeout=10)
    merge(client, source, target.tracking_code)  # a second press: the duplicate is closed, nothing more
    run_worker()
    assert len(botapi.messages(budi.id)) == 1 and len(botapi.messages(john.id)) == 1
    assert OutboundMessage.select().where(OutboundMessage.chat_id == budi.id).count() == 1

    # From now on the merged reporter hears the target's changes, as a supporter.
    desk.perform(target, make_official(opd="DPUTR"), desk.Request("accept"))
    run_worker()
    botapi.wait_for_message(budi.id, lambda m: "sedang diproses" in m.get("text", ""), timeout=10)
    target_page = client.get(_page(target)).get_data(as_text=True)
    assert 'data-count="2"' in target_page and source.tracking_code in target_page


def test_merge_is_scoped_to_the_officials_office(app, client):
    target = existing()
    source = existing()
    elsewhere = make_complaint(tracking_code=tracking.new_code(), assigned_opd=models.Opd.get(
        models.Opd.code != "DPUTR", models.Opd.is_main_admin == False))  # noqa: E712
    secret = existing(is_confidential=True)
    logged_in(client, models.ROLE_OPD_STAFF, opd="DPUTR")
    # A target of another office is "not found" for this official; so is a confidential target refused.
    page = merge(client, source, elsewhere.tracking_code, follow_redirects=True).get_data(as_text=True)
    assert "tidak ditemukan" in page and reload(source).status == st.ASSIGNED
    page = merge(client, source, secret.tracking_code, follow_redirects=True).get_data(as_text=True)
    assert "rahasia" in page and reload(source).merged_into_id is None
    page = merge(client, source, source.tracking_code, follow_redirects=True).get_data(as_text=True)
    assert "dirinya sendiri" in page

    # An official of another office cannot merge this office's complaint at all.
    client = app.test_client()
    logged_in(client, models.ROLE_OPD_ADMIN, opd=elsewhere.assigned_opd.code)
    assert client.get(_page(source)).status_code == 404
    response = client.post(f"/admin/complaint/merge/?id={source.id}", data={"merge-target": target.tracking_code})
    assert response.status_code in (400, 404)  # no page to take a token from, and not theirs
    page = merge(client, elsewhere, target.tracking_code, follow_redirects=True).get_data(as_text=True)
    assert "tidak ditemukan" in page and reload(elsewhere).merged_into_id is None
    assert reload(source).status == st.ASSIGNED and Support.select().count() == 0


def test_migration_step_adds_support_and_merged_into(seeded):
    step = next(s for s in migrations.STEPS if s[1].startswith("duplicates nearby"))
    table = models.Complaint._meta.table_name
    models.db.execute_sql("DROP INDEX IF EXISTS complaint_category_latitude_longitude")
    models.Support.drop_table()
    from playhouse.migrate import migrate

    if not isinstance(models.db.obj, models.SqliteDatabase):  # SQLite cannot drop a foreign-key column
        migrate(migrations._migrator().drop_column(table, "merged_into_id"))
    migrate(*step[2](migrations._migrator()))
    assert "merged_into_id" in {c.name for c in models.db.get_columns(table)}
    assert models.Support.table_exists()
    assert "complaint_category_latitude_longitude" in {i.name for i in models.db.get_indexes(table)}
    migrate(*step[2](migrations._migrator()))  # idempotent


def test_supporters_hear_only_what_the_public_may(seeded, redis_conn):
    target = existing()
    fan = make_reporter(telegram_id=881234567, chat_id=881234567, language="en")
    Support.create(complaint=target, reporter=fan)
    staff = make_official(opd="DPUTR")

    def told():
        return [m.text for m in OutboundMessage.select().where(OutboundMessage.chat_id == fan.chat_id)
                .order_by(OutboundMessage.id)]

    desk.perform(reload(target), staff, desk.Request("accept", note="Survey tomorrow."))
    assert len(told()) == 1 and "complaint you support" in told()[0] and "Survey tomorrow." in told()[0]
    assert target.reporter.first_name not in told()[0]
    Complaint.update(public_hidden=True).where(Complaint.id == target.id).execute()  # taken off the public pages
    desk.perform(reload(target), staff, desk.Request("resolve", note="Patched."))
    assert len(told()) == 1  # hidden from the public: supporters hear nothing more
    assert OutboundMessage.select().where(OutboundMessage.chat_id == target.reporter.chat_id).count() == 2
