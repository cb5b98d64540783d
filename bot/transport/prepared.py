"""Peewee queries compiled to SQL once, then run again with new values.

Under load the bot spent about a third of its time in peewee building SQL text, more than
SQLite or PostgreSQL took to run it: every update runs the same three draft queries (read,
claim, save). `Prepared` builds such a query through peewee once per bound database, finds
which parameters carry which value (by building it again with one value changed at a
time), and afterwards only converts the values with their fields (`db_value`) and fills
them in. The SQL is exactly what peewee itself produces for those values; anything it
cannot map falls back to the peewee query (tests/test_bot_prepared.py compares both).
"""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, Callable

from peewee import Field, Function, Node, Value

from models import db


def _sentinels(fields: tuple[Field, ...], salt: int) -> list[Any]:
    """Distinct values of each field's kind (ints, texts, datetimes, dicts)."""
    values = []
    for index, field in enumerate(fields):
        n = 987_000_000 + salt * 1000 + index
        kind = field.field_type
        if kind in ("INT", "BIGINT", "AUTO", "BIGAUTO", "SMALLINT"):
            values.append(n)
        elif kind in ("DATETIME", "TIMESTAMP"):
            values.append(datetime(2001, 1, 1) + timedelta(seconds=n % 86_400_000))
        elif kind == "JSON":
            values.append({"sentinel": n})
        elif kind == "BOOL":
            values.append(bool(salt % 2))
        else:
            values.append(f"sentinel-{n}")
    return values


class Prepared:
    """`build(*values)` returns a peewee query whose parameters come from `values`, one per field."""

    def __init__(self, build: Callable[..., Any], *fields: Field) -> None:
        self.build, self.fields = build, fields
        self._cache: tuple | None = None  # (database, sql, slots) or (database, None, None) = not mappable

    def sql(self, *values) -> tuple[str, list]:
        """(SQL, parameters) for these values, as peewee would build them."""
        database = db.obj
        if self._cache is None or self._cache[0] is not database:
            self._cache = (database, *self._compile())
        _, sql, slots = self._cache
        if sql is None:
            return self.build(*values).sql()
        return sql, [_param(self.fields[slot], values[slot]) if isinstance(slot, int) else slot[0]
                     for slot in slots]

    def execute(self, *values):
        """Run it: a cursor (SELECT) or the cursor of an UPDATE (see rowcount)."""
        sql, params = self.sql(*values)
        return db.execute_sql(sql, params)

    def _compile(self) -> tuple[str | None, list | None]:
        base = _sentinels(self.fields, 0)
        sql, params = self.build(*base).sql()
        slots: list = [(param,) for param in params]  # constants unless a value moves them
        for index in range(len(self.fields)):
            changed = list(base)
            changed[index] = _sentinels(self.fields, 1)[index]
            other_sql, other = self.build(*changed).sql()
            if other_sql != sql or len(other) != len(params):
                return None, None
            for position, (a, b) in enumerate(zip(params, other)):
                if not _equal(a, b):
                    if isinstance(slots[position], int):
                        return None, None  # one parameter from two values: not mappable
                    slots[position] = index
        # Every value must show up, converted exactly as peewee converts it.
        for position, slot in enumerate(slots):
            if isinstance(slot, int):
                try:
                    if not _equal(_param(self.fields[slot], base[slot]), params[position]):
                        return None, None
                except _Unmappable:
                    return None, None
        if any(isinstance(slot, tuple) and not _plain(slot[0]) for slot in slots):
            return None, None
        return sql, slots


class _Unmappable(Exception):
    pass


def _param(field: Field, value):
    """The query parameter peewee makes of `value` for `field` (JSON on SQLite: json(?) around the text)."""
    out = field.db_value(value)
    while isinstance(out, Node):
        if isinstance(out, Function) and len(out.arguments) == 1:
            out = out.arguments[0]
        elif isinstance(out, Value) and not isinstance(out.value, Node):
            out = out.value
        else:
            raise _Unmappable(repr(out))
    return out


def _plain(value) -> bool:
    return value is None or isinstance(value, (int, float, str, bool, datetime))


def _equal(a, b) -> bool:
    """Parameter equality, also for wrapper objects (psycopg's Json keeps the value in .obj)."""
    a, b = getattr(a, "obj", a), getattr(b, "obj", b)
    try:
        return bool(a == b)
    except Exception:  # noqa: BLE001 - an exotic wrapper: treat as different
        return False
