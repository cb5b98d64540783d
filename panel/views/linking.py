"""Telegram links of officials' accounts, kept by the main admin on the official's page:
a one-time link code (shown once, only its hash is stored) and unlinking."""
from __future__ import annotations

from flask import current_app, flash, make_response, redirect, request
from flask_admin import expose

from models import LinkCode
from panel.formatting import local_time
from panel.language import tr
from services import linking


class TelegramLinkActions:
    """Mixed into the officials' view: `/link-code/?id=N` and `/unlink/?id=N` (POST, CSRF-checked)."""

    details_template = "official/details.html"

    @expose("/link-code/", methods=("POST",))
    def link_code_view(self):
        """Create a link code for the official and show it once (never stored in plain text)."""
        official = self.get_one(request.args.get("id"))
        try:
            code = linking.create_link_code(official)
        except linking.LinkError:
            flash(tr("village.panel.inactive"), "error")
            return redirect(self.get_url(".details_view", id=official.id))
        row = LinkCode.select().where(LinkCode.official == official.id).order_by(LinkCode.id.desc()).first()
        username = current_app.config["WADUL"].TELEGRAM_BOT_USERNAME
        page = self.render("official/link_code.html", official=official, code=code,
                           link=linking.deep_link(code, username), expires=local_time(row.expires_at))
        response = make_response(page)
        response.headers["Cache-Control"] = "no-store"  # the code must not stay in a cache
        return response

    @expose("/unlink/", methods=("POST",))
    def unlink_view(self):
        """Forget the official's Telegram account; that account is told it was unlinked."""
        official = self.get_one(request.args.get("id"))
        if linking.unlink(official):
            flash(tr("village.panel.unlinked", official=str(official)), "success")
        else:
            flash(tr("village.panel.was_not_linked"), "info")
        return redirect(self.get_url(".details_view", id=official.id))
