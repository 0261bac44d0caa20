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
  minimum quantity, rounded up to the packaging multiple, then rounded up in the vendor's unit
  (``vendor_factor`` product units per vendor unit, ``vendor_rounding`` the rounding of that unit).

The vendor's minimum arrives here already converted into the product's unit by the model.
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


ISSUE_NO_ROUTE = "no_route"
ISSUE_NO_VENDOR = "no_vendor"
ISSUE_NO_BOM = "no_bom"


def round_up(qty, step, precision=EPSILON):
    """``qty`` rounded up to a whole number of ``step`` (unchanged without a step).

    >>> round_up(7, 4)
    8.0
    """
    if not step or step <= precision:
        return float(qty)
    return math.ceil(qty / step - precision) * step


def to_vendor_qty(qty, vendor_factor=1.0, vendor_rounding=0.0, precision=EPSILON):
    """``qty`` (product unit) in the vendor's unit, rounded up to the rounding of that unit.

    >>> to_vendor_qty(65, vendor_factor=12, vendor_rounding=0.01)
    5.42
    """
    factor = vendor_factor if vendor_factor and vendor_factor > precision else 1.0
    return float(round(round_up(qty / factor, vendor_rounding, precision), 6))


def round_order_qty(
    gap, min_qty=0.0, multiple=0.0, precision=EPSILON, vendor_factor=1.0, vendor_rounding=0.0
):
    """Quantity to order for a positive ``gap``: at least ``min_qty``, a whole number of ``multiple``,
    rounded up in the vendor's unit; all in the product's unit.

    >>> round_order_qty(7, min_qty=10, multiple=4)
    12.0
    >>> round_order_qty(7, min_qty=60, vendor_factor=12, vendor_rounding=1)
    60.0
    """
    if gap is None or gap <= precision:
        return 0.0
    qty = round_up(max(float(gap), float(min_qty or 0.0)), multiple, precision)
    factor = vendor_factor if vendor_factor and vendor_factor > precision else 1.0
    return float(round(to_vendor_qty(qty, factor, vendor_rounding, precision) * factor, 6))


def procure_issue(row):
    """Why the row cannot be procured (one of the ``ISSUE_*`` codes), or ``False``.

    A row needs a Buy or Manufacture route; to buy, a vendor; to manufacture, a bill of materials.
    """
    method = row.get("supply_method")
    if method == "buy":
        return False if row.get("vendor_id") else ISSUE_NO_VENDOR
    if method == "manufacture":
        return False if row.get("has_bom") else ISSUE_NO_BOM
    return ISSUE_NO_ROUTE


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
        order_qty=round_order_qty(
            gap,
            values["vendor_min_qty"],
            values["multiple"],
            precision,
            row.get("vendor_factor") or 1.0,
            row.get("vendor_rounding") or 0.0,
        ),
    )
    result["procure_issue"] = procure_issue(result)
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
