"""Who may see and change what in the panel: the one place that decides it.

Every panel query that loads complaints, photos, messages or templates starts from these
functions, so a rule holds for list, detail, edit, export and choices alike:

- main admin: every complaint, confidential ones too (they route and verify), and the only
  role that sees the identity of an anonymous reporter;
- OPD staff and OPD admin: complaints currently assigned to their OPD;
- village head and village official: complaints currently assigned to their village;
- oversight (Inspektorat, leadership): every complaint except confidential ones, read-only.

A confidential complaint appears only to its current office and the main admin, in the panel
and in every message about it (office notices, reminders, escalations to the main admin and
LEADERSHIP_CHAT_ID, the periodic report): `may_learn_of` and `complaint_condition` are the one
rule (`_scope`) read over a loaded complaint and in SQL.
"""
from __future__ import annotations

from dataclasses import dataclass

from peewee import Expression, Value

import i18n
from core import status as st
from models import (
    ROLE_MAIN_ADMIN, ROLE_OPD_ADMIN, ROLE_OVERSIGHT, ROLE_VILLAGE_HEAD, OPD_ROLES, VILLAGE_ROLES,
    Complaint, Official, ResponseTemplate,
)

# Actions a panel user can take on a complaint, and the statuses each one leads to.
ACCEPT, RESOLVE, REJECT, FORWARD, NOTE = "accept", "resolve", "reject", "forward", "note"
ASK = "ask"  # a question to the reporter (services.complaints.asking); no status change
ACTION_STATUS = {ACCEPT: st.IN_PROGRESS, RESOLVE: st.RESOLVED, REJECT: st.REJECTED, FORWARD: st.FORWARDED}
ACTIONS = (ACCEPT, RESOLVE, REJECT, FORWARD, NOTE, ASK)

ACTING_ROLES = frozenset({ROLE_MAIN_ADMIN, *OPD_ROLES, *VILLAGE_ROLES})
# Roles that keep their office's response templates (staff only use them).
TEMPLATE_MANAGERS = frozenset({ROLE_MAIN_ADMIN, ROLE_OPD_ADMIN, ROLE_VILLAGE_HEAD})


def _nothing() -> Expression:
    return Value(1) == Value(0)


# --- who may learn of a complaint: one rule, two renderings -----------------------------------
@dataclass(frozen=True)
class Audience:
    """Who reads a message outside the panel, as the panel would know them: a Telegram chat
    stands for a role and an office (an OPD's group is its staff, LEADERSHIP_CHAT_ID is
    oversight). An Official has the same attributes and may be passed wherever this is."""

    role: str
    opd_id: int | None = None
    desa_id: int | None = None
    active: bool = True


LEADERSHIP = Audience(ROLE_OVERSIGHT)
MAIN_ADMIN = Audience(ROLE_MAIN_ADMIN)
_ALL, _NONE, _NOT_CONFIDENTIAL, _OPD, _DESA = "all", "none", "not_confidential", "opd", "desa"


def _scope(who) -> tuple[str, int | None]:
    """THE rule of who may learn of which complaints (the panel's queries, notices, reminders,
    escalations and reports all read it): the main admin all; oversight all but the
    confidential ones; an office's people only what is currently assigned to their office."""
    if who is None or not who.active:
        return _NONE, None
    if who.role == ROLE_MAIN_ADMIN:
        return _ALL, None
    if who.role == ROLE_OVERSIGHT:
        return _NOT_CONFIDENTIAL, None
    if who.role in OPD_ROLES and who.opd_id:
        return _OPD, who.opd_id
    if who.role in VILLAGE_ROLES and who.desa_id:
        return _DESA, who.desa_id
    return _NONE, None


def complaint_condition(official: Official | Audience | None) -> Expression:
    """The WHERE clause limiting complaints to what `official` may see (the rule in SQL)."""
    kind, office = _scope(official)
    if kind == _ALL:
        return Value(1) == Value(1)
    if kind == _NOT_CONFIDENTIAL:
        return Complaint.is_confidential == False  # noqa: E712 (peewee expression)
    if kind == _OPD:
        return Complaint.assigned_opd == office
    if kind == _DESA:
        return Complaint.assigned_desa == office
    return _nothing()


def may_learn_of(who: Official | Audience | None, complaint: Complaint) -> bool:
    """Whether `who` may be told of `complaint` at all (code, category, place, link): the
    same rule over a loaded complaint, for every channel that is not a panel query."""
    kind, office = _scope(who)
    if kind == _ALL:
        return True
    if kind == _NOT_CONFIDENTIAL:
        return not complaint.is_confidential
    if kind == _OPD:
        return complaint.assigned_opd_id == office
    if kind == _DESA:
        return complaint.assigned_desa_id == office
    return False


def visible_complaints(official: Official | None, query=None):
    """`query` (default: all complaints) narrowed to what `official` may see."""
    query = query if query is not None else Complaint.select()
    return query.where(complaint_condition(official))


def visible_complaint(official: Official | None, complaint_id) -> Complaint | None:
    """The complaint if `official` may see it, else None (not found and not allowed look alike)."""
    try:
        complaint_id = int(complaint_id)
    except (TypeError, ValueError):
        return None
    return visible_complaints(official).where(Complaint.id == complaint_id).get_or_none()


def can_view(official: Official | None, complaint: Complaint) -> bool:
    return visible_complaint(official, complaint.id) is not None


def can_act(official: Official | None, complaint: Complaint) -> bool:
    """True when `official` may change this complaint at all (oversight never may)."""
    return bool(allowed_actions(official, complaint))


