"""The leadership's report page: any period (default the last complete week), per OPD and per
village, a chart, a printable page and CSV; and the weekly report's recipients kept by the
main admin. Figures come from services.reports (the weekly job's code), over what the viewer
may see (services.access)."""
from __future__ import annotations

import csv
import io

from flask import Response, request
from flask_admin import expose
from wtforms import SelectField
from wtforms.validators import InputRequired, Length, NumberRange, ValidationError

from models import ROLE_MAIN_ADMIN, ROLE_OVERSIGHT, ReportRecipient, utcnow
from panel.auth import current_official
from panel.formatting import local_time
from panel.language import LazyText, tr
from panel.security import csv_cell
from panel.views.base import PanelModelView, PanelView
from services import access, reports
from services.messaging import notices

READERS = frozenset({ROLE_MAIN_ADMIN, ROLE_OVERSIGHT})


def _report():
    now = utcnow()
    period, refused = reports.parse_period(request.args.get("from"), request.args.get("to"), now)
    official = current_official()
    return reports.build(period, now, scope=access.complaint_condition(official)), refused


def chart_rows(report: reports.Report, limit: int = 25) -> list[dict]:
    """The chart's bars: offices with something due, most punctual first (the report's order)."""
    return [o for o in report.offices if o["due"]][:limit]


class ReportView(PanelView):
    """Leadership report (main admin and oversight only)."""

    roles = READERS

    @expose("/")
    def index(self):
        report, refused = _report()
        return self.render("reports/report.html", report=report, refused=refused, chart=chart_rows(report),
                           recipients=self._recipients(), printable=False)

    @expose("/print")
    def print_view(self):
        """The same report on a page of its own, without the panel's menu, ready to print."""
        report, refused = _report()
        return self.render("reports/print.html", report=report, refused=refused, chart=chart_rows(report),
                           recipients=None, printable=True)

    @expose("/export.csv")
    def export(self):
        """One line per office, ISO dates (sortable), numbers as numbers."""
        report, _ = _report()
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=reports.CSV_FIELDS)
        writer.writeheader()
        writer.writerows({k: csv_cell(v) for k, v in row.items()} for row in reports.csv_rows(report))
        name = f"laporan-{report.period.first.isoformat()}-{report.period.last.isoformat()}.csv"
        return Response(out.getvalue(), mimetype="text/csv",
                        headers={"Content-Disposition": f"attachment; filename={name}"})

    @staticmethod
    def _recipients():
        """Who receives the weekly report now (the main admin's view only)."""
        official = current_official()
        if official is None or official.role != ROLE_MAIN_ADMIN:
            return None
        return notices.report_recipients()


def _unique_chat(form, field):
    query = ReportRecipient.select().where(ReportRecipient.chat_id == field.data)
    row_id = getattr(form, "_row_id", None)
    if row_id is not None:
        query = query.where(ReportRecipient.id != row_id)
    if field.data is not None and query.exists():
        raise ValidationError(tr("panel.recipient.duplicate"))


def _nonzero(form, field):
    if field.data == 0:
        raise ValidationError(tr("panel.recipient.chat_id_invalid"))


class ReportRecipientView(PanelModelView):
    """Telegram chats the main admin adds to the weekly report's recipients."""

    roles = frozenset({ROLE_MAIN_ADMIN})
    can_delete = True
    action_disallowed_list = []
    can_view_details = False
    column_list = ("label", "chat_id", "language", "active", "created_at")
    form_columns = ("label", "chat_id", "language", "active")
    column_labels = {name: LazyText(f"panel.recipient.col.{name}")
                     for name in ("label", "chat_id", "language", "active", "created_at")}
    column_formatters = {
        "language": lambda v, c, m, n: tr(f"panel.recipient.lang.{m.language}") if m.language in ("id", "en") else m.language,
        "active": lambda v, c, m, n: tr("panel.yes") if m.active else tr("panel.no"),
        "created_at": lambda v, c, m, n: local_time(m.created_at),
    }
    column_descriptions = {"chat_id": LazyText("panel.recipient.chat_id_help")}
    form_overrides = {"language": SelectField}
    form_args = {
        "label": {"label": LazyText("panel.recipient.col.label"), "validators": [InputRequired(), Length(max=120)]},
        "chat_id": {"label": LazyText("panel.recipient.col.chat_id"),
                    "description": LazyText("panel.recipient.chat_id_help"),
                    "validators": [InputRequired(), NumberRange(min=-10**15, max=10**15), _nonzero, _unique_chat]},
        "language": {"label": LazyText("panel.recipient.col.language"),
                     "choices": [("id", LazyText("panel.recipient.lang.id")), ("en", LazyText("panel.recipient.lang.en"))]},
        "active": {"label": LazyText("panel.recipient.col.active")},
    }
    list_template = "reports/recipients.html"

    def get_empty_list_message(self):
        return tr("panel.recipient.empty")

    def edit_form(self, obj=None):
        form = super().edit_form(obj)
        form._row_id = getattr(obj, "id", None)
        return form
