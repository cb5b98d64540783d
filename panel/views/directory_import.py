"""The main admin imports the directory (OPDs, categories, officials) from one spreadsheet:
upload, a preview of every row (created, changed, unchanged, errors), then confirm.

The preview page carries the uploaded file back (base64, in the CSRF-protected confirm form),
so nothing is kept on the server between the two steps; confirming reads and checks the file
again against the directory as it is then, and writes it in one transaction
(services.directory_import)."""
from __future__ import annotations

import base64
import binascii

from flask import flash, make_response, redirect, request, url_for
from flask_admin import expose
from flask_wtf.file import FileField, FileRequired
from peewee import IntegrityError
from wtforms import HiddenField

from models import ROLE_MAIN_ADMIN
from panel.auth import PanelForm, current_official
from panel.language import LazyText, current_lang, tr
from panel.views.base import PanelView
from services import directory_import as di


class UploadForm(PanelForm):
    file = FileField(LazyText("dirimport.form.file"), validators=[FileRequired()])


class ConfirmForm(PanelForm):
    payload = HiddenField()
    filename = HiddenField()


class DirectoryImportView(PanelView):
    """Upload → preview → confirm; the template is the current directory."""

    roles = frozenset({ROLE_MAIN_ADMIN})

    @expose("/", methods=("GET", "POST"))
    def index(self):
        form = UploadForm()
        if form.validate_on_submit():
            data = form.file.data.read(di.MAX_BYTES + 1)
            filename = form.file.data.filename or ""
            return self._preview(data, filename)
        if request.method == "POST" and form.errors:
            flash(tr("dirimport.file.missing"), "error")
        return self.render("directory_import/upload.html", form=form, columns=di.COLUMNS, sheets=di.SHEET_NAMES,
                           order=di.SHEET_ORDER)

    def _preview(self, data: bytes, filename: str):
        try:
            tables = di.read_file(data, filename)
        except di.ImportFileError as exc:
            flash(exc.text(current_lang()), "error")
            return redirect(url_for(".index"))
        planned = di.plan(tables, di.Directory.load(current_official().id))
        confirm = ConfirmForm(formdata=None, payload=base64.b64encode(data).decode("ascii"), filename=filename[:200])
        changes = sum(c["create"] + c["update"] for c in planned.counts().values())
        return self.render("directory_import/preview.html", plan=planned, confirm=confirm, filename=filename,
                           changes=changes, order=di.SHEET_ORDER, lang=current_lang(), show=show)

    @expose("/confirm/", methods=("POST",))
    def confirm(self):
        form = ConfirmForm()
        if not form.validate_on_submit():
            flash(tr("dirimport.file.expired"), "error")
            return redirect(url_for(".index"))
        try:
            data = base64.b64decode(form.payload.data or "", validate=True)
        except (binascii.Error, ValueError):
            flash(tr("dirimport.file.unreadable"), "error")
            return redirect(url_for(".index"))
        try:
            tables = di.read_file(data, form.filename.data or "")
        except di.ImportFileError as exc:
            flash(exc.text(current_lang()), "error")
            return redirect(url_for(".index"))
        planned = di.plan(tables, di.Directory.load(current_official().id))
        if not planned.ok:  # the directory changed since the preview: show it again
            flash(tr("dirimport.changed_meanwhile"), "error")
            return self._preview(data, form.filename.data or "")
        try:
            result = di.apply(planned)
        except IntegrityError:  # a code or username taken between the check and the write
            flash(tr("dirimport.changed_meanwhile"), "error")
            return self._preview(data, form.filename.data or "")
        flash(tr("dirimport.done", **{f"{what}_{sheet}": getattr(result, what)[sheet]
                                      for what in ("created", "updated", "unchanged") for sheet in di.SHEET_ORDER}),
              "success")
        if result.new_officials:
            flash(tr("dirimport.new_officials", n=len(result.new_officials)), "info")
            return redirect(url_for("linkcodes.index", ids=",".join(map(str, result.new_officials))))
        return redirect(url_for(".index"))

    @expose("/template.xlsx")
    def template_xlsx(self):
        return _download(di.template_xlsx(lang=current_lang()), "wadul-direktori.xlsx",
                         "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")

    @expose("/template.csv")
    def template_csv(self):
        return _download(di.template_csv(lang=current_lang()), "wadul-direktori.csv", "text/csv; charset=utf-8")


def show(name: str, value) -> str:
    """A value of the preview's "old → new" in words."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return tr("panel.yes") if value else tr("panel.no")
    if name == "role":
        return tr(f"panel.role.{value}")
    if name == "deadline_unit":
        return di.UNIT_WORDS[current_lang()].get(value, value)
    return str(value)


def _download(body: bytes, name: str, mimetype: str):
    response = make_response(body)
    response.headers["Content-Type"] = mimetype
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    response.headers["Cache-Control"] = "no-store"
    return response
