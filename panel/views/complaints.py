"""The complaint list (filters, search, deadlines, CSV export) and the complaint page.

Rows come only from `services.access.visible_complaints`; the page's actions live in
`panel.views.complaint_actions`. Complaints are never edited through a generic form:
every change goes through the status door.
"""
from __future__ import annotations

from datetime import datetime

from flask import current_app, request
from flask_admin import expose
from markupsafe import Markup

from core import status as st
from models import (ROLE_MAIN_ADMIN, ROLE_OVERSIGHT, ROLES, Complaint, Desa, OutboundMessage, Photo, StatusChange,
                    utcnow)
from panel import filters as flt
from panel.auth import current_official
from panel.formatting import current_deadline, deadline_cell, local_time, status_badge, status_label
from panel.language import LazyText, current_lang, tr
from panel.queries import complaint_rows, deadline_order
from panel.views.base import PanelModelView
from panel.views.complaint_actions import ComplaintActions
from services import access

def place_text(complaint: Complaint) -> str:
    desa = complaint.desa
    if desa is None:
        return complaint.address_text[:60] or tr("panel.place.unknown")
    return f"{desa}, {desa.kecamatan}" if desa.kecamatan_id else str(desa)


def reporter_text(complaint: Complaint) -> str:
    """The reporter as this official may see them: the name, or "anonim" when hidden."""
    if not access.shows_reporter(current_official(), complaint):
        return tr("panel.reporter.hidden")
    if complaint.reporter is None:
        return str(complaint.filed_by_official or "—")
    return str(complaint.reporter)


def _code_cell(view, context, model, name):
    url = view.get_url(".details_view", id=model.id)
    marks = []
    if model.is_confidential:
        marks.append(Markup('<span class="badge badge-dark">{}</span>').format(tr("panel.confidential")))
    if model.escalation_level:
        marks.append(Markup('<span class="badge badge-danger" title="{}">⚠ {}</span>').format(
            tr("panel.escalated"), model.escalation_level))
    return Markup('<a href="{}" class="code-link">{}</a> {}').format(url, model.tracking_code, Markup(" ").join(marks))


def _summary_cell(view, context, model, name):
    text = model.description if len(model.description) <= 90 else model.description[:87] + "…"
    return Markup('<span class="summary">{}</span>').format(text)


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
}


def _export_deadline(complaint: Complaint) -> str:
    deadline = current_deadline(complaint)
    return deadline.text if deadline else ""


EXPORT_FORMATTERS = {
    "created_at": lambda v, c, m, n: local_time(m.created_at),
    "category": lambda v, c, m, n: _category_name(m),
    "place": lambda v, c, m, n: place_text(m),
    "office": lambda v, c, m, n: m.office_name,
    "status": lambda v, c, m, n: status_label(m.status),
    "deadline": lambda v, c, m, n: _export_deadline(m),
    "response_due_at": lambda v, c, m, n: local_time(m.response_due_at),
    "first_response_at": lambda v, c, m, n: local_time(m.first_response_at),
    "resolution_due_at": lambda v, c, m, n: local_time(m.resolution_due_at),
    "resolved_at": lambda v, c, m, n: local_time(m.resolved_at),
    "reporter": lambda v, c, m, n: reporter_text(m),
    "rating": lambda v, c, m, n: m.rating or "",
}

COLUMN_LABELS = {name: LazyText(f"panel.col.{name}") for name in (
    "tracking_code", "created_at", "category", "place", "office", "status", "deadline", "description",
    "response_due_at", "first_response_at", "resolution_due_at", "resolved_at", "escalation_level",
    "reporter", "rating", "address_text")}


# (catalogue key, position in flt.complaint_filters(), value)
QUICK_FILTERS = (("open", 1, "1"), ("overdue", 2, "1"), ("escalated", 3, "1"),
                 ("assigned", 0, st.ASSIGNED), ("in_progress", 0, st.IN_PROGRESS), ("reopened", 0, st.REOPENED))