def allowed_actions(official: Official | None, complaint: Complaint) -> list[str]:
    """The actions `official` may take on `complaint` now, in the order the page shows them."""
    if official is None or official.role not in ACTING_ROLES or not can_view(official, complaint):
        return []
    allowed = [a for a, to in ACTION_STATUS.items() if st.is_allowed(complaint.status, to)]
    if complaint.status == st.NEW and official.role != ROLE_MAIN_ADMIN:
        allowed = []  # unrouted complaints are the main admin's to route
    if complaint.status in st.OPEN and (allowed or complaint.status != st.NEW):
        allowed = allowed + [ASK]
    return allowed + [NOTE]


def shows_reporter(official: Official | Audience | None, complaint: Complaint) -> bool:
    """THE anonymity rule: whether the reporter's identity may be shown to `official` (a panel
    user, or the audience of a message). An anonymous complaint's reporter, a resident or the
    village official who filed it, is named only to the main admin; the panel's reporter box,
    list and export, the history's actor (`history_actor`) and every notice read this."""
    if official is None or not official.active:
        return False
    return not complaint.is_anonymous or official.role == ROLE_MAIN_ADMIN


def is_reporters_act(entry) -> bool:
    """A history entry made by the reporter's side: filing (by a resident or a village
    official for the village), confirming, reopening, adding information."""
    return entry.actor_reporter_id is not None


ACTOR_KEYS = ("actor.system", "actor.reporter", "actor.reporter_anonymous")


def history_actor(official: Official | Audience | None, complaint: Complaint, entry, lang: str | None = None, *,
                  reporter_viewing: bool = False) -> str:
    """Who made a history entry, as the viewer may read it, in `lang` (the one rule for the
    panel's history and both histories in the chat). The reporter's own acts (filing,
    confirming, reopening, adding information, rating, answering a question) are the
    reporter's, never the office's: "Anda"/"You" to the reporter themselves
    (`reporter_viewing`), "Pelapor"/"Reporter" to the office, "Pelapor (anonim)" to everyone
    the anonymity rule hides them from. Everybody else's entries keep their stored label."""
    if is_reporters_act(entry):
        if reporter_viewing:
            return i18n.t("actor.you", lang)
        if not shows_reporter(official, complaint):
            return i18n.t("actor.reporter_anonymous", lang)
        if entry.actor_official_id is not None and entry.actor_label:
            return entry.actor_label  # a village official filing for the village
        return i18n.t("actor.reporter", lang)
    label = entry.actor_label
    for key in ACTOR_KEYS:  # the system's stored label ("Sistem") reads in `lang`
        if label in (i18n.t(key, "id"), i18n.t(key, "en")):
            return i18n.t(key, lang)
    return label


def is_main_admin(official: Official | None) -> bool:
    return official is not None and official.active and official.role == ROLE_MAIN_ADMIN


# --- response templates ----------------------------------------------------------------
def template_condition(official: Official | None) -> Expression:
    """Templates an official may read: their own office's; the main admin reads all."""
    if official is None or not official.active:
        return _nothing()
    if official.role == ROLE_MAIN_ADMIN:
        return Value(1) == Value(1)
    if official.role in OPD_ROLES and official.opd_id:
        return ResponseTemplate.opd == official.opd_id
    if official.role in VILLAGE_ROLES and official.desa_id:
        return ResponseTemplate.desa == official.desa_id
    return _nothing()


def visible_templates(official: Official | None):
    return ResponseTemplate.select().where(template_condition(official)).order_by(ResponseTemplate.title)


def can_manage_templates(official: Official | None) -> bool:
    return official is not None and official.active and official.role in TEMPLATE_MANAGERS


# --- named handlers (an office head gives a complaint to one of the office's officials) ------
# Office heads: the main admin, an OPD's admin, a village head. Staff work what they are given.
HANDLER_ASSIGNERS = frozenset({ROLE_MAIN_ADMIN, ROLE_OPD_ADMIN, ROLE_VILLAGE_HEAD})


def may_assign_handler(official: Official | None, complaint: Complaint) -> bool:
    """Whether `official` may name the complaint's handler and set its priority: the head of the
    office the complaint is assigned to now (or the main admin), while it is open."""
    if official is None or not official.active or official.role not in HANDLER_ASSIGNERS:
        return False
    if complaint.status not in st.OPEN or not (complaint.assigned_opd_id or complaint.assigned_desa_id):
        return False
    return may_learn_of(official, complaint)


def handler_condition(complaint: Complaint) -> Expression:
    """The officials who may handle `complaint`: active people of the office it is assigned to
    now (an OPD's admins and staff, a village's head and officials); nobody else, ever."""
    if complaint.assigned_opd_id:
        return ((Official.opd == complaint.assigned_opd_id) & Official.role.in_(OPD_ROLES)
                & (Official.active == True))  # noqa: E712
    if complaint.assigned_desa_id:
        return ((Official.desa == complaint.assigned_desa_id) & Official.role.in_(VILLAGE_ROLES)
                & (Official.active == True))  # noqa: E712
    return _nothing()


def handler_candidates(complaint: Complaint):
    return Official.select().where(handler_condition(complaint)).order_by(Official.full_name, Official.username)


# --- filing on behalf of a resident (a phone call, WhatsApp, a visit, social media) ----------
# The main admin's office (Diskominfo, where the Media Center answers the regency's public
# channels) and every OPD's admins and staff (each OPD keeps a complaint hotline) record
# complaints that reached them outside the bot. Village officials file for their village in
# the bot (bot.village); oversight never files.
FILING_ROLES = frozenset({ROLE_MAIN_ADMIN, *OPD_ROLES})


def may_file_on_behalf(official: Official | None) -> bool:
    return official is not None and official.active and official.role in FILING_ROLES
