"""Schema changes after the first release, applied in order by `flask --app panel migrate`.

`init-db` creates the latest schema directly and records LATEST_VERSION (`create_tables`,
here rather than in models so that models never imports this module). A later change
adds a function here that takes a playhouse.migrate migrator and appends it to STEPS;
the version is its position in STEPS (1-based) plus one.
"""
from __future__ import annotations

from peewee import SQL
from playhouse.migrate import PostgresqlMigrator, SqliteMigrator, migrate

import models
from core import status as st


def _reminder_mark_quiet_until(migrator) -> list:
    """Reminder marks say until when a deadline needs nothing (the sweep skips it in SQL)."""
    table = models.ReminderMark._meta.table_name
    fields = models.ReminderMark._meta.fields
    return [migrator.add_column(table, name, fields[name]) for name in ("phase", "due_at", "next_at")]


class _Run:
    """A step's own statement (a backfill) among the migrator's operations."""

    def __init__(self, fn):
        self.fn = fn

    def run(self):
        self.fn()


def backfill_current_due() -> int:
    """Fill Complaint.current_due from status, first answer and deadlines; returns the rows
    updated. Only rows whose value is not empty are written (a finished complaint has none)."""
    C = models.Complaint
    return (C.update(current_due=C.due_now_sql())
            .where(C.status.in_(sorted(st.OPEN)) | C.current_due.is_null(False)).execute())


def _complaint_current_due(migrator) -> list:
    """The stored current deadline and the indexes the panel's lists sort on (named as
    create_tables names them)."""
    table = models.Complaint._meta.table_name
    return [
        migrator.add_column(table, "current_due", models.Complaint.current_due),
        _Run(backfill_current_due),
        migrator.drop_index(table, "complaint_assigned_opd_id_status_response_due_at"),
        migrator.drop_index(table, "complaint_assigned_desa_id_status_response_due_at"),
        migrator.add_index(table, ("assigned_opd_id", "status", "current_due")),
        migrator.add_index(table, ("assigned_desa_id", "status", "current_due")),
        migrator.add_index(table, ("status", "current_due")),
        migrator.add_index(table, ("assigned_opd_id", "current_due")),
        migrator.add_index(table, ("assigned_desa_id", "current_due")),
        migrator.add_index(table, ("current_due",)),
        migrator.add_index(table, ("resolved_at",)),
        migrator.add_index(table, ("assigned_opd_id", "assigned_desa_id", "first_response_at", "response_due_at",
                                   "resolution_due_at"), where=SQL(models.OPEN_PREDICATE),
                           name="complaint_open_deadlines"),
    ]


def _panel_sessions(migrator) -> list:
    """Panel logins become rows, so logging out ends a session at once (sessions were only
    signed cookies before, valid until they expired)."""
    return [_Run(lambda: models.PanelSession.create_table(safe=True))]


def _held_updates(migrator) -> list:
    """Updates the polling bot confirmed to Telegram before handling them (bot.delivery)."""
    return [_Run(lambda: models.HeldUpdate.create_table(safe=True))]


def add_missing_columns(migrator, model, names) -> list:
    """add_column for each of the model's fields `names` the table does not have yet (a step
    re-run on a database that already has some of them, e.g. one made by a later init-db and
    taken back to an older version by a test, does not fail on a duplicate column)."""
    table = model._meta.table_name
    present = {c.name for c in models.db.get_columns(table)}
    fields = model._meta.fields
    return [migrator.add_column(table, fields[name].column_name, fields[name])
            for name in names if fields[name].column_name not in present]


def _complaint_channel_contact(migrator) -> list:
    """Complaints from other channels (recorded by staff, or posted through Open311) keep
    where they came from and the reporter's contact; the reporter's photo consent."""
    names = ("channel", "contact_name", "contact_phone", "contact_email", "photos_public", "public_hidden")
    return (add_missing_columns(migrator, models.Complaint, names)
            + add_missing_columns(migrator, models.StatusChange, ("note_private",)))


def _category_deadline_unit(migrator) -> list:
    """Categories say how their deadlines count (hours, days or working days); existing rows
    get "hours", which counts exactly as before."""
    return add_missing_columns(migrator, models.Category, ("deadline_unit",))
def _report_recipients(migrator) -> list:
    """The weekly report's recipients kept in the panel (ReportRecipient)."""
    return [_Run(lambda: models.ReportRecipient.create_table(safe=True))]
def _complaint_handler_priority(migrator) -> list:
    """An office head gives a complaint to one of its officials, with a priority."""
    return add_missing_columns(migrator, models.Complaint, ("handler", "priority"))
