"""Support counts and merging duplicates on the complaint page (services.complaints.duplicates).

Mixed into the complaint view: `duplicates_context` gives the page its support card, and
`/merge/?id=N` (POST, CSRF-protected) merges the complaint into another one chosen by its
tracking code, among the complaints the official may act on.
"""
from __future__ import annotations

from flask import abort, flash, redirect, request
from flask_admin import expose
from markupsafe import Markup
from wtforms import StringField
from wtforms.validators import DataRequired, Length

from models import Complaint
from panel.auth import PanelForm, current_official
from panel.language import LazyText, tr
from services import access
from services.complaints import duplicates, supporters


class MergeForm(PanelForm):
    target = StringField(LazyText("panel.dupes.target"), validators=[DataRequired(), Length(max=32)],
                         filters=[lambda v: v.strip() if isinstance(v, str) else v])


def support_cell(view, context, model, name):
    """The list's "Dukungan" column: the number of supporters (blank when none)."""
    n = getattr(model, "support_count", 0) or 0
    return Markup('<span class="badge badge-info support-count">{}</span>').format(n) if n else ""


def may_merge(official, complaint: Complaint) -> bool:
    return access.REJECT in access.allowed_actions(official, complaint)


class DuplicateActions:
    """The complaint page's support card and merge action."""

    def duplicates_context(self, complaint: Complaint) -> dict:
        official = current_official()
        merged = list(access.visible_complaints(official).where(Complaint.merged_into == complaint.id)
                      .order_by(Complaint.id))
        target = (access.visible_complaints(official).where(Complaint.id == complaint.merged_into_id).get_or_none()
                  if complaint.merged_into_id else None)
        return dict(support_count=supporters.count(complaint.id), merged_from=merged, merged_into=target,
                    merged_into_code=(complaint.merged_into.tracking_code if complaint.merged_into_id else ""),
                    merge_form=MergeForm(prefix="merge") if may_merge(official, complaint) else None)

    @expose("/merge/", methods=("POST",))
    def merge_view(self):
        complaint = self.get_one(request.args.get("id"))  # scoped: not found outside the office
        if complaint is None:
            abort(404)
        official = current_official()
        if not may_merge(official, complaint):
            abort(403)
        form = MergeForm(prefix="merge")
        page = self.get_url(".details_view", id=complaint.id)
        if not form.validate_on_submit():
            for field in form:
                for error in field.errors:
                    flash(f"{field.label.text}: {error}", "error")
            return redirect(page)
        try:
            target = duplicates.merge(complaint.id, form.target.data, official)
        except duplicates.DuplicateError as exc:
            flash(tr(f"panel.dupes.error.{exc.code}"), "error")
            return redirect(page)
        flash(tr("panel.dupes.done", code=complaint.tracking_code, target=target.tracking_code), "success")
        return redirect(self.get_url(".details_view", id=target.id))
