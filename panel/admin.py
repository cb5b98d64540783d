"""The Flask-Admin instance and its menu: which views exist and under which names.

Views must be registered before the first request (Flask-Admin adds blueprints).
"""
from __future__ import annotations

from pathlib import Path

import flask_admin
from flask import Flask
from flask_admin import Admin
from flask_admin.theme import Bootstrap4Theme
from jinja2 import ChoiceLoader, FileSystemLoader, PrefixLoader

from models import ApiKey, Category, Complaint, Desa, Holiday, Official, Opd, ReportRecipient, ResponseTemplate
from panel.language import LazyText
from panel.security import csp_nonce
from panel.views.accounts import OfficialView
from panel.views.api_keys import ApiKeyView
from panel.views.complaints import ComplaintView
from panel.views.dashboard import DashboardView
from panel.views.directory_import import DirectoryImportView
from panel.views.linkcodes import LinkCodesView
from panel.views.directory import CategoryView, DesaView, HolidayView, OpdView, RegionImportView
from panel.views.reports import ReportRecipientView, ReportView
from panel.views.responses import ResponseTemplateView
from panel.views.routing import CountedMenuName, RoutingView, waiting_count
from panel.views.behalf import BehalfView

DIRECTORY = LazyText("panel.menu.directory")
REPORTS = LazyText("panel.menu.reports_group")


def init_admin(app: Flask) -> Admin:
    """Build the admin at /admin with the Wadul theme and every panel view."""
    # Flask-Admin's own templates are also reachable as "flask_admin/admin/...", so the few the
    # panel replaces (panel/templates/admin/: no inline event handlers, which the CSP blocks)
    # can import the originals and change only the macros that need it.
    app.jinja_loader = ChoiceLoader([app.jinja_loader, PrefixLoader(
        {"flask_admin": FileSystemLoader(str(Path(flask_admin.__file__).parent / "templates" / "bootstrap4"))})])
    admin = Admin(
        app, name="Wadul", url="/admin", theme=Bootstrap4Theme(base_template="wadul_base.html", fluid=True),
        index_view=DashboardView(name=LazyText("panel.menu.dashboard"), url="/admin", endpoint="admin"),
        translations_path=app.config["WADUL_TRANSLATIONS"], csp_nonce_generator=csp_nonce,
    )
    admin.add_view(ComplaintView(Complaint, name=LazyText("panel.menu.complaints"), endpoint="complaint"))
    admin.add_view(RoutingView(Complaint, name=CountedMenuName("panel.menu.routing", waiting_count), endpoint="routing"))
    admin.add_view(ResponseTemplateView(ResponseTemplate, name=LazyText("panel.menu.templates"),
                                        endpoint="responsetemplate"))
    admin.add_view(OpdView(Opd, name=LazyText("panel.menu.opd"), endpoint="opd", category=DIRECTORY))
    admin.add_view(CategoryView(Category, name=LazyText("panel.menu.categories"), endpoint="category",
                                category=DIRECTORY))
    admin.add_view(DesaView(Desa, name=LazyText("panel.menu.villages"), endpoint="desa", category=DIRECTORY))
    admin.add_view(HolidayView(Holiday, name=LazyText("panel.menu.holidays"), endpoint="holiday",
                               category=DIRECTORY))
    admin.add_view(RegionImportView(name=LazyText("panel.menu.regions"), endpoint="regions", url="/admin/regions",
                                    category=DIRECTORY))
    admin.add_view(OfficialView(Official, name=LazyText("panel.menu.officials"), endpoint="official",
                                category=DIRECTORY))
    admin.add_view(DirectoryImportView(name=LazyText("panel.menu.dirimport"), endpoint="dirimport",
                                       url="/admin/directory-import", category=DIRECTORY))
    admin.add_view(LinkCodesView(name=LazyText("panel.menu.linkcodes"), endpoint="linkcodes",
                                 url="/admin/link-codes", category=DIRECTORY))
    admin.add_view(ReportView(name=LazyText("panel.menu.reports"), endpoint="reports", url="/admin/reports",
                              category=REPORTS))
    admin.add_view(ReportRecipientView(ReportRecipient, name=LazyText("panel.menu.report_recipients"),
                                       endpoint="reportrecipient", category=REPORTS))
    admin.add_view(BehalfView(name=LazyText("behalf.menu"), endpoint="behalf", url="/admin/behalf"))
    admin.add_view(ApiKeyView(ApiKey, name=LazyText("panel.menu.api_keys"), endpoint="apikey", category=DIRECTORY))
    return admin