def _asking_the_reporter(migrator) -> list:
    """Questions to the reporter (issue 17): the Question table, the category's pause setting,
    the complaint's "new from the reporter" flag and its waiting/paused stamps."""
    return (add_missing_columns(migrator, models.Category, ("pause_when_asking",))
            + add_missing_columns(migrator, models.Complaint,
                                  ("reporter_news_at", "waiting_reporter_since", "deadline_paused_since"))
            + [_Run(lambda: models.Question.create_table(safe=True))])
def _complaint_receipt(migrator) -> list:
    """The bot's receipt message of a complaint (id and text), so that the assignment notice
    can be added to it by an edit rather than sent as another message."""
    return add_missing_columns(migrator, models.Complaint, ("receipt_message_id", "receipt_text"))
def _public_pages(migrator) -> list:
    """The public pages' partial indexes over the complaints the public may see."""
    table = models.Complaint._meta.table_name
    present = {index.name for index in models.db.get_indexes(table)}
    return [migrator.add_index(table, columns, where=SQL(models.PUBLIC_PREDICATE), name=name)
            for name, columns in models.PUBLIC_INDEXES if name not in present]
def _open311_api_keys(migrator) -> list:
    """Partners' keys for the Open311 API (only their hashes)."""
    return [_Run(lambda: models.ApiKey.create_table(safe=True))]
def _duplicates(migrator) -> list:
    """Duplicates nearby: supporters of a complaint, a duplicate merged into another, and the
    index the nearby search reads (same category, latitude band)."""
    def index():
        models.db.execute_sql("CREATE INDEX IF NOT EXISTS complaint_category_latitude_longitude "
                              "ON complaint (category_id, latitude, longitude)")

    return (add_missing_columns(migrator, models.Complaint, ("merged_into",))
            + [_Run(lambda: models.Support.create_table(safe=True)), _Run(index)])


def _complaint_claim_pin(migrator) -> list:
    """The slip's PIN of a complaint from another channel (services.complaints.claiming)."""
    return add_missing_columns(migrator, models.Complaint, ("claim_pin",))


# Each step: (version it produces, description, function(migrator) -> list of operations).
STEPS: list[tuple[int, str, callable]] = [
    (2, "reminder marks: phase, due_at, next_at", _reminder_mark_quiet_until),
    (3, "complaints: stored current deadline (current_due) and the list indexes on it", _complaint_current_due),
    (4, "panel sessions: one row per login, deleted at logout", _panel_sessions),
    (5, "held updates: what the polling bot confirmed to Telegram before handling it", _held_updates),
    (6, "complaints: channel, the reporter's contact when not on Telegram, what may be public", _complaint_channel_contact),
    (7, "categories: deadline unit (hours, days or working days)", _category_deadline_unit),
    (8, "report recipients: Telegram chats the main admin adds to the weekly report", _report_recipients),
    (9, "complaints: named handler and priority", _complaint_handler_priority),
    (10, "asking the reporter: questions, the category's pause, the reporter's news flag", _asking_the_reporter),
    (11, "complaints: the bot's receipt message (id, text), edited to add the assignment", _complaint_receipt),
    (12, "public pages: indexes of the complaints the public may see", _public_pages),
    (13, "open311: partners' API keys (hashes only)", _open311_api_keys),
    (14, "duplicates nearby: supporters (support), complaint.merged_into, the nearby index", _duplicates),
    (15, "complaints: the slip's PIN for following a complaint from another channel on Telegram", _complaint_claim_pin),
]

LATEST_VERSION = 1 + len(STEPS)


def current_version() -> int:
    """The schema version recorded in the database (0 when never initialised)."""
    if not models.SchemaVersion.table_exists():
        return 0
    row = models.SchemaVersion.select().order_by(models.SchemaVersion.version.desc()).first()
    return row.version if row else 0


def _migrator():
    database = models.db.obj
    if isinstance(database, models.SqliteDatabase):
        return SqliteMigrator(database)
    return PostgresqlMigrator(database)


def upgrade() -> list[str]:
    """Apply pending steps in one transaction each; return what was applied."""
    done = []
    version = current_version()
    for target, description, step in STEPS:
        if target <= version:
            continue
        with models.db.atomic():
            migrate(*step(_migrator()))
            models.SchemaVersion.create(version=target)
        done.append(f"{target}: {description}")
    return done


def create_tables() -> None:
    """Create every table that does not exist yet and record the schema version. An existing
    database of an earlier version is upgraded first: the indexes below name later columns."""
    if 0 < current_version() < LATEST_VERSION:
        upgrade()
    with models.db.atomic():
        models.db.create_tables(models.ALL_MODELS, safe=True)
        if not models.SchemaVersion.select().exists():
            models.SchemaVersion.create(version=LATEST_VERSION)
