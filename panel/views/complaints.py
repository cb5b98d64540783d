"""The complaint list (filters, search, deadlines, CSV export) and the complaint page.

Rows come only from `services.access.visible_complaints`; the page's actions live in
`panel.views.complaint_actions`. Complaints are never edited through a generic form:
every change goes through the status door.
"""
from __future__ import annotations


from flask import current_app, g, redirect, request
from flask_admin import expose
from markupsafe import Markup
from peewee import JOIN, SQL

from core import status as st
from core.deadlines import humanize_remaining
from core.timefmt import to_local
from models import (OPD_ROLES, ROLE_MAIN_ADMIN, ROLE_OVERSIGHT, ROLES, VILLAGE_ROLES, Category, Complaint, Desa, Kecamatan, Official, Opd,
                    OutboundMessage, Photo, Reporter, StatusChange, utcnow, without_geometry)
from panel import filters as flt
from panel.auth import current_official
from panel.formatting import current_deadline, deadline_cell, local_time, status_badge
from panel.language import LazyText, current_lang, tr
from panel.queries import complaint_rows, deadline_order
from panel.security import csv_cell
from panel.views.base import PanelModelView
from panel.views.complaint_actions import ComplaintActions
from panel.views.duplicates import DuplicateActions, support_cell
from panel.views.handling import HandlingActions
from services import access, regions
from services.complaints import handling, news, supporters

STAFF_ROLES = frozenset({*OPD_ROLES, *VILLAGE_ROLES})


def is_staff(official) -> bool:
    """An office's people (OPD staff and admins, village officials): their day starts with their work."""
    return official is not None and official.role in STAFF_ROLES


def place_text(complaint: Complaint) -> str:
    return regions.place_text(complaint.desa, complaint.address_text, 60) or tr("panel.place.unknown")


def _code_cell(view, context, model, name):
    url = view.get_url(".details_view", id=model.id)
    marks = []
    if model.is_confidential:
        marks.append(Markup('<span class="badge badge-dark">{}</span>').format(tr("panel.confidential")))
    if model.escalation_level:
        marks.append(Markup('<span class="badge badge-danger" title="{}">⚠ {}</span>').format(
            tr("panel.escalated"), model.escalation_level))
    if model.reporter_news_at is not None:
        marks.append(Markup('<span class="badge badge-primary reporter-news">🆕 {}</span>').format(
            tr("panel.badge.news")))
    if model.waiting_reporter_since is not None:
        marks.append(Markup('<span class="badge badge-info waiting-reporter">⏳ {}</span>').format(
            tr("panel.badge.waiting")))
    return Markup('<a href="{}" class="code-link">{}</a> {}').format(url, model.tracking_code, Markup(" ").join(marks))


def _summary_cell(view, context, model, name):
    text = model.description if len(model.description) <= 90 else model.description[:87] + "…"
    return Markup('<span class="summary">{}</span>').format(text)


def priority_badge(priority: int):
    """Only what is above normal stands out in the list."""
    if not priority:
        return ""
    level = "danger" if priority >= 2 else "warning"
    return Markup('<span class="badge badge-{} priority-badge">{}</span>').format(
        level, handling.priority_label(priority, current_lang()))


def _category_name(complaint: Complaint) -> str:
    return complaint.category.name(current_lang()) if complaint.category_id else tr("panel.category.unknown")


LIST_FORMATTERS = {
    "tracking_code": _code_cell,
    "created_at": lambda v, c, m, n: local_time(m.created_at),
    "category": lambda v, c, m, n: _category_name(m),
    "place": lambda v, c, m, n: place_text(m),
    "office": lambda v, c, m, n: m.office_name or "—",
    "status": lambda v, c, m, n: status_badge(m.status),
    "deadline": lambda v, c, m, n: deadline_cell(m),
    "description": _summary_cell,
    "priority": lambda v, c, m, n: priority_badge(m.priority),
    "handler": lambda v, c, m, n: str(m.handler) if m.handler_id else "—",
    "support": support_cell,
}


