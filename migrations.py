"""Schema changes after the first release, applied in order by `flask --app panel migrate`.

`init-db` creates the latest schema directly and records LATEST_VERSION. A later change
adds a function here that takes a playhouse.migrate migrator and appends it to STEPS;
the version is its position in STEPS (1-based) plus one.
"""
from __future__ import annotations

from playhouse.migrate import PostgresqlMigrator, SqliteMigrator, migrate

import models

# Each step: (version it produces, description, function(migrator) -> list of operations).
STEPS: list[tuple[int, str, callable]] = []

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
