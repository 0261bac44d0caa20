"""crm_leads/lib/scoring.py: the SQL form of the scoring equals the Python form, lead by lead.

The SQL expressions are evaluated by the local PostgreSQL over a VALUES list (no Odoo, no table);
without a reachable PostgreSQL these checks are skipped, the pure ones still run.
"""

import datetime
import random

import pytest
from conftest import load_lib

scoring = load_lib("crm_leads", "scoring")

NOW = datetime.datetime(2026, 6, 1, 9, 30, 0)
COLUMNS = {
    "id": "v.id",
    "country_id": "v.country_id",
    "industry_id": "v.industry_id",
    "source_id": "v.source_id",
    "employee_count": "v.employee_count",
    "email": "v.email",
    "phone": "v.phone",
    "tag_rel": "tags",
    "engagement": "ev.engagement",
    "automated_probability": "v.automated_probability",
}
RULES = [
    {"id": 1, "name": "Countries", "type": "country", "points": 25, "values": [1, 2]},
    {"id": 2, "name": "Robots", "type": "industry", "points": 7, "values": [3]},
    {"id": 3, "name": "Fair", "type": "source", "points": 10, "values": [4, 5]},
    {"id": 4, "name": "VIP", "type": "tag", "points": 15, "values": [1]},
    {"id": 5, "name": "Spam", "type": "tag", "points": -40, "values": [2]},
    {"id": 6, "name": "Mid", "type": "company_size", "points": 8, "size_min": 10, "size_max": 100},
    {"id": 7, "name": "Large", "type": "company_size", "points": 12, "size_min": 101},
    {"id": 8, "name": "Email", "type": "email_valid", "points": 20},
    {"id": 9, "name": "Email again", "type": "email_valid", "points": 3},
    {"id": 10, "name": "Phone", "type": "phone_valid", "points": 5},
]
EMAILS = [
    None,
    "",
    "a@b.com",
    " padded@example.org\t",
    "no-at",
    "x@y.c",
    "two@@at.com",
    "Zhang <z@q.cn>",
    "中文@例子.com",
    "a@b.co\n",
    "a b@c.de",
]
PHONES = [
    None,
    "",
    "+32 2 123 45 67",
    "１３８１２３４５６７８",
    "123",
    "+86 (138) 1234-5678 ext 99999",
    "0123456",
    "01234567890123456",
]


def test_rounding_is_half_up():
    assert [scoring.round_half_up(x) for x in (0.5, 1.5, 2.5, 22.5, 22.49)] == [1, 2, 3, 23, 22]


def test_validity_definitions():
    assert scoring.email_is_valid(" padded@example.org\t")
    assert not scoring.email_is_valid("Zhang <z@q.cn>")
    assert scoring.phone_is_valid("１３８１２３４５６７８"), "full-width digits count"
    assert not scoring.phone_is_valid("01234567890123456"), "more than 15 digits"


def test_sql_placeholders_match_params():
    text, params = scoring.score_sql(RULES, COLUMNS, blend=0.3)
    assert text.count("%s") == len(params)
    text, params = scoring.grade_sql("s")
    assert text.count("%s") == len(params)
    text, params = scoring.engagement_sql("e.points", "e.date", NOW, 30)
    assert text.count("%s") == len(params)


def test_same_condition_tested_once():
    text, _params = scoring.score_sql(RULES, COLUMNS)
    assert text.count("btrim(") == 1, "the two email rules share one test, their points summed"


def _random_leads(seed, count=400):
    rnd = random.Random(seed)
    leads, events = {}, {}
    for lead_id in range(1, count + 1):
        leads[lead_id] = {
            "country_id": rnd.choice([None, 1, 2, 3]),
            "industry_id": rnd.choice([None, 3, 4]),
            "source_id": rnd.choice([None, 4, 5, 6]),
            "employee_count": rnd.choice([0, 9, 10, 100, 101, 5000]),
            "email": rnd.choice(EMAILS),
            "phone": rnd.choice(PHONES),
            "tag_ids": rnd.sample([1, 2, 3], rnd.randint(0, 3)),
            "automated_probability": rnd.choice([None, 0.0, 12.5, 50.0, 99.9]),
        }
        events[lead_id] = [
            {
                "name": "E",
                "points": rnd.randint(-10, 60),
                "date": NOW - datetime.timedelta(seconds=rnd.randint(-3600, 200 * 86400)),
            }
            for _i in range(rnd.choice([0, 0, 1, 2, 5]))
        ]
    return leads, events


def _sql_scores(cr, leads, events, rules, half_life, blend, grades):
    score_text, score_params = scoring.score_sql(rules, COLUMNS, blend)
    grade_text, grade_params = scoring.grade_sql("f.score", grades)
    engagement_text, engagement_params = scoring.engagement_sql("e.points", "e.date", NOW, half_life)
    rows = [
        (
            i,
            f["country_id"],
            f["industry_id"],
            f["source_id"],
            f["employee_count"],
            f["email"],
            f["phone"],
            f["automated_probability"],
        )
        for i, f in leads.items()
    ]
    tag_rows = [(i, tag) for i, f in leads.items() for tag in f["tag_ids"]] or [(0, 0)]
    event_rows = [(i, e["points"], e["date"]) for i, evs in events.items() for e in evs] or [(0, 0, NOW)]
    values = ", ".join(
        ["(%s, %s::int, %s::int, %s::int, %s::int, %s::varchar, %s::varchar, %s::float8)"] * len(rows)
    )
    tag_values = ", ".join(["(%s::int, %s::int)"] * len(tag_rows))
    event_values = ", ".join(["(%s::int, %s::int, %s::timestamp)"] * len(event_rows))
    query = f"""
        WITH tags(lead_id, tag_id) AS (VALUES {tag_values}),
             events(lead_id, points, date) AS (VALUES {event_values}),
             v(id, country_id, industry_id, source_id, employee_count, email, phone, automated_probability)
               AS (VALUES {values}),
             ev AS (SELECT e.lead_id, sum({engagement_text}) AS engagement FROM events e GROUP BY e.lead_id),
             f AS (SELECT v.id, {score_text} AS score FROM v LEFT JOIN ev ON ev.lead_id = v.id)
        SELECT f.id, f.score, {grade_text} FROM f"""
    params = [x for row in tag_rows for x in row] + [x for row in event_rows for x in row]
    params += [x for row in rows for x in row] + engagement_params + score_params + grade_params
    cr.execute(query, params)
    return {lead_id: (score, grade) for lead_id, score, grade in cr.fetchall()}


@pytest.mark.parametrize(
    "seed,half_life,blend,grades",
    [
        (1, 30.0, 0.0, scoring.DEFAULT_GRADES),
        (2, 7.0, 0.35, (("A", 60), ("B", 40), ("C", 20), ("D", 0))),
        (3, 0, 0.5, scoring.DEFAULT_GRADES),
        (4, 90.0, 0.9, (("A", 90), ("B", 50), ("C", 10), ("D", 0))),
    ],
)
def test_sql_equals_python(cursor, seed, half_life, blend, grades):
    leads, events = _random_leads(seed)
    expected = {
        lead_id: result[:2]
        for lead_id, result in scoring.score_leads(
            leads, RULES, events, NOW, half_life, blend, grades
        ).items()
    }
    got = _sql_scores(cursor, leads, events, RULES, half_life, blend, grades)
    assert got == expected
    assert len({score for score, _grade in expected.values()}) > 15, "a varied sample"
