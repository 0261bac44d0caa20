"""Unit tests of crm_sales_flow's pure algorithms (no Odoo)."""

import random
from datetime import date, datetime

import pytest
from conftest import load_lib

stage = load_lib("crm_sales_flow", "customer_stage")
allocation = load_lib("crm_sales_flow", "allocation")
rfm = load_lib("crm_sales_flow", "rfm")
timeline = load_lib("crm_sales_flow", "timeline")
finance = load_lib("crm_sales_flow", "finance")


# --- customer stage ---------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("opp", "signed", "expected"),
    [
        (False, False, "potential"),
        (True, False, "intentional"),
        (False, True, "signed"),
        (True, True, "signed"),
    ],
)
def test_stage_from_facts(opp, signed, expected):
    assert stage.stage_from_facts(opp, signed) == expected


def test_usual_interval_is_median_gap():
    days = [date(2026, 1, 1), date(2026, 1, 11), date(2026, 1, 31), date(2026, 1, 31)]
    assert stage.usual_interval(days) == 15.0
    assert stage.usual_interval([date(2026, 1, 1)]) is None
    assert stage.usual_interval([date(2026, 1, 1)], default_days=90) == 90


def test_dormant():
    days = [date(2026, 1, 1), date(2026, 1, 31), date(2026, 3, 2)]
    assert not stage.is_dormant(days, date(2026, 3, 20))
    assert stage.is_dormant(days, date(2026, 4, 15))
    assert not stage.is_dormant([], date(2026, 4, 15))
    assert not stage.is_dormant([date(2026, 1, 1)], date(2026, 2, 1))
    assert stage.is_dormant([date(2026, 1, 1)], date(2026, 6, 1), default_days=90)
    assert not stage.is_dormant(days, date(2026, 4, 15), factor=2)


def test_overdue_days():
    assert stage.overdue_days(date(2026, 1, 1), 30, date(2026, 2, 10)) == 10
    assert stage.overdue_days(date(2026, 1, 1), 30, date(2026, 1, 10)) == 0
    assert stage.overdue_days(None, 30, date(2026, 1, 10)) == 0


# --- payment plan -----------------------------------------------------------------------------------
def test_resolve_amounts_percent_and_fixed():
    plan = [{"percent": 30}, {"amount": 300}, {"percent": 40}]
    assert allocation.resolve_amounts(plan, 1000) == [300.0, 300.0, 400.0]


def test_resolve_amounts_rounding_goes_to_last_percent():
    plan = [{"percent": 33.33}, {"percent": 33.33}, {"percent": 33.34}]
    amounts = allocation.resolve_amounts(plan, 99.99)
    assert sum(amounts) == pytest.approx(99.99)
    assert allocation.plan_difference(amounts, 99.99) == 0.0


def test_plan_difference():
    assert allocation.plan_difference([500], 1000) == -500.0


def _plan():
    return [
        {"id": 3, "amount": 400, "due_date": date(2026, 3, 31)},
        {"id": 1, "amount": 300, "due_date": date(2026, 1, 31)},
        {"id": 2, "amount": 300, "due_date": date(2026, 2, 28)},
    ]


def test_allocate_in_due_date_order():
    assert allocation.allocate(_plan(), 450) == {1: 300.0, 2: 150.0, 3: 0.0}
    assert allocation.allocate(_plan(), 1000) == {1: 300.0, 2: 300.0, 3: 400.0}


def test_allocate_never_over_allocates():
    paid = allocation.allocate(_plan(), 5000)
    assert paid == {1: 300.0, 2: 300.0, 3: 400.0}
    assert allocation.allocate(_plan(), -100) == {1: 0.0, 2: 0.0, 3: 0.0}
    assert allocation.allocate(_plan(), 0) == {1: 0.0, 2: 0.0, 3: 0.0}


def test_allocate_undated_last_and_ties_by_sequence():
    plan = [
        {"id": 1, "amount": 100, "due_date": None},
        {"id": 2, "amount": 100, "due_date": date(2026, 1, 1), "sequence": 2},
        {"id": 3, "amount": 100, "due_date": date(2026, 1, 1), "sequence": 1},
    ]
    assert allocation.allocate(plan, 150) == {3: 100.0, 2: 50.0, 1: 0.0}


