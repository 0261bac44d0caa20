"""crm_sales_flow/lib/finance.py: the contract report's SQL form of the collected rule
(LINE_COLLECTED_SQL) equals the Python form (line_collected), line by line.

The SQL expression is evaluated by the local PostgreSQL over a VALUES list (no Odoo, no table); without a
reachable PostgreSQL this check is skipped, the pure ones still run.
"""

import os
import random

import pytest
from conftest import load_lib

finance = load_lib("crm_sales_flow", "finance")


def _lines(seed, count=300):
    rnd = random.Random(seed)
    lines = []
    for n in range(count):
        move_total = rnd.choice([0.0, 100.0, 1000.0, 1234.56, 11500.0])
        lines.append(
            {
                "id": n,
                "line_total": round(move_total * rnd.random(), 2),
                "move_total": move_total,
                "move_residual": round(move_total * rnd.choice([0.0, 0.5, 1.0, rnd.random()]), 2),
                "refund": rnd.random() < 0.3,
            }
        )
    return lines


def test_report_sql_uses_the_finance_rule():
    source = (load_lib("crm_sales_flow", "finance").__file__).replace("lib/finance.py", "")
    with open(os.path.join(source, "models", "sale_contract_report.py"), encoding="utf-8") as handle:
        report = handle.read()
    assert "finance_lib.LINE_COLLECTED_SQL.format(" in report


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_sql_collected_equals_python(cursor, seed):
    lines = _lines(seed)
    expr = finance.LINE_COLLECTED_SQL.format(
        refund="v.refund",
        move_total="v.move_total",
        move_residual="v.move_residual",
        line_total="v.line_total",
    )
    values = ", ".join(["(%s, %s::numeric, %s::numeric, %s::numeric, %s::boolean)"] * len(lines))
    params = [
        x
        for li in lines
        for x in (li["id"], li["line_total"], li["move_total"], li["move_residual"], li["refund"])
    ]
    cursor.execute(
        f"SELECT v.id, ROUND({expr}, 6) FROM (VALUES {values}) "  # the rule is a constant of lib/finance.py
        "AS v(id, line_total, move_total, move_residual, refund) ORDER BY v.id",
        params,
    )
    sql = dict(cursor.fetchall())
    for line in lines:
        assert float(sql[line["id"]]) == pytest.approx(finance.line_collected(line), abs=1e-6), line
