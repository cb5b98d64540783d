"""Schema upgrades: a database made by an earlier release reaches the latest version."""
from __future__ import annotations

from datetime import datetime

from playhouse.migrate import migrate

import migrations
import models
from models import ReminderMark
from tests.factories import make_complaint, make_official


def _columns(table: str) -> set[str]:
    return {c.name for c in models.db.get_columns(table)}


def test_reminder_marks_gain_their_quiet_columns(seeded):
    """Step 2 on release 1's reminder_mark table (no phase/due_at/next_at)."""
    table = ReminderMark._meta.table_name
    version, description, step = migrations.STEPS[0]
    assert version == 2
    with models.db.atomic():
        migrate(*[migrations._migrator().drop_column(table, name) for name in ("phase", "due_at", "next_at")])
    assert "next_at" not in _columns(table)
    with models.db.atomic():
        migrate(*step(migrations._migrator()))
    assert {"phase", "due_at", "next_at"} <= _columns(table)
    mark = ReminderMark.create(complaint=make_complaint(), key="response:x:50%", phase="response",
                               due_at=datetime(2026, 12, 3), next_at=datetime(2026, 12, 2))
    assert ReminderMark.get_by_id(mark.id).next_at == datetime(2026, 12, 2)


def test_a_new_database_starts_at_the_latest_version(db):
    assert migrations.current_version() == migrations.LATEST_VERSION


def test_init_db_on_a_release_1_database_applies_the_pending_steps_first(seeded):
    """`init-db` (create_tables) names the new columns in its indexes: an existing database is
    upgraded before them, so re-running the set-up after an upgrade just works."""
    from tests.test_panel_scale_paths import back_to_version_2

    complaint = make_complaint()
    back_to_version_2()
    table = ReminderMark._meta.table_name
    with models.db.atomic():
        migrate(*[migrations._migrator().drop_column(table, name) for name in ("phase", "due_at", "next_at")])
        models.SchemaVersion.update(version=1).execute()
    assert migrations.current_version() == 1

    migrations.create_tables()
    assert migrations.current_version() == migrations.LATEST_VERSION
    assert {"phase", "due_at", "next_at"} <= _columns(table)
    assert models.Complaint.get_by_id(complaint.id).current_due == complaint.response_due_at


def test_panel_sessions_get_their_table(seeded):
    """Step 4 on a version-3 database (no panel_session table): logins have rows to live in."""
    models.db.drop_tables([models.PanelSession])
    models.SchemaVersion.delete().execute()
    models.SchemaVersion.create(version=3)
    assert not models.PanelSession.table_exists()
    assert migrations.upgrade()[0] == "4: panel sessions: one row per login, deleted at logout"
    assert models.PanelSession.table_exists() and migrations.current_version() == migrations.LATEST_VERSION
    models.PanelSession.create(official=make_official(), token_hash="a" * 64, expires_at=datetime(2030, 1, 1))


def test_step_6_adds_channel_and_contact_to_a_version_5_database(seeded):
    """Complaints made before step 6 come from the bot: they read as channel "telegram", with
    no contact and no photo consent."""
    complaint = make_complaint()
    table = models.Complaint._meta.table_name
    names = ("channel", "contact_name", "contact_phone", "contact_email", "photos_public", "public_hidden")
    for index_name, _ in models.PUBLIC_INDEXES:  # a later step's indexes on these columns: not in version 5
        models.db.execute_sql(f"DROP INDEX IF EXISTS {index_name}")
    with models.db.atomic():
        migrate(*[migrations._migrator().drop_column(table, name) for name in names],
                migrations._migrator().drop_column(models.StatusChange._meta.table_name, "note_private"))
        models.SchemaVersion.delete().execute()
        models.SchemaVersion.create(version=5)
    assert not set(names) & _columns(table)
    assert migrations.upgrade()[0].startswith("6: complaints: channel")
    assert set(names) <= _columns(table)
    assert "note_private" in _columns(models.StatusChange._meta.table_name)
    row = models.Complaint.get_by_id(complaint.id)
    assert (row.channel, row.contact_name, row.photos_public) == ("telegram", "", False)
