from datetime import datetime, timedelta

import pytest
from conftest import load_lib

sla = load_lib("crm_service", "sla")
assign = load_lib("crm_service", "assign")


def _week(start_day, days=5, holidays=()):
    """Working intervals 8-12 and 13-17 on weekdays from ``start_day``, skipping ``holidays``."""
    out = []
    day = start_day
    for _i in range(days * 3):
        if day.weekday() < 5 and day.date() not in holidays:
            out.append((day.replace(hour=8), day.replace(hour=12)))
            out.append((day.replace(hour=13), day.replace(hour=17)))
        day += timedelta(days=1)
    return out


MONDAY = datetime(2026, 3, 2)


def test_deadline_inside_interval():
    res = sla.compute_deadlines(_week(MONDAY), [(MONDAY.replace(hour=9), 2)])
    assert res == [MONDAY.replace(hour=11)]


def test_deadline_spans_lunch_and_night():
    res = sla.compute_deadlines(_week(MONDAY), [(MONDAY.replace(hour=11), 2), (MONDAY.replace(hour=16), 4)])
    assert res[0] == MONDAY.replace(hour=14)
    assert res[1] == (MONDAY + timedelta(days=1)).replace(hour=11)


def test_start_outside_working_time_and_weekend():
    friday_evening = (MONDAY + timedelta(days=4)).replace(hour=20)
    res = sla.compute_deadlines(_week(MONDAY), [(friday_evening, 1)])
    assert res == [(MONDAY + timedelta(days=7)).replace(hour=9)]


def test_holiday_skipped():
    tuesday = (MONDAY + timedelta(days=1)).date()
    res = sla.compute_deadlines(_week(MONDAY, holidays={tuesday}), [(MONDAY.replace(hour=16), 2)])
    assert res == [(MONDAY + timedelta(days=2)).replace(hour=9)]


def test_exact_end_of_interval_and_zero_hours():
    res = sla.compute_deadlines(
        _week(MONDAY), [(MONDAY.replace(hour=8), 4), (MONDAY.replace(hour=12, minute=30), 0)]
    )
    assert res[0] == MONDAY.replace(hour=12)
    assert res[1] == MONDAY.replace(hour=13)


def test_out_of_window_and_bad_input():
    res = sla.compute_deadlines(
        _week(MONDAY, days=1), [(MONDAY, 100), (MONDAY, None), (None, 1), (MONDAY, -1)]
    )
    assert res == [None, None, None, None]
    assert sla.compute_deadlines([], [(MONDAY, 1)]) == [None]


def test_overlapping_intervals_merged():
    a = MONDAY.replace(hour=8)
    intervals = [(a, a + timedelta(hours=4)), (a + timedelta(hours=2), a + timedelta(hours=6))]
    assert sla.prepare_intervals(intervals) == [(a, a + timedelta(hours=6))]
    assert sla.compute_deadlines(intervals, [(a, 5)]) == [a + timedelta(hours=5)]


def test_working_hours_between():
    timeline = sla.WorkTimeline(_week(MONDAY))
    assert timeline.working_hours_between(MONDAY.replace(hour=11), MONDAY.replace(hour=14)) == pytest.approx(
        2
    )
    assert timeline.working_hours_between(MONDAY.replace(hour=14), MONDAY.replace(hour=11)) == 0


def test_match_policy_most_specific():
    policies = [
        {"id": 1, "team_id": 1, "type_id": None, "priority": None, "sequence": 10},
        {"id": 2, "team_id": 1, "type_id": 5, "priority": None, "sequence": 10},
        {"id": 3, "team_id": 1, "type_id": 5, "priority": "3", "sequence": 10},
        {"id": 4, "team_id": 2, "type_id": None, "priority": None, "sequence": 10},
    ]
    assert sla.match_policy(policies, 1, 5, "3") == 3
    assert sla.match_policy(policies, 1, 5, "1") == 2
    assert sla.match_policy(policies, 1, 6, "3") == 1
    assert sla.match_policy(policies, 3, 5, "3") is None


def test_is_breached():
    d = MONDAY
    assert not sla.is_breached(None, None, d)
    assert sla.is_breached(d, None, d + timedelta(seconds=1))
    assert not sla.is_breached(d, d, d + timedelta(days=1))
    assert sla.is_breached(d, d + timedelta(minutes=1), d)


