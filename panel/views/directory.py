"""The main admin's directory: OPDs and their contacts, categories and their deadlines,
villages, extra holidays, and importing a regency's villages from a GeoJSON file."""
from __future__ import annotations

import json

from flask import flash, redirect, request
from flask_admin import expose
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import IntegerField
from wtforms.validators import InputRequired, NumberRange, ValidationError

from core.routing import RegionFileError
from models import (DEADLINE_DAYS, DEADLINE_HOURS, DEADLINE_UNITS, DEADLINE_WORKDAYS, ROLE_MAIN_ADMIN, ROLE_OVERSIGHT,
                    Desa, Kecamatan)
from panel.auth import PanelForm
from panel.language import LazyText, tr
from panel.views.base import PanelModelView, PanelView
from services import regions

MAIN_ADMIN = frozenset({ROLE_MAIN_ADMIN})


def _labels(*names):
    return {name: LazyText(f"panel.col.{name}") for name in names}


class DirectoryView(PanelModelView):
    """Directory tables: the main admin edits, oversight reads."""

    roles = frozenset({ROLE_MAIN_ADMIN, ROLE_OVERSIGHT})

    @property
    def can_create(self):
        return self._main_admin()

    @property
    def can_edit(self):
        return self._main_admin()

    def _main_admin(self):
        from panel.auth import current_official

        official = current_official()
        return official is not None and official.role == ROLE_MAIN_ADMIN

    def _handle_view(self, name, **kwargs):
        refused = super()._handle_view(name, **kwargs)
        if refused is None and name in ("create_view", "edit_view") and not self._main_admin():
            return self.inaccessible_callback(name)
        return refused


class OpdView(DirectoryView):
    """OPDs with the contacts residents are given and the Telegram group for notices."""

    column_list = ("code", "short_name", "name", "hotline", "whatsapp", "email", "telegram_chat_id",
                   "is_main_admin", "active")
    column_labels = _labels("code", "short_name", "name", "hotline", "whatsapp", "email", "telegram_chat_id",
                            "is_main_admin", "active")
    column_searchable_list = ("code", "name", "short_name")
    column_default_sort = "short_name"
    form_columns = ("code", "name", "short_name", "hotline", "whatsapp", "email", "telegram_chat_id",
                    "is_main_admin", "active")


class CategoryView(DirectoryView):
    """Complaint categories, the office that owns each, and its deadlines in days, working
    days, or hours (categories from before: Category.deadline_unit)."""

    column_list = ("code", "name_id", "name_en", "group_id", "opd", "village_level", "response_hours",
                   "resolution_hours", "pause_when_asking", "active")
    column_labels = dict(_labels("code", "name_id", "name_en", "group_id", "group_en", "opd", "village_level",
                                 "sort_order", "active", "deadline_unit", "pause_when_asking"),
                         response_hours=LazyText("panel.col.response_deadline"),
                         resolution_hours=LazyText("panel.col.resolution_deadline"))
    column_searchable_list = ("code", "name_id", "name_en")
    column_default_sort = "sort_order"
    column_formatters = {
        "response_hours": lambda v, c, m, n: deadline_text(m.response_hours, m.deadline_unit),
        "resolution_hours": lambda v, c, m, n: deadline_text(m.resolution_hours, m.deadline_unit),
        "deadline_unit": lambda v, c, m, n: tr(f"panel.unit.{m.deadline_unit}"),
    }
    form_columns = ("code", "name_id", "name_en", "group_id", "group_en", "opd", "village_level",
                    "deadline_unit", "pause_when_asking", "sort_order", "active")
    form_extra_fields = {
        "response_deadline": IntegerField(LazyText("panel.col.response_deadline"),
                                          validators=[InputRequired(), NumberRange(min=1, max=366 * 24)],
                                          default=2, description=LazyText("panel.help.deadline_number")),
        "resolution_deadline": IntegerField(LazyText("panel.col.resolution_deadline"),
                                            validators=[InputRequired(), NumberRange(min=1, max=366 * 24)],
                                            default=14, description=LazyText("panel.help.deadline_number")),
    }
    form_rules = ("code", "name_id", "name_en", "group_id", "group_en", "opd", "village_level", "deadline_unit",
                  "response_deadline", "resolution_deadline", "pause_when_asking", "sort_order", "active")
    form_choices = {"deadline_unit": [(unit, LazyText(f"panel.unit.choice.{unit}"))
                                      for unit in (DEADLINE_WORKDAYS, DEADLINE_DAYS, DEADLINE_HOURS)]}
    form_args = {"deadline_unit": {"default": DEADLINE_WORKDAYS},
                 "pause_when_asking": {"description": LazyText("panel.help.pause_when_asking")}}

    def on_form_prefill(self, form, id):
        """The stored hours shown in the category's unit (2 working days, not 48)."""
        category = self.get_one(id)
        per = _per_unit(category.deadline_unit)
        form.response_deadline.data = category.response_hours // per
        form.resolution_deadline.data = category.resolution_hours // per

    def on_model_change(self, form, model, is_created):
        if model.deadline_unit not in DEADLINE_UNITS:
            raise ValidationError(tr("panel.col.deadline_unit"))
        if form.resolution_deadline.data < form.response_deadline.data:
            raise ValidationError(tr("panel.account.deadline_resolution_short"))
        per = _per_unit(model.deadline_unit)
        model.response_hours = form.response_deadline.data * per
        model.resolution_hours = form.resolution_deadline.data * per
        for name in ("response_deadline", "resolution_deadline"):
            if hasattr(model, name):
                delattr(model, name)


