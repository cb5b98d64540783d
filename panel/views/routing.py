"""The main admin's "needs routing" list: complaints the worker could not place by itself
(no village contains the point, no category, no office for the category).

On one page the main admin corrects the complaint's category or village, may choose the OPD,
and saves: the complaint is routed at once (services.complaints.assignment, as the worker
would), or the problem that remains is said. The menu shows how many wait (a badge).
"""
from __future__ import annotations

from datetime import timedelta

from flask import flash
from flask_admin.contrib.peewee.ajax import QueryAjaxModelLoader
from markupsafe import Markup
from wtforms import SelectField

import i18n
from core import status as st
from models import ROLE_MAIN_ADMIN, Complaint, Desa, Opd, utcnow
from panel.formatting import local_time
from panel.language import LazyText, current_lang, tr
from panel.views.base import PanelModelView
from panel.queries import complaint_rows
from panel.views.complaints import COLUMN_LABELS, capped_count, place_text
from services.complaints import assignment


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


def problem_key(complaint: Complaint) -> str:
    """The catalogue key of why it waits. The worker's "no_village" covers two cases people read
    apart: a GPS point outside every village, and no point at all (a typed address naming no
    village, or a reporter who said they do not know the village): "no_point" then."""
    problem = complaint.routing_problem or "unassigned"
    if problem == "no_village" and (complaint.latitude is None or complaint.longitude is None):
        problem = "no_point"
    return f"panel.routing.problem.{problem}"


def _problem(view, context, model, name):
    key = problem_key(model)
    return tr(key) if key in i18n.catalogue() else model.routing_problem  # codes the worker may add later


# The badge counts no further than this ("99+"): it is drawn on every page of the main admin,
# and a full count read every waiting row (~170 ms per page with 30,000 of them at 1 M).
BADGE_CAP = 99


def waiting_count() -> int:
    """How many complaints wait in the list (the menu's badge), up to BADGE_CAP."""
    return capped_count(Complaint.select().where(needs_routing()), BADGE_CAP)


class CountedMenuName(LazyText):
    """The menu entry's name with the number waiting as a badge ("Needs routing 3")."""

    def __init__(self, key: str, counter):
        super().__init__(key)
        self.counter = counter

    def _count(self) -> int:
        try:
            return self.counter()
        except Exception:  # never let a count break the page's menu
            return 0

    def __html__(self) -> str:
        count = self._count()
        name = Markup.escape(tr(self.key))
        if not count:
            return str(name)
        return str(Markup('{} <span class="badge badge-warning routing-count" title="{}">{}</span>').format(
            name, tr("panel.routing.count_title", count=count), count))


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
    form_extra_fields = {"route_opd": SelectField(LazyText("panel.routing.route_opd"), choices=[], default="",
                                                  description=LazyText("panel.routing.route_opd_help"))}
    edit_template = "routing/edit.html"

    # --- one screen: correct the category or village, choose the OPD if need be, and route ----
    def _with_offices(self, form):
        form.route_opd.choices = [("", tr("panel.routing.route_by_category"))] + [
            (str(o.id), f"{o.short_name} — {o.name}")
            for o in Opd.select().where(Opd.active == True).order_by(Opd.short_name)]  # noqa: E712
        return form

    def create_form(self, obj=None):
        return self._with_offices(super().create_form(obj))

    def edit_form(self, obj=None):
        return self._with_offices(super().edit_form(obj))

    def on_model_change(self, form, model, is_created):
        chosen = (form.route_opd.data or "") if hasattr(form, "route_opd") else ""
        if chosen.isdigit() and Opd.get_or_none(Opd.id == int(chosen), Opd.active == True):  # noqa: E712
            model.requested_opd = int(chosen)  # the assignment honours a wanted OPD (services.complaints.assignment)
        model.routing_problem = ""

    def after_model_change(self, form, model, is_created):
        """Route it now, with the corrected data: assigned (the reporter and the office are told
        as by the worker), or the problem that remains, said at once."""
        if model.status != st.NEW:
            return
        result = assignment.assign(model.id)
        complaint = Complaint.get_by_id(model.id)
        if result == "assigned":
            flash(tr("panel.routing.routed", code=complaint.tracking_code, office=complaint.office_name or ""),
                  "success")
        else:
            flash(tr("panel.routing.still", code=complaint.tracking_code, problem=tr(problem_key(complaint))),
                  "warning")

    def get_query(self):
        return complaint_rows().where(needs_routing())

    def _create_ajax_loader(self, name, options):
        return village_loader(name)

    form_ajax_refs = {"desa": {"fields": ("name",)}}

    def get_empty_list_message(self):
        return tr("panel.routing.empty")