COLUMN_LABELS = {name: LazyText(f"panel.col.{name}") for name in (
    "tracking_code", "created_at", "category", "place", "office", "status", "deadline", "description",
    "response_due_at", "first_response_at", "resolution_due_at", "resolved_at", "escalation_level",
    "reporter", "rating", "address_text", "latitude", "longitude")}
COLUMN_LABELS.update(priority=LazyText("handling.field.priority"), handler=LazyText("handling.col.handler"))
COLUMN_LABELS["support"] = LazyText("panel.col.support")


# (catalogue key, position in flt.complaint_filters(), value)
QUICK_FILTERS = (("open", 1, "1"), ("overdue", 2, "1"), ("escalated", 3, "1"),
                 ("assigned", 0, st.ASSIGNED), ("in_progress", 0, st.IN_PROGRESS), ("reopened", 0, st.REOPENED),
                 ("mine", flt.MINE_FILTER_INDEX, "1"))


# --- the CSV export: plain tuples, the directory read once ---------------------------------
# Building the list's seven joined peewee models per line cost most of an export's time;
# the export reads the complaint's own columns (and the reporter's name) as tuples instead,
# loads the few categories, offices and villages once, and gives ExportCells (every exported
# cell, once) a light line that answers like a Complaint.
EXPORT_FIELDS = ("id", "tracking_code", "created_at", "category_id", "desa_id", "assigned_opd_id", "assigned_desa_id",
                 "status", "first_response_at", "response_due_at", "resolution_due_at", "resolved_at",
                 "escalation_level", "rating", "is_anonymous", "is_confidential", "reporter_id",
                 "filed_by_official_id", "address_text", "description", "latitude", "longitude", "channel",
                 "contact_name")
REPORTER_FIELDS = ("first_name", "last_name", "username")


class _ReporterName:
    __slots__ = REPORTER_FIELDS
    __str__ = Reporter.__str__

    def __init__(self, first_name, last_name, username):
        self.first_name, self.last_name, self.username = first_name, last_name, username


class ExportLine:
    """One exported complaint: its columns plus the directory rows the formatters read."""

    __slots__ = (*EXPORT_FIELDS, "category", "desa", "assigned_opd", "assigned_desa", "reporter", "filed_by_official",
                 "cells")
    office_name = Complaint.office_name
    due_now = Complaint.due_now

    def __init__(self, values: tuple, directory: dict):
        for name, value in zip(EXPORT_FIELDS, values):
            setattr(self, name, value)
        self.category = directory["category"].get(self.category_id)
        self.desa = directory["desa"].get(self.desa_id)
        self.assigned_opd = directory["opd"].get(self.assigned_opd_id)
        self.assigned_desa = directory["desa"].get(self.assigned_desa_id)
        self.filed_by_official = directory["official"].get(self.filed_by_official_id)
        names = values[len(EXPORT_FIELDS):]
        self.reporter = _ReporterName(*names) if self.reporter_id is not None else None
        self.cells = None


def _export_columns():
    return [getattr(Complaint, n[:-3] if n.endswith("_id") and n != "id" else n) for n in EXPORT_FIELDS] + [
        getattr(Reporter, n) for n in REPORTER_FIELDS]


def _directory(rows: list[tuple]) -> dict:
    """The categories, offices, villages (with their kecamatan) and officials `rows` name."""
    def ids(*names):
        positions = [EXPORT_FIELDS.index(n) for n in names]
        return {row[i] for row in rows for i in positions if row[i] is not None}

    def load(query, wanted):
        found = {}
        wanted = sorted(wanted)
        for start in range(0, len(wanted), 500):
            found.update({o.id: o for o in query.where(query.model.id.in_(wanted[start:start + 500]))})
        return found

    villages = (Desa.select(*without_geometry(Desa), Kecamatan)
                .join(Kecamatan, JOIN.LEFT_OUTER, on=(Desa.kecamatan == Kecamatan.id), attr="kecamatan"))
    return {"category": load(Category.select(), ids("category_id")),
            "opd": load(Opd.select(), ids("assigned_opd_id")),
            "desa": load(villages, ids("desa_id", "assigned_desa_id")),
            "official": load(Official.select(), ids("filed_by_official_id"))}