def test_round_robin():
    assert assign.round_robin([1, 2, 3], 2, 4) == [3, 1, 2, 3]
    assert assign.round_robin([1, 2, 3], None, 2) == [1, 2]
    assert assign.round_robin([], 1, 2) == []


def test_least_open():
    res = assign.least_open([1, 2, 3], {1: 2, 2: 0, 3: 1}, 4)
    assert res == [2, 2, 3, 1]
    assert assign.least_open([1], {}, 0) == []


def test_working_hours_batch():
    res = sla.working_hours_batch(
        _week(MONDAY),
        [(MONDAY.replace(hour=9), (MONDAY + timedelta(days=1)).replace(hour=9)), (MONDAY, None)],
    )
    assert res[0] == pytest.approx(8)
    assert res[1] is None


def test_pause_moves_the_deadline_by_the_paused_working_time():
    # Monday 9:00 + 4h = 14:00; paused Monday 10:00 -> 11:30: 1.5 working hours later
    pauses = [(MONDAY.replace(hour=10), MONDAY.replace(hour=11, minute=30))]
    res = sla.compute_paused_deadlines(_week(MONDAY), [(MONDAY.replace(hour=9), 4, pauses)])
    assert res == [MONDAY.replace(hour=15, minute=30)]


def test_pause_outside_working_hours_changes_nothing():
    pauses = [(MONDAY.replace(hour=18), MONDAY.replace(hour=23))]
    res = sla.compute_paused_deadlines(_week(MONDAY), [(MONDAY.replace(hour=9), 4, pauses)])
    assert res == [MONDAY.replace(hour=14)]


def test_open_pause_stops_the_clock():
    pauses = [(MONDAY.replace(hour=10), None)]
    res = sla.compute_paused_deadlines(_week(MONDAY), [(MONDAY.replace(hour=9), 4, pauses)])
    assert res == [None]


def test_pause_after_the_deadline_keeps_it():
    pauses = [(MONDAY.replace(hour=15), None)]
    res = sla.compute_paused_deadlines(_week(MONDAY), [(MONDAY.replace(hour=9), 4, pauses)])
    assert res == [MONDAY.replace(hour=14)]


def test_pause_over_night_resumes_next_day():
    # paused Monday 16:00 -> Tuesday 9:00: the 2 hours left (16-17, 8-9) are paused
    pauses = [(MONDAY.replace(hour=16), MONDAY.replace(day=3, hour=9))]
    res = sla.compute_paused_deadlines(_week(MONDAY), [(MONDAY.replace(hour=13), 4, pauses)])
    assert res == [MONDAY.replace(day=3, hour=10)]


def test_paused_working_hours():
    pauses = [(MONDAY.replace(hour=10), MONDAY.replace(hour=11))]
    hours = sla.paused_working_hours(_week(MONDAY), MONDAY.replace(hour=9), MONDAY.replace(hour=14), pauses)
    assert hours == 3.0
    assert sla.paused_working_hours(_week(MONDAY), None, MONDAY, pauses) is None


def test_subtract_periods_splits_intervals():
    res = sla.subtract_periods(
        [(MONDAY.replace(hour=8), MONDAY.replace(hour=12))],
        [
            (MONDAY.replace(hour=9), MONDAY.replace(hour=10)),
        ],
    )
    assert res == [
        (MONDAY.replace(hour=8), MONDAY.replace(hour=9)),
        (MONDAY.replace(hour=10), MONDAY.replace(hour=12)),
    ]


def test_sla_status():
    start, deadline = MONDAY.replace(hour=8), MONDAY.replace(hour=16)
    assert sla.sla_status([(start, deadline, None, False)], MONDAY.replace(hour=9)) == "ok"
    assert sla.sla_status([(start, deadline, None, False)], MONDAY.replace(hour=15)) == "at_risk"
    assert sla.sla_status([(start, deadline, MONDAY.replace(hour=9), False)], MONDAY.replace(hour=15)) == "ok"
    assert sla.sla_status([(start, deadline, None, True)], MONDAY.replace(hour=9)) == "breached"
    assert sla.sla_status([(start, None, None, False)], MONDAY.replace(hour=9)) == "ok"
