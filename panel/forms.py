"""The forms of the complaint page's actions (each one a CSRF-protected POST)."""
from __future__ import annotations

from flask_wtf.file import FileAllowed, FileField
from wtforms import BooleanField, SelectField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from panel.auth import PanelForm
from panel.language import LazyText
from services import access

NOTE_MAX = 2000
PHOTO_TYPES = ["jpg", "jpeg", "png", "webp"]


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def _note(label_key: str, required: bool):
    # DataRequired after stripping: a note of spaces is no note.
    validators = [DataRequired() if required else Optional(), Length(max=NOTE_MAX)]
    return TextAreaField(LazyText(label_key), validators=validators, filters=[_strip])


class AcceptForm(PanelForm):
    note = _note("panel.form.note_optional", required=False)


class ResolveForm(PanelForm):
    note = _note("panel.form.resolution_note", required=True)
    photo = FileField(LazyText("panel.form.result_photo"),
                      validators=[FileAllowed(PHOTO_TYPES, LazyText("panel.form.photo_type"))])


class RejectForm(PanelForm):
    note = _note("panel.form.reason", required=True)


class ForwardForm(PanelForm):
    target = SelectField(LazyText("panel.form.target"), choices=[], validators=[InputRequired()])
    note = _note("panel.form.forward_note", required=True)


class NoteForm(PanelForm):
    note = _note("panel.form.internal_note", required=True)


class AskForm(PanelForm):
    note = TextAreaField(LazyText("panel.form.question"), validators=[DataRequired(), Length(max=1000)],
                         filters=[_strip])


class WithdrawForm(PanelForm):
    """Taking the open question back: nothing but the CSRF token."""


def _note_private():
    # The office's note is a public reply (services.publicity) unless it is marked private here.
    return BooleanField(LazyText("public.panel.note_private"), default=False)


for _form in (AcceptForm, ResolveForm, RejectForm, ForwardForm):
    _form.note_private = _note_private()


class PublicityForm(PanelForm):
    """Whether the complaint stays off the public pages (Complaint.public_hidden)."""

    public_hidden = BooleanField(LazyText("public.panel.hidden"), default=False)


FORMS = {
    access.ACCEPT: AcceptForm, access.RESOLVE: ResolveForm, access.REJECT: RejectForm,
    access.FORWARD: ForwardForm, access.NOTE: NoteForm, access.ASK: AskForm,
}


def action_form(action: str, forward_choices=None):
    """The form for `action` (filled from the request when it is a POST), prefixed so several
    can live on one page."""
    form = FORMS[action](prefix=action)
    if action == access.FORWARD:
        form.target.choices = forward_choices or []
    return form