def test_installment_state():
    today = date(2026, 2, 10)
    assert allocation.installment_state(100, 100, date(2026, 1, 1), today) == "paid"
    assert allocation.installment_state(100, 50, date(2026, 1, 1), today) == "overdue"
    assert allocation.installment_state(100, 50, date(2026, 3, 1), today) == "partial"
    assert allocation.installment_state(100, 0, date(2026, 3, 1), today) == "not_due"


# --- finance ----------------------------------------------------------------------------------------
def test_contract_figures_split_and_refund():
    lines = [
        # one invoice of 1000 covering orders 1 (300) and 2 (700), 500 paid
        {
            "order_id": 1,
            "move_id": 10,
            "line_total": 300,
            "move_total": 1000,
            "move_residual": 500,
            "refund": False,
        },
        {
            "order_id": 2,
            "move_id": 10,
            "line_total": 700,
            "move_total": 1000,
            "move_residual": 500,
            "refund": False,
        },
        # a refund of 100 on order 2, paid back
        {
            "order_id": 2,
            "move_id": 11,
            "line_total": 100,
            "move_total": 100,
            "move_residual": 0,
            "refund": True,
        },
    ]
    figures = finance.contract_figures(lines)
    assert figures[1] == {"invoiced": 300.0, "refunded": 0.0, "collected": 150.0}
    assert figures[2] == {"invoiced": 600.0, "refunded": 100.0, "collected": 250.0}


def test_contract_figures_zero_total():
    lines = [
        {"order_id": 1, "move_id": 1, "line_total": 0, "move_total": 0, "move_residual": 0, "refund": False}
    ]
    assert finance.contract_figures(lines) == {1: {"invoiced": 0.0, "refunded": 0.0, "collected": 0.0}}


def test_outstanding_after_credit_note():
    # issue 11: an 11,500 order, 7,000 paid, a 1,150 credit note: the customer owes 3,350
    assert finance.outstanding(11500, 10350, 1150, 7000) == 3350.0
    # a full credit note and the order invoiced again: what the new invoice asks
    assert finance.outstanding(1000, 1000, 1000, 400) == 600.0
    # nothing invoiced yet, 300 received before the invoice
    assert finance.outstanding(1000, 0, 0, 300) == 700.0


def test_payments_before_invoice_count_as_collected():
    lines = [
        {
            "order_id": 1,
            "move_id": 1,
            "line_total": 700,
            "move_total": 700,
            "move_residual": 700,
            "refund": False,
        }
    ]
    figures = finance.contract_figures(lines, {1: 300.0, 2: 50.0})
    assert figures[1]["collected"] == 300.0
    assert figures[2] == {"invoiced": 0.0, "refunded": 0.0, "collected": 50.0}


def test_line_collected_is_the_rule_of_contract_figures():
    rnd = random.Random(11)
    lines = _random_invoice_lines(rnd, 300)
    figures = finance.contract_figures(lines)
    for order_id, fig in figures.items():
        expected = sum(finance.line_collected(line) for line in lines if line["order_id"] == order_id)
        assert fig["collected"] == round(expected, 2)


def test_allocation_pays_exactly_what_was_collected():
    """allocation.allocate spreads the finance rule's collected amount: never more, never less (up to the
    plan's total)."""
    rnd = random.Random(7)
    lines = _random_invoice_lines(rnd, 200)
    for order_id, fig in finance.contract_figures(lines).items():
        plan = [
            {"id": i, "amount": rnd.choice([100.0, 250.0, 333.33]), "due_date": date(2026, 1, 1 + i)}
            for i in range(rnd.randint(1, 4))
        ]
        paid = allocation.allocate(plan, fig["collected"])
        expected = min(max(fig["collected"], 0.0), sum(i["amount"] for i in plan))
        assert abs(sum(paid.values()) - expected) < 0.005, order_id


def _random_invoice_lines(rnd, count):
    lines = []
    for n in range(count):
        move_total = rnd.choice([0.0, 100.0, 1000.0, 1234.56])
        lines.append(
            {
                "order_id": rnd.randint(1, 20),
                "move_id": n // 3,
                "line_total": round(move_total * rnd.random(), 2),
                "move_total": move_total,
                "move_residual": round(move_total * rnd.choice([0.0, 0.25, 1.0, rnd.random()]), 2),
                "refund": rnd.random() < 0.2,
            }
        )
    return lines


