"""Explainable lead scoring: fit rules plus decaying engagement events, as plain Python.

No ORM here. Two forms of one algorithm:

* :func:`score_lead` / :func:`score_leads` score leads given as plain dicts and explain each score
  (the breakdown shown on the lead);
* :func:`score_sql` and :func:`grade_sql` compile the same rules into SQL expressions, so that the
  batch path scores every lead inside the database in one statement per batch, without carrying the
  facts of 100k leads through Python.

Both define validity, decay, clamping and rounding (half up) identically; the module's tests check
that they agree lead by lead.
"""

import math
import re

WHITESPACE = " \t\n\r\f\v"
# one pattern for Python's re and PostgreSQL's regular expressions (ASCII whitespace only, as btrim)
EMAIL_PATTERN = "^[^@%(ws)s<>,;]+@[^@%(ws)s<>,;]+[.][A-Za-z]{2,}$" % {"ws": WHITESPACE}
EMAIL_RE = re.compile(EMAIL_PATTERN)
FULLWIDTH_DIGITS = "\uff10\uff11\uff12\uff13\uff14\uff15\uff16\uff17\uff18\uff19"
ASCII_DIGITS = "0123456789"
_TO_ASCII_DIGITS = str.maketrans(FULLWIDTH_DIGITS, ASCII_DIGITS)
PHONE_DIGIT_COUNTS = list(range(7, 16))  # E.164 allows at most 15 digits
DEFAULT_GRADES = (("A", 75), ("B", 50), ("C", 25), ("D", 0))
# bounds of the points of one engagement event (as of one fit rule)
EVENT_POINTS_MIN, EVENT_POINTS_MAX = -100, 100
FACT_COLUMNS = {"country": "country_id", "industry": "industry_id", "source": "source_id"}


def email_is_valid(email):
    return bool(email) and bool(EMAIL_RE.match(email.strip(WHITESPACE)))


def phone_is_valid(phone):
    """7 to 15 digits (ASCII or full-width), whatever the separators (E.164 allows at most 15)."""
    if not phone:
        return False
    digits = sum(char in ASCII_DIGITS for char in phone.translate(_TO_ASCII_DIGITS))
    return digits in PHONE_DIGIT_COUNTS


def round_half_up(value):
    """Round as SQL's ``floor(x + 0.5)`` does (Python's round() rounds half to even)."""
    return int(math.floor(value + 0.5))


def rule_matches(rule, lead):
    """Tell whether one fit rule applies to one lead (both plain dicts)."""
    return _matcher(rule)(lead)


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
    score = round_half_up(max(0.0, min(100.0, score)))
    if len(breakdown) > 1:
        breakdown.sort(key=lambda item: -abs(item["points"]))
    return score, grade_for(score, grades), breakdown


def _matcher(rule):
    """A one-argument function telling whether ``rule`` applies to a lead, specialised by rule type."""
    kind = rule["type"]
    values = frozenset(rule.get("values") or ())
    if kind in FACT_COLUMNS:
        key = FACT_COLUMNS[kind]
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


