"""Which office acts on a complaint: the one rule, used by the assignment job (route), by
the reporter's summary at filing (predicted_office) and by everyone who hands a complaint to
the main admin's office (the village desk's "beyond our authority", the reopen limit, a
village head's "not sure").

core.routing decides from plain ids (village level or OPD); this module adds what only the
database knows: whether a requested or chosen OPD is active, and which office is the main
admin's.
"""
from __future__ import annotations

from core import routing
from models import Category, Opd


def main_admin_office() -> Opd | None:
    """The active main-admin office (the first one, if several are marked)."""
    return Opd.select().where(Opd.is_main_admin, Opd.active).order_by(Opd.id).first()


def active_opd(opd_id: int | None) -> Opd | None:
    return Opd.get_or_none((Opd.id == opd_id) & Opd.active) if opd_id else None


def wanted(requested_opd_id: int | None) -> routing.Office | None:
    """A village head's wanted OPD, if it is active (it wins over the category's rule)."""
    return routing.Office("opd", requested_opd_id) if active_opd(requested_opd_id) is not None else None


def choose(category: Category | None, desa_id: int | None, requested_opd_id: int | None = None
           ) -> routing.Office | None:
    """The office that acts: a village head's active wanted OPD; else core.routing's choice
    for the category and village, if that is a village or an active OPD; else None."""
    requested = wanted(requested_opd_id)
    if requested is not None:
        return requested
    if category is None:
        return None
    office = routing.choose_office(category.village_level, category.opd_id, desa_id)
    if office is None or (office.kind == "opd" and active_opd(office.id) is None):
        return None
    return office
