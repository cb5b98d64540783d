"""The base of every panel view: who may open it, scoped queries, CSRF-protected forms.

Flask-Admin's peewee `get_one` loads any row by id (flask-admin #1739); here it goes through
the same scoped `get_query` as the list, so an id typed into the URL that the user may not
see answers 404, exactly as an id that does not exist.
"""
from __future__ import annotations

from flask import abort, redirect, request, url_for
from flask_admin import BaseView
from flask_admin.contrib.peewee import ModelView

from panel.auth import PanelForm, current_official


def _refuse():
    if current_official() is None:
        return redirect(url_for("auth.login", next=request.full_path))
    return abort(403)


class RoleGate:
    """Open to the roles in `roles` only (every view names its roles)."""

    roles: frozenset = frozenset()

    def is_accessible(self) -> bool:
        official = current_official()
        return official is not None and official.role in self.roles

    def inaccessible_callback(self, name, **kwargs):
        return _refuse()


class PanelView(RoleGate, BaseView):
    """A plain page (dashboard, region import) with the role gate."""


class PanelModelView(RoleGate, ModelView):
    """A model list/detail/form view whose every row lookup is scoped to the user."""

    form_base_class = PanelForm
    can_delete = False
    can_view_details = True
    page_size = 50
    can_set_page_size = True
    action_disallowed_list = ["delete"]

    def scope(self, query):
        """Narrow `query` to the rows the current official may see (default: all)."""
        return query

    def get_query(self):
        return self.scope(self.model.select())

    def get_one(self, id):
        """The row if the current official may see it; 404 otherwise."""
        try:
            pk = int(id)
        except (TypeError, ValueError):
            abort(404)
        row = self.get_query().where(self.model._meta.primary_key == pk).get_or_none()
        if row is None:
            abort(404)
        return row