# ----------------------------------------------------------------------------------------------
# The same algorithm as SQL expressions (placeholders ``%s``, parameters returned beside the text)
# ----------------------------------------------------------------------------------------------
def rule_condition_sql(rule, columns):
    """``(text, params)`` of a boolean SQL condition, true where ``rule`` applies to the lead.

    ``columns`` maps fact names to SQL expressions of the model's query: ``id``, ``country_id``,
    ``industry_id``, ``source_id``, ``employee_count``, ``email``, ``phone``, and ``tag_rel``: the
    relation ``(lead_id, tag_id)`` of the leads' tags.
    """
    kind = rule["type"]
    values = sorted(set(rule.get("values") or ()))
    if kind in FACT_COLUMNS:
        return "%s = ANY(%%s::int[])" % columns[FACT_COLUMNS[kind]], [values]
    if kind == "tag":
        # a hashed subplan: one hash of the tagged leads for the whole statement
        return (
            "%s IN (SELECT t.lead_id FROM %s t WHERE t.tag_id = ANY(%%s::int[]))"
            % (columns["id"], columns["tag_rel"]),
            [values],
        )
    if kind == "company_size":
        size = columns["employee_count"]
        low, high = rule.get("size_min") or 0, rule.get("size_max") or 0
        return (
            "(%s > 0 AND %s >= %%s AND (%%s = 0 OR %s <= %%s))" % (size, size, size),
            [low, high, high],
        )
    if kind == "email_valid":
        return "btrim(%s, %%s) ~ %%s" % columns["email"], [WHITESPACE, EMAIL_PATTERN]
    if kind == "phone_valid":
        # the digits are what translate() removes (cheaper than a regular expression)
        phone = columns["phone"]
        digits = "(length(%s) - length(translate(%s, %%s, '')))" % (phone, phone)
        # = ANY evaluates the count once (BETWEEN would compute it twice)
        return "%s = ANY(%%s::int[])" % digits, [ASCII_DIGITS + FULLWIDTH_DIGITS, PHONE_DIGIT_COUNTS]
    raise ValueError(f"unknown rule type {kind!r}")


def engagement_sql(points, date, now, half_life_days):
    """``(text, params)`` of the decayed points of one event at ``now`` (sum it per lead), as
    :func:`decay_factor`; ``points`` and ``date`` are SQL expressions of the event."""
    if not half_life_days or half_life_days <= 0:
        return "(%s)::float8" % points, []
    return (
        "(%s)::float8 * power(0.5::float8, "
        "greatest(extract(epoch FROM (%%s::timestamp - %s))::float8 / 86400.0::float8, 0.0::float8)"
        " / %%s::float8)" % (points, date),
        [now, float(half_life_days)],
    )


def score_sql(rules, columns, blend=0.0):
    """``(text, params)`` of the integer score 0-100 of a lead, as :func:`score_lead` computes it.

    Besides the facts of :func:`rule_condition_sql`, ``columns`` gives ``engagement`` (the summed
    :func:`engagement_sql` of the lead's events, NULL without events) and ``automated_probability``.
    """
    # rules with the same condition are tested once, with their points summed (integers: exact)
    points_by_condition = {}
    for rule in rules:
        condition, condition_params = rule_condition_sql(rule, columns)
        key = (condition, repr(condition_params))
        previous = points_by_condition.get(key, (condition_params, 0))
        points_by_condition[key] = (condition_params, previous[1] + rule["points"])
    terms, params = ["0.0::float8"], []
    for (condition, _key), (condition_params, points) in points_by_condition.items():
        terms.append("(CASE WHEN %s THEN %%s::float8 ELSE 0.0::float8 END)" % condition)
        params += condition_params + [float(points)]
    fit = "(%s)" % " + ".join(terms)
    raw = "greatest(0.0::float8, least(100.0::float8, %s + coalesce(%s, 0.0::float8)))" % (
        fit,
        columns["engagement"],
    )
    if blend:
        pls = "coalesce(%s, 0.0)::float8" % columns["automated_probability"]
        raw = "((1.0::float8 - %%s::float8) * %s + %%s::float8 * %s)" % (raw, pls)
        params = [float(blend), *params, float(blend)]
    text = "floor(greatest(0.0::float8, least(100.0::float8, %s)) + 0.5::float8)::int" % raw
    return text, params


def grade_sql(score, grades=DEFAULT_GRADES):
    """``(text, params)`` of the grade of the integer ``score`` expression, as :func:`grade_for`."""
    whens, params = [], []
    for grade, threshold in grades:
        whens.append("WHEN %s >= %%s THEN %%s" % score)
        params += [threshold, grade]
    return "(CASE %s ELSE %%s END)" % " ".join(whens), params + [grades[-1][0]]
