import pytest
from conftest import load_lib

gap = load_lib("crm_inventory_link", "gap")


@pytest.mark.parametrize(
    "qty, min_qty, multiple, expected",
    [
        (0, 10, 5, 0.0),
        (-3, 10, 5, 0.0),
        (7, 0, 0, 7.0),
        (7, 10, 0, 10.0),
        (7, 10, 4, 12.0),
        (12, 0, 4, 12.0),
        (12.0000001, 0, 4, 12.0),
        (13, 0, 4, 16.0),
        (0.5, 0, 0.25, 0.5),
    ],
)
def test_round_order_qty(qty, min_qty, multiple, expected):
    assert gap.round_order_qty(qty, min_qty, multiple) == pytest.approx(expected)


def test_gap_row_forecast_and_supply():
    row = {
        "product_id": 1,
        "warehouse_id": 1,
        "on_hand": 10,
        "reserved": 4,
        "incoming": 5,
        "outgoing": 30,
        "rfq_qty": 3,
        "mo_qty": 2,
        "opportunity_qty": 8,
        "safety_stock": 6,
        "vendor_min_qty": 0,
        "multiple": 5,
    }
    res = gap.compute_gap_row(row)
    assert res["forecast"] == -15
    assert res["free_qty"] == 6
    assert res["demand"] == 36
    assert res["supply"] == 20
    assert res["gap"] == 16
    assert res["order_qty"] == 20
    with_opp = gap.compute_gap_row(row, include_opportunities=True)
    assert with_opp["demand"] == 44
    assert with_opp["gap"] == 24
    assert with_opp["order_qty"] == 25
    assert row.get("gap") is None, "the input row is not modified"


def test_no_gap_when_supply_covers_demand():
    res = gap.compute_gap_row({"on_hand": 50, "outgoing": 20, "safety_stock": 5})
    assert res["gap"] == -25
    assert res["order_qty"] == 0.0


def test_missing_values_are_zero():
    res = gap.compute_gap_row({"outgoing": None, "safety_stock": 3})
    assert res["gap"] == 3
    assert res["order_qty"] == 3


def test_compute_gaps_batch_and_merge():
    rows = gap.merge_rows(
        {(1, 1): {"on_hand": 2}, (2, 1): {"on_hand": 5}},
        {(1, 1): {"outgoing": 10, "vendor_min_qty": 12}},
        {(1, 1): {"rfq_qty": 1}, (3, 2): {"safety_stock": 4}},
    )
    assert [(r["product_id"], r["warehouse_id"]) for r in rows] == [(1, 1), (2, 1), (3, 2)]
    results = gap.compute_gaps(rows)
    assert results[0]["gap"] == 7
    assert results[0]["order_qty"] == 12
    assert results[1]["order_qty"] == 0
    assert results[2]["order_qty"] == 4
