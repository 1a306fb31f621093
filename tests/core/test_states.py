"""The application state machine, as a table."""

from __future__ import annotations

import pytest

from jaring.registry.states import CLOSED_STATUSES, OPEN_STATUSES, TRANSITIONS, InvalidTransition, next_status

ALLOWED = [
    ("draft", "submit", "submitted"),
    ("submitted", "find_not_eligible", "not_eligible"),
    ("submitted", "send_to_verification", "awaiting_verification"),
    ("awaiting_verification", "return_for_correction", "returned"),
    ("returned", "resubmit", "submitted"),
    ("awaiting_verification", "reject", "rejected"),
    ("awaiting_verification", "approve", "approved"),
    ("approved", "waitlist", "waitlisted"),
    ("waitlisted", "admit_from_waitlist", "approved"),
    ("approved", "enrol", "enrolled"),
    ("enrolled", "withdraw", "withdrawn"),
    ("not_eligible", "reevaluate", "submitted"),
]

REFUSED = [
    ("draft", "approve"),
    ("rejected", "approve"),
    ("withdrawn", "withdraw"),
    ("enrolled", "approve"),
    ("not_eligible", "send_to_verification"),
    ("submitted", "enrol"),
]


@pytest.mark.parametrize(("current", "transition", "target"), ALLOWED)
def test_a_named_transition_leads_to_its_state(current: str, transition: str, target: str) -> None:
    assert next_status(current, transition) == target


@pytest.mark.parametrize(("current", "transition"), REFUSED)
def test_a_transition_from_the_wrong_state_is_refused_with_a_reason(current: str, transition: str) -> None:
    with pytest.raises(InvalidTransition, match="tidak dapat"):
        next_status(current, transition)


def test_an_unknown_transition_is_refused() -> None:
    with pytest.raises(InvalidTransition):
        next_status("draft", "teleport")


def test_every_state_is_either_open_or_closed_and_reachable() -> None:
    assert not OPEN_STATUSES & CLOSED_STATUSES
    targets = {target for _, target in TRANSITIONS.values()}
    assert targets | {"draft"} == OPEN_STATUSES | CLOSED_STATUSES
