"""Lead and customer pool (公海) rules: when a held record goes back to the pool, and who may claim.

Plain Python over dicts; the models gather the facts for all records of a pool in a few queries.
"""

import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

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


FOLLOWUP_ACTIVITY_KINDS = frozenset({"email", "phonecall", "meeting"})
FOLLOWUP_MESSAGE_TYPES = frozenset({"comment", "email", "email_outgoing"})


def is_followup(message_type, activity_kind=None):
    """Whether a chatter message is a real follow-up of the customer, which resets the recycle clock.

    ``activity_kind`` is set when the message marks an activity as done: ``"email"``, ``"phonecall"``,
    ``"meeting"`` or another category (a to-do, an upload...), which is no contact with the customer.
    Otherwise an email or a logged note is a follow-up; system notifications are not.
    """
    if activity_kind:
        return activity_kind in FOLLOWUP_ACTIVITY_KINDS
    return message_type in FOLLOWUP_MESSAGE_TYPES


def day_start_utc(now, tz_name):
    """Naive UTC datetime of the start of the local day of ``now`` (naive UTC) in the time zone ``tz_name``.

    An unknown or empty time zone counts in UTC.
    """
    try:
        tz = ZoneInfo(tz_name) if tz_name else datetime.timezone.utc
    except (ZoneInfoNotFoundError, ValueError):
        tz = datetime.timezone.utc
    local = now.replace(tzinfo=datetime.timezone.utc).astimezone(tz)
    start = datetime.datetime.combine(local.date(), datetime.time.min, tzinfo=tz)
    return start.astimezone(datetime.timezone.utc).replace(tzinfo=None)
