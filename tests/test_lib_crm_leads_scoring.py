"""crm_leads/lib: scoring, dedupe keys and pool rules, without Odoo."""

import datetime

import pytest
from conftest import load_lib

scoring = load_lib("crm_leads", "scoring")
dedupe = load_lib("crm_leads", "dedupe")
pool = load_lib("crm_leads", "pool")

NOW = datetime.datetime(2026, 1, 31, 12, 0)
RULES = [
    {"id": 1, "name": "Belgium", "type": "country", "points": 30, "values": [21]},
    {"id": 2, "name": "Valid email", "type": "email_valid", "points": 20},
    {"id": 3, "name": "Mid size", "type": "company_size", "points": 25, "size_min": 50, "size_max": 500},
    {"id": 4, "name": "Spam tag", "type": "tag", "points": -40, "values": [7]},
    {"id": 5, "name": "Phone", "type": "phone_valid", "points": 10},
]


def test_fit_rules_and_breakdown():
    lead = {"country_id": 21, "email": "a@b.com", "employee_count": 100, "tag_ids": [1], "phone": "12"}
    score, grade, breakdown = scoring.score_lead(lead, RULES, [], NOW)
    assert score == 75 and grade == "A"
    assert [b["name"] for b in breakdown] == ["Belgium", "Mid size", "Valid email"]


def test_negative_rule_and_clamp():
    lead = {"country_id": 1, "email": "bad", "employee_count": 0, "tag_ids": [7]}
    score, grade, breakdown = scoring.score_lead(lead, RULES, [], NOW)
    assert score == 0 and grade == "D"
    assert breakdown[0]["points"] == -40


def test_engagement_decays_by_half_life():
    events = [{"name": "Form", "points": 40, "date": NOW - datetime.timedelta(days=30)}]
    score, _grade, breakdown = scoring.score_lead({}, [], events, NOW, half_life_days=30)
    assert score == 20
    assert breakdown == [{"kind": "engagement", "name": "Form", "points": 20.0}]
    score, _grade, _b = scoring.score_lead({}, [], events, NOW, half_life_days=0)
    assert score == 40


def test_blend_with_pls():
    lead = {"email": "a@b.com", "automated_probability": 80.0}
    score, _grade, breakdown = scoring.score_lead(lead, RULES, [], NOW, blend=0.5)
    assert score == 50  # 0.5 * 20 + 0.5 * 80
    assert any(b["kind"] == "pls" and b["points"] == 30 for b in breakdown)


def test_score_leads_batch_and_grades():
    grades = (("A", 90), ("B", 60), ("C", 10), ("D", 0))
    res = scoring.score_leads({1: {"email": "x@y.org"}, 2: {}}, RULES, {}, NOW, grades=grades)
    assert res[1][:2] == (20, "C") and res[2][:2] == (0, "D")


def test_unknown_rule_type():
    with pytest.raises(ValueError):
        scoring.rule_matches({"type": "zodiac"}, {})


@pytest.mark.parametrize(
    "raw,key",
    [
        ("+86 138-1234-5678", "3812345678"),
        ("0086 13812345678", "3812345678"),
        ("13812345678", "3812345678"),
        ("123", ""),
        (None, ""),
    ],
)
def test_normalize_phone(raw, key):
    assert dedupe.normalize_phone(raw) == key


def test_normalize_email_and_vat():
    assert dedupe.normalize_email('"Zhang" <ZHANG@Example.COM>') == "zhang@example.com"
    assert dedupe.normalize_email("nothing") == ""
    assert dedupe.normalize_vat("de 123.456-789") == "DE123456789"
    assert dedupe.split_vat("DE123456789") == ("DE", "123456789")
    assert dedupe.split_vat("123456789", "be") == ("BE", "123456789")


def test_find_duplicate_rows():
    keys = [
        {"email": "a@x.com"},
        {"phone": "1234567"},
        {"email": "a@x.com"},
        {"phone": "1234567", "vat": "X"},
    ]
    assert dedupe.find_duplicate_rows(keys) == {2: 0, 3: 1}


def _rec(**kw):
    base = {
        "claim_date": NOW - datetime.timedelta(days=20),
        "last_followup": None,
        "has_opportunity": False,
        "is_won": False,
        "locked": False,
    }
    base.update(kw)
    return base


def test_recycle_plan_rules():
    rules = [{"type": pool.NO_FOLLOWUP, "days": 15, "keep_won": True, "keep_with_opportunity": False}]
    records = {
        1: _rec(),
        2: _rec(last_followup=NOW - datetime.timedelta(days=13)),
        3: _rec(last_followup=NOW - datetime.timedelta(days=1)),
        4: _rec(is_won=True),
        5: _rec(locked=True),
    }
    recycle, warn = pool.recycle_plan(records, rules, NOW, warn_days=3)
    assert recycle == [1]
    assert list(warn) == [2]


def test_recycle_opportunity_and_won_rules():
    rules = [
        {"type": pool.NO_OPPORTUNITY, "days": 10},
        {"type": pool.NOT_WON, "days": 30, "keep_with_opportunity": False},
    ]
    records = {
        1: _rec(),
        2: _rec(has_opportunity=True),
        3: _rec(has_opportunity=True, claim_date=NOW - datetime.timedelta(days=40)),
    }
    recycle, _warn = pool.recycle_plan(records, rules, NOW)
    assert recycle == [1, 3]


def test_claim_refusal():
    assert pool.claim_refusal(held=0, max_held=0, claims_today=0, max_claims_per_day=0) == ""
    assert pool.claim_refusal(held=5, max_held=5, claims_today=0, max_claims_per_day=0) == "max_held"
    assert pool.claim_refusal(held=0, max_held=0, claims_today=3, max_claims_per_day=3) == "max_claims"
    assert (
        pool.claim_refusal(held=0, max_held=0, claims_today=0, max_claims_per_day=0, blocked=1) == "blocked"
    )


def test_dedupe_unicode_digits_and_mobile():
    assert dedupe.normalize_phone("１３８ １２３４ ５６７８") == dedupe.normalize_phone("138 1234 5678")
    keys = dedupe.dedupe_keys(phone="+86 10 1234 5678", mobile="138 1234 5678")
    assert keys == {"phone": "1012345678", "mobile": "3812345678"}
    assert "mobile" not in dedupe.dedupe_keys(phone="138 1234 5678", mobile="+86 138-1234-5678")
    # a mobile in one row and the same number as phone in another are duplicates
    assert dedupe.find_duplicate_rows([{"mobile": "3812345678"}, {"phone": "3812345678"}]) == {1: 0}
