"""The status transition table, tested exhaustively on its own (no database)."""
import itertools

import pytest

from core import status as st

ALLOWED = {
    ("new", "assigned"), ("new", "rejected"), ("new", "forwarded"),
    ("assigned", "in_progress"), ("assigned", "resolved"), ("assigned", "rejected"), ("assigned", "forwarded"),
    ("in_progress", "resolved"), ("in_progress", "rejected"), ("in_progress", "forwarded"),
    ("forwarded", "assigned"), ("forwarded", "rejected"),
    ("resolved", "closed"), ("resolved", "reopened"),
    ("reopened", "in_progress"), ("reopened", "resolved"), ("reopened", "rejected"), ("reopened", "forwarded"),
    ("closed", "reopened"),
}
PAIRS = list(itertools.product(st.ALL, st.ALL))


@pytest.mark.parametrize("pair", PAIRS, ids=[f"{a}->{b}" for a, b in PAIRS])
def test_every_pair_is_allowed_or_refused_as_the_table_says(pair):
    from_status, to_status = pair
    assert st.is_allowed(from_status, to_status) == (pair in ALLOWED)
    if pair in ALLOWED:
        st.check_transition(from_status, to_status, note="catatan")
    else:
        with pytest.raises(st.TransitionError) as err:
            st.check_transition(from_status, to_status, note="catatan")
        assert err.value.code == "not_allowed"


@pytest.mark.parametrize("to_status", sorted(st.NOTE_REQUIRED))
def test_rejecting_resolving_forwarding_and_reopening_need_a_note(to_status):
    from_status = next(a for a, b in sorted(ALLOWED) if b == to_status)
    for blank in ("", "   ", None):
        with pytest.raises(st.TransitionError) as err:
            st.check_transition(from_status, to_status, note=blank)
        assert err.value.code == "note_required"


def test_unknown_statuses_are_refused():
    with pytest.raises(st.TransitionError) as err:
        st.check_transition("new", "done")
    assert err.value.code == "unknown_status"


def test_rejected_is_final_and_every_status_has_labels_in_both_languages():
    assert st.TRANSITIONS[st.REJECTED] == frozenset()
    assert st.label("in_progress") == "Diproses"
    assert st.label("in_progress", "en") == "In progress"
    for status in st.ALL:
        assert st.label(status, "id") and st.label(status, "en")
    assert st.OPEN.isdisjoint(st.FINISHED)
