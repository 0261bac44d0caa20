"""Contract finance figures from invoice lines, split by order line when an invoice covers several orders.

The "collected" rule is defined here once and used everywhere (the order's figures, the allocation of
money to installments, the contract report's SQL):

* a line of a posted customer invoice collected its share of the money that settled its invoice
  (``line_total * (move_total - move_residual) / move_total``), so a down-payment invoice counts as
  soon as it is paid, before the final invoice exists;
* a credit note line counts the same way, negative (the money paid back, or the credit note applied to
  an invoice);
* what an order's own payments (matched to the order, not yet reconciled with one of its invoices)
  left unreconciled counts too.
"""

# SQL form of ``line_collected``, formatted with the column expressions of a query (report SQL).
LINE_COLLECTED_SQL = (
    "(CASE WHEN {refund} THEN -1 ELSE 1 END"
    " * CASE WHEN {move_total} <> 0"
    " THEN {line_total} * ({move_total} - {move_residual}) / {move_total} ELSE 0 END)"
)


def line_collected(line):
    """Collected part of one invoice line (see the module docstring), negative for a credit note."""
    sign = -1.0 if line.get("refund") else 1.0
    total = line["move_total"] or 0.0
    if not total:
        return 0.0
    return sign * line["line_total"] * (total - (line["move_residual"] or 0.0)) / total


def contract_figures(lines, unreconciled_payments=None):
    """Per-order invoiced, refunded and collected amounts.

    ``lines``: iterable of dicts ``{"order_id", "move_id", "line_total", "move_total", "move_residual",
    "refund"}`` — one per invoice line linked to an order line (``line_total`` and the move amounts are
    positive, in the document currency). Refund lines count negative in invoiced and collected;
    ``refunded`` is the total of the credit notes.
    ``unreconciled_payments``: optional ``{order_id: amount}`` received for an order and not reconciled yet.
    Returns ``{order_id: {"invoiced": x, "refunded": r, "collected": y}}``.
    """
    result = {}
    for line in lines:
        fig = result.setdefault(line["order_id"], {"invoiced": 0.0, "refunded": 0.0, "collected": 0.0})
        if line.get("refund"):
            fig["invoiced"] -= line["line_total"]
            fig["refunded"] += line["line_total"]
        else:
            fig["invoiced"] += line["line_total"]
        fig["collected"] += line_collected(line)
    for order_id, amount in (unreconciled_payments or {}).items():
        fig = result.setdefault(order_id, {"invoiced": 0.0, "refunded": 0.0, "collected": 0.0})
        fig["collected"] += amount or 0.0
    for fig in result.values():
        for key in fig:
            fig[key] = round(fig[key], 2)
    return result


def outstanding(amount_total, invoiced, refunded, collected):
    """What the customer still owes on a contract.

    Credit notes reduce the contract (``amount_total - refunded``), except what was invoiced again after
    them (``invoiced`` already nets the credit notes), and what was collected is deducted.
    """
    return round(max(amount_total - refunded, invoiced) - collected, 2)
