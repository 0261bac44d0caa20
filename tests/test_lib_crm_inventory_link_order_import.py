import pytest
from conftest import load_lib

oi = load_lib("crm_inventory_link", "order_import")

PARTNERS = {"ACME": 1, "Beta": 2}
PRODUCTS = {"P1": 10, "123456": 11}


def partner_lookup(key):
    return (PARTNERS[key], None) if key in PARTNERS else (None, f"unknown customer {key}")


def product_lookup(key):
    return (PRODUCTS[key], None) if key in PRODUCTS else (None, f"unknown product {key}")


MAPPING = {"order_ref": 0, "customer": 1, "product": 2, "quantity": 3, "price": 4}


@pytest.mark.parametrize(
    "text, expected",
    [("", None), ("12", 12.0), ("1,234.5", 1234.5), ("2,5", 2.5), (" 3 ", 3.0)],
)
def test_parse_number(text, expected):
    assert oi.parse_number(text) == expected


def test_parse_number_invalid():
    with pytest.raises(ValueError):
        oi.parse_number("abc")


def test_build_orders_groups_and_rejects_whole_order():
    rows = [
        ["A1", "ACME", "P1", "2", "10"],
        ["A1", "ACME", "123456", "1", ""],
        ["B1", "Beta", "P1", "5", "9.5"],
        ["B1", "Beta", "NOPE", "1", "1"],
        ["", "Beta", "P1", "x", ""],
        ["", "Nobody", "P1", "1", ""],
    ]
    orders, errors = oi.build_orders(rows, MAPPING, partner_lookup, product_lookup)
    assert orders == [
        {
            "partner_id": 1,
            "order_ref": "A1",
            "lines": [
                {"product_id": 10, "quantity": 2.0, "price": 10.0},
                {"product_id": 11, "quantity": 1.0, "price": None},
            ],
        }
    ]
    assert errors[2] == "another row of the same order is in error"
    assert "unknown product NOPE" in errors[3]
    assert "invalid quantity" in errors[4]
    assert "unknown customer Nobody" in errors[5]
    assert set(errors) == {2, 3, 4, 5}


def test_missing_and_negative_values():
    rows = [["", "", "", "0", "-1"]]
    orders, errors = oi.build_orders(rows, MAPPING, partner_lookup, product_lookup)
    assert not orders
    for part in ("missing customer", "missing product", "positive", "negative"):
        assert part in errors[0]


@pytest.mark.parametrize("text", ["nan", "inf", "-inf", "1e400", "1e13"])
def test_parse_number_not_finite_or_huge(text):
    with pytest.raises(ValueError):
        oi.parse_number(text)


def test_bad_values_reject_their_order_only():
    rows = [
        ["PO-1", "ACME", "P1", "nan", ""],
        ["PO-2", "ACME", "P1", "2", "inf"],
        ["PO-3", "Beta", "P1", "1", "5\x07"],
        ["PO-4", "Beta", "P1", "3", "4"],
    ]
    orders, errors = oi.build_orders(rows, MAPPING, partner_lookup, product_lookup)
    assert [o["order_ref"] for o in orders] == ["PO-4"]
    assert "invalid quantity 'nan'" in errors[0]
    assert "invalid price 'inf'" in errors[1]
    assert "control characters in the cell 5" in errors[2]
