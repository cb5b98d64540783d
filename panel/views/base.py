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
from panel.language import tr
from panel.security import id_or_404


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


# Columns no page, export or form of the panel shows, whatever a view lists: password and
# code hashes (an Argon2 hash is an offline guessing target) and session tokens' hashes.
SECRET_COLUMNS = ("password_hash", "code_hash", "token_hash")
MAX_PAGE = 1_000_000
MAX_SEARCH_WORDS, MAX_SEARCH_CHARS = 10, 200


class PanelModelView(RoleGate, ModelView):
    """A model list/detail/form view whose every row lookup is scoped to the user."""

    form_base_class = PanelForm
    column_details_exclude_list = SECRET_COLUMNS
    column_export_exclude_list = SECRET_COLUMNS
    column_exclude_list = SECRET_COLUMNS
    form_excluded_columns = SECRET_COLUMNS
    can_delete = False
    can_view_details = True
    page_size = 50
    can_set_page_size = True
    action_disallowed_list = ["delete"]

    def _get_list_extra_args(self):
        """The list's page, sort and filters from the URL; a page no list reaches is not found
        (a negative or huge page would reach the database as an OFFSET it refuses)."""
        args = super()._get_list_extra_args()
        if not 0 <= (args.page or 0) <= MAX_PAGE:
            abort(404)
        if args.search:
            # Flask-Admin ANDs one condition per word: thousands of words nest deeper than
            # peewee can build (RecursionError). Nobody searches with more than a few words.
            args.search = " ".join(args.search.split()[:MAX_SEARCH_WORDS])[:MAX_SEARCH_CHARS] or None
        return args

    def get_details_columns(self):
        return [(name, label) for name, label in super().get_details_columns() if name not in SECRET_COLUMNS]

    def get_export_columns(self):
        return [(name, label) for name, label in super().get_export_columns() if name not in SECRET_COLUMNS]

    def get_list_columns(self):
        return [(name, label) for name, label in super().get_list_columns() if name not in SECRET_COLUMNS]

    def search_placeholder(self):
        """The search box's hint ("Cari"), never Flask-Admin's None shown as text."""
        return tr("panel.search.generic")

    def scope(self, query):
        """Narrow `query` to the rows the current official may see (default: all)."""
        return query

    def get_query(self):
        return self.scope(self.model.select())

    def get_one(self, id):
        """The row if the current official may see it; 404 otherwise."""
        pk = id_or_404(id)
        row = self.get_query().where(self.model._meta.primary_key == pk).get_or_none()
        if row is None:
            abort(404)
        return row

    # Forms and the search box speak the panel's language: a form field's label is the
    # column's label (panel.col.*) unless form_args names one; the search box says what it
    # searches instead of Flask-Admin's empty placeholder (shown as "None").
    # Flask-Admin's peewee forms ignore form_choices (a role was typed as free text): a field
    # named there becomes a select of those choices, which WTForms also checks on submit.
    def scaffold_form(self):
        from wtforms import SelectField

        saved, saved_overrides = self.form_args, getattr(self, "form_overrides", None)
        args = {name: dict(values) for name, values in (saved or {}).items()}
        overrides = dict(saved_overrides or {})
        for name, label in (self.column_labels or {}).items():
            args.setdefault(name, {}).setdefault("label", label)
        for name, choices in (getattr(self, "form_choices", None) or {}).items():
            overrides.setdefault(name, SelectField)
            args.setdefault(name, {})["choices"] = choices
        self.form_args, self.form_overrides = args, overrides
        try:
            return super().scaffold_form()
        finally:
            self.form_args, self.form_overrides = saved, saved_overrides

    def search_placeholder(self):
        from panel.language import tr

        labels = self.column_labels or {}
        names = [str(labels.get(name, name)) for name in self.column_searchable_list or () if isinstance(name, str)]
        return tr("panel.search.in", columns=", ".join(names)) if names else tr("panel.search.any")
