"""The panel's home page: how offices answer (counts, on-time rate, overdue, ratings, chart),
and the same office table as CSV. Every number is over what the viewer may see."""
from __future__ import annotations

import csv
import io

from flask import Response, request
from flask_admin import AdminIndexView, expose

from core import status as st
from models import ROLES
from panel import dashboard
from panel.auth import current_official
from panel.language import tr
from panel.security import csv_cell
from panel.views.base import RoleGate


class DashboardView(RoleGate, AdminIndexView):
    """Home: the dashboard for every role, scoped by the role's access."""

    roles = frozenset(ROLES)

    @expose("/")
    def index(self):
        """Counts by status, the office table, the worst overdue complaints and a chart."""
        data = dashboard.build(current_official(), request.args.get("days", 30, type=int))
        peak = max([max(r, s) for _, r, s in data.series] + [1])
        return self.render("dashboard.html", data=data, statuses=st.ALL, periods=dashboard.PERIODS, peak=peak)

    @expose("/export/offices.csv")
    def export_offices(self):
        """The office table of the dashboard as CSV, for the chosen period."""
        data = dashboard.build(current_official(), request.args.get("days", 30, type=int))
        out = io.StringIO()
        writer = csv.writer(out)
        rows = [[tr(f"panel.dash.{k}") for k in (
            "office_kind", "office", "received", "due", "on_time", "on_time_rate", "median_hours",
            "overdue_now", "rating")] + [tr("feedback.dash.reopened")]]
        rows += [[tr(f"panel.dash.kind.{o.kind}"), o.name, o.received, o.due, o.on_time, _blank(o.on_time_rate),
                  _blank(o.median_response_hours), o.overdue_now, _blank(o.average_rating), o.reopened]
                 for o in data.offices]
        writer.writerows([csv_cell(cell) for cell in row] for row in rows)  # office names are typed by people
        name = f"kinerja-{data.period_days}-hari.csv"
        return Response(out.getvalue(), mimetype="text/csv",
                        headers={"Content-Disposition": f"attachment; filename={name}"})


def _blank(value):
    return "" if value is None else value