class ComplaintView(ComplaintActions, PanelModelView):
    """Complaints of the user's office (all of them for the main admin and oversight)."""

    roles = frozenset(ROLES)
    can_create = can_edit = False
    can_export = True
    export_types = ["csv"]
    export_max_rows = 50000
    list_template = "complaint/list.html"
    details_template = "complaint/details.html"
    column_list = ("tracking_code", "created_at", "category", "place", "office", "status", "deadline", "description")
    column_export_list = ("tracking_code", "created_at", "category", "place", "office", "status", "deadline",
                          "response_due_at", "first_response_at", "resolution_due_at", "resolved_at",
                          "escalation_level", "rating", "reporter", "address_text", "description")
    column_labels = COLUMN_LABELS
    column_formatters = LIST_FORMATTERS
    column_formatters_export = EXPORT_FORMATTERS
    column_sortable_list = ("tracking_code", "created_at", "status", "deadline")
    column_default_sort = "deadline"
    column_searchable_list = ("tracking_code", "description", "address_text")

    def __init__(self, *args, **kwargs):
        self.column_filters = flt.complaint_filters()
        super().__init__(*args, **kwargs)

    def quick_links(self) -> list[tuple[str, str, bool]]:
        """One-click filters above the list: (label, url, active)."""
        chosen = {k: v for k, v in request.args.items() if k.startswith("flt")}
        links = [(tr("panel.quick.all"), self.get_url(".index_view"), not chosen)]
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

    def _sort_clause(self, query, joins, sort_field, sort_desc):
        if sort_field == "deadline":
            key = deadline_order()
            return query, joins, key.desc(nulls="LAST") if sort_desc else key.asc(nulls="LAST")
        return super()._sort_clause(query, joins, sort_field, sort_desc)

    def _get_filter_groups(self):
        self._refresh_filters_cache()  # option lists come from the directory, read per request
        return super()._get_filter_groups()

    def get_export_value(self, model, name):
        return _csv_safe(super().get_export_value(model, name))

    def get_export_name(self, export_type="csv"):
        return f"aduan-{utcnow():%Y%m%d-%H%M}.{export_type}"

    def get_empty_list_message(self):
        return tr("panel.list.empty")

    @expose("/details/")
    def details_view(self):
        """The complaint page: text, photos, map, reporter, history, messages, actions."""
        complaint = self.get_one(request.args.get("id"))
        return self.render(self.details_template, **self.page_context(complaint))

    def page_context(self, complaint: Complaint) -> dict:
        official = current_official()
        return dict(
            complaint=complaint, model=complaint,
            photos=list(Photo.select().where(Photo.complaint == complaint).order_by(Photo.created_at, Photo.id)),
            history=list(StatusChange.select().where(StatusChange.complaint == complaint)
                         .order_by(StatusChange.created_at, StatusChange.id)),
            messages=list(OutboundMessage.select().where(OutboundMessage.complaint == complaint)
                          .order_by(OutboundMessage.created_at, OutboundMessage.id)),
            show_reporter=access.shows_reporter(official, complaint),
            deadline=current_deadline(complaint),
            category_name=_category_name(complaint), place=place_text(complaint),
            village_outline=_outline(complaint), tile_url=current_app.config["WADUL"].TILE_URL,
            read_only=official.role == ROLE_OVERSIGHT, is_main_admin=official.role == ROLE_MAIN_ADMIN,
            **self.action_context(complaint),
        )


def _outline(complaint: Complaint):
    if not complaint.desa_id:
        return None
    # complaint_rows() leaves the boundary out; only this page draws it.
    return Desa.select(Desa.geometry).where(Desa.id == complaint.desa_id).scalar() or None


def _csv_safe(value):
    """Spreadsheet formula injection: text typed by the public never starts a formula."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    if isinstance(value, datetime):
        return local_time(value)
    return value
