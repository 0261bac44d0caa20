#!/usr/bin/env python3
"""Benchmark of the purchase-gap engine against Odoo's replenishment report (a script, not a test).

It copies the template database (``--template``), installs crm_inventory_link into the copy, builds
``--products`` storable products bought from one vendor (no lead time) with stock and a reorder rule
(min = max, multiple 1), ``--lines`` open delivery moves of sale order lines (90 % due today, 10 % beyond
the horizon), some receipts and a draft RFQ, then times on the same data:

* the engine: ``crm.inventory.gap._compute_gap_rows`` (all products, a few SQL queries + lib/gap.py);
* Odoo: ``stock.warehouse.orderpoint.action_open_orderpoints()`` followed by reading ``qty_forecast``
  and ``qty_to_order`` of the reorder rules (what opening the replenishment report computes).

It checks that both give the same quantity to order for every product, prints the times and the ratio,
and drops the database (unless ``--keep``).

    python3 bench/crm_inventory_link_gap.py                      # 10k products, 50k lines
    python3 bench/crm_inventory_link_gap.py --products 2000 --lines 10000
"""

import argparse
import random
import sys
import time
from datetime import timedelta

from _odoo_env import add_arguments, import_odoo, throwaway_database
from _odoo_env import say as log


def build_data(env, n_products, n_lines, seed=42):
    from odoo import Command, fields
    from odoo.tools import SQL

    rnd = random.Random(seed)
    company = env.company
    company.write({"po_lead": 0.0, "days_to_purchase": 0.0, "security_lead": 0.0})
    warehouse = env["stock.warehouse"].search([("company_id", "=", company.id)], limit=1)
    stock = warehouse.lot_stock_id
    customers = env.ref("stock.stock_location_customers")
    suppliers = env.ref("stock.stock_location_suppliers")
    route_buy = env.ref("purchase_stock.route_warehouse0_buy")
    vendor = env["res.partner"].create({"name": "Bench Vendor"})
    uom = env.ref("uom.product_uom_unit")

    log(f"creating {n_products} products")
    products = env["product.product"]
    for start in range(0, n_products, 1000):
        templates = env["product.template"].create(
            [
                {
                    "name": f"Bench product {i}",
                    "default_code": f"BENCH-{i:05d}",
                    "type": "consu",
                    "is_storable": True,
                    "uom_id": uom.id,
                    "uom_po_id": uom.id,
                    "route_ids": [Command.set(route_buy.ids)],
                    "seller_ids": [Command.create({"partner_id": vendor.id, "delay": 0, "price": 1.0})],
                }
                for i in range(start, min(start + 1000, n_products))
            ]
        )
        products |= templates.product_variant_ids
        env.flush_all()
        env.invalidate_all()
    product_ids = products.ids

    log("stock, open delivery moves and receipts (SQL)")
    now = fields.Datetime.now()
    env.cr.execute(
        SQL(
            """
            INSERT INTO stock_quant (product_id, location_id, company_id, quantity, reserved_quantity,
                                     in_date, create_uid, write_uid, create_date, write_date)
            SELECT p, %(loc)s, %(company)s, floor(random() * 50), 0, %(now)s, 1, 1, %(now)s, %(now)s
              FROM unnest(%(products)s::int[]) AS p
            """,
            loc=stock.id,
            company=company.id,
            now=now,
            products=product_ids,
        )
    )
    out_type = warehouse.out_type_id
    in_type = warehouse.in_type_id
    moves = []
    for i in range(n_lines):
        date = now if rnd.random() < 0.9 else now + timedelta(days=rnd.randint(5, 30))
        moves.append(
            (rnd.choice(product_ids), rnd.randint(1, 10), date, stock.id, customers.id, out_type.id, i)
        )
    for i in range(n_lines // 10):
        moves.append(
            (rnd.choice(product_ids), rnd.randint(1, 20), now, suppliers.id, stock.id, in_type.id, i)
        )
    for start in range(0, len(moves), 10000):
        chunk = moves[start : start + 10000]
        env.cr.execute(
            SQL(
                """
                INSERT INTO stock_move (name, product_id, product_uom, product_uom_qty, product_qty, date,
                                        location_id, location_dest_id, picking_type_id, warehouse_id,
                                        company_id, state, procure_method, create_uid, write_uid,
                                        create_date, write_date)
                SELECT 'Bench ' || r.n, r.p, %(uom)s, r.q, r.q, r.d, r.src, r.dst, r.t, %(wh)s,
                       %(company)s, 'confirmed', 'make_to_stock', 1, 1, %(now)s, %(now)s
                  FROM unnest(%(p)s::int[], %(q)s::numeric[], %(d)s::timestamp[], %(src)s::int[],
                              %(dst)s::int[], %(t)s::int[], %(n)s::int[]) AS r(p, q, d, src, dst, t, n)
                """,
                uom=uom.id,
                wh=warehouse.id,
                company=company.id,
                now=now,
                p=[m[0] for m in chunk],
                q=[m[1] for m in chunk],
                d=[m[2] for m in chunk],
                src=[m[3] for m in chunk],
                dst=[m[4] for m in chunk],
                t=[m[5] for m in chunk],
                n=[m[6] for m in chunk],
            )
        )
    log("a draft RFQ (supply in progress)")
    env["purchase.order"].create(
        {
            "partner_id": vendor.id,
            "picking_type_id": in_type.id,
            "order_line": [
                Command.create({"product_id": p, "product_qty": rnd.randint(1, 5), "price_unit": 1.0})
                for p in rnd.sample(product_ids, min(200, len(product_ids)))
            ],
        }
    )
    log(f"creating {n_products} reorder rules")
    for start in range(0, n_products, 2000):
        values = []
        for p in product_ids[start : start + 2000]:
            qty = rnd.randint(0, 30)
            values.append(
                {
                    "product_id": p,
                    "warehouse_id": warehouse.id,
                    "location_id": stock.id,
                    "product_min_qty": qty,
                    "product_max_qty": qty,
                    "qty_multiple": 1,
                    "trigger": "auto",
                }
            )
        env["stock.warehouse.orderpoint"].create(values)
        env.flush_all()
        env.invalidate_all()
    return warehouse, products


def measure(env, warehouse, products):
    Gap = env["crm.inventory.gap"]
    env.invalidate_all()
    start = time.perf_counter()
    rows = Gap._compute_gap_rows(warehouse, horizon_days=0, include_opportunities=False)
    engine_time = time.perf_counter() - start
    engine = {row["product_id"]: row for row in rows}
    env.invalidate_all()
    start = time.perf_counter()
    Gap._action_refresh_report(warehouse, horizon_days=0, include_opportunities=False)
    env.flush_all()
    report_time = time.perf_counter() - start

    env.invalidate_all()
    start = time.perf_counter()
    Orderpoint = env["stock.warehouse.orderpoint"]
    Orderpoint.action_open_orderpoints()
    orderpoints = Orderpoint.search([("product_id", "in", products.ids), ("warehouse_id", "=", warehouse.id)])
    data = orderpoints.read(["product_id", "qty_forecast", "qty_to_order"])
    odoo_time = time.perf_counter() - start
    odoo = {row["product_id"][0]: row for row in data}

    mismatches = []
    to_order = 0
    for product_id in products.ids:
        mine = engine.get(product_id, {}).get("order_qty", 0.0)
        theirs = odoo.get(product_id, {}).get("qty_to_order", 0.0) or 0.0
        theirs = max(theirs, 0.0)
        to_order += mine > 0
        if abs(mine - theirs) > 1e-6:
            mismatches.append((product_id, mine, theirs))
    return engine_time, report_time, odoo_time, mismatches, to_order


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--products", type=int, default=10_000, help="products (default %(default)s)")
    parser.add_argument("--lines", type=int, default=50_000, help="open delivery moves (default %(default)s)")
    parser.add_argument("--seed", type=int, default=42, help="random seed of the data (default %(default)s)")
    add_arguments(parser, "crm_inventory_link")
    args = parser.parse_args()

    odoo = import_odoo()
    with throwaway_database(args, "crm_inventory_link") as registry:
        with registry.cursor() as cr:
            env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
            warehouse, products = build_data(env, args.products, args.lines, args.seed)
            cr.commit()
            log("measuring")
            engine_time, report_time, odoo_time, mismatches, to_order = measure(env, warehouse, products)
            cr.rollback()
        print()
        print(f"products: {args.products}, open order lines: {args.lines}, products to order: {to_order}")
        print(f"engine (crm.inventory.gap._compute_gap_rows):          {engine_time:8.2f} s")
        print(f"engine + writing the gap report (_action_refresh_report): {report_time:5.2f} s")
        print(f"Odoo (action_open_orderpoints + qty_to_order):         {odoo_time:8.2f} s")
        print(f"ratio Odoo / engine:                                   {odoo_time / engine_time:8.1f} x")
        print(f"quantities to order that differ:                       {len(mismatches):8d}")
        for product_id, mine, theirs in mismatches[:10]:
            print(f"  product {product_id}: engine {mine} / Odoo {theirs}")
        return 1 if mismatches else 0


if __name__ == "__main__":
    sys.exit(main())