# --- RFM --------------------------------------------------------------------------------------------
def test_rank_scores_ties_share_the_best_score():
    assert rfm.rank_scores(dict.fromkeys("abcdefghi", 1)) == dict.fromkeys("abcdefghi", 5)
    assert rfm.rank_scores({"a": 1, "b": 2, "c": 3, "d": 4, "e": 5}) == {
        "a": 1,
        "b": 2,
        "c": 3,
        "d": 4,
        "e": 5,
    }
    assert rfm.rank_scores({"a": 1, "b": 2, "c": 3, "d": 4, "e": 5}, higher_is_better=False)["a"] == 5


def test_customers_who_all_bought_yesterday_are_recent():
    today = date(2026, 11, 25)
    stats = {k: (date(2026, 11, 24), 1, 100.0) for k in range(9)}
    scores = rfm.score_customers(stats, today)
    assert {s["r"] for s in scores.values()} == {5}
    assert {s["segment"] for s in scores.values()} != {"at_risk"}


def test_score_customers_orders_by_rfm():
    today = date(2026, 5, 1)
    stats = {
        "best": (date(2026, 4, 28), 20, 10000.0),
        "mid": (date(2026, 3, 1), 5, 2000.0),
        "gone": (date(2025, 1, 1), 1, 100.0),
        "a": (date(2026, 2, 1), 3, 500.0),
        "b": (date(2025, 10, 1), 2, 300.0),
    }
    scores = rfm.score_customers(stats, today)
    assert scores["best"]["r"] == 5 and scores["best"]["f"] == 5 and scores["best"]["m"] == 5
    assert scores["gone"]["r"] == 1 and scores["gone"]["f"] == 1
    assert scores["best"]["segment"] == "champion"
    assert scores["gone"]["segment"] == "lost"
    assert scores["best"]["recency_days"] == 3


def test_score_with_fixed_thresholds():
    stats = {"x": (date(2026, 4, 1), 3, 700.0)}
    th = {"recency": [30, 60, 90, 180], "frequency": [1, 2, 4, 8], "monetary": [100, 500, 1000, 5000]}
    score = rfm.score_customers(stats, date(2026, 5, 1), th)["x"]
    assert (score["r"], score["f"], score["m"]) == (4, 3, 3)


@pytest.mark.parametrize(
    ("r", "f", "m", "segment"),
    [
        (5, 5, 5, "champion"),
        (3, 3, 1, "loyal"),
        (5, 1, 1, "new"),
        (3, 1, 1, "potential"),
        (2, 4, 1, "at_risk"),
        (2, 1, 1, "hibernating"),
        (1, 4, 1, "at_risk"),
        (1, 1, 1, "lost"),
    ],
)
def test_segments(r, f, m, segment):
    assert rfm.segment(r, f, m) == segment


# --- timeline ---------------------------------------------------------------------------------------
def test_merge_page_sorts_dates_and_datetimes():
    events = [
        {"date": date(2026, 1, 2), "kind": "invoice", "model": "account.move", "res_id": 1},
        {"date": datetime(2026, 1, 3, 10), "kind": "order", "model": "sale.order", "res_id": 2},
        {"date": datetime(2026, 1, 1, 9), "kind": "lead", "model": "crm.lead", "res_id": 3},
        {"date": None, "kind": "activity", "model": "crm.lead", "res_id": 4},
    ]
    page, more = timeline.merge_page(events, 0, 2)
    assert [e["res_id"] for e in page] == [2, 1]
    assert more
    page, more = timeline.merge_page(events, 2, 2)
    assert [e["res_id"] for e in page] == [3, 4]
    assert not more


# --- funnel -----------------------------------------------------------------------------------------
def test_funnel_in_pipeline_order_with_conversion_rates():
    funnel = load_lib("crm_sales_flow", "funnel")
    rows = funnel.funnel_rows([1, 2, 3, 4], {1: 50, 2: 30, 3: 15, 4: 5})
    assert [row["stage_id"] for row in rows] == [1, 2, 3, 4], "pipeline order, whatever the amounts"
    assert [row["reached"] for row in rows] == [100, 50, 20, 5]
    assert [row["conversion"] for row in rows] == [50.0, 40.0, 25.0, None]
    empty = funnel.funnel_rows([1, 2], {})
    assert [row["conversion"] for row in empty] == [None, None]
