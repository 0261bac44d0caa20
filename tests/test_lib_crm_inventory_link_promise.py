from datetime import datetime, timedelta

from conftest import load_lib

promise = load_lib("crm_inventory_link", "promise")

NOW = datetime(2026, 3, 2, 10, 0)


def test_free_stock_covers_the_demand():
    assert promise.promised_date(NOW, 4, 10, [], None) == NOW


def test_receipt_covering_the_demand_gives_its_date():
    day = NOW + timedelta(days=9)
    assert promise.promised_date(NOW, 4, 0, [(day, 4)], None) == day
    assert promise.promised_date(NOW, 4, 0, [(day, 4)], 1) == day


def test_receipts_add_up_in_date_order():
    first, second = NOW + timedelta(days=3), NOW + timedelta(days=6)
    assert promise.promised_date(NOW, 5, 1, [(second, 3), (first, 2)], None) == second
    assert promise.covering_receipt_date(5, 1, [(first, 2)]) is None


def test_receipt_before_the_customer_lead_time_waits_for_it():
    base = NOW + timedelta(days=2)
    assert promise.promised_date(base, 4, 0, [(NOW + timedelta(days=1), 4)], None) == base


def test_short_without_receipt_uses_the_route_lead_time():
    assert promise.promised_date(NOW, 12, 10, [], 5) == NOW + timedelta(days=5)


def test_short_without_route_promises_nothing():
    assert promise.promised_date(NOW, 1, 0, [], None) is None
    assert promise.promised_date(NOW, 8, 0, [(NOW, 3)], None) is None
