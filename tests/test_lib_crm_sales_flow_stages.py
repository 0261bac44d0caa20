"""crm_sales_flow/lib: stage automation only moves forward; stage to-dos are due after the stage entry."""

from datetime import date

import pytest
from conftest import load_lib

stage = load_lib("crm_sales_flow", "customer_stage")
sfa = load_lib("crm_sales_flow", "sfa")


@pytest.mark.parametrize(
    ("current", "opp", "signed", "expected"),
    [
        ("potential", False, False, "potential"),
        ("potential", True, False, "intentional"),
        ("potential", False, True, "signed"),
        ("intentional", False, True, "signed"),
        # never backwards: a won/lost opportunity without an order, a cancelled order
        ("intentional", False, False, "intentional"),
        ("signed", True, False, "signed"),
        ("signed", False, False, "signed"),
        # an unknown current stage takes the facts
        (False, True, False, "intentional"),
    ],
)
def test_automatic_stage_never_goes_back(current, opp, signed, expected):
    assert stage.automatic_stage(current, opp, signed) == expected


@pytest.mark.parametrize(
    ("count", "unit", "expected"),
    [
        (1, "days", date(2026, 11, 26)),
        (3, "days", date(2026, 11, 28)),
        (2, "weeks", date(2026, 12, 9)),
        (1, "months", date(2026, 12, 25)),
        (0, "days", date(2026, 11, 25)),
        (-4, "days", date(2026, 11, 25)),
        (None, "days", date(2026, 11, 25)),
    ],
)
def test_todo_deadline_counts_forward(count, unit, expected):
    assert sfa.todo_deadline(date(2026, 11, 25), count, unit) == expected


def test_todo_deadline_unknown_unit():
    with pytest.raises(ValueError, match="unknown delay unit"):
        sfa.todo_deadline(date(2026, 11, 25), 1, "years")
