"""The main admin's "needs routing" list: complaints the worker could not place by itself
(no village contains the point, no category, no office for the category).

The main admin corrects the complaint's category or village here, then forwards it to an
office from the complaint page (the status door's disposisi).
"""
from __future__ import annotations

from datetime import timedelta

from flask_admin.contrib.peewee.ajax import QueryAjaxModelLoader
from markupsafe import Markup

import i18n
from core import status as st
from models import ROLE_MAIN_ADMIN, Complaint, Desa, utcnow
from panel.formatting import local_time
from panel.language import LazyText, current_lang, tr
from panel.views.base import PanelModelView
from panel.queries import complaint_rows
from panel.views.complaints import COLUMN_LABELS, place_text


class VillageLoader(QueryAjaxModelLoader):
    """Village search for selects: "Desa Sungai Putri — Kec. Matan Hilir Utara"."""

    def format(self, model):
        if not model:
            return None
        return model.id, f"{model} — {model.kecamatan}"

    def get_one(self, pk):
        return Desa.get_or_none(Desa.id == pk)

    def get_list(self, term, offset=0, limit=20):
        # offset and limit come from the URL (?offset=&limit=): kept where the database accepts them
        offset, limit = min(max(offset or 0, 0), 1_000_000), min(max(limit or 20, 1), 50)
        query = Desa.select().order_by(Desa.name)
        if term:
            query = query.where(Desa.name.contains(term.strip()) | Desa.code.startswith(term.strip()))
        return list(query.offset(offset).limit(limit))


def village_loader(name: str) -> VillageLoader:
    return VillageLoader(name, Desa, fields=("name", "code"), placeholder=LazyText("panel.routing.village_search"))


# A new complaint normally leaves "new" within seconds (the assign job); one still new after
# this long was not placed automatically even if no problem was recorded (worker down...).
STUCK_AFTER = timedelta(minutes=10)


def needs_routing(now=None):
    """Complaints waiting for a person to choose their office."""
    now = now or utcnow()
    no_office = Complaint.assigned_opd.is_null() & Complaint.assigned_desa.is_null()
    stuck_new = (Complaint.status == st.NEW) & ((Complaint.routing_problem != "") | (Complaint.created_at < now - STUCK_AFTER))
    return stuck_new | ((Complaint.status == st.FORWARDED) & no_office)


def _code_link(view, context, model, name):
    url = view.get_url("complaint.details_view", id=model.id)
    return Markup('<a href="{}" class="code-link">{}</a>').format(url, model.tracking_code)


def _problem(view, context, model, name):
    key = f"panel.routing.problem.{model.routing_problem or 'unassigned'}"
    return tr(key) if key in i18n.catalogue() else model.routing_problem  # codes the worker may add later


class RoutingView(PanelModelView):
    """Complaints without an office, for the main admin to route."""

    roles = frozenset({ROLE_MAIN_ADMIN})
    can_create = False
    can_edit = True
    can_view_details = False
    column_list = ("tracking_code", "created_at", "routing_problem", "category", "place", "description")
    column_labels = dict(COLUMN_LABELS, routing_problem=LazyText("panel.col.routing_problem"),
                         desa=LazyText("panel.col.desa"))
    column_formatters = {
        "tracking_code": _code_link, "created_at": lambda v, c, m, n: local_time(m.created_at),
        "routing_problem": _problem, "place": lambda v, c, m, n: place_text(m),
        "category": lambda v, c, m, n: m.category.name(current_lang()) if m.category_id else tr("panel.category.unknown"),
    }
    column_sortable_list = ("created_at",)
    column_default_sort = ("created_at", False)
    column_searchable_list = ("tracking_code", "description", "address_text")
    form_columns = ("category", "desa")
    form_args = {"category": {"label": LazyText("panel.col.category")}, "desa": {"label": LazyText("panel.col.desa")}}
    edit_template = "routing/edit.html"

    def get_query(self):
        return complaint_rows().where(needs_routing())

    def _create_ajax_loader(self, name, options):
        return village_loader(name)

    form_ajax_refs = {"desa": {"fields": ("name",)}}

    def get_empty_list_message(self):
        return tr("panel.routing.empty")
