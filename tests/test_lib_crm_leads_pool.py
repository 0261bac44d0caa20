import datetime

from conftest import load_lib

pool = load_lib("crm_leads", "pool")


def test_day_start_utc_in_user_time_zone():
    now = datetime.datetime(2026, 5, 1, 23, 30)  # 07:30 on May 2nd in Shanghai
    assert pool.day_start_utc(now, "Asia/Shanghai") == datetime.datetime(2026, 5, 1, 16, 0)
    assert pool.day_start_utc(now, "America/New_York") == datetime.datetime(2026, 5, 1, 4, 0)
    assert pool.day_start_utc(now, False) == datetime.datetime(2026, 5, 1, 0, 0)
    assert pool.day_start_utc(now, "Not/AZone") == datetime.datetime(2026, 5, 1, 0, 0)


def test_is_followup():
    assert pool.is_followup("comment")  # a logged note or a sent message
    assert pool.is_followup("email")  # an email received
    assert not pool.is_followup("notification")  # tracking, system messages
    assert pool.is_followup("notification", "phonecall")
    assert pool.is_followup("notification", "meeting")
    assert pool.is_followup("notification", "email")
    assert not pool.is_followup("notification", "default"), "a to-do marked as done is no contact"
    assert not pool.is_followup("comment", "upload_file")


def test_claim_refusal_order():
    refusal = pool.claim_refusal(held=0, max_held=1, claims_today=0, max_claims_per_day=0, blocked=1)
    assert refusal == "blocked"
    assert pool.claim_refusal(held=1, max_held=1, claims_today=0, max_claims_per_day=0) == "max_held"
    assert pool.claim_refusal(held=0, max_held=0, claims_today=2, max_claims_per_day=2) == "max_claims"
    assert pool.claim_refusal(held=0, max_held=0, claims_today=0, max_claims_per_day=0) == ""
