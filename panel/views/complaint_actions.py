"""The complaint page's action buttons: forms shown on the page and the POST that runs one."""
from __future__ import annotations

from flask import abort, flash, redirect, request, session
from flask_admin import expose

from core.status import TransitionError
from panel.auth import current_official
from panel.forms import PublicityForm, WithdrawForm, action_form
from panel.language import tr
from services import access, public_stats, publicity
from services.complaints import asking, desk


KEPT_NOTE = "kept_note"  # an action's note, shown again in its form after a failure that was not the user's


class ComplaintActions:
    """Mixed into the complaint view: `/act/<action>/?id=N` applies one action."""

    def action_context(self, complaint) -> dict:
        """The forms the current official may use on this complaint, and their templates."""
        official = current_official()
        actions = access.allowed_actions(official, complaint)
        forms = {}
        for action in actions:
            form = action_form(action, desk.forward_choices(complaint))
            if action == access.FORWARD and not form.target.data:
                form.target.data = desk.suggested_target(complaint)
            forms[action] = form
        kept = session.pop(KEPT_NOTE, None)
        if kept and kept.get("complaint") == complaint.id and kept.get("action") in forms:
            forms[kept["action"]].note.data = kept.get("note", "")
        public_form = PublicityForm(prefix="publicity", data={"public_hidden": complaint.public_hidden}) \
            if actions and not complaint.is_confidential else None
        return dict(actions=actions, forms=forms, templates=list(access.visible_templates(official)),
                    publicity_form=public_form, is_public=publicity.is_public(complaint),
                    **_asking_context(complaint, official))

    @expose("/publicity/", methods=("POST",))
    def publicity_view(self):
        """Take the complaint off the public pages, or show it again (an office that may act on it,
        or the main admin); written in the history as an internal note."""
        complaint = self.get_one(request.args.get("id"))
        official = current_official()
        if not access.can_act(official, complaint) or complaint.is_confidential:
            abort(403)
        form = PublicityForm(prefix="publicity")
        if not form.validate_on_submit():
            _flash_errors(form)
            return redirect(self.get_url(".details_view", id=complaint.id))
        hidden = bool(form.public_hidden.data)
        if hidden != complaint.public_hidden:
            from models import Complaint
            from services.complaints.status_door import add_note
            from services.tx import transaction

            with transaction():
                Complaint.update(public_hidden=hidden).where(Complaint.id == complaint.id).execute()
                add_note(complaint.id, tr("public.panel.state_hidden" if hidden else "public.panel.state_public"),
                         actor=official, visible_to_reporter=False)
            public_stats.forget_map()
        done = "public.panel.done_hidden" if hidden else "public.panel.done_shown"
        flash(tr(done, code=complaint.tracking_code), "success")
        return redirect(self.get_url(".details_view", id=complaint.id))

    @expose("/act/<action>/", methods=("POST",))
    def act_view(self, action):
        """Run one action (accept, resolve, reject, forward, note) on the complaint."""
        complaint = self.get_one(request.args.get("id"))
        official = current_official()
        if action not in access.ACTIONS or action not in access.allowed_actions(official, complaint):
            abort(403)
        form = action_form(action, desk.forward_choices(complaint))
        if not form.validate_on_submit():
            _flash_errors(form)
            return redirect(self.get_url(".details_view", id=complaint.id))
        try:
            if action == access.ASK:
                asking.ask(complaint.id, official, form.note.data or "")
            else:
                desk.perform(complaint, official, _request_from(action, form))
        except asking.AskError as exc:
            flash(tr(f"ask.error.{exc.code}"), "error")
        except desk.ActionError as exc:
            flash(tr(f"panel.error.{exc.code}"), "error")
            if exc.code == "photo_not_stored":  # the disk failed, not the official: keep what they wrote
                session[KEPT_NOTE] = {"complaint": complaint.id, "action": action, "note": form.note.data or ""}
        except TransitionError as exc:
            flash(tr(f"panel.error.{exc.code}"), "error")
        else:
            flash(tr(f"panel.done.{action}", code=complaint.tracking_code), "success")
            if access.visible_complaint(official, complaint.id) is None:
                return redirect(self.get_url(".index_view"))  # forwarded out of this office
        return redirect(self.get_url(".details_view", id=complaint.id))


    @expose("/withdraw-question/", methods=("POST",))
    def withdraw_question_view(self):
        """Take the open question to the reporter back (the deadline's pause ends)."""
        complaint = self.get_one(request.args.get("id"))
        official = current_official()
        if not asking.may_ask(official, complaint):
            abort(403)
        if not WithdrawForm(prefix="withdraw").validate_on_submit():
            flash(tr("panel.error.session"), "error")
            return redirect(self.get_url(".details_view", id=complaint.id))
        try:
            asking.withdraw(complaint.id, official)
        except asking.AskError as exc:
            flash(tr(f"ask.error.{exc.code}"), "error")
        else:
            flash(tr("panel.done.withdraw"), "success")
        return redirect(self.get_url(".details_view", id=complaint.id))


def _asking_context(complaint, official) -> dict:
    """The open question (and whether the deadline waits for it); for a reporter not on
    Telegram, the channel and contact to use instead (the anonymity rule applies)."""
    channel = complaint.channel if complaint.channel in (
        "telegram", "phone", "whatsapp", "walk_in", "social", "open311") else "other"
    return dict(open_question=asking.open_question(complaint.id), withdraw_form=WithdrawForm(prefix="withdraw"),
                reporter_on_telegram=complaint.reporter_id is not None,
                reporter_channel=tr(f"ask.channel.{channel}"),
                reporter_contact=asking.reporter_contact(complaint, official))


def _request_from(action: str, form) -> desk.Request:
    photo = getattr(form, "photo", None)
    data = photo.data.read() if photo is not None and photo.data else None
    target = form.target.data if hasattr(form, "target") else ""
    private = bool(getattr(form, "note_private", None) is not None and form.note_private.data)
    return desk.Request(action=action, note=(form.note.data or "").strip(), target=target, photo=data or None,
                        note_private=private)


def _flash_errors(form) -> None:
    for field in form:
        for error in field.errors:
            label = field.label.text if field.type != "CSRFTokenField" else tr("panel.error.session")
            flash(f"{label}: {error}", "error")
