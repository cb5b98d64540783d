"""The main admin's directory: OPDs and their contacts, categories and their deadlines,
villages, extra holidays, and importing a regency's villages from a GeoJSON file."""
from __future__ import annotations

import json

from flask import flash, redirect, request
from flask_admin import expose
from flask_wtf.file import FileAllowed, FileField, FileRequired

from core.routing import RegionFileError
from models import ROLE_MAIN_ADMIN, ROLE_OVERSIGHT, Desa, Kecamatan
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
    """Complaint categories, the office that owns each, and its deadlines in hours."""

    column_list = ("code", "name_id", "name_en", "group_id", "opd", "village_level", "response_hours",
                   "resolution_hours", "pause_when_asking", "active")
    column_labels = _labels("code", "name_id", "name_en", "group_id", "group_en", "opd", "village_level",
                            "response_hours", "resolution_hours", "pause_when_asking", "sort_order", "active")
    column_searchable_list = ("code", "name_id", "name_en")
    column_default_sort = "sort_order"
    form_columns = ("code", "name_id", "name_en", "group_id", "group_en", "opd", "village_level",
                    "response_hours", "resolution_hours", "pause_when_asking", "sort_order", "active")
    form_args = {"response_hours": {"description": LazyText("panel.help.response_hours")},
                 "resolution_hours": {"description": LazyText("panel.help.resolution_hours")},
                 "pause_when_asking": {"description": LazyText("panel.help.pause_when_asking")}}


class DesaView(DirectoryView):
    """Villages (loaded from the region file); only names and kinds are edited here."""

    column_list = ("code", "name", "kind", "kecamatan")
    column_labels = _labels("code", "name", "kind", "kecamatan")
    column_searchable_list = ("code", "name")
    column_default_sort = "code"
    form_columns = ("name", "kind")
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
