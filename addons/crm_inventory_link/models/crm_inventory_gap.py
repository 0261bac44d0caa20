import logging
from collections import defaultdict
from datetime import datetime, time, timedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import SQL

from ..lib.gap import (
    EPSILON,
    ISSUE_NO_BOM,
    ISSUE_NO_ROUTE,
    ISSUE_NO_VENDOR,
    compute_gaps,
    merge_rows,
    to_vendor_qty,
)

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
    supplier_id = fields.Many2one(
        "product.supplierinfo",
        string="Vendor",
        domain="[('product_tmpl_id', '=', product_tmpl_id), '|', ('product_id', '=', False), "
        "('product_id', '=', product_id)]",
        help="The vendor line procurement buys from: the one Odoo selects for the quantity, or the one "
        "chosen here.",
    )
    vendor_id = fields.Many2one(
        "res.partner", string="Vendor Contact", related="supplier_id.partner_id", store=True, readonly=True
    )
    vendor_min_qty = fields.Float(
        string="Vendor Minimum",
        digits="Product Unit of Measure",
        compute="_compute_vendor_min_qty",
        store=True,
        help="The vendor's minimum quantity, converted from the purchase unit into the product's unit.",
    )
    multiple = fields.Float(digits="Product Unit of Measure", readonly=True)
    order_qty = fields.Float(string="To Order", digits="Product Unit of Measure", aggregator="sum")
    purchase_uom_id = fields.Many2one(related="product_id.uom_po_id", string="Purchase Unit")
    purchase_qty = fields.Float(
        string="To Order (Purchase Unit)",
        digits="Product Unit of Measure",
        compute="_compute_purchase_qty",
        help="What a request for quotation orders: the quantity to order in the vendor's unit, rounded up.",
    )
    manual_order = fields.Boolean(
        string="Changed by a Buyer",
        readonly=True,
        help="The quantity or the vendor was changed on the report: ordering keeps them.",
    )
    supply_method = fields.Selection(
        [("buy", "Buy"), ("manufacture", "Manufacture"), ("other", "Other")],
        readonly=True,
        default="other",
    )
    procure_issue = fields.Selection(
        [
            (ISSUE_NO_ROUTE, "No Buy or Manufacture route"),
            (ISSUE_NO_VENDOR, "No vendor"),
            (ISSUE_NO_BOM, "No bill of materials"),
            ("error", "Procurement failed"),
        ],
        string="Cannot Be Procured",
        readonly=True,
    )
    procure_error = fields.Char(string="Procurement Error", readonly=True)

    @api.depends("supplier_id.min_qty", "product_id.uom_po_id", "product_id.uom_id")
    def _compute_vendor_min_qty(self):
        for gap in self:
            uom = gap.product_id.uom_po_id
            gap.vendor_min_qty = uom._compute_quantity(
                gap.supplier_id.min_qty, gap.product_id.uom_id, round=False
            )

    @api.depends("order_qty", "product_id.uom_po_id", "supply_method")
    def _compute_purchase_qty(self):
        for gap in self:
            uom = gap.product_id.uom_po_id
            if gap.supply_method != "buy" or not uom:
                gap.purchase_qty = gap.order_qty
                continue
            factor = uom._compute_quantity(1.0, gap.product_id.uom_id, round=False)
            gap.purchase_qty = to_vendor_qty(gap.order_qty, factor, uom.rounding)

    @api.constrains("order_qty", "supplier_id", "product_id")
    def _check_buyer_changes(self):
        for gap in self:
            if gap.order_qty < 0:
                raise ValidationError(self.env._("To Order: the quantity to order cannot be negative."))
            if gap.supplier_id and gap.supplier_id.product_tmpl_id != gap.product_tmpl_id:
                raise ValidationError(
                    self.env._(
                        "Vendor: %(vendor)s does not sell %(product)s.",
                        vendor=gap.supplier_id.display_name,
                        product=gap.product_id.display_name,
                    )
                )
            if gap.order_qty and gap.order_qty < gap.vendor_min_qty - EPSILON:
                raise ValidationError(
                    self.env._(
                        "To Order: %(vendor)s sells %(product)s from %(min)s %(uom)s.",
                        vendor=gap.vendor_id.display_name,
                        product=gap.product_id.display_name,
                        min=gap.vendor_min_qty,
                        uom=gap.uom_id.name,
                    )
                )

    @api.model
    def _get_gap_editable_fields(self):
        """What buyers change on a row before ordering, as on Odoo's replenishment report."""
        return {"order_qty", "supplier_id"}

    def write(self, vals):
        if not self.env.su and set(vals) - self._get_gap_editable_fields():
            raise UserError(
                self.env._("Only the quantity to order and the vendor of a purchase gap can be changed.")
            )
        if not self.env.su:
            vals = self._prepare_gap_buyer_change(vals)
        return super().write(vals)

    def _prepare_gap_buyer_change(self, vals):
        vals = dict(vals, manual_order=True)
        if "supplier_id" in vals:
            vals["procure_issue"] = False if vals["supplier_id"] else ISSUE_NO_VENDOR
            if any(gap.supply_method != "buy" for gap in self):
                raise UserError(self.env._("Vendor: only rows to buy have a vendor."))
        return vals

    @api.onchange("supplier_id")
    def _onchange_supplier_id(self):
        """Raise the quantity to the new vendor's minimum (the constraint refuses less)."""
        if self.order_qty and self.order_qty < self.vendor_min_qty:
            self.order_qty = self.vendor_min_qty

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

    @api.model
    def _select_gap_seller(self, product, gap):
        """The vendor line procurement would use (``product._select_seller``) for ``gap`` (product unit).

        A gap below every vendor's minimum is raised to the minimum of the best vendor without a minimum
        condition, so the vendor shown is the one the rounded-up order quantity is bought from.
        """
        today = fields.Date.context_today(self)
        seller = product._select_seller(quantity=gap, date=today, uom_id=product.uom_id)
        return seller or product._select_seller(quantity=None, date=today, uom_id=product.uom_id)

    @api.model
    def _prepare_gap_vendor_values(self, product, seller):
        """Vendor of a row, its minimum converted from the purchase unit, the purchase unit's size."""
        purchase_uom = product.uom_po_id
        factor = purchase_uom._compute_quantity(1.0, product.uom_id, round=False)
        return {
            "supplier_id": seller.id,
            "vendor_id": seller.partner_id.id,
            "vendor_min_qty": (seller.min_qty or 0.0) * factor,
            "vendor_factor": factor,
            "vendor_rounding": purchase_uom.rounding,
        }

    @api.model
    def _add_vendor_data(self, rows, warehouses):
        """Vendor of the rows to buy, as procurement selects it, and whether the rows to make have a BoM."""
        products = self.env["product.product"].browse({row["product_id"] for row in rows})
        by_id = {product.id: product for product in products}  # records sharing one prefetch
        companies = {warehouse.id: warehouse.company_id for warehouse in warehouses}
        made = products.browse(row["product_id"] for row in rows if row["supply_method"] == "manufacture")
        boms = {}
        for row in rows:
            company = companies[row["warehouse_id"]]
            product = by_id[row["product_id"]].with_company(company)
            if row["supply_method"] == "buy":
                seller = self._select_gap_seller(product, row["gap"])
                row.update(self._prepare_gap_vendor_values(product, seller))
            elif row["supply_method"] == "manufacture":
                if company not in boms:
                    boms[company] = self.env["mrp.bom"]._bom_find(
                        made, company_id=company.id, bom_type="normal"
                    )
                row["has_bom"] = bool(boms[company].get(product))
        return rows

    @api.model
    def _compute_gap_rows(
        self, warehouses=None, products=None, horizon_days=None, include_opportunities=None
    ):
        """Run the engine: gather the data of all products in a few queries, compute all gaps at once.

        The gaps are computed twice: the first pass gives the quantity the vendor is selected for, the
        second applies that vendor's minimum and unit.
        """
        settings = self._get_gap_settings()
        if horizon_days is None:
            horizon_days = settings["horizon_days"]
        if include_opportunities is None:
            include_opportunities = settings["include_opportunities"]
        warehouses = warehouses if warehouses is not None else self._get_gap_warehouses()
        to_date = self._get_gap_horizon_date(horizon_days)
        rows = compute_gaps(self._gather_gap_data(to_date, warehouses, products), include_opportunities)
        results = compute_gaps(self._add_vendor_data(rows, warehouses), include_opportunities)
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
            "supplier_id": "int4",
            "vendor_id": "int4",
            "vendor_min_qty": "float8",
            "multiple": "float8",
            "order_qty": "float8",
            "supply_method": "varchar",
            "procure_issue": "varchar",
        }

    @api.model
    def _write_gap_report(self, results, warehouses, pairs=None):
        """Replace the report rows of ``warehouses`` by ``results``: one DELETE and one INSERT for all.

        With ``pairs`` (``{(product_id, warehouse_id)}``), only the rows of those pairs are replaced: the
        quantities and vendors buyers changed on the other rows stay.
        """
        self.env.flush_all()
        self.invalidate_model()
        # SQL: the report is rebuilt as a whole, without the ORM's unlink checks row by row
        if pairs is None:
            self.env.execute_query(
                SQL("DELETE FROM crm_inventory_gap WHERE warehouse_id = ANY(%s)", list(warehouses.ids))
            )
        else:
            pairs = sorted(pairs)
            self.env.execute_query(
                SQL(
                    """DELETE FROM crm_inventory_gap
                        WHERE (product_id, warehouse_id) IN (SELECT * FROM unnest(%s::int4[], %s::int4[]))""",
                    [pair[0] for pair in pairs],
                    [pair[1] for pair in pairs],
                )
            )
            results = [row for row in results if (row["product_id"], row["warehouse_id"]) in set(pairs)]
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
        # SQL: one INSERT of all rows from arrays (the ORM would insert and recompute them one by one)
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

    def _check_gap_manager(self):
        if not self.env.user.has_group("crm_inventory_link.group_crm_inventory_link_manager"):
            raise AccessError(
                self.env._("Only inventory link managers can compute purchase gaps and create orders.")
            )
