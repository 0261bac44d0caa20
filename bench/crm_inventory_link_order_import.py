#!/usr/bin/env python3
"""Benchmark: the crm_inventory_link customer-order import (background job) vs Odoo's base_import of
sale.order with its lines, on the same orders.

Copies the template database (``--template``) into a throwaway one, installs crm_inventory_link, creates
``--customers`` customers (internal reference and name) and ``--products`` products (internal reference),
builds ``--orders`` orders of ``--lines`` lines each, then times

* the crm_inventory_link order import wizard: a file above the threshold is queued as a background import
  (crm.import.job), run here as the import cron runs it, in committed batches, to its end (job total time:
  reading the file, customer and product look-ups, bulk creation of the quotations);
* optionally (``--reimport``) the same file again: every order is found by its customer reference and
  skipped as unchanged;
* ``base_import.import.execute_import`` of the same orders as one CSV in Odoo's format (order columns on
  the first line of each order, ``order_line/...`` columns for the lines),

prints the times and the ratio, and drops the database.

    python3 bench/crm_inventory_link_order_import.py --orders 5000 --lines 10
"""

import argparse
import time

from _import_jobs import b64, base_import, report_ratio, run_job
from _odoo_env import add_arguments, import_odoo, throwaway_database

OURS_HEADER = ["Order", "Customer", "Product", "Qty", "Price"]
ODOO_HEADER = ["client_order_ref", "partner_id", "order_line/product_id", "order_line/product_uom_qty"]
ODOO_HEADER.append("order_line/price_unit")


def lines_of(args, orders):
    for o in range(orders):
        for n in range(args.lines):
            yield o, n, f"BC{o % args.customers}", f"BP{(o * 7 + n) % args.products}", 1 + (o + n) % 9


def build_ours(args, orders):
    rows = [",".join(OURS_HEADER)]
    rows += [f"BO-{o},{c},{p},{q},{10 + q}" for o, _n, c, p, q in lines_of(args, orders)]
    return ("\n".join(rows) + "\n").encode()


def build_odoo(args, orders):
    rows = [",".join(ODOO_HEADER)]
    for o, n, c, p, q in lines_of(args, orders):
        head = f"BO-{o},Bench Customer {c[2:]}" if n == 0 else ","
        rows.append(f"{head},{p},{q},{10 + q}")
    return ("\n".join(rows) + "\n").encode()


def populate(env, args):
    env["res.partner"].create(
        [{"name": f"Bench Customer {i}", "ref": f"BC{i}"} for i in range(args.customers)]
    )
    env["product.product"].create(
        [
            {"name": f"Bench product {i}", "default_code": f"BP{i}", "type": "consu", "list_price": 10}
            for i in range(args.products)
        ]
    )


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--orders", type=int, default=5000, help="orders of the file (default %(default)s)")
    parser.add_argument("--lines", type=int, default=10, help="lines per order (default %(default)s)")
    parser.add_argument("--customers", type=int, default=200, help="customers (default %(default)s)")
    parser.add_argument("--products", type=int, default=500, help="products (default %(default)s)")
    parser.add_argument(
        "--batch", type=int, default=2000, help="lines per committed batch (default %(default)s)"
    )
    parser.add_argument("--reimport", action="store_true", help="import the same file a second time")
    parser.add_argument(
        "--sample",
        type=int,
        default=0,
        help="base_import only the first N orders and extrapolate linearly (default: all the orders)",
    )
    add_arguments(parser, "crm_inventory_link_order_import")
    args = parser.parse_args()

    odoo = import_odoo()
    content = build_ours(args, args.orders)
    with throwaway_database(args, "crm_inventory_link", ["--log-level=warn"]) as registry:
        with registry.cursor() as cr:
            env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
            populate(env, args)
            env["ir.config_parameter"].set_param("crm_leads.import_batch_size", args.batch)
            env["ir.config_parameter"].set_param("crm_leads.import_background_threshold", 0)
            cr.commit()

        def ours(label):
            with registry.cursor() as cr:
                env = odoo.api.Environment(cr, 2, {})
                t0 = time.perf_counter()
                wizard = env["crm.order.import"].create({"file": b64(content), "filename": "orders.csv"})
                wizard.action_import()
                cr.commit()
                answer = time.perf_counter() - t0
                job = wizard.job_id
                seconds = answer + run_job(env, job)
                print(
                    f"crm_inventory_link {label} of {args.orders} orders x {args.lines} lines: answer in "
                    f"{answer:.2f} s, job total {seconds:.1f} s: created {job.created_count}, updated "
                    f"{job.updated_count}, skipped {job.skipped_count}, rejected {job.rejected_count}"
                )
                return seconds

        first = ours("import")
        if args.reimport:
            ours("re-import")
        with registry.cursor() as cr:
            env = odoo.api.Environment(cr, 2, {})
            sample = min(args.sample or args.orders, args.orders)
            theirs, count, errors = base_import(
                env, "sale.order", build_odoo(args, sample), ODOO_HEADER, ODOO_HEADER
            )
            print(
                f"base_import execute_import of sale.order with lines: {theirs:.1f} s, {count} orders, "
                f"{errors} errors"
            )
        report_ratio(theirs, first, sample, args.orders, "orders", "crm_inventory_link import")


if __name__ == "__main__":
    main()
