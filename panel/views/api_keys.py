"""Partners' keys for the Open311 API (panel/open311.py), kept by the main admin only.

Creating a key shows it once, on the page that answers the form; only its SHA-256 is stored
(services.open311). Revoking (a list action) works from the next request on: every post reads
the key's row.
"""
from __future__ import annotations

from flask import flash, g
from flask_admin import expose
from flask_admin.actions import action
from wtforms.validators import DataRequired, Length

from models import ROLE_MAIN_ADMIN
from panel.auth import current_official
from panel.formatting import local_time
from panel.language import LazyText, tr
from panel.views.base import PanelModelView
from services import open311


class ApiKeyView(PanelModelView):
    """The keys: who has one, since when, last used, revoked."""

    roles = frozenset({ROLE_MAIN_ADMIN})
    can_create = True
    can_edit = False
    can_export = False
    column_list = ("label", "prefix", "created_by", "created_at", "last_used_at", "revoked_at")
    column_details_list = column_list
    column_labels = {**{name: LazyText(f"panel.col.{name}") for name in (
        "label", "prefix", "created_by", "last_used_at", "revoked_at")}, "created_at": LazyText("panel.col.issued_at")}
    column_default_sort = ("created_at", True)
    column_formatters = {name: (lambda v, c, m, n: local_time(getattr(m, n)))
                         for name in ("created_at", "last_used_at", "revoked_at")}
    form_columns = ("label",)
    form_args = {"label": {"label": LazyText("panel.col.label"),
                           "validators": [DataRequired(LazyText("panel.api_key.label_required")), Length(max=120)]}}
    action_disallowed_list = ["delete"]

    def create_model(self, form):
        row, plain = open311.issue_key(form.label.data, current_official())
        g.open311_new_key = (row, plain)
        return row

    @expose("/new/", methods=("GET", "POST"))
    def create_view(self):
        """The form; once a key is made, the page that shows it (once) instead of a redirect."""
        response = super().create_view()
        made = g.pop("open311_new_key", None)
        if made is None:
            return response
        row, plain = made
        return self.render("api_key/created.html", label=row.label, key=plain)

    @action("revoke", LazyText("panel.api_key.revoke"), LazyText("panel.api_key.revoke_confirm"))
    def action_revoke(self, ids):
        count = open311.revoke(int(i) for i in ids)
        flash(tr("panel.api_key.revoked", count=count), "success")