def export_lines(query) -> list[ExportLine]:
    """The list's filtered, sorted query read as export lines."""
    rows = list(query.select(*_export_columns()).tuples())
    directory = _directory(rows)
    return [ExportLine(row, directory) for row in rows]


class ExportCells:
    """The export's cells of a complaint: the one implementation of every exported cell (an
    ExportLine and a Complaint alike, through csv_cell), with the request's language, zone,
    viewer and clock read once per export instead of once per cell
    (tests/test_panel_scale_paths.py holds the tuple-read lines to what the model rows give)."""

    def __init__(self):
        self.lang = current_lang()
        self.tz = current_app.config["WADUL"].TIMEZONE
        self.official = current_official()
        self.now = utcnow()
        self.texts = {key: tr(f"panel.{key}") for key in ("category.unknown", "place.unknown", "reporter.hidden")}
        self.cache: dict = {}

    def time(self, moment) -> str:
        """ISO 8601 in the regency's zone with its offset ("2026-11-02T08:00:00+07:00"): a
        spreadsheet sorts it and reads it as a time; empty when there is none."""
        return to_local(moment, self.tz).replace(microsecond=0).isoformat() if moment is not None else ""

    def _once(self, key, make):
        value = self.cache.get(key)
        if value is None:
            value = self.cache[key] = make()
        return value

    def row(self, m: ExportLine) -> dict:
        category = (self._once(("category", m.category_id), lambda: m.category.name(self.lang))
                    if m.category_id else self.texts["category.unknown"])
        if m.desa is None:
            place = m.address_text[:60] or self.texts["place.unknown"]
        else:
            place = self._once(("place", m.desa_id), lambda: place_text(m))
        deadline = ""
        due = m.due_now() if m.status in st.OPEN else None
        if due is not None:
            deadline = humanize_remaining(due, self.now, self.lang)
        if not access.shows_reporter(self.official, m):
            reporter = self.texts["reporter.hidden"]
        elif m.reporter is None and (m.channel or "telegram") != "telegram":  # recorded by staff, Open311
            reporter = m.contact_name or "—"
        elif m.reporter is None:
            reporter = str(m.filed_by_official or "—")
        else:
            reporter = str(m.reporter)
        cells = {
            "tracking_code": m.tracking_code, "created_at": self.time(m.created_at), "category": category,
            "place": place, "office": m.office_name, "status": st.label(m.status, self.lang), "deadline": deadline,
            "response_due_at": self.time(m.response_due_at), "first_response_at": self.time(m.first_response_at),
            "resolution_due_at": self.time(m.resolution_due_at), "resolved_at": self.time(m.resolved_at),
            "escalation_level": m.escalation_level, "rating": m.rating or "", "reporter": reporter,
            "address_text": m.address_text, "description": m.description,
            # numbers, not text: a negative latitude is no formula (csv_cell leaves numbers alone)
            "latitude": "" if m.latitude is None else round(m.latitude, 6),
            "longitude": "" if m.longitude is None else round(m.longitude, 6),
        }
        return {name: csv_cell("" if value is None else value) for name, value in cells.items()}


# The list counts matching rows only this far past the page shown: counting a quarter of a
# million rows on every page view costs more than the page itself.
COUNT_CAP = 10_000


def format_count(n: int) -> str:
    """10000 -> "10.000" (Indonesian) / "10,000" (English)."""
    text = f"{n:,}"
    return text.replace(",", ".") if current_lang() == "id" else text


