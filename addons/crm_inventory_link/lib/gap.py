"""Purchase-gap arithmetic (net requirement with lot sizing), plain Python without the ORM.

The model gathers one row of numbers per (product, warehouse) in a few SQL queries and calls
:func:`compute_gaps` once for the whole batch.

Definitions (all quantities in the product's unit of measure):

* ``forecast`` = on hand + incoming - outgoing within the horizon, i.e. Odoo's ``virtual_available``;
* ``demand`` = outgoing moves (undelivered confirmed sale order lines among them)
  + probability-weighted demand of open opportunities (optional) + safety stock;
* ``supply`` = on hand + incoming receipts + draft RFQs + draft manufacturing orders
  (confirmed manufacturing orders are incoming moves already);
* ``gap`` = demand - supply; the order quantity is the positive gap raised to the vendor's
  minimum quantity and rounded up to the packaging multiple.
"""

import math

EPSILON = 1e-6

NUMBER_KEYS = (
    "on_hand",
    "reserved",
    "incoming",
    "outgoing",
    "sale_outgoing",
    "rfq_qty",
    "mo_qty",
    "opportunity_qty",
    "safety_stock",
    "vendor_min_qty",
    "multiple",
)


def round_order_qty(gap, min_qty=0.0, multiple=0.0, precision=EPSILON):
    """Quantity to order for a positive ``gap``: at least ``min_qty``, a whole number of ``multiple``.

    >>> round_order_qty(7, min_qty=10, multiple=4)
    12.0
    """
    if gap is None or gap <= precision:
        return 0.0
    qty = max(float(gap), float(min_qty or 0.0))
    if multiple and multiple > precision:
        packs = math.ceil(qty / multiple - precision)
        qty = packs * multiple
    return float(round(qty, 6))


def compute_gap_row(row, include_opportunities=False, precision=EPSILON):
    """Return a new dict: ``row`` plus ``forecast``, ``demand``, ``supply``, ``gap`` and ``order_qty``."""
    values = {key: float(row.get(key) or 0.0) for key in NUMBER_KEYS}
    opportunity = values["opportunity_qty"] if include_opportunities else 0.0
    forecast = values["on_hand"] + values["incoming"] - values["outgoing"]
    demand = values["outgoing"] + opportunity + values["safety_stock"]
    supply = values["on_hand"] + values["incoming"] + values["rfq_qty"] + values["mo_qty"]
    gap = demand - supply
    if abs(gap) < precision:
        gap = 0.0
    result = dict(row)
    result.update(
        forecast=round(forecast, 6),
        free_qty=round(values["on_hand"] - values["reserved"], 6),
        demand=round(demand, 6),
        supply=round(supply, 6),
        gap=round(gap, 6),
        order_qty=round_order_qty(gap, values["vendor_min_qty"], values["multiple"], precision),
    )
    return result


def compute_gaps(rows, include_opportunities=False, precision=EPSILON):
    """Apply :func:`compute_gap_row` to every row of the batch (an iterable of dicts)."""
    return [compute_gap_row(row, include_opportunities, precision) for row in rows]


def merge_rows(*sources, keys=("product_id", "warehouse_id")):
    """Merge several ``{(product_id, warehouse_id): {field: value}}`` dicts into a list of rows."""
    merged = {}
    for source in sources:
        for key, values in source.items():
            row = merged.setdefault(key, dict(zip(keys, key, strict=True)))
            for field, value in values.items():
                if field in NUMBER_KEYS and field in row and field not in ("vendor_min_qty", "multiple"):
                    row[field] += value or 0.0
                else:
                    row[field] = value
    return [merged[key] for key in sorted(merged)]
