"""Promised delivery date of a demand, plain Python without the ORM.

The goods are promised on the earliest date the demand is covered: now (plus the customer and security
lead times) when the free quantity covers it, else the date of the incoming receipt that completes it,
else the replenishment lead time of the route. Without stock, receipts or a working replenishment route
(no route, or a buy route without vendor, a manufacture route without bill of materials) no date is
promised at all.
"""

from datetime import timedelta

EPSILON = 1e-6


def covering_receipt_date(demand, free_qty, receipts):
    """Date of the receipt with which ``free_qty`` plus the receipts so far cover ``demand`` (or None).

    ``receipts`` is an iterable of ``(date, quantity)``, in any order.
    """
    available = free_qty
    for date, qty in sorted(receipts, key=lambda receipt: receipt[0]):
        available += qty
        if available + EPSILON >= demand:
            return date
    return None


def promised_date(base, demand, free_qty, receipts=(), replenish_days=None):
    """The date the ``demand`` can be promised, or None when nothing will cover it.

    ``base`` is the earliest date (now + customer lead time + security lead time); ``replenish_days``
    the lead days of the replenishment route, None when the product cannot be replenished.
    """
    if free_qty + EPSILON >= demand:
        return base
    receipt_date = covering_receipt_date(demand, free_qty, receipts)
    if receipt_date is not None:
        return max(base, receipt_date)
    if replenish_days is None:
        return None
    return base + timedelta(days=replenish_days)
