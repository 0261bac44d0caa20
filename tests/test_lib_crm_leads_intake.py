"""crm_leads/lib/intake: the web intake payload, typed and bounded, without Odoo."""

import pytest
from conftest import load_lib

intake = load_lib("crm_leads", "intake")

COUNTRIES = [(1, "CN", ["China", "中国"]), (2, "CH", ["Switzerland", "Schweiz"]), (3, "GE", ["Georgia"])]


def fields_of(problems):
    return [problem["field"] for problem in problems]


def test_clean_payload():
    clean, problems = intake.validate_payload(
        {"name": " Ada ", "email": "ada@example.com", "employees": "42", "message": "line 1\nline 2"}
    )
    assert problems == []
    assert clean == {"name": "Ada", "email": "ada@example.com", "employees": 42, "message": "line 1\nline 2"}


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"employees": True}, "employees"),
        ({"employees": "99999999999999"}, "employees"),
        ({"employees": 10**30}, "employees"),
        ({"employees": 1.5}, "employees"),
        ({"employees": "１２"}, "employees"),
        ({"name": "a\x00b"}, "name"),
        ({"name": "two\nlines"}, "name"),
        ({"name": "x" * 201}, "name"),
        ({"company": {"nested": 1}}, "company"),
        ({"utm_campaign": 5}, "utm_campaign"),
        ({"token": "x"}, "token"),
    ],
)
def test_each_bad_field_is_named(payload, field):
    _clean, problems = intake.validate_payload({"name": "x", "email": "a@b.com", **payload})
    assert field in fields_of(problems)


def test_content_rules():
    assert fields_of(intake.validate_payload({"email": "a@b.com"})[1]) == ["name"]
    assert fields_of(intake.validate_payload({"name": "x"})[1]) == ["email"]
    assert fields_of(intake.validate_payload({"name": "x", "email": "nope"})[1]) == ["email"]
    assert intake.validate_payload([1])[1][0]["field"] is None


def test_honeypot():
    clean, problems = intake.validate_payload({"name": "x", "email": "a@b.com", "website": "http://x"})
    assert problems == [] and intake.is_robot(clean)
    assert not intake.is_robot(intake.validate_payload({"name": "x", "email": "a@b.com", "website": ""})[0])


@pytest.mark.parametrize(
    ("value", "expected"),
    [("CN", 1), ("cn", 1), ("China", 1), ("china ", 1), ("中国", 1), ("Schweiz", 2), ("Georgia", 3)],
)
def test_country_by_code_or_full_name(value, expected):
    assert intake.match_country(value, COUNTRIES) == expected


@pytest.mark.parametrize("value", ["Germany", "Atlantis", "%", "C_", "Chin", ""])
def test_country_never_by_prefix_or_pattern(value):
    assert intake.match_country(value, COUNTRIES) is None


def test_origins_and_lock_keys():
    assert intake.parse_origins("https://a.example/\nhttps://b.example, https://c.example") == {
        "https://a.example",
        "https://b.example",
        "https://c.example",
    }
    assert intake.lock_keys(1, {"email": "a@b.com", "phone": "", "vat": "BE1"}) == [
        "1:email:a@b.com",
        "1:vat:BE1",
    ]
