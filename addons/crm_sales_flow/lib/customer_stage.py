"""Three-stage customer model (potential -> intentional -> signed) and dormancy, without Odoo."""

from datetime import date, timedelta
from statistics import median

POTENTIAL = "potential"
INTENTIONAL = "intentional"
SIGNED = "signed"
STAGES = (POTENTIAL, INTENTIONAL, SIGNED)
STAGE_RANK = {stage: rank for rank, stage in enumerate(STAGES)}


def stage_from_facts(has_open_opportunity, has_signed_order):
    """Return the stage the facts give: a confirmed order signs, an open opportunity qualifies."""
    if has_signed_order:
        return SIGNED
    if has_open_opportunity:
        return INTENTIONAL
    return POTENTIAL


def automatic_stage(current, has_open_opportunity, has_signed_order):
    """Stage automation moves a customer to: forward only, never back (a lost or won opportunity, or a
    cancelled order, leaves the stage reached). Dormancy is a flag on a signed customer, not a stage."""
    facts = stage_from_facts(has_open_opportunity, has_signed_order)
    if current in STAGE_RANK and STAGE_RANK[current] >= STAGE_RANK[facts]:
        return current
    return facts


def usual_interval(dates, default_days=None):
    """Median number of days between consecutive purchase dates (None when fewer than two purchases).

    ``dates`` is any iterable of ``date``; duplicates (several orders the same day) count once.
    """
    days = sorted(set(dates))
    if len(days) < 2:
        return default_days
    gaps = [(b - a).days for a, b in zip(days, days[1:], strict=False)]
    return float(median(gaps))


def is_dormant(dates, today, default_days=None, factor=1.0):
    """A customer is dormant when the time since the last purchase exceeds ``factor`` x usual interval.

    With a single purchase the ``default_days`` interval is used; with none or no interval, not dormant.
    """
    days = sorted(set(dates))
    if not days:
        return False
    interval = usual_interval(days, default_days)
    if not interval:
        return False
    return today - days[-1] > timedelta(days=interval * factor)


def overdue_days(last_date, interval, today):
    """Days past the expected next purchase (0 if not late, or when nothing is known)."""
    if not last_date or not interval:
        return 0
    expected = last_date + timedelta(days=interval)
    return max((today - expected).days, 0) if isinstance(today, date) else 0