class CappedCount(int):
    """A row count that stopped at a cap: the pager pages up to it, the list shows "10.000+"."""

    capped = True

    def hint(self) -> str:
        return tr("panel.list.count_more_title", n=format_count(int(self) - 1))

    def __str__(self) -> str:
        return tr("panel.list.count_more", n=format_count(int(self) - 1))


def capped_count(query, limit: int) -> int:
    """The number of complaints `query` matches, counting no further than `limit` (then
    CappedCount). Counted on the complaint table alone: scope, filters and search are all
    conditions on Complaint's columns, and the list's six joins cost PostgreSQL more to plan
    than the count costs to run."""
    bare = Complaint.select(SQL("1"))
    if query._where is not None:
        bare = bare.where(query._where)
    found = bare.limit(limit + 1).count()
    return CappedCount(found) if found > limit else found


class ComplaintView(DuplicateActions, HandlingActions, ComplaintActions, PanelModelView):
    """Complaints of the user's office (all of them for the main admin and oversight)."""

    roles = frozenset(ROLES)
    can_create = can_edit = False
    can_export = True
    export_types = ["csv"]
    export_max_rows = 50000
    list_template = "complaint/list.html"
    details_template = "complaint/details.html"
    column_list = ("tracking_code", "created_at", "category", "place", "office", "status", "deadline", "description",
                   "priority", "handler", "support")
    column_export_list = ("tracking_code", "created_at", "category", "place", "office", "status", "deadline",
                          "response_due_at", "first_response_at", "resolution_due_at", "resolved_at",
                          "escalation_level", "rating", "reporter", "address_text", "latitude", "longitude",
                          "description")
    column_labels = COLUMN_LABELS
    column_formatters = LIST_FORMATTERS
    column_sortable_list = ("tracking_code", "created_at", "status", "deadline", "priority")
    column_default_sort = "deadline"
    column_searchable_list = ("tracking_code", "description", "address_text")

    def __init__(self, *args, **kwargs):
        self.column_filters = flt.complaint_filters()
        super().__init__(*args, **kwargs)

    @expose("/")
    def index_view(self):
        """The list. An office's people opening it bare (their landing after login) get "needs
        my action": their open complaints, the nearest (or most overdue) deadline first."""
        if not request.args and is_staff(current_official()):
            return redirect(self.needs_action_url())
        return super().index_view()

    def needs_action_url(self) -> str:
        key, index, value = QUICK_FILTERS[0]
        return self.get_url(".index_view", **{f"flt0_{self.get_filter_arg(index, self._filters[index])}": value})

    def shows_needs_action(self) -> bool:
        """The open filter alone, for an office's people: the page says it is their work list."""
        chosen = {k: v for k, v in request.args.items() if k.startswith("flt")}
        return is_staff(current_official()) and self.get_url(".index_view", **chosen) == self.needs_action_url()

    def quick_links(self) -> list[tuple[str, str, bool]]:
        """One-click filters above the list: (label, url, active)."""
        chosen = {k: v for k, v in request.args.items() if k.startswith("flt")}
        # "all" is asked for explicitly by an office's people (their bare list is "needs my action")
        every = self.get_url(".index_view", all=1) if is_staff(current_official()) else self.get_url(".index_view")
        links = [(tr("panel.quick.all"), every, not chosen)]
        for key, index, value in QUICK_FILTERS:
            arg = f"flt0_{self.get_filter_arg(index, self._filters[index])}"
            links.append((tr(f"panel.quick.{key}"), self.get_url(".index_view", **{arg: value}),
                          chosen == {arg: value}))
        return links

    def search_placeholder(self):
        return tr("panel.search.complaints")

    def scope(self, query):
        return access.visible_complaints(current_official(), query)

    def get_query(self):
        return self.scope(complaint_rows())

    # Flask-Admin's own count (every matching row) is replaced by the capped count below.
    simple_list_pager = True

    def get_list(self, page, sort_column, sort_desc, search, filters, execute=True, page_size=None):
        _, query = super().get_list(page, sort_column, sort_desc, search, filters, execute=False,
                                    page_size=page_size)
        # Rows that tie on the sort key (two complaints without a deadline) keep one order on
        # every page and in the export: the newest first.
        query = query.order_by_extend(Complaint.id.desc())
        size = self.page_size if page_size is None else page_size
        count = capped_count(query, (page or 0) * (size or 0) + COUNT_CAP)
        if not execute:
            return count, query
        rows = list(query.execute())
        supporters.attach_counts(rows)  # the "Dukungan" column: one query for the page's rows
        return count, rows

    def _sort_clause(self, query, joins, sort_field, sort_desc):
        if sort_field == "deadline":
            key = deadline_order()
            return query, joins, key.desc(nulls="LAST") if sort_desc else key.asc(nulls="LAST")
        return super()._sort_clause(query, joins, sort_field, sort_desc)

    def _get_filter_groups(self):
        self._refresh_filters_cache()  # option lists come from the directory, read per request
        return super()._get_filter_groups()

    def _export_data(self):
        """Flask-Admin's export data step (flask_admin.model.base, 2.x): the same filters, search
        and sort as the list, read as export lines."""
        view_args = self._get_list_extra_args()
        sort = self._get_column_by_idx(view_args.sort)
        count, query = self.get_list(0, sort[0] if sort else None, view_args.sort_desc, view_args.search,
                                     view_args.filters, page_size=self.export_max_rows, execute=False)
        return count, export_lines(query)

    def get_export_value(self, model, name):
        """Every exported cell comes from ExportCells.row, for an ExportLine (the export's own
        rows) and a Complaint (Flask-Admin's model rows) alike."""
        cells = getattr(model, "cells", None)
        if cells is None:
            context = getattr(g, "_wadul_export_cells", None)
            if context is None:
                context = g._wadul_export_cells = ExportCells()
            cells = model.cells = context.row(model)
        return cells[name]

    def get_export_name(self, export_type="csv"):
        return f"aduan-{utcnow():%Y%m%d-%H%M}.{export_type}"

    def get_empty_list_message(self):
        return tr("panel.list.empty")

    @expose("/details/")
    def details_view(self):
        """The complaint page: text, photos, map, reporter, history, messages, actions."""
        complaint = self.get_one(request.args.get("id"))
        context = self.page_context(complaint)
        # Shown once as new on this page; opened by the office, it is no longer new.
        context["reporter_news"] = complaint.reporter_news_at is not None
        news.seen_by(current_official(), complaint)
        return self.render(self.details_template, **context)

    def page_context(self, complaint: Complaint) -> dict:
        official = current_official()
        history = list(StatusChange.select().where(StatusChange.complaint == complaint)
                       .order_by(StatusChange.created_at, StatusChange.id))
        return dict(
            complaint=complaint, model=complaint,
            photos=list(Photo.select().where(Photo.complaint == complaint).order_by(Photo.created_at, Photo.id)),
            history=history,
            # Who made each entry, by the anonymity rule (an anonymous reporter is never named).
            history_actors={entry.id: access.history_actor(official, complaint, entry, current_lang())
                            for entry in history},
            messages=list(OutboundMessage.select().where(OutboundMessage.complaint == complaint)
                          .order_by(OutboundMessage.created_at, OutboundMessage.id)),
            show_reporter=access.shows_reporter(official, complaint),
            deadline=current_deadline(complaint),
            category_name=_category_name(complaint), place=place_text(complaint),
            village_outline=_outline(complaint), tile_url=current_app.config["WADUL"].TILE_URL,
            read_only=official.role == ROLE_OVERSIGHT, is_main_admin=official.role == ROLE_MAIN_ADMIN,
            **self.action_context(complaint),
            **self.handling_context(complaint),
            **self.duplicates_context(complaint),
        )


def _outline(complaint: Complaint):
    if not complaint.desa_id:
        return None
    # complaint_rows() leaves the boundary out; only this page draws it.
    return Desa.select(Desa.geometry).where(Desa.id == complaint.desa_id).scalar() or None
