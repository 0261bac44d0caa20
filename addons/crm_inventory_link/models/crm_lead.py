from odoo import Command, api, fields, models
from odoo.tools import float_compare


class CrmLead(models.Model):
    _inherit = "crm.lead"

    lead_line_ids = fields.One2many(
        "crm.lead.line",
        "lead_id",
        string="Products",
        copy=True,
        groups="crm_inventory_link.group_crm_inventory_link_user",
    )
    lead_line_amount = fields.Monetary(
        string="Products Total", compute="_compute_lead_line_amount", currency_field="company_currency"
    )
    cil_revenue_from_lines = fields.Boolean(
        string="Revenue from Products",
        compute="_compute_cil_revenue_from_lines",
        help="The company rolls the products total into the expected revenue.",
    )

    @api.depends("lead_line_ids.price_subtotal")
    def _compute_lead_line_amount(self):
        if not self.env["crm.lead.line"].has_access("read"):
            self.lead_line_amount = 0.0
            return
        for lead in self:
            lead.lead_line_amount = sum(lead.lead_line_ids.mapped("price_subtotal"))

    @api.depends("company_id", "lead_line_ids")
    def _compute_cil_revenue_from_lines(self):
        for lead in self:
            lead.cil_revenue_from_lines = lead._cil_rolls_lines_into_revenue()

    def _cil_rolls_lines_into_revenue(self):
        """The company setting is on and the opportunity has products (read as superuser: a rollup)."""
        self.ensure_one()
        company = self.company_id or self.env.company
        return bool(company.cil_lead_line_revenue and self.sudo().lead_line_ids)

    @api.onchange("lead_line_ids")
    def _onchange_lead_line_ids_revenue(self):
        for lead in self.filtered(lambda ld: ld._cil_rolls_lines_into_revenue()):
            lead.expected_revenue = sum(lead.sudo().lead_line_ids.mapped("price_subtotal"))

    def _merge_dependences(self, opportunities):
        res = super()._merge_dependences(opportunities)
        opportunities.sudo().lead_line_ids._action_follow_merged_lead(self)
        return res

    def write(self, vals):
        res = super().write(vals)
        if not self.env.context.get("cil_revenue_sync") and {"expected_revenue", "company_id"} & set(vals):
            self._cil_sync_expected_revenue()
        return res

    def _cil_sync_expected_revenue(self):
        """Expected revenue = products total, where the company asks for it (derived value: superuser)."""
        for lead in self.sudo().exists().filtered(lambda ld: ld._cil_rolls_lines_into_revenue()):
            total = sum(lead.lead_line_ids.mapped("price_subtotal"))
            if float_compare(lead.expected_revenue, total, precision_rounding=lead.company_currency.rounding):
                lead.with_context(cil_revenue_sync=True).expected_revenue = total

    def _prepare_opportunity_quotation_context(self):
        """Carry the opportunity's product lines into the new quotation as default order lines."""
        context = super()._prepare_opportunity_quotation_context()
        if self.env["crm.lead.line"].has_access("read") and self.lead_line_ids:
            context["default_order_line"] = self._prepare_quotation_order_line_commands()
            pricelist = self.lead_line_ids[:1]._cil_get_pricelist()
            if pricelist:
                # known before the default lines are priced: they get the pricelist price
                context["default_pricelist_id"] = pricelist.id
            warehouses = self.lead_line_ids.warehouse_id
            if len(warehouses) == 1:
                context["default_warehouse_id"] = warehouses.id
        return context

    def _prepare_quotation_order_line_commands(self):
        self.ensure_one()
        return [Command.create(line._prepare_sale_order_line_values()) for line in self.lead_line_ids]
