from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import float_compare

# The merge's context marker: an object, so that no RPC context (JSON) can carry it.
MERGE_TRANSITION = object()


class CrmLeadLine(models.Model):
    _name = "crm.lead.line"
    _description = "Opportunity Product Line"
    _order = "lead_id, sequence, id"

    lead_id = fields.Many2one("crm.lead", string="Opportunity", required=True, ondelete="cascade", index=True)
    sequence = fields.Integer(default=10)
    company_id = fields.Many2one(related="lead_id.company_id", store=True)
    product_id = fields.Many2one(
        "product.product",
        required=True,
        domain=[("sale_ok", "=", True)],
        index=True,
    )
    name = fields.Text(string="Description", compute="_compute_name", store=True, readonly=False)
    product_uom_qty = fields.Float(
        string="Quantity", digits="Product Unit of Measure", default=1.0, required=True
    )
    product_uom_category_id = fields.Many2one(related="product_id.uom_id.category_id")
    product_uom = fields.Many2one(
        "uom.uom",
        string="Unit of Measure",
        compute="_compute_product_uom",
        store=True,
        readonly=False,
        precompute=True,
        domain="[('category_id', '=', product_uom_category_id)]",
    )
    product_qty = fields.Float(
        string="Quantity in Product UoM",
        compute="_compute_product_qty",
        store=True,
        digits="Product Unit of Measure",
    )
    price_unit = fields.Float(
        string="Unit Price",
        digits="Product Price",
        compute="_compute_price_unit",
        store=True,
        readonly=False,
    )
    technical_price_unit = fields.Float(
        help="Last price the pricelist gave: a unit price that differs was typed by hand and is kept."
    )
    currency_id = fields.Many2one(related="lead_id.company_currency")
    price_subtotal = fields.Monetary(compute="_compute_price_subtotal", store=True, string="Subtotal")
    warehouse_id = fields.Many2one(
        "stock.warehouse",
        compute="_compute_warehouse_id",
        store=True,
        readonly=False,
        precompute=True,
    )
    free_qty = fields.Float(
        string="Free Quantity", compute="_compute_availability", digits="Product Unit of Measure"
    )
    virtual_available = fields.Float(
        string="Forecast", compute="_compute_availability", digits="Product Unit of Measure"
    )
    promised_date = fields.Datetime(compute="_compute_availability")
    availability_warning = fields.Char(
        compute="_compute_availability",
        help="Set when no date can be promised: no stock, no incoming receipt and no way to replenish.",
    )

    @api.depends("product_id")
    def _compute_name(self):
        for line in self:
            if line.product_id:
                line.name = line.product_id.get_product_multiline_description_sale()

    @api.depends("product_id")
    def _compute_product_uom(self):
        for line in self:
            if not line.product_uom or line.product_uom.category_id != line.product_id.uom_id.category_id:
                line.product_uom = line.product_id.uom_id

    @api.depends("product_uom_qty", "product_uom", "product_id")
    def _compute_product_qty(self):
        for line in self:
            if line.product_id and line.product_uom:
                line.product_qty = line.product_uom._compute_quantity(
                    line.product_uom_qty, line.product_id.uom_id, round=False
                )
            else:
                line.product_qty = line.product_uom_qty

    @api.depends("product_id", "product_uom", "product_uom_qty", "lead_id.partner_id")
    def _compute_price_unit(self):
        for line in self:
            # a price typed by hand stays (as on sale.order.line, technical_price_unit)
            if line.product_id and not line._cil_has_manual_price():
                line.price_unit = line.technical_price_unit = line._cil_get_pricelist_price()

    def _cil_get_pricelist(self):
        self.ensure_one()
        partner = self.lead_id.partner_id
        company = self.lead_id.company_id or self.env.company
        return partner.with_company(company).property_product_pricelist if partner else False

    def _cil_get_pricelist_price(self):
        """Unit price of the line as a quotation line would get it: the customer's pricelist
        (product.pricelist._get_product_price), else the sales price, in the line's unit and currency."""
        self.ensure_one()
        pricelist = self._cil_get_pricelist()
        currency = self.currency_id or self.env.company.currency_id
        if not pricelist:
            return self.product_id.uom_id._compute_price(self.product_id.lst_price, self.product_uom)
        return pricelist._get_product_price(
            self.product_id,
            self.product_uom_qty or 1.0,
            currency=currency,
            uom=self.product_uom,
            date=fields.Date.context_today(self),
        )

    def _cil_has_manual_price(self):
        """The salesperson typed another price than the pricelist gave: it stays, the quotation keeps it."""
        self.ensure_one()
        digits = self.env["decimal.precision"].precision_get("Product Price")
        return float_compare(self.price_unit, self.technical_price_unit, precision_digits=digits) != 0

    @api.depends("product_uom_qty", "price_unit")
    def _compute_price_subtotal(self):
        for line in self:
            line.price_subtotal = line.product_uom_qty * line.price_unit

    @api.depends("lead_id.company_id")
    def _compute_warehouse_id(self):
        for line in self:
            if not line.warehouse_id:
                company = line.lead_id.company_id or self.env.company
                line.warehouse_id = self.env["stock.warehouse"].search(
                    [("company_id", "=", company.id)], limit=1
                )

    @api.depends("product_id", "product_qty", "warehouse_id")
    @api.depends_context("uid")
    def _compute_availability(self):
        self.free_qty = 0.0
        self.virtual_available = 0.0
        self.promised_date = False
        self.availability_warning = False
        groups = {}
        for line in self.filtered(lambda ln: ln.product_id and ln.warehouse_id):
            groups.setdefault(line.warehouse_id, self.browse())
            groups[line.warehouse_id] |= line
        for warehouse, lines in groups.items():
            qty_by_product = {}
            for line in lines:
                qty_by_product[line.product_id.id] = (
                    qty_by_product.get(line.product_id.id, 0.0) + line.product_qty
                )
            availability = lines.product_id._cil_get_availability(warehouse, qty_by_product)
            for line in lines:
                info = availability.get(line.product_id.id)
                if not info:
                    continue
                uom = line.product_id.uom_id
                line.free_qty = uom._compute_quantity(info["free_qty"], line.product_uom, round=False)
                line.virtual_available = uom._compute_quantity(
                    info["virtual_available"], line.product_uom, round=False
                )
                line.promised_date = info["promised_date"]
                if not info["promised_date"]:
                    line.availability_warning = self.env._(
                        "No stock, no incoming receipt and no vendor or route to replenish: "
                        "no date can be promised."
                    )

    @api.model_create_multi
    def create(self, vals_list):
        # a line adds to its opportunity (and to its expected revenue): it needs the right to change it
        self.env["crm.lead"].browse(
            {vals["lead_id"] for vals in vals_list if vals.get("lead_id")}
        ).check_access("write")
        lines = super().create(vals_list)
        lines.lead_id._cil_sync_expected_revenue()
        return lines

    def write(self, vals):
        if "lead_id" in vals:
            self._check_lead_unchanged(vals["lead_id"])
        leads = self.lead_id
        res = super().write(vals)
        (leads | self.lead_id)._cil_sync_expected_revenue()
        return res

    def _check_lead_unchanged(self, lead_id):
        """A line stays on the opportunity it was created on (its rules and revenue follow that one),
        but for the merge of opportunities (``_action_follow_merged_lead``)."""
        if self.env.context.get("cil_line_move") is MERGE_TRANSITION:
            return
        if any(line.lead_id.id != lead_id for line in self):
            raise UserError(
                self.env._(
                    "Opportunity: a product line cannot be moved to another opportunity; "
                    "add the product on that opportunity instead."
                )
            )

    def _action_follow_merged_lead(self, lead):
        """The lines of merged opportunities go to the one they are merged into (Odoo's merge deletes the
        others). As superuser: the merging user may not read every merged opportunity's lines."""
        self.sudo().with_context(cil_line_move=MERGE_TRANSITION).write({"lead_id": lead.id})

    def unlink(self):
        leads = self.lead_id
        res = super().unlink()
        leads._cil_sync_expected_revenue()
        return res

    def _prepare_sale_order_line_values(self):
        """Values of the quotation line (sale.order.line) this opportunity line becomes."""
        self.ensure_one()
        values = {
            "sequence": self.sequence,
            "product_id": self.product_id.id,
            "name": self.name,
            "product_uom_qty": self.product_uom_qty,
            "product_uom": self.product_uom.id,
        }
        if self._cil_has_manual_price():
            values["price_unit"] = self.price_unit
        return values
