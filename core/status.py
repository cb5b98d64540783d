"""The complaint status machine as plain data: which transitions exist and what they need.

`new → assigned → in_progress → resolved → closed`; any open status may be rejected (reason
required) or forwarded (disposisi, to another office, then assigned again); a resolved or
recently closed complaint may be reopened by its reporter and goes back to the office.
The one door that applies a transition to a stored complaint is `services.complaints.status_door`.
"""
from __future__ import annotations

NEW = "new"
ASSIGNED = "assigned"
IN_PROGRESS = "in_progress"
RESOLVED = "resolved"
CLOSED = "closed"
REJECTED = "rejected"
FORWARDED = "forwarded"
REOPENED = "reopened"

ALL = (NEW, ASSIGNED, IN_PROGRESS, RESOLVED, CLOSED, REJECTED, FORWARDED, REOPENED)

# Statuses in which the office still owes the reporter something.
OPEN = frozenset({NEW, ASSIGNED, IN_PROGRESS, FORWARDED, REOPENED})
# Statuses in which nobody needs to act (the reporter may still reopen a closed one).
FINISHED = frozenset({RESOLVED, CLOSED, REJECTED})

TRANSITIONS: dict[str, frozenset[str]] = {
    NEW: frozenset({ASSIGNED, REJECTED, FORWARDED}),
    # An office may resolve straight from "assigned": small fixes are often done before
    # anybody marks the complaint as in progress.
    ASSIGNED: frozenset({IN_PROGRESS, RESOLVED, REJECTED, FORWARDED}),
    IN_PROGRESS: frozenset({RESOLVED, REJECTED, FORWARDED}),
    FORWARDED: frozenset({ASSIGNED, REJECTED}),
    RESOLVED: frozenset({CLOSED, REOPENED}),
    REOPENED: frozenset({IN_PROGRESS, RESOLVED, REJECTED, FORWARDED}),
    CLOSED: frozenset({REOPENED}),
    REJECTED: frozenset(),
}

# Transitions that are refused without an explanation for the reporter or the office.
NOTE_REQUIRED = frozenset({REJECTED, RESOLVED, FORWARDED, REOPENED})

LABELS = {
    "id": {
        NEW: "Baru",
        ASSIGNED: "Diteruskan",
        IN_PROGRESS: "Diproses",
        RESOLVED: "Selesai",
        CLOSED: "Ditutup",
        REJECTED: "Ditolak",
        FORWARDED: "Dialihkan",
        REOPENED: "Dibuka kembali",
    },
    "en": {
        NEW: "New",
        ASSIGNED: "Assigned",
        IN_PROGRESS: "In progress",
        RESOLVED: "Resolved",
        CLOSED: "Closed",
        REJECTED: "Rejected",
        FORWARDED: "Forwarded",
        REOPENED: "Reopened",
    },
}


class TransitionError(ValueError):
    """A status change that the machine does not allow; `code` names the reason."""

    def __init__(self, code: str, from_status: str, to_status: str):
        super().__init__(f"{code}: {from_status} -> {to_status}")
        self.code = code
        self.from_status = from_status
        self.to_status = to_status


def is_allowed(from_status: str, to_status: str) -> bool:
    """True when the machine has an edge from `from_status` to `to_status`."""
    return to_status in TRANSITIONS.get(from_status, frozenset())


def check_transition(from_status: str, to_status: str, note: str = "") -> None:
    """Raise TransitionError unless the change is allowed and carries what it needs."""
    if from_status not in TRANSITIONS or to_status not in TRANSITIONS:
        raise TransitionError("unknown_status", from_status, to_status)
    if not is_allowed(from_status, to_status):
        raise TransitionError("not_allowed", from_status, to_status)
    if to_status in NOTE_REQUIRED and not (note or "").strip():
        raise TransitionError("note_required", from_status, to_status)


def label(status: str, lang: str = "id") -> str:
    """The status as people read it, Indonesian by default."""
    return LABELS.get(lang, LABELS["id"]).get(status, status)


def is_open(status: str) -> bool:
    return status in OPEN