def _per_unit(unit: str) -> int:
    return 24 if unit in (DEADLINE_DAYS, DEADLINE_WORKDAYS) else 1


def deadline_text(hours: int, unit: str) -> str:
    """E.g. "2 hari kerja", "14 hari", "48 jam" in the panel's language."""
    per = _per_unit(unit)
    if hours % per:
        return f"{hours} {tr('panel.unit.hours')}"
    return f"{hours // per} {tr(f'panel.unit.{unit}')}"


class DesaView(DirectoryView):
    """Villages (loaded from the region file); only names and kinds are edited here."""

    column_list = ("code", "name", "kind", "kecamatan")
    column_labels = _labels("code", "name", "kind", "kecamatan")
    column_searchable_list = ("code", "name")
    column_default_sort = "code"
    form_columns = ("name", "kind")
    form_choices = {"kind": [("desa", "Desa"), ("kelurahan", "Kelurahan")]}
    column_formatters = {"kecamatan": lambda v, c, m, n: m.kecamatan.name}

    @property
    def can_create(self):
        return False  # villages come from the region file, with their boundaries

    def get_query(self):
        return Desa.select(Desa, Kecamatan).join(Kecamatan)


class HolidayView(DirectoryView):
    """Extra days off (cuti bersama, local holidays) that working-day deadlines skip."""

    column_list = ("day", "name")
    column_labels = _labels("day", "name")
    column_default_sort = ("day", True)
    form_columns = ("day", "name")

    @property
    def can_delete(self):
        return self._main_admin()

    action_disallowed_list = []


class RegionFileForm(PanelForm):
    file = FileField(LazyText("panel.regions.file"),
                     validators=[FileRequired(), FileAllowed(["geojson", "json"], LazyText("panel.regions.file_type"))])


class RegionImportView(PanelView):
    """Import (or update) a regency's villages from a GeoJSON file."""

    roles = MAIN_ADMIN

    @expose("/", methods=("GET", "POST"))
    def index(self):
        """Show the upload form; on a valid file import it and say what changed."""
        form = RegionFileForm()
        if form.validate_on_submit():
            try:
                result = regions.load_regions(json.load(form.file.data.stream))
            except (RegionFileError, ValueError, UnicodeDecodeError) as exc:
                flash(tr("panel.regions.failed", error=str(exc)[:300]), "error")
            else:
                flash(tr("panel.regions.done", created=result.created, updated=result.updated,
                         unchanged=result.unchanged, names=", ".join(result.kabupaten)), "success")
                return redirect(request.path)
        counts = dict(villages=Desa.select().count(), kecamatan=Kecamatan.select().count())
        return self.render("regions/import.html", form=form, counts=counts)
