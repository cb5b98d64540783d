"""The bot's precompiled draft queries give exactly peewee's SQL, and read and write what peewee would."""
from datetime import datetime

from bot import drafts
from bot.transport.prepared import Prepared
from models import Draft, Reporter, utcnow


def test_prepared_sql_is_what_peewee_builds_for_the_same_values(db):
    now = datetime(2026, 3, 4, 5, 6, 7, 890)
    cases = [
        (drafts._READ, (700_000_123,)),
        (drafts._CLAIM, (100_000_777, 700_000_123, now, 42, 100_000_776)),
        (drafts._SAVE, ("photos", {"description": "Jalan 'rusak'", "photos": [{"path": "a.jpg"}]}, now, 100_000_777, 42)),
    ]
    for prepared, values in cases:
        assert prepared._compile()[0] is not None, "the draft queries must be mappable"
        sql, params = prepared.sql(*values)
        expected_sql, expected = prepared.build(*values).sql()
        assert sql == expected_sql
        assert [getattr(p, "obj", p) for p in params] == [getattr(p, "obj", p) for p in expected]


def test_one_value_in_two_places_and_a_query_whose_shape_changes(db):
    twice = Prepared(lambda step: Draft.update(step=step).where(Draft.step == step), Draft.step)
    assert twice._compile()[1] == [0, 0]
    assert twice.sql("photos") == twice.build("photos").sql()
    assert twice.sql("photos")[1] == ["photos", "photos"]
    # A value that changes the SQL itself cannot be prepared: peewee builds it every time.
    shape = Prepared(lambda n: Draft.select().where(Draft.id > 0) if n > 987_000_500 else Draft.select(), Draft.id)
    assert shape._compile() == (None, None)
    assert shape.sql(3) == shape.build(3).sql() and shape.sql(4) == shape.build(4).sql()


def test_claim_read_and_save_round_trip_through_the_database(db):
    draft = drafts.claim_update(700_000_001, 700_000_001, 5)
    assert draft is not None and not hasattr(draft, "chosen_language")  # new row: the handler looks it up
    assert drafts.claim_update(700_000_001, 700_000_001, 5) is None        # the same update again: dropped
    claimed = drafts.claim_update(700_000_001, 700_000_001, 6)
    assert claimed.last_update_id == 6 and claimed.chosen_language is None
    drafts.save(claimed, drafts.PHOTOS, description="Lampu jalan mati sejak seminggu", photos=[{"path": "x.jpg"}])
    stored = Draft.get(Draft.telegram_user_id == 700_000_001)
    assert (stored.step, stored.data, stored.last_update_id) == (
        drafts.PHOTOS, {"description": "Lampu jalan mati sejak seminggu", "photos": [{"path": "x.jpg"}]}, 6)
    read = drafts.load_with_language(700_000_001)
    assert (read.id, read.step, read.data, read.token, read.updated_at) == (
        stored.id, stored.step, stored.data, stored.token, stored.updated_at)
    Reporter.create(telegram_id=700_000_001, chat_id=700_000_001, language="en", language_chosen=True,
                    created_at=utcnow())
    assert drafts.load_with_language(700_000_001).chosen_language == "en"
    Reporter.update(language_chosen=False).execute()
    assert drafts.load_with_language(700_000_001).chosen_language is None


def test_an_opened_update_is_recorded_only_with_its_effect(db):
    """The gate's open records nothing; the step write records the update; a redelivery of
    an update whose effect is stored is dropped, one whose effect is not is handled again."""
    opened = drafts.open_update(700_000_002, 700_000_002, 10)
    assert opened.pending_update_id == 10
    assert Draft.get(Draft.telegram_user_id == 700_000_002).last_update_id == 0  # nothing recorded yet
    again = drafts.open_update(700_000_002, 700_000_002, 10)  # the bot died before any effect
    assert again is not None and again.pending_update_id == 10
    drafts.save(again, drafts.PHOTOS, photos=[{"path": "a.jpg"}])
    stored = Draft.get(Draft.telegram_user_id == 700_000_002)
    assert (stored.last_update_id, stored.data) == (10, {"photos": [{"path": "a.jpg"}]})
    assert drafts.open_update(700_000_002, 700_000_002, 10) is None  # effect stored: a redelivery
    quiet = drafts.open_update(700_000_002, 700_000_002, 11)  # e.g. /bantuan: no step write
    assert drafts.mark_handled(quiet) and not drafts.mark_handled(quiet)
    assert Draft.get(Draft.telegram_user_id == 700_000_002).last_update_id == 11
