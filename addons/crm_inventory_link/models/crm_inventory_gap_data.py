from collections import defaultdict

from odoo import api, models
from odoo.tools import SQL

from ..lib.gap import merge_rows

MOVE_TODO_STATES = ("waiting", "confirmed", "assigned", "partially_available")
RFQ_STATES = ("draft", "sent", "to approve")


class CrmInventoryGapData(models.AbstractModel):
    """The numbers of the purchase gap, read in a few SQL queries for all products at once."""

    _name = "crm.inventory.gap.data"
    _description = "Purchase Gap: Data"

    @api.model
    def _gather_gap_data(self, to_date, warehouses, products=None):
        """Demand and supply numbers of every storable product in ``warehouses``, in a few SQL queries.

        Returns a list of rows (dicts keyed by product_id and warehouse_id) for :func:`compute_gaps`.
        """
        if not warehouses:
            return []
        self.env.flush_all()
        wh_ids = list(warehouses.ids)
        if products is not None:
            product_cond = SQL("AND pp.id = ANY(%s)", list(products.ids))
        else:
            product_cond = SQL("")

        def storable(alias):
            return SQL(
                """JOIN product_product pp ON pp.id = %s
                   JOIN product_template pt ON pt.id = pp.product_tmpl_id AND pt.is_storable AND pp.active""",
                SQL.identifier(alias, "product_id"),
            )

        def query(sql, keys):
            result = {}
            for row in self.env.execute_query(sql):
                result[(row[0], row[1])] = dict(zip(keys, row[2:], strict=True))
            return result

        # on hand and reserved; SQL: one grouped query for all products (qty_available reads them one by one)
        quants = query(
            SQL(
                """
                SELECT q.product_id, l.warehouse_id, SUM(q.quantity), SUM(q.reserved_quantity)
                  FROM stock_quant q
                  JOIN stock_location l ON l.id = q.location_id
                  %(storable)s
                 WHERE l.warehouse_id = ANY(%(wh)s) %(product_cond)s
                 GROUP BY 1, 2
                """,
                storable=storable("q"),
                wh=wh_ids,
                product_cond=product_cond,
            ),
            ("on_hand", "reserved"),
        )
        # incoming and outgoing moves within the horizon (same rules as product._compute_quantities_dict);
        # SQL: both directions of all warehouses in one pass, which _compute_quantities_dict does per context
        moves = query(
            SQL(
                """
                WITH m AS (
                    SELECT m.product_id, m.product_qty, m.sale_line_id,
                           src.warehouse_id AS src_wh, dst.warehouse_id AS dst_wh
                      FROM stock_move m
                      JOIN stock_location src ON src.id = m.location_id
                      JOIN stock_location dst ON dst.id = COALESCE(m.location_final_id, m.location_dest_id)
                      %(storable)s
                     WHERE m.state IN %(states)s AND m.date <= %(to_date)s %(product_cond)s
                       AND (src.warehouse_id = ANY(%(wh)s) OR dst.warehouse_id = ANY(%(wh)s))
                       AND src.warehouse_id IS DISTINCT FROM dst.warehouse_id
                )
                SELECT product_id, wh, SUM(incoming), SUM(outgoing), SUM(sale_outgoing) FROM (
                    SELECT product_id, dst_wh AS wh, product_qty AS incoming, 0.0 AS outgoing,
                           0.0 AS sale_outgoing
                      FROM m WHERE dst_wh = ANY(%(wh)s)
                    UNION ALL
                    SELECT product_id, src_wh, 0.0, product_qty,
                           CASE WHEN sale_line_id IS NOT NULL THEN product_qty ELSE 0.0 END
                      FROM m WHERE src_wh = ANY(%(wh)s)
                ) io
                GROUP BY 1, 2
                """,
                storable=storable("m"),
                states=MOVE_TODO_STATES,
                to_date=to_date,
                wh=wh_ids,
                product_cond=product_cond,
            ),
            ("incoming", "outgoing", "sale_outgoing"),
        )
        # draft RFQs (not yet moves), located as purchase_stock's _get_quantity_in_progress does;
        # SQL: that method browses every line to find its warehouse
        rfqs = query(
            SQL(
                """
                SELECT pol.product_id, COALESCE(opl.warehouse_id, fl.warehouse_id, dl.warehouse_id) AS wh,
                       SUM(pol.product_uom_qty)
                  FROM purchase_order_line pol
                  JOIN purchase_order po ON po.id = pol.order_id
                  %(storable)s
             LEFT JOIN stock_warehouse_orderpoint op ON op.id = pol.orderpoint_id
             LEFT JOIN stock_location opl ON opl.id = op.location_id
             LEFT JOIN stock_location fl ON fl.id = pol.location_final_id
             LEFT JOIN stock_picking_type spt ON spt.id = po.picking_type_id
             LEFT JOIN stock_location dl ON dl.id = spt.default_location_dest_id
                 WHERE po.state IN %(states)s AND pol.display_type IS NULL %(product_cond)s
                   AND COALESCE(opl.warehouse_id, fl.warehouse_id, dl.warehouse_id) = ANY(%(wh)s)
                 GROUP BY 1, 2
                """,
                storable=storable("pol"),
                states=RFQ_STATES,
                wh=wh_ids,
                product_cond=product_cond,
            ),
            ("rfq_qty",),
        )
        # draft manufacturing orders (confirmed ones are incoming moves already); SQL: one grouped query
        mos = query(
            SQL(
                """
                SELECT mp.product_id, l.warehouse_id, SUM(mp.product_uom_qty)
                  FROM mrp_production mp
                  JOIN stock_location l ON l.id = mp.location_dest_id
                  %(storable)s
                 WHERE mp.state = 'draft' AND l.warehouse_id = ANY(%(wh)s) %(product_cond)s
                 GROUP BY 1, 2
                """,
                storable=storable("mp"),
                wh=wh_ids,
                product_cond=product_cond,
            ),
            ("mo_qty",),
        )
        # probability-weighted demand of open opportunities, less what their confirmed orders already
        # carry (that demand is in the outgoing moves); SQL: lines, leads and orders joined in one query
        opportunities = query(
            SQL(
                """
                WITH confirmed AS (
                    SELECT so.opportunity_id AS lead_id, sol.product_id, so.warehouse_id,
                           SUM(sol.product_uom_qty / lu.factor * pu.factor) AS qty
                      FROM sale_order_line sol
                      JOIN sale_order so ON so.id = sol.order_id
                      JOIN uom_uom lu ON lu.id = sol.product_uom
                      %(storable_sol)s
                      JOIN uom_uom pu ON pu.id = pt.uom_id
                     WHERE so.state = 'sale' AND so.opportunity_id IS NOT NULL AND sol.display_type IS NULL
                     GROUP BY 1, 2, 3
                ), lines AS (
                    SELECT ll.lead_id, ll.product_id, ll.warehouse_id, SUM(ll.product_qty) AS qty,
                           MAX(COALESCE(ld.probability, 0)) AS probability
                      FROM crm_lead_line ll
                      JOIN crm_lead ld ON ld.id = ll.lead_id
                      %(storable)s
                 LEFT JOIN crm_stage st ON st.id = ld.stage_id
                     WHERE ld.active AND ld.type = 'opportunity' AND COALESCE(st.is_won, FALSE) = FALSE
                       AND COALESCE(ld.probability, 0) < 100
                       AND (ld.date_deadline IS NULL OR ld.date_deadline <= %(to_date)s)
                       AND ll.warehouse_id = ANY(%(wh)s) %(product_cond)s
                     GROUP BY 1, 2, 3
                )
                SELECT l.product_id, l.warehouse_id,
                       SUM(GREATEST(l.qty - COALESCE(c.qty, 0), 0) * l.probability / 100.0)
                  FROM lines l
             LEFT JOIN confirmed c
                    ON c.lead_id = l.lead_id AND c.product_id = l.product_id
                   AND c.warehouse_id = l.warehouse_id
                 GROUP BY 1, 2
                """,
                storable=storable("ll"),
                storable_sol=storable("sol"),
                to_date=to_date.date(),
                wh=wh_ids,
                product_cond=product_cond,
            ),
            ("opportunity_qty",),
        )
        # safety stock and multiple from the reorder rules; SQL: read without computing orderpoint fields
        orderpoints = query(
            SQL(
                """
                SELECT op.product_id, op.warehouse_id, SUM(op.product_min_qty), MAX(op.qty_multiple)
                  FROM stock_warehouse_orderpoint op
                  %(storable)s
                 WHERE op.active AND op.warehouse_id = ANY(%(wh)s) %(product_cond)s
                 GROUP BY 1, 2
                """,
                storable=storable("op"),
                wh=wh_ids,
                product_cond=product_cond,
            ),
            ("safety_stock", "multiple"),
        )
        rows = merge_rows(quants, moves, rfqs, mos, opportunities, orderpoints)
        if rows:
            self._add_route_data(rows)
        return rows

    @api.model
    def _add_route_data(self, rows):
        """Fill the packaging multiple and the supply method of the rows (2 queries)."""
        product_ids = sorted({row["product_id"] for row in rows})
        # SQL: the smallest purchase packaging of every product at once (the ORM would read them all)
        packagings = dict(
            self.env.execute_query(
                SQL(
                    """
                    SELECT product_id, MIN(qty) FROM product_packaging
                     WHERE product_id = ANY(%(products)s) AND purchase AND qty > 0
                     GROUP BY product_id
                    """,
                    products=product_ids,
                )
            )
        )
        methods = defaultdict(set)
        # SQL: the Buy/Manufacture rules of the product and category routes of every product in one query
        # (product._get_rules_from_location searches rule by rule and location by location)
        for product_id, action in self.env.execute_query(
            SQL(
                """
                WITH product_routes AS (
                    SELECT pp.id AS product_id, srp.route_id
                      FROM product_product pp
                      JOIN stock_route_product srp ON srp.product_id = pp.product_tmpl_id
                     WHERE pp.id = ANY(%(products)s)
                    UNION
                    SELECT pp.id, src.route_id
                      FROM product_product pp
                      JOIN product_template pt ON pt.id = pp.product_tmpl_id
                      JOIN stock_route_categ src ON src.categ_id = pt.categ_id
                     WHERE pp.id = ANY(%(products)s)
                )
                SELECT DISTINCT pr.product_id, r.action
                  FROM product_routes pr
                  JOIN stock_rule r ON r.route_id = pr.route_id
                 WHERE r.active AND r.action IN ('buy', 'manufacture')
                """,
                products=product_ids,
            )
        ):
            methods[product_id].add(action)
        for row in rows:
            if not row.get("multiple"):
                row["multiple"] = packagings.get(row["product_id"], 0.0)
            actions = methods.get(row["product_id"], set())
            row["supply_method"] = (
                "manufacture" if "manufacture" in actions else "buy" if "buy" in actions else "other"
            )
        return rows
