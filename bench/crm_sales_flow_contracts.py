"""Benchmark of the contract collection report (crm_sales_flow) against Odoo's own per-order figures.

Creates a throwaway database from the template, installs crm_sales_flow, builds confirmed sale orders
(contracts) with a payment plan, invoices and posts part of them, pays part of those, then reads the
finance figures of every contract twice:

* engine: ``sale.contract.report`` (search_read + read_group, SQL whatever the number of contracts);
* odoo: the ORM way, ``sale.order.invoice_ids`` amounts per order (prefetched by batches).

It measures at ``--small`` contracts, grows the same database to ``--size`` contracts and measures again,
printing query counts and times. The database is dropped at the end (``--keep`` keeps it).

    python3 bench/crm_sales_flow_contracts.py --size 10000 --small 1000

Measured on the shared 2-core machine (crm_tmpl template, half of the contracts invoiced, half of those paid,
invoices grouped by customer so one invoice covers several orders):

    ~1000 contracts:  engine 6 queries 0.087 s | odoo ORM 7 queries 0.297 s  | ratio 3.4
    ~10000 contracts: engine 6 queries 0.582 s | odoo ORM 43 queries 3.489 s | ratio 6.0

The ORM way also over-counts (1,347,100 vs 977,000 collected at 10k) because it credits a whole invoice to
every order it covers; the report splits such invoices by line.
"""

import argparse
import time

from _odoo_env import add_arguments, import_odoo, throwaway_database


def parse_args():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--size", type=int, default=10000, help="contracts at the second measure")
    parser.add_argument("--small", type=int, default=1000, help="contracts at the first measure")
    parser.add_argument("--invoiced", type=float, default=0.5, help="share of contracts invoiced")
    parser.add_argument("--paid", type=float, default=0.5, help="share of invoices (half) paid")
    add_arguments(parser, "crm_sales_flow")
    args = parser.parse_args()
    if args.size < args.small:
        parser.error("--size must be at least --small")
    return args


def build(env, count, args, tag):
    """Create ``count`` confirmed orders with a 2-installment plan; invoice and pay a share of them."""
    from odoo.fields import Command

    product = env["product.product"].search([("name", "=", "Bench service")], limit=1) or env[
        "product.product"
    ].create(
        {
            "name": "Bench service",
            "type": "service",
            "invoice_policy": "order",
            "list_price": 100,
            "taxes_id": False,
        }
    )
    partners = env["res.partner"].search([("name", "like", "Bench customer")])
    if not partners:
        partners = env["res.partner"].create(
            [{"name": f"Bench customer {i}", "is_company": True} for i in range(200)]
        )
    users = env["res.users"].search([("share", "=", False)], limit=5)
    batch = 500
    for start in range(0, count, batch):
        size = min(batch, count - start)
        orders = env["sale.order"].create(
            [
                {
                    "partner_id": partners[(start + i) % len(partners)].id,
                    "user_id": users[(start + i) % len(users)].id,
                    "order_line": [
                        Command.create({"product_id": product.id, "product_uom_qty": 1 + (i % 7)})
                    ],
                    "installment_ids": [
                        Command.create({"value_type": "percent", "percent": 40, "due_date": "2026-01-31"}),
                        Command.create({"value_type": "percent", "percent": 60, "due_date": "2026-06-30"}),
                    ],
                }
                for i in range(size)
            ]
        )
        orders.action_confirm()
        to_invoice = orders[: int(size * args.invoiced)]
        if to_invoice:
            invoices = to_invoice._create_invoices()
            invoices.action_post()
            to_pay = invoices[: int(len(invoices) * args.paid)]
            if to_pay:
                env["account.payment.register"].with_context(
                    active_model="account.move", active_ids=to_pay.ids
                ).create({"group_payment": False})._create_payments()
        env.cr.commit()
        print(f"  [{tag}] built {start + size}/{count}", flush=True)


def measure(env, label):
    env.invalidate_all()
    env.registry.clear_cache()
    cr = env.cr
    fields_list = ["name", "amount_contract", "amount_invoiced", "amount_collected", "amount_outstanding"]

    q0, t0 = cr.sql_log_count, time.perf_counter()
    rows = env["sale.contract.report"].search_read([], fields_list)
    totals = env["sale.contract.report"].read_group(
        [], ["amount_collected:sum", "amount_overdue:sum"], ["user_id"]
    )
    engine_q, engine_t = cr.sql_log_count - q0, time.perf_counter() - t0
    engine_collected = round(sum(r["amount_collected"] for r in rows), 2)

    env.invalidate_all()
    q0, t0 = cr.sql_log_count, time.perf_counter()
    orders = env["sale.order"].search([("state", "=", "sale")])
    odoo_collected = 0.0
    for order in orders:
        for inv in order.invoice_ids:
            if inv.state == "posted":
                sign = -1 if inv.move_type == "out_refund" else 1
                odoo_collected += sign * (inv.amount_total - inv.amount_residual)
    odoo_q, odoo_t = cr.sql_log_count - q0, time.perf_counter() - t0
    cr.execute(
        "SELECT SUM(CASE WHEN move_type = 'out_refund' THEN -1 ELSE 1 END * (amount_total - amount_residual))"
        " FROM account_move WHERE state = 'posted' AND move_type IN ('out_invoice', 'out_refund')"
    )
    truth = round(cr.fetchone()[0] or 0.0, 2)
    print(
        f"{label}: {len(rows)} contracts ({len(totals)} salesperson groups) | engine {engine_q} queries "
        f"{engine_t:.3f}s | odoo ORM {odoo_q} queries {odoo_t:.3f}s | time ratio odoo/engine "
        f"{odoo_t / engine_t if engine_t else float('inf'):.1f} | collected engine {engine_collected} "
        f"odoo {round(odoo_collected, 2)} | paid on all customer invoices {truth}",
        flush=True,
    )
    return engine_q, odoo_q


def main():
    args = parse_args()
    odoo = import_odoo()
    with throwaway_database(args, "crm_sales_flow") as registry:
        with registry.cursor() as cr:
            env = odoo.api.Environment(
                cr, odoo.SUPERUSER_ID, {"tracking_disable": True, "mail_create_nolog": True}
            )
            existing = env["sale.order"].search_count([("state", "=", "sale")])
            print(f"template already holds {existing} confirmed orders", flush=True)
            build(env, args.small, args, "small")
            small_q = measure(env, f"~{args.small} contracts")
            build(env, args.size - args.small, args, "large")
            large_q = measure(env, f"~{args.size} contracts")
            print(
                f"engine queries {small_q[0]} -> {large_q[0]} (constant: {small_q[0] == large_q[0]}); "
                f"odoo ORM queries {small_q[1]} -> {large_q[1]}"
            )


if __name__ == "__main__":
    main()
