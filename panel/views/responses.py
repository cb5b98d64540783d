"""Reusable response templates per office: staff pick them on the complaint page; the OPD
admin, the village head and the main admin keep them."""
from __future__ import annotations

from wtforms.validators import ValidationError

from models import ROLE_MAIN_ADMIN
from panel.auth import current_official
from panel.language import LazyText, tr
from panel.views.base import PanelModelView
from panel.views.routing import village_loader
from services import access


class ResponseTemplateView(PanelModelView):
    """The templates of the user's office (all of them for the main admin)."""

    roles = access.ACTING_ROLES
    column_list = ("title", "text", "opd", "desa")
    column_labels = {**{name: LazyText(f"panel.col.{name}") for name in ("title", "text", "opd", "desa")},
                     "created_at": LazyText("panel.col.made_at")}
    column_searchable_list = ("title", "text")
    column_default_sort = "title"
    form_columns = ("opd", "desa", "title", "text")
    form_args = {"text": {"description": LazyText("panel.help.template_text"), "label": LazyText("panel.col.text")},
                 "title": {"label": LazyText("panel.col.title")}, "opd": {"label": LazyText("panel.col.opd")},
                 "desa": {"label": LazyText("panel.col.desa")}}
    form_widget_args = {"text": {"rows": 6}}
    form_ajax_refs = {"desa": {"fields": ("name",)}}

    @property
    def can_create(self):
        return access.can_manage_templates(current_official())

    @property
    def can_edit(self):
        return access.can_manage_templates(current_official())

    @property
    def can_delete(self):
        return access.can_manage_templates(current_official())

    def _create_ajax_loader(self, name, options):
        return village_loader(name)

    def _handle_view(self, name, **kwargs):
        refused = super()._handle_view(name, **kwargs)
        writing = name in ("create_view", "edit_view", "delete_view", "ajax_lookup")
        if refused is None and writing and not access.can_manage_templates(current_official()):
            return self.inaccessible_callback(name)
        return refused

    def get_query(self):
        return access.visible_templates(current_official())

    def create_form(self, obj=None):
        return _office_fields_for_main_admin(super().create_form(obj))

    def edit_form(self, obj=None):
        return _office_fields_for_main_admin(super().edit_form(obj))

    def on_model_change(self, form, model, is_created):
        """Other roles write only for their own office; the main admin names one office."""
        official = current_official()
        if official.role != ROLE_MAIN_ADMIN:
            model.opd, model.desa = official.opd, official.desa
        elif (model.opd is None) == (model.desa is None):
            raise ValidationError(tr("panel.templates.one_office"))


def _office_fields_for_main_admin(form):
    if current_official().role != ROLE_MAIN_ADMIN:
        del form.opd  # the office is the author's own; a posted value is ignored
        del form.desa
    return form
