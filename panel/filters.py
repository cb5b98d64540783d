"""Filters of the complaint lists (status, category, office, place, overdue, escalated, dates).

Option lists that come from the directory (categories, OPDs, kecamatan) are read at request
time, never at start-up: the directory changes while the panel runs.
"""
from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from flask import current_app, has_request_context
from flask_admin.contrib.peewee.filters import BasePeeweeFilter

from core import status as st
from models import Category, Complaint, Desa, Kecamatan, Opd, utcnow
from panel.language import LazyText, tr
from panel.queries import overdue_condition
from panel.security import MAX_ID

FIRST_DAY, LAST_DAY = date(1900, 1, 1), date(9000, 12, 31)


class ChoiceFilter(BasePeeweeFilter):
    """Equality on an id or code chosen from a list."""

    def __init__(self, column, name, choices, numeric=True):
        super().__init__(column, name)
        self.choices = choices
        self.numeric = numeric

    def get_options(self, view):
        return self.choices() if has_request_context() else None

    def clean(self, value):
        if not self.numeric:
            return str(value)
        number = int(value)
        if not 0 < number <= MAX_ID:
            raise ValueError(value)  # no row has it; the database would refuse the number
        return number

    def apply(self, query, value):
        return query.where(self.column == value)

    def operation(self):
        return LazyText("panel.filter.is")


class StatusFilter(ChoiceFilter):
    def __init__(self):
        super().__init__(Complaint.status, LazyText("panel.col.status"),
                         lambda: [(s, st.label(s, _lang())) for s in st.ALL], numeric=False)

    def clean(self, value):
        if value not in st.ALL:
            raise ValueError(value)
        return value


class KecamatanFilter(ChoiceFilter):
    def __init__(self):
        super().__init__(Complaint.desa, LazyText("panel.col.kecamatan"), _kecamatan_choices)

    def apply(self, query, value):
        return query.where(Complaint.desa.in_(Desa.select(Desa.id).where(Desa.kecamatan == value)))


class VillageNameFilter(BasePeeweeFilter):
    """Village of the complaint's location by (part of) its name."""

    def __init__(self):
        super().__init__(Complaint.desa, LazyText("panel.col.desa"))

    def apply(self, query, value):
        return query.where(Complaint.desa.in_(Desa.select(Desa.id).where(Desa.name.contains(value.strip()))))

    def operation(self):
        return LazyText("panel.filter.contains")


class YesNoFilter(BasePeeweeFilter):
    """A yes/no question about the complaint, answered by `condition(now)`."""

    def __init__(self, name, condition):
        super().__init__(Complaint.id, name)
        self.condition = condition

    def get_options(self, view):
        return [("1", tr("panel.yes")), ("0", tr("panel.no"))] if has_request_context() else None

    def clean(self, value):
        if value not in ("0", "1"):
            raise ValueError(value)
        return value == "1"

    def apply(self, query, value):
        condition = self.condition(utcnow())
        return query.where(condition if value else ~condition)

    def operation(self):
        return LazyText("panel.filter.is")


class DateFilter(BasePeeweeFilter):
    """Filed on or after / on or before a local calendar day."""

    def __init__(self, name, after: bool):
        super().__init__(Complaint.created_at, name, data_type="datepicker")
        self.after = after

    def clean(self, value):
        day = date.fromisoformat(value.strip())
        if not FIRST_DAY <= day <= LAST_DAY:
            raise ValueError(value)  # date arithmetic at the ends of the calendar overflows
        return day

    def apply(self, query, value):
        if self.after:
            return query.where(Complaint.created_at >= _day_start_utc(value))
        return query.where(Complaint.created_at < _day_start_utc(value + timedelta(days=1)))

    def operation(self):
        return LazyText("panel.filter.from" if self.after else "panel.filter.until")


def _day_start_utc(day: date) -> datetime:
    tz = ZoneInfo(current_app.config["WADUL"].TIMEZONE)
    return datetime.combine(day, time(0), tzinfo=tz).astimezone(timezone.utc).replace(tzinfo=None)


def _lang():
    from panel.language import current_lang

    return current_lang()


def _category_choices():
    rows = Category.select().order_by(Category.sort_order, Category.name_id)
    return [(str(c.id), c.name(_lang())) for c in rows]


def _opd_choices():
    return [(str(o.id), str(o)) for o in Opd.select().order_by(Opd.short_name)]


def _kecamatan_choices():
    return [(str(k.id), k.name) for k in Kecamatan.select().order_by(Kecamatan.name)]


def complaint_filters() -> list:
    """The filters of the complaint list, in the order the menu shows them."""
    return [
        StatusFilter(),
        YesNoFilter(LazyText("panel.filter.open"), lambda now: Complaint.status.in_(list(st.OPEN))),
        YesNoFilter(LazyText("panel.filter.overdue"), overdue_condition),
        YesNoFilter(LazyText("panel.filter.escalated"), lambda now: Complaint.escalation_level > 0),
        ChoiceFilter(Complaint.category, LazyText("panel.col.category"), _category_choices),
        ChoiceFilter(Complaint.assigned_opd, LazyText("panel.col.opd"), _opd_choices),
        KecamatanFilter(),
        VillageNameFilter(),
        DateFilter(LazyText("panel.filter.filed"), after=True),
        DateFilter(LazyText("panel.filter.filed"), after=False),
        YesNoFilter(LazyText("panel.quick.mine"), _mine),  # MINE_FILTER_INDEX
    ]


MINE_FILTER_INDEX = 10


def _mine(now):
    """Complaints whose named handler is the official looking at the list."""
    from panel.auth import current_official

    official = current_official()
    return Complaint.handler == (official.id if official is not None else 0)
