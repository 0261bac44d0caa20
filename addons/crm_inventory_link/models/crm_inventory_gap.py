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
    to_vendor_qty,
)


class CrmInventoryGap(models.Model):
    _name = "crm.inventory.gap"
    _inherit = ["crm.inventory.gap.data", "crm.inventory.gap.procurement"]
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
    def _select_gap_seller(self, product, gap, factor=1.0):
        """The vendor line procurement would use (``product._select_seller``) for ``gap`` (product unit).

        The quantity is given in the purchase unit (``factor`` product units each), the unit of every
        vendor line. A gap below every vendor's minimum is raised to the minimum of the vendor Odoo
        selects without a quantity, so the vendor shown is the one the rounded-up quantity is bought from.
        """
        today = fields.Date.context_today(self)
        seller = gap > 0 and product._select_seller(quantity=gap / factor, date=today)
        return seller or product._select_seller(quantity=None, date=today)

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
        sellers = products.seller_ids  # what _select_seller reads, computed for all vendor lines at once
        sellers.mapped("price_discounted")
        sellers.partner_id.mapped("active")
        companies = {warehouse.id: warehouse.company_id for warehouse in warehouses}
        made = products.browse(row["product_id"] for row in rows if row["supply_method"] == "manufacture")
        boms = {}
        for row in rows:
            company = companies[row["warehouse_id"]]
            product = by_id[row["product_id"]].with_company(company)
            if row["supply_method"] == "buy":
                factor = product.uom_po_id._compute_quantity(1.0, product.uom_id, round=False)
                seller = self._select_gap_seller(product, row["gap"], factor)
                row.update(self._prepare_gap_vendor_values(product, seller))
            elif row["supply_method"] == "manufacture":
                if company not in boms:
                    boms[company] = self._get_gap_boms(made, company)
                row["has_bom"] = bool(boms[company].get(product))
        return rows

    @api.model
    def _get_gap_boms(self, products, company):
        """{product: BoM} of the products to make, for the report's "No bill of materials".

        Read as superuser: the report only says whether a BoM exists (an inventory-link manager need not
        read bills of materials); ordering the rows still needs Manufacturing rights.
        """
        return self.env["mrp.bom"].sudo()._bom_find(products, company_id=company.id, bom_type="normal")

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
