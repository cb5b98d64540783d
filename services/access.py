"""Who may see and change what in the panel: the one place that decides it.

Every panel query that loads complaints, photos, messages or templates starts from these
functions, so a rule holds for list, detail, edit, export and choices alike:

- main admin: every complaint, confidential ones too (they route and verify), and the only
  role that sees the identity of an anonymous reporter;
- OPD staff and OPD admin: complaints currently assigned to their OPD;
- village head and village official: complaints currently assigned to their village;
- oversight (Inspektorat, leadership): every complaint except confidential ones, read-only.

A confidential complaint appears only to its current office and the main admin.
"""
from __future__ import annotations

from peewee import Expression, Value

from core import status as st
from models import (
    ROLE_MAIN_ADMIN, ROLE_OPD_ADMIN, ROLE_OVERSIGHT, ROLE_VILLAGE_HEAD, OPD_ROLES, VILLAGE_ROLES,
    Complaint, Official, ResponseTemplate,
)

# Actions a panel user can take on a complaint, and the statuses each one leads to.
ACCEPT, RESOLVE, REJECT, FORWARD, NOTE = "accept", "resolve", "reject", "forward", "note"
ACTION_STATUS = {ACCEPT: st.IN_PROGRESS, RESOLVE: st.RESOLVED, REJECT: st.REJECTED, FORWARD: st.FORWARDED}
ACTIONS = (ACCEPT, RESOLVE, REJECT, FORWARD, NOTE)

ACTING_ROLES = frozenset({ROLE_MAIN_ADMIN, *OPD_ROLES, *VILLAGE_ROLES})
# Roles that keep their office's response templates (staff only use them).
TEMPLATE_MANAGERS = frozenset({ROLE_MAIN_ADMIN, ROLE_OPD_ADMIN, ROLE_VILLAGE_HEAD})


def _nothing() -> Expression:
    return Value(1) == Value(0)


def complaint_condition(official: Official | None) -> Expression:
    """The WHERE clause limiting complaints to what `official` may see."""
    if official is None or not official.active:
        return _nothing()
    if official.role == ROLE_MAIN_ADMIN:
        return Value(1) == Value(1)
    if official.role == ROLE_OVERSIGHT:
        return Complaint.is_confidential == False  # noqa: E712 (peewee expression)
    if official.role in OPD_ROLES and official.opd_id:
        return Complaint.assigned_opd == official.opd_id
    if official.role in VILLAGE_ROLES and official.desa_id:
        return Complaint.assigned_desa == official.desa_id
    return _nothing()


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
    return allowed + [NOTE]


def shows_reporter(official: Official | None, complaint: Complaint) -> bool:
    """Whether the reporter's identity may be shown: anonymous ones only to the main admin."""
    if official is None or not official.active:
        return False
    return not complaint.is_anonymous or official.role == ROLE_MAIN_ADMIN


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
