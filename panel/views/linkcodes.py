"""Telegram link codes in bulk: pick officials not yet linked, get one printable page with a
card per official (name, role, office, code, expiry, how to use it).

The main admin may make codes for every official; an OPD admin for the staff of their own
OPD (the people they appoint). Codes are made by services.linking, shown once, never stored
in plain text; the page is not cached."""
from __future__ import annotations

from flask import current_app, flash, make_response, redirect, request, url_for
from flask_admin import expose

from models import OPD_ROLES, ROLE_MAIN_ADMIN, ROLE_OPD_ADMIN, Desa, LinkCode, Official, Opd
from panel.auth import current_official
from panel.formatting import local_time
from panel.language import tr
from panel.views.base import PanelView
from services import linking

MAX_CARDS = 500


def linkable(me: Official):
    """Active officials without a Telegram link that `me` may make codes for."""
    query = Official.select().where(Official.active == True, Official.telegram_user_id.is_null())  # noqa: E712
    if me.role == ROLE_MAIN_ADMIN:
        return query
    if me.role == ROLE_OPD_ADMIN and me.opd_id:
        return query.where(Official.opd == me.opd_id, Official.role.in_(OPD_ROLES))
    return query.where(Official.id == 0)


def offices(officials: list[Official]):
    """A function naming each official's office, with two queries for the whole list."""
    opds = {o.id: str(o) for o in Opd.select().where(Opd.id.in_({o.opd_id for o in officials if o.opd_id} or {0}))}
    villages = {d.id: str(d) for d in Desa.select(Desa.id, Desa.name, Desa.kind).where(
        Desa.id.in_({o.desa_id for o in officials if o.desa_id} or {0}))}

    def office_of(official: Official) -> str:
        if official.desa_id:
            return villages.get(official.desa_id, "—")
        return opds.get(official.opd_id, "—")
    return office_of


class LinkCodesView(PanelView):
    """`/admin/link-codes/`: the list to choose from; POST `print/` makes the codes."""

    roles = frozenset({ROLE_MAIN_ADMIN, ROLE_OPD_ADMIN})

    @expose("/")
    def index(self):
        me = current_official()
        wanted = {int(i) for i in (request.args.get("ids") or "").split(",") if i.strip().isdigit()}
        officials = list(linkable(me).order_by(Official.role, Official.full_name, Official.username))
        return self.render("linkcodes/choose.html", officials=officials, wanted=wanted, office_of=offices(officials))

    @expose("/print/", methods=("POST",))
    def print_view(self):
        me = current_official()
        query = linkable(me)
        if request.form.get("all") != "1":
            ids = [int(i) for i in request.form.getlist("official") if i.isdigit()]
            query = query.where(Official.id.in_(ids or [0]))
        officials = list(query.order_by(Official.role, Official.full_name, Official.username).limit(MAX_CARDS))
        if not officials:
            flash(tr("linkcodes.none_chosen"), "error")
            return redirect(url_for(".index"))
        username = current_app.config["WADUL"].TELEGRAM_BOT_USERNAME
        cards = []
        office_of = offices(officials)
        for official in officials:
            code = linking.create_link_code(official)
            row = LinkCode.select().where(LinkCode.official == official.id).order_by(LinkCode.id.desc()).first()
            cards.append(dict(official=official, role=tr(f"panel.role.{official.role}"), office=office_of(official),
                              code=code, expires=local_time(row.expires_at), link=linking.deep_link(code, username)))
        bot = username.lstrip("@") if username else ""
        response = make_response(self.render("linkcodes/print.html", cards=cards, bot=bot))
        response.headers["Cache-Control"] = "no-store"  # codes must not stay in a cache
        return response
