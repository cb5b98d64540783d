"""Schema changes after the first release, applied in order by `flask --app panel migrate`.

`init-db` creates the latest schema directly and records LATEST_VERSION. A later change
adds a function here that takes a playhouse.migrate migrator and appends it to STEPS;
the version is its position in STEPS (1-based) plus one.
"""
from __future__ import annotations

from playhouse.migrate import PostgresqlMigrator, SqliteMigrator, migrate

import models


def _reminder_mark_quiet_until(migrator) -> list:
    """Reminder marks say until when a deadline needs nothing (the sweep skips it in SQL)."""
    table = models.ReminderMark._meta.table_name
    fields = models.ReminderMark._meta.fields
    return [migrator.add_column(table, name, fields[name]) for name in ("phase", "due_at", "next_at")]


# Each step: (version it produces, description, function(migrator) -> list of operations).
STEPS: list[tuple[int, str, callable]] = [
    (2, "reminder marks: phase, due_at, next_at", _reminder_mark_quiet_until),
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
