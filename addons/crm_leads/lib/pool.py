"""Lead and customer pool (公海) rules: when a held record goes back to the pool, and who may claim.

Plain Python over dicts; the models gather the facts for all records of a pool in a few queries.
"""

import datetime

NO_FOLLOWUP = "no_followup"
NO_OPPORTUNITY = "no_opportunity"
NOT_WON = "not_won"


def recycle_due_date(record, rule):
    """Date the record goes back to the pool under one rule, or None if the rule does not apply.

    ``record``: ``{claim_date, last_followup, has_opportunity, is_won, locked}``;
    ``rule``: ``{type, days, keep_won, keep_with_opportunity}``.
    """
    if record.get("locked") or not record.get("claim_date"):
        return None
    if rule.get("keep_won") and record.get("is_won"):
        return None
    if rule.get("keep_with_opportunity") and record.get("has_opportunity"):
        return None
    days = datetime.timedelta(days=rule["days"])
    kind = rule["type"]
    if kind == NO_FOLLOWUP:
        start = max(d for d in (record["claim_date"], record.get("last_followup")) if d)
        return start + days
    if kind == NO_OPPORTUNITY:
        return None if record.get("has_opportunity") else record["claim_date"] + days
    if kind == NOT_WON:
        return None if record.get("is_won") else record["claim_date"] + days
    raise ValueError(f"unknown recycle rule {kind!r}")


def recycle_plan(records, rules, now, warn_days=0):
    """Split held records into those to recycle now and those to warn about.

    ``records`` is ``{id: facts}``. Returns ``(recycle, warn)``: ``recycle`` a list of ids,
    ``warn`` ``{id: due date}`` for records due within ``warn_days``.
    """
    recycle, warn = [], {}
    horizon = now + datetime.timedelta(days=warn_days or 0)
    for rec_id, facts in records.items():
        dues = [d for d in (recycle_due_date(facts, rule) for rule in rules) if d]
        if not dues:
            continue
        due = min(dues)
        if due <= now:
            recycle.append(rec_id)
        elif warn_days and due <= horizon:
            warn[rec_id] = due
    return sorted(recycle), warn


def claim_refusal(*, held, max_held, claims_today, max_claims_per_day, asked=1, blocked=0):
    """Why a user may not claim ``asked`` more records, or ``""`` if they may.

    ``blocked`` counts records the user released too recently to take back.
    Returns a code: ``"blocked"``, ``"max_held"`` or ``"max_claims"``.
    """
    if blocked:
        return "blocked"
    if max_held and held + asked > max_held:
        return "max_held"
    if max_claims_per_day and claims_today + asked > max_claims_per_day:
        return "max_claims"
    return ""
