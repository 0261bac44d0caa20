"""Explainable lead scoring: fit rules plus decaying engagement events, as plain Python.

No ORM here: the model gathers the facts of a whole batch of leads with a few SQL queries, calls
:func:`score_leads` once and writes the results back in bulk.
"""

import math
import re

EMAIL_RE = re.compile(r"^[^@\s<>,;]+@[^@\s<>,;]+\.[A-Za-z]{2,}$")
DEFAULT_GRADES = (("A", 75), ("B", 50), ("C", 25), ("D", 0))


def email_is_valid(email):
    return bool(email) and bool(EMAIL_RE.match(email.strip()))


def phone_is_valid(phone):
    """7 to 15 digits, whatever the separators (E.164 allows at most 15)."""
    if not phone:
        return False
    digits = sum(map(str.isdecimal, phone))
    return 7 <= digits <= 15


def _in(value, values):
    return value is not None and value is not False and value in values


def rule_matches(rule, lead):
    """Tell whether one fit rule applies to one lead (both plain dicts)."""
    kind = rule["type"]
    if kind == "country":
        return _in(lead.get("country_id"), rule.get("values") or ())
    if kind == "industry":
        return _in(lead.get("industry_id"), rule.get("values") or ())
    if kind == "source":
        return _in(lead.get("source_id"), rule.get("values") or ())
    if kind == "tag":
        return bool(set(lead.get("tag_ids") or ()) & set(rule.get("values") or ()))
    if kind == "company_size":
        size = lead.get("employee_count") or 0
        low, high = rule.get("size_min") or 0, rule.get("size_max") or 0
        return size > 0 and size >= low and (not high or size <= high)
    if kind == "email_valid":
        return email_is_valid(lead.get("email"))
    if kind == "phone_valid":
        return phone_is_valid(lead.get("phone"))
    raise ValueError(f"unknown rule type {kind!r}")


def decay_factor(age_days, half_life_days):
    """Weight of an event ``age_days`` old: 1 when new, 1/2 after one half-life; no decay if 0."""
    if not half_life_days or half_life_days <= 0:
        return 1.0
    return math.pow(0.5, max(age_days, 0.0) / half_life_days)


def grade_for(score, grades=DEFAULT_GRADES):
    for grade, threshold in grades:
        if score >= threshold:
            return grade
    return grades[-1][0]


def score_lead(lead, rules, events, now, half_life_days=30.0, blend=0.0, grades=DEFAULT_GRADES):
    """Score one lead. Returns ``(score 0-100, grade, breakdown)``.

    ``rules``: dicts ``{id, name, type, points, values, size_min, size_max}``;
    ``events``: dicts ``{name, points, date}`` (``date`` a datetime comparable with ``now``);
    ``blend``: share (0-1) of Odoo's ``automated_probability`` in the final score.
    The breakdown lists every contribution: ``{kind, name, points}`` (rounded to 0.1).
    """
    breakdown = []
    fit = 0.0
    for rule in rules:
        match = rule.get("match")
        if match(lead) if match else rule_matches(rule, lead):
            fit += rule["points"]
            breakdown.append(
                {"kind": "fit", "rule_id": rule.get("id"), "name": rule["name"], "points": rule["points"]}
            )
    engagement = 0.0
    for event in events:
        age = (now - event["date"]).total_seconds() / 86400.0
        points = event["points"] * decay_factor(age, half_life_days)
        engagement += points
        breakdown.append({"kind": "engagement", "name": event["name"], "points": round(points, 1)})
    raw = max(0.0, min(100.0, fit + engagement))
    score = raw
    if blend:
        pls = lead.get("automated_probability") or 0.0
        score = (1.0 - blend) * raw + blend * pls
        breakdown.append({"kind": "pls", "name": "Predictive lead scoring", "points": round(score - raw, 1)})
    score = int(round(max(0.0, min(100.0, score))))
    if len(breakdown) > 1:
        breakdown.sort(key=lambda item: -abs(item["points"]))
    return score, grade_for(score, grades), breakdown


def _matcher(rule):
    """A one-argument function telling whether ``rule`` applies to a lead, specialised by rule type."""
    kind = rule["type"]
    values = frozenset(rule.get("values") or ())
    if kind in ("country", "industry", "source"):
        key = {"country": "country_id", "industry": "industry_id", "source": "source_id"}[kind]
        return lambda lead: lead.get(key) in values
    if kind == "tag":
        return lambda lead: not values.isdisjoint(lead.get("tag_ids") or ())
    if kind == "email_valid":
        return lambda lead: email_is_valid(lead.get("email"))
    if kind == "phone_valid":
        return lambda lead: phone_is_valid(lead.get("phone"))
    if kind == "company_size":
        low, high = rule.get("size_min") or 0, rule.get("size_max") or 0

        def size_matches(lead):
            size = lead.get("employee_count") or 0
            return size > 0 and size >= low and (not high or size <= high)

        return size_matches
    raise ValueError(f"unknown rule type {kind!r}")


def prepare_rules(rules):
    """Rules with a ``match`` function each, built once for a whole batch."""
    return [dict(rule, match=_matcher(rule)) for rule in rules]


def score_leads(leads, rules, events_by_lead, now, half_life_days=30.0, blend=0.0, grades=DEFAULT_GRADES):
    """Score a batch: ``leads`` is ``{id: facts}``; returns ``{id: (score, grade, breakdown)}``."""
    rules = prepare_rules(rules)
    return {
        lead_id: score_lead(facts, rules, events_by_lead.get(lead_id, ()), now, half_life_days, blend, grades)
        for lead_id, facts in leads.items()
    }
