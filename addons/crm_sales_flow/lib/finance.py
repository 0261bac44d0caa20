"""Contract finance figures from invoice lines, split by order line when an invoice covers several orders."""


def contract_figures(lines):
    """Per-order invoiced and collected amounts.

    ``lines``: iterable of dicts ``{"order_id", "move_id", "line_total", "move_total", "move_residual",
    "refund"}`` — one per invoice line linked to an order line (``line_total`` and the move amounts are
    positive, in the document currency). The collected part of a line is its share of the move's paid
    amount (``move_total - move_residual``). Refund lines count negative.
    Returns ``{order_id: {"invoiced": x, "collected": y}}``.
    """
    result = {}
    for line in lines:
        sign = -1.0 if line.get("refund") else 1.0
        total = line["move_total"] or 0.0
        share = (line["line_total"] / total) if total else 0.0
        paid = (total - (line["move_residual"] or 0.0)) * share
        fig = result.setdefault(line["order_id"], {"invoiced": 0.0, "collected": 0.0})
        fig["invoiced"] += sign * line["line_total"]
        fig["collected"] += sign * paid
    for fig in result.values():
        fig["invoiced"] = round(fig["invoiced"], 2)
        fig["collected"] = round(fig["collected"], 2)
    return result
