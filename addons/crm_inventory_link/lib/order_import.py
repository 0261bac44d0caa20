"""Turn spreadsheet rows into quotation drafts: parse numbers, group rows into orders, reject whole orders.

Plain Python: the wizard resolves customers and products in batch and passes the lookups in.
"""

import math
import re

MAX_AMOUNT = 1e12  # a quantity or a price beyond this is a typo, not an order
# C0 controls but tab and line breaks, DEL, C1 controls: mis-decoded or binary text
CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")

COLUMN_ALIASES = {
    "order_ref": ["order", "order ref", "order reference", "reference", "po", "订单号", "客户订单号"],
    "customer": ["partner", "customer name", "customer code", "client", "客户", "客户名称", "客户编码"],
    "product": ["product code", "code", "sku", "barcode", "internal reference", "产品", "产品编码", "条码"],
    "quantity": ["qty", "quantity ordered", "数量"],
    "price": ["unit price", "price unit", "单价", "价格"],
}
REQUIRED_COLUMNS = ("customer", "product", "quantity")

# English texts of the row errors; the wizard passes translated ones (``{value}`` is the cell or lookup text)
MESSAGES = {
    "missing_customer": "missing customer",
    "missing_product": "missing product",
    "lookup": "{value}",
    "quantity_not_positive": "quantity must be a positive number",
    "invalid_quantity": "invalid quantity {value!r}",
    "negative_price": "price must not be negative",
    "invalid_price": "invalid price {value!r}",
    "order_rejected": "another row of the same order is in error",
    "control_characters": "control characters in the cell {value}",
}


def parse_number(text):
    """Parse a spreadsheet number ("1,234.5", "12", "") -> float or None when empty; ValueError if invalid,
    infinite, NaN or beyond :data:`MAX_AMOUNT`."""
    text = (text or "").strip().replace("\u00a0", "").replace(" ", "")
    if not text:
        return None
    if "," in text and "." not in text and text.count(",") == 1 and len(text.split(",")[1]) != 3:
        text = text.replace(",", ".")
    text = text.replace(",", "")
    number = float(text)
    if not math.isfinite(number) or abs(number) > MAX_AMOUNT:
        raise ValueError(f"{text!r} is not a finite number")
    return number


def cell(row, mapping, field):
    idx = mapping.get(field)
    if idx is None or idx >= len(row):
        return ""
    return (row[idx] or "").strip()


def build_orders(rows, mapping, partner_lookup, product_lookup, messages=None):
    """Validate ``rows`` and group them into orders.

    ``partner_lookup(key) -> (partner_id or None, error or None)`` and ``product_lookup(key)`` likewise.
    Returns ``(orders, errors)``: ``orders`` is a list of ``{"partner_id", "order_ref", "lines": [...]}``
    with lines ``{"product_id", "quantity", "price"}`` (price None = pricelist price); ``errors`` maps a
    row index (0-based in ``rows``) to its message. An order with one bad row is rejected entirely.
    ``messages`` overrides :data:`MESSAGES` (e.g. translated texts).
    """
    texts = dict(MESSAGES, **(messages or {}))

    def text(code, value=""):
        return texts[code].format(value=value)

    errors = {}
    groups = {}
    for index, row in enumerate(rows):
        customer = cell(row, mapping, "customer")
        product_key = cell(row, mapping, "product")
        order_ref = cell(row, mapping, "order_ref")
        group_key = (order_ref, customer) if order_ref else ("", customer)
        group = groups.setdefault(
            group_key, {"rows": [], "lines": [], "partner_id": None, "order_ref": order_ref}
        )
        group["rows"].append(index)
        problems = []
        bad_cell = next(
            (i for i, value in enumerate(row) if value and CONTROL_CHARACTERS.search(value)), None
        )
        if bad_cell is not None:
            problems.append(text("control_characters", bad_cell + 1))
        partner_id = None
        if not customer:
            problems.append(text("missing_customer"))
        else:
            partner_id, error = partner_lookup(customer)
            if error:
                problems.append(text("lookup", error))
        product_id = None
        if not product_key:
            problems.append(text("missing_product"))
        else:
            product_id, error = product_lookup(product_key)
            if error:
                problems.append(text("lookup", error))
        quantity = price = None
        try:
            quantity = parse_number(cell(row, mapping, "quantity"))
            if quantity is None or quantity <= 0:
                problems.append(text("quantity_not_positive"))
        except ValueError:
            problems.append(text("invalid_quantity", cell(row, mapping, "quantity")))
        try:
            price = parse_number(cell(row, mapping, "price"))
            if price is not None and price < 0:
                problems.append(text("negative_price"))
        except ValueError:
            problems.append(text("invalid_price", cell(row, mapping, "price")))
        if problems:
            errors[index] = "; ".join(problems)
            continue
        group["partner_id"] = partner_id
        group["lines"].append({"product_id": product_id, "quantity": quantity, "price": price})
    orders = []
    for group in groups.values():
        bad = [i for i in group["rows"] if i in errors]
        if bad:
            for i in group["rows"]:
                errors.setdefault(i, text("order_rejected"))
            continue
        orders.append(
            {"partner_id": group["partner_id"], "order_ref": group["order_ref"], "lines": group["lines"]}
        )
    return orders, errors
