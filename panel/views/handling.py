"""The complaint page's "Handling" box: the named handler and the priority, and the POST that
changes them (services.complaints.handling decides who may and whom; the list's "Mine" filter is
in panel.filters)."""
from __future__ import annotations

from flask import abort, flash, redirect, request
from flask_admin import expose
from wtforms import SelectField, TextAreaField
from wtforms.validators import Length, Optional

from panel.auth import PanelForm, current_official
from panel.language import LazyText, tr
from services import access
from services.complaints import handling


class HandlerForm(PanelForm):
    handler = SelectField(LazyText("handling.field.handler"), choices=[], validate_choice=False)
    priority = SelectField(LazyText("handling.field.priority"), choices=[], validate_choice=False)
    note = TextAreaField(LazyText("handling.field.note"), validators=[Optional(), Length(max=1000)])


def handler_form(complaint) -> HandlerForm:
    form = HandlerForm(prefix="handling")
    form.handler.choices = [("", tr("handling.nobody"))] + [
        (str(o.id), f"{o} — {tr('panel.role.' + o.role)}{'' if o.telegram_user_id else ' · ' + tr('handling.no_telegram')}")
        for o in access.handler_candidates(complaint)]
    form.priority.choices = [(str(p), handling.priority_label(p, _lang())) for p in handling.PRIORITIES]
    if request.method == "GET":
        form.handler.data = str(complaint.handler_id or "")
        form.priority.data = str(complaint.priority or 0)
    return form


def _lang():
    from panel.language import current_lang

    return current_lang()


class HandlingActions:
    """Mixed into the complaint view: `/handler/?id=N` names the handler and priority."""

    def handling_context(self, complaint) -> dict:
        official = current_official()
        may = access.may_assign_handler(official, complaint)
        return dict(handling_form=handler_form(complaint) if may else None,
                    priority_label=handling.priority_label(complaint.priority or 0, _lang()))

    @expose("/handler/", methods=("POST",))
    def handler_view(self):
        complaint = self.get_one(request.args.get("id"))  # scoped: another office's complaint is 404
        official = current_official()
        if not access.may_assign_handler(official, complaint):
            abort(403)
        form = handler_form(complaint)
        if not form.validate_on_submit():
            for field in form:
                for error in field.errors:
                    flash(f"{field.label.text}: {error}", "error")
            return redirect(self.get_url(".details_view", id=complaint.id))
        raw_handler, raw_priority = form.handler.data or "", form.priority.data or ""
        if (raw_handler and not raw_handler.isdigit()) or not raw_priority.lstrip("-").isdigit():
            abort(400)
        try:
            outcome = handling.assign(complaint.id, official, int(raw_handler) if raw_handler else None,
                                      int(raw_priority), (form.note.data or "").strip())
        except handling.HandlingError as exc:
            if exc.code == "not_allowed":
                abort(403)
            flash(tr(f"handling.error.{exc.code}"), "error")
        else:
            key = "handling.done_told" if outcome.told_handler else "handling.done"
            flash(tr(key, code=complaint.tracking_code), "success")
        return redirect(self.get_url(".details_view", id=complaint.id))
