import logging
from collections import defaultdict
from datetime import datetime, time, timedelta

from odoo import api, fields, models
from odoo.addons.crm_leads.models.cron_batch import may_commit
from odoo.addons.stock.models.stock_rule import ProcurementException
from odoo.exceptions import AccessError
from odoo.tools import SQL

from ..lib.gap import compute_gaps, merge_rows

_logger = logging.getLogger(__name__)

MOVE_TODO_STATES = ("waiting", "confirmed", "assigned", "partially_available")
RFQ_STATES = ("draft", "sent", "to approve")


class CrmInventoryGap(models.Model):
    _name = "crm.inventory.gap"
    _description = "Purchase Gap"
    _order = "order_qty desc, gap desc, id"
    _rec_name = "product_id"

    product_id = fields.Many2one("product.product", required=True, index=True, readonly=True)
    product_tmpl_id = fields.Many2one(related="product_id.product_tmpl_id", string="Product Template")
    categ_id = fields.Many2one(related="product_id.categ_id", store=True, string="Product Category")
    uom_id = fields.Many2one(related="product_id.uom_id", string="Unit")
    warehouse_id = fields.Many2one("stock.warehouse", required=True, index=True, readonly=True)
    company_id = fields.Many2one("res.company", required=True, index=True, readonly=True)
    horizon_date = fields.Datetime(string="Horizon", readonly=True)
    on_hand = fields.Float(digits="Product Unit of Measure", readonly=True, aggregator="sum")
    free_qty = fields.Float(string="Free", digits="Product Unit of Measure", readonly=True, aggregator="sum")
    incoming = fields.Float(digits="Product Unit of Measure", readonly=True, aggregator="sum")
    outgoing = fields.Float(digits="Product Unit of Measure", readonly=True, aggregator="sum")
    sale_outgoing = fields.Float(
        string="Undelivered Sales", digits="Product Unit of Measure", readonly=True, aggregator="sum"
    )
    forecast = fields.Float(digits="Product Unit of Measure", readonly=True, aggregator="sum")
    rfq_qty = fields.Float(
        string="Draft RFQs", digits="Product Unit of Measure", readonly=True, aggregator="sum"
    )
    mo_qty = fields.Float(
        string="Draft Manufacturing", digits="Product Unit of Measure", readonly=True, aggregator="sum"
    )
    opportunity_qty = fields.Float(
        string="Weighted Opportunities", digits="Product Unit of Measure", readonly=True, aggregator="sum"
    )
    safety_stock = fields.Float(digits="Product Unit of Measure", readonly=True)
    demand = fields.Float(digits="Product Unit of Measure", readonly=True, aggregator="sum")
    supply = fields.Float(digits="Product Unit of Measure", readonly=True, aggregator="sum")
    gap = fields.Float(digits="Product Unit of Measure", readonly=True, aggregator="sum")
    vendor_id = fields.Many2one("res.partner", readonly=True)
    vendor_min_qty = fields.Float(string="Vendor Minimum", digits="Product Unit of Measure", readonly=True)
    multiple = fields.Float(digits="Product Unit of Measure", readonly=True)
    order_qty = fields.Float(
        string="To Order", digits="Product Unit of Measure", readonly=True, aggregator="sum"
    )
    supply_method = fields.Selection(
        [("buy", "Buy"), ("manufacture", "Manufacture"), ("other", "Other")],
        readonly=True,
        default="other",
    )

    # ------------------------------------------------------------------ engine
    @api.model
    def _get_gap_settings(self):
        params = self.env["ir.config_parameter"].sudo()
        return {
            "horizon_days": int(params.get_param("crm_inventory_link.gap_horizon_days", 30) or 0),
            "include_opportunities": params.get_param("crm_inventory_link.gap_include_opportunities")
            == "True",
        }

    @api.model
    def _get_gap_horizon_date(self, horizon_days):
        """End of the horizon: the end of the day ``horizon_days`` from today (as Odoo's orderpoints)."""
        return datetime.combine(fields.Date.today() + timedelta(days=horizon_days), time.max)

    @api.model
    def _get_gap_warehouses(self):
        return self.env["stock.warehouse"].search([("company_id", "in", self.env.companies.ids)])

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

        # on hand and reserved
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
        # incoming and outgoing moves within the horizon (same rules as product._compute_quantities_dict)
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
        # draft RFQs (not yet moves), located as purchase_stock's _get_quantity_in_progress does
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
        # draft manufacturing orders (confirmed ones are incoming moves already)
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
        # probability-weighted demand of open opportunities
        opportunities = query(
            SQL(
                """
                SELECT ll.product_id, ll.warehouse_id,
                       SUM(ll.product_qty * COALESCE(ld.probability, 0) / 100.0)
                  FROM crm_lead_line ll
                  JOIN crm_lead ld ON ld.id = ll.lead_id
                  %(storable)s
             LEFT JOIN crm_stage st ON st.id = ld.stage_id
                 WHERE ld.active AND ld.type = 'opportunity' AND COALESCE(st.is_won, FALSE) = FALSE
                   AND COALESCE(ld.probability, 0) < 100
                   AND (ld.date_deadline IS NULL OR ld.date_deadline <= %(to_date)s)
                   AND ll.warehouse_id = ANY(%(wh)s) %(product_cond)s
                 GROUP BY 1, 2
                """,
                storable=storable("ll"),
                to_date=to_date.date(),
                wh=wh_ids,
                product_cond=product_cond,
            ),
            ("opportunity_qty",),
        )
        # safety stock and multiple from the reorder rules
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
            self._add_vendor_and_route_data(rows)
        return rows

    @api.model
    def _add_vendor_and_route_data(self, rows):
        """Fill vendor, vendor minimum, packaging multiple and supply method of the rows (3 queries)."""
        product_ids = sorted({row["product_id"] for row in rows})
        today = fields.Date.context_today(self)
        vendors = {
            product_id: (partner_id, min_qty)
            for product_id, partner_id, min_qty in self.env.execute_query(
                SQL(
                    """
                    SELECT DISTINCT ON (pp.id) pp.id, si.partner_id, si.min_qty
                      FROM product_supplierinfo si
                      JOIN product_product pp ON pp.product_tmpl_id = si.product_tmpl_id
                       AND (si.product_id IS NULL OR si.product_id = pp.id)
                     WHERE pp.id = ANY(%(products)s)
                       AND (si.date_start IS NULL OR si.date_start <= %(today)s)
                       AND (si.date_end IS NULL OR si.date_end >= %(today)s)
                     ORDER BY pp.id, si.sequence, si.min_qty, si.price, si.id
                    """,
                    products=product_ids,
                    today=today,
                )
            )
        }
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
            partner_id, min_qty = vendors.get(row["product_id"], (False, 0.0))
            row["vendor_id"] = partner_id
            row["vendor_min_qty"] = min_qty or 0.0
            if not row.get("multiple"):
                row["multiple"] = packagings.get(row["product_id"], 0.0)
            actions = methods.get(row["product_id"], set())
            row["supply_method"] = (
                "manufacture" if "manufacture" in actions else "buy" if "buy" in actions else "other"
            )
        return rows

    @api.model
    def _compute_gap_rows(
        self, warehouses=None, products=None, horizon_days=None, include_opportunities=None
    ):
        """Run the engine: gather the data of all products in a few queries, compute all gaps at once."""
        settings = self._get_gap_settings()
        if horizon_days is None:
            horizon_days = settings["horizon_days"]
        if include_opportunities is None:
            include_opportunities = settings["include_opportunities"]
        warehouses = warehouses if warehouses is not None else self._get_gap_warehouses()
        to_date = self._get_gap_horizon_date(horizon_days)
        rows = self._gather_gap_data(to_date, warehouses, products)
        results = compute_gaps(rows, include_opportunities=include_opportunities)
        for row in results:
            row["horizon_date"] = to_date
        return results

    @api.model
    def _get_gap_report_columns(self):
        """Columns of the report rows written from the engine's results, with their SQL array type."""
        return {
            "product_id": "int4",
            "warehouse_id": "int4",
            "horizon_date": "timestamp",
            "on_hand": "float8",
            "free_qty": "float8",
            "incoming": "float8",
            "outgoing": "float8",
            "sale_outgoing": "float8",
            "forecast": "float8",
            "rfq_qty": "float8",
            "mo_qty": "float8",
            "opportunity_qty": "float8",
            "safety_stock": "float8",
            "demand": "float8",
            "supply": "float8",
            "gap": "float8",
            "vendor_id": "int4",
            "vendor_min_qty": "float8",
            "multiple": "float8",
            "order_qty": "float8",
            "supply_method": "varchar",
        }

    @api.model
    def _write_gap_report(self, results, warehouses):
        """Replace the report rows of ``warehouses`` by ``results``: one DELETE and one INSERT for all."""
        self.env.flush_all()
        self.invalidate_model()
        self.env.execute_query(
            SQL("DELETE FROM crm_inventory_gap WHERE warehouse_id = ANY(%s)", list(warehouses.ids))
        )
        if not results:
            return self.browse()
        columns = self._get_gap_report_columns()
        defaults = {"float8": 0.0}
        arrays = SQL(", ").join(
            SQL(
                "%s::%s[]",
                [row.get(name) or defaults.get(sql_type) for row in results],
                SQL(sql_type),  # a constant of _get_gap_report_columns, not user input
            )
            for name, sql_type in columns.items()
        )
        names = SQL(", ").join(SQL.identifier(name) for name in columns)
        now = self.env.cr.now()
        rows = self.env.execute_query(
            SQL(
                """
                INSERT INTO crm_inventory_gap (%(names)s, categ_id, company_id,
                                               create_uid, write_uid, create_date, write_date)
                SELECT r.*, pt.categ_id, wh.company_id, %(uid)s, %(uid)s, %(now)s, %(now)s
                  FROM unnest(%(arrays)s) AS r(%(names)s)
                  JOIN product_product pp ON pp.id = r.product_id
                  JOIN product_template pt ON pt.id = pp.product_tmpl_id
                  JOIN stock_warehouse wh ON wh.id = r.warehouse_id
                RETURNING id
                """,
                names=names,
                arrays=arrays,
                uid=self.env.uid,
                now=now,
            )
        )
        return self.browse([row[0] for row in rows])

    @api.model
    def _action_refresh_report(self, warehouses=None, horizon_days=None, include_opportunities=None):
        """Recompute the gap report of ``warehouses`` (all of the allowed companies by default)."""
        self._check_gap_manager()
        warehouses = warehouses if warehouses is not None else self._get_gap_warehouses()
        results = self._compute_gap_rows(warehouses, None, horizon_days, include_opportunities)
        return self._write_gap_report(results, warehouses)

    def action_refresh(self):
        self._action_refresh_report()
        return self.env["ir.actions.actions"]._for_xml_id("crm_inventory_link.action_crm_inventory_gap")

    # ------------------------------------------------------------ procurement
    def _check_gap_manager(self):
        if not self.env.user.has_group("crm_inventory_link.group_crm_inventory_link_manager"):
            raise AccessError(
                self.env._("Only inventory link managers can compute purchase gaps and create orders.")
            )

    @api.model
    def _prepare_gap_procurement_values(self, row, warehouse, group):
        return {
            "warehouse_id": warehouse,
            "date_planned": fields.Datetime.now(),
            "date_deadline": False,
            "group_id": group,
            "company_id": warehouse.company_id,
        }

    @api.model
    def _prepare_gap_procurements(self, rows):
        """One procurement per row to order, on the warehouse's stock location, for Odoo's routes."""
        Procurement = self.env["procurement.group"].Procurement
        products = self.env["product.product"].browse({row["product_id"] for row in rows})
        warehouses = self.env["stock.warehouse"].browse({row["warehouse_id"] for row in rows})
        procurements = []
        for row in rows:
            product = products.browse(row["product_id"])
            warehouse = warehouses.browse(row["warehouse_id"])
            origin = self.env._("Purchase gap %(warehouse)s", warehouse=warehouse.code)
            procurements.append(
                Procurement(
                    product,
                    row["order_qty"],
                    product.uom_id,
                    warehouse.lot_stock_id,
                    product.display_name,
                    origin,
                    warehouse.company_id,
                    self._prepare_gap_procurement_values(row, warehouse, False),
                )
            )
        return procurements

    @api.model
    def _action_procure_rows(self, rows):
        """Run procurement.group.run for the rows to order; RFQs are grouped per vendor by purchase_stock.

        A procurement Odoo cannot fulfil (no vendor, no rule...) is skipped and reported, the others run.
        Returns ``(number of rows procured, [error messages])``.
        """
        rows = [
            row for row in rows if row["order_qty"] > 0 and row.get("supply_method") in ("buy", "manufacture")
        ]
        procurements = self._prepare_gap_procurements(rows)
        failed = []
        ProcurementGroup = self.env["procurement.group"].sudo()
        while procurements:
            try:
                with self.env.cr.savepoint():
                    ProcurementGroup.run(procurements, raise_user_error=False)
                break
            except ProcurementException as exc:
                bad = {(p.product_id.id, p.location_id.id) for p, _msg in exc.procurement_exceptions}
                for procurement, message in exc.procurement_exceptions:
                    failed.append(f"{procurement.product_id.display_name}: {message}")
                remaining = [p for p in procurements if (p.product_id.id, p.location_id.id) not in bad]
                if len(remaining) == len(procurements):
                    # the failing procurements are not ours (e.g. exploded kits): give up on this batch
                    remaining = []
                    failed.append(self.env._("Batch not replenished: a derived procurement failed."))
                procurements = remaining
        for message in failed:
            _logger.warning("purchase gap: procurement skipped, %s", message)
        return len(procurements), failed

    @api.model
    def _action_procure_gaps(self, warehouses=None, products=None, batch_size=0):
        """Recompute the gaps (so that what was ordered already counts as supply) and procure them.

        With ``batch_size`` (cron), commit between batches outside tests: a crash loses at most one batch,
        and the next run resumes because the RFQs/MOs already created count as supply.
        Returns ``(number of rows procured, [error messages])``.
        """
        rows = [row for row in self._compute_gap_rows(warehouses, products) if row["order_qty"] > 0]
        batch_size = batch_size or len(rows) or 1
        done, failed = 0, []
        commit = may_commit(self.env)
        for start in range(0, len(rows), batch_size):
            count, errors = self._action_procure_rows(rows[start : start + batch_size])
            done += count
            failed += errors
            if commit and batch_size < len(rows):
                self.env.cr.commit()  # pylint: disable=invalid-commit
        return done, failed

    def action_create_orders(self):
        """Button of the gap report: order the selected rows (all rows with something to order if none)."""
        self._check_gap_manager()
        records = self or self.search([("order_qty", ">", 0)])
        count, failed = self._action_procure_gaps(records.warehouse_id, records.product_id)
        self._action_refresh_report(records.warehouse_id)
        message = self.env._("%(count)s replenishment(s) launched.", count=count)
        if failed:
            message += "\n" + self.env._("Not replenished:") + "\n" + "\n".join(failed)
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": self.env._("Purchase gap"),
                "message": message,
                "type": "warning" if failed else "success" if count else "info",
                "sticky": bool(failed),
                "next": {"type": "ir.actions.act_window_close"},
            },
        }

    @api.model
    def _cron_procure_gaps(self):
        params = self.env["ir.config_parameter"].sudo()
        if params.get_param("crm_inventory_link.gap_cron_enabled") != "True":
            return
        for company in self.env["res.company"].search([]):
            gap = self.with_company(company).with_context(allowed_company_ids=company.ids)
            warehouses = gap.env["stock.warehouse"].search([("company_id", "=", company.id)])
            count, _failed = gap._action_procure_gaps(warehouses, batch_size=200)
            _logger.info("purchase gap: %s replenishments launched for %s", count, company.name)
            gap._action_refresh_report(warehouses)
