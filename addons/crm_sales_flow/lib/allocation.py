"""Payment plans: resolve installment amounts and allocate collected money in due-date order."""

from datetime import date

PAID = "paid"
PARTIAL = "partial"
OVERDUE = "overdue"
NOT_DUE = "not_due"


def _round(value, digits):
    return round(value + 0.0, digits)


def resolve_amounts(installments, total, digits=2):
    """Amounts of a plan where each installment gives either ``amount`` or ``percent`` of ``total``.

    ``installments`` is a list of dicts with keys ``amount`` and ``percent`` (percent wins when set).
    The last percent-based installment absorbs the rounding difference so percents summing to 100
    give exactly ``total``.
    """
    amounts = []
    for inst in installments:
        if inst.get("percent"):
            amounts.append(_round(total * inst["percent"] / 100.0, digits))
        else:
            amounts.append(_round(inst.get("amount") or 0.0, digits))
    percents = [i for i, inst in enumerate(installments) if inst.get("percent")]
    if percents and abs(sum(inst["percent"] for inst in installments if inst.get("percent")) - 100.0) < 1e-9:
        amounts[percents[-1]] = _round(
            total - sum(a for i, a in enumerate(amounts) if i != percents[-1]), digits
        )
    return amounts


def plan_difference(amounts, total, digits=2):
    """Planned minus contract total, rounded (0.0 when the plan matches the contract)."""
    return _round(sum(amounts) - total, digits)


def allocate(installments, collected, digits=2):
    """Allocate ``collected`` to installments in due-date order (then sequence, then id).

    ``installments``: list of dicts with ``id``, ``amount``, ``due_date`` (date or None, undated last)
    and optionally ``sequence``. Returns ``{id: paid}``; never more than an installment's amount, never
    more in total than ``collected`` (a negative or zero collected pays nothing).
    """
    order = sorted(
        installments,
        key=lambda i: (
            i.get("due_date") is None,
            i.get("due_date") or date.min,
            i.get("sequence") or 0,
            i["id"],
        ),
    )
    left = max(_round(collected or 0.0, digits), 0.0)
    paid = {}
    for inst in order:
        amount = max(inst.get("amount") or 0.0, 0.0)
        take = _round(min(amount, left), digits)
        paid[inst["id"]] = take
        left = _round(left - take, digits)
    return paid


def installment_state(amount, paid, due_date, today, digits=2):
    """``paid`` when fully paid, ``overdue`` when past due and not fully paid, ``partial`` when some is
    paid, else ``not_due``."""
    if amount > 0 and _round(amount - paid, digits) <= 0:
        return PAID
    if due_date and due_date < today:
        return OVERDUE
    if paid > 0:
        return PARTIAL
    return NOT_DUE
