"""Officials' accounts, kept by the main admin only (there is no sign-up).

A role needs its office: OPD roles an OPD, village roles a village; passwords are stored
as Argon2 hashes and changing one ends the account's open sessions.
"""
from __future__ import annotations

from markupsafe import Markup
from wtforms import PasswordField
from wtforms.validators import ValidationError

from models import OPD_ROLES, ROLE_MAIN_ADMIN, ROLES, VILLAGE_ROLES, Official
from panel.auth import current_official
from panel.formatting import local_time
from panel.language import LazyText, current_lang, tr
from panel.views.base import PanelModelView
from panel.views.linking import TelegramLinkActions
from panel.views.routing import village_loader
from services.auth import USERNAME, PasswordRefused, check_password, hash_password
from services.directory_import import has_usable_password


def role_choices():
    return [(role, LazyText(f"panel.role.{role}")) for role in ROLES]


class OfficialView(TelegramLinkActions, PanelModelView):
    """Panel accounts: who they are, their role and office, whether they may log in."""

    roles = frozenset({ROLE_MAIN_ADMIN})
    can_create = can_edit = True
    column_list = ("username", "full_name", "role", "opd", "desa", "telegram_user_id", "active", "last_login_at")
    column_labels = {name: LazyText(f"panel.col.{name}") for name in (
        "username", "full_name", "role", "opd", "desa", "telegram_user_id", "active", "last_login_at",
        "language", "password")}
    column_searchable_list = ("username", "full_name")
    column_default_sort = "username"
    column_labels["created_at"] = LazyText("panel.col.account_created")
    column_labels["password_state"] = LazyText("panel.account.password_state")
    column_formatters = {
        "role": lambda v, c, m, n: tr(f"panel.role.{m.role}"),
        "telegram_user_id": lambda v, c, m, n: Markup("✓") if m.telegram_user_id else "—",
        "last_login_at": lambda v, c, m, n: local_time(m.last_login_at),
    }
    # The details page: no hash, no raw ids or UTC times; whether a password is set.
    column_details_list = ("username", "full_name", "role", "opd", "desa", "telegram_user_id", "language",
                           "active", "password_state", "created_at", "last_login_at")
    column_formatters_detail = {
        **column_formatters,
        "opd": lambda v, c, m, n: str(m.opd) if m.opd_id else "—",
        "desa": lambda v, c, m, n: str(m.desa) if m.desa_id else "—",
        "language": lambda v, c, m, n: "Bahasa Indonesia" if m.language == "id" else "English",
        "active": lambda v, c, m, n: tr("panel.yes") if m.active else tr("panel.no"),
        "password_state": lambda v, c, m, n: tr("panel.account.password_set") if has_usable_password(m)
        else tr("panel.account.password_unset"),
        "created_at": lambda v, c, m, n: local_time(m.created_at),
    }
    list_template = "official/list.html"
    create_template = "official/create.html"
    edit_template = "official/edit.html"
    form_columns = ("username", "full_name", "role", "opd", "desa", "language", "active")
    form_extra_fields = {"password": PasswordField(LazyText("panel.col.password"))}
    form_choices = {"role": role_choices(), "language": [("id", "Bahasa Indonesia"), ("en", "English")]}
    form_args = {"password": {"description": LazyText("panel.help.password")}}
    # The office field follows the role in the browser (directory.js); _check_office decides.
    form_widget_args = {"role": {"data-opd-roles": ",".join(OPD_ROLES), "data-village-roles": ",".join(VILLAGE_ROLES)}}
    form_ajax_refs = {"desa": {"fields": ("name",)}}

    def _create_ajax_loader(self, name, options):
        return village_loader(name)

    def on_form_prefill(self, form, id):
        """An account from the directory import has no password yet: the form says so."""
        if not has_usable_password(self.get_one(id)):
            form.password.description = tr("panel.help.password_unset")

    def on_model_change(self, form, model, is_created):
        """Check the account before it is saved; the message says what to fix."""
        model.username = (model.username or "").strip().lower()
        if not USERNAME.match(model.username):
            raise ValidationError(tr("panel.account.username_invalid"))
        taken = Official.select().where(Official.username == model.username, Official.id != (model.id or 0))
        if taken.exists():
            raise ValidationError(tr("panel.account.username_taken"))
        _check_office(model)
        _set_password(model, form.password.data, is_created)
        _keep_own_access(model)


def _check_office(model: Official) -> None:
    if model.role in OPD_ROLES:
        if model.opd is None:
            raise ValidationError(tr("panel.account.needs_opd"))
        model.desa = None
    elif model.role in VILLAGE_ROLES:
        if model.desa is None:
            raise ValidationError(tr("panel.account.needs_desa"))
        model.opd = None
    elif model.role != ROLE_MAIN_ADMIN:
        model.opd = model.desa = None  # oversight belongs to no office
    else:
        model.desa = None


def _set_password(model: Official, password: str | None, is_created: bool) -> None:
    if hasattr(model, "password"):
        del model.password  # the form put the plain text on the row object; it is never stored
    if not password and not is_created:
        return
    try:  # the one password rule (services/auth.py), in the admin's language
        check_password(password, username=model.username, full_name=model.full_name)
    except PasswordRefused as refused:
        raise ValidationError(refused.text(current_lang())) from None
    model.password_hash = hash_password(password)


def _keep_own_access(model: Official) -> None:
    """The main admin cannot lock themselves out (someone must keep the accounts)."""
    me = current_official()
    if me is not None and model.id == me.id and (not model.active or model.role != ROLE_MAIN_ADMIN):
        raise ValidationError(tr("panel.account.not_yourself"))
