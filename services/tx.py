"""Transactions with after-commit actions ("database first, queue second").

`with transaction():` opens a database transaction (a savepoint when nested). Work
registered with `after_commit(fn)` inside it runs once the outermost transaction commits,
and is dropped if it rolls back: jobs are only queued for rows that really exist.
"""
from __future__ import annotations

import logging
import threading
from contextlib import contextmanager
from typing import Callable

from peewee import PostgresqlDatabase, SqliteDatabase

from models import db

log = logging.getLogger(__name__)
_local = threading.local()


def _stack() -> list[list[Callable[[], None]]]:
    if not hasattr(_local, "stack"):
        _local.stack = []
    return _local.stack


@contextmanager
def transaction():
    """A transaction whose after-commit actions run when the outermost one commits."""
    stack = _stack()
    outermost = not stack
    # SQLite: take the write lock at BEGIN so two writers queue instead of deadlocking.
    lock = "IMMEDIATE" if outermost and isinstance(db.obj, SqliteDatabase) else None
    stack.append([])
    try:
        with (db.atomic(lock) if lock else db.atomic()):
            yield
    except BaseException:
        stack.pop()
        raise
    actions = stack.pop()
    if stack:
        stack[-1].extend(actions)  # a committed savepoint hands its actions outwards
        return
    for action in actions:
        try:
            action()
        except Exception:  # the rows are committed; sweeps will finish the job
            log.exception("after-commit action failed")


def after_commit(action: Callable[[], None]) -> None:
    """Run `action` after the current outermost transaction commits (now if none)."""
    stack = _stack()
    if stack:
        stack[-1].append(action)
    else:
        action()


def locked(query):
    """`query`'s one row (or None), held for the rest of the transaction: on PostgreSQL a
    SELECT ... FOR UPDATE row lock (a second writer waits, then sees the first one's change);
    SQLite's transaction already holds the database's write lock (BEGIN IMMEDIATE). The one
    lock-for-update of the house."""
    if isinstance(db.obj, PostgresqlDatabase):
        query = query.for_update()
    return query.get_or_none()
