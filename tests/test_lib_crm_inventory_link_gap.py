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


@pytest.mark.parametrize(
    "qty, min_qty, multiple, factor, rounding, expected",
    [
        # bought by the dozen: a minimum of 5 dozen (60 units, converted by the model)
        (7, 60, 0, 12, 0.01, 60.0),
        # 65 units = 5.4166 dozen, rounded up to 5.42 dozen, never down to 5.41 (less than the gap)
        (65, 60, 0, 12, 0.01, 65.04),
        (65, 60, 0, 12, 1, 72.0),
        # packaging of 6 units, then whole dozens
        (61, 0, 6, 12, 1, 72.0),
        (0, 60, 0, 12, 1, 0.0),
    ],
)
def test_round_order_qty_in_vendor_unit(qty, min_qty, multiple, factor, rounding, expected):
    assert gap.round_order_qty(
        qty, min_qty, multiple, vendor_factor=factor, vendor_rounding=rounding
    ) == pytest.approx(expected)


def test_vendor_qty_rounds_up_and_is_stable():
    ordered = gap.to_vendor_qty(7, vendor_factor=12, vendor_rounding=0.01)
    assert ordered == pytest.approx(0.59)
    assert ordered * 12 >= 7, "what is ordered covers the gap: the next run finds nothing to order"
    assert gap.to_vendor_qty(ordered * 12, vendor_factor=12, vendor_rounding=0.01) == pytest.approx(ordered)


@pytest.mark.parametrize(
    "row, expected",
    [
        ({"supply_method": "buy", "vendor_id": 3}, False),
        ({"supply_method": "buy", "vendor_id": False}, gap.ISSUE_NO_VENDOR),
        ({"supply_method": "manufacture", "has_bom": True}, False),
        ({"supply_method": "manufacture", "has_bom": False}, gap.ISSUE_NO_BOM),
        ({"supply_method": "other"}, gap.ISSUE_NO_ROUTE),
        ({}, gap.ISSUE_NO_ROUTE),
    ],
)
def test_procure_issue(row, expected):
    assert gap.procure_issue(row) == expected


def test_gap_row_carries_its_issue():
    res = gap.compute_gap_row({"outgoing": 4, "supply_method": "other"})
    assert res["order_qty"] == 4
    assert res["procure_issue"] == gap.ISSUE_NO_ROUTE
