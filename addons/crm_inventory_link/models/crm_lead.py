from odoo import Command, api, fields, models


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

    @api.depends("lead_line_ids.price_subtotal")
    def _compute_lead_line_amount(self):
        if not self.env["crm.lead.line"].has_access("read"):
            self.lead_line_amount = 0.0
            return
        for lead in self:
            lead.lead_line_amount = sum(lead.lead_line_ids.mapped("price_subtotal"))

    def _prepare_opportunity_quotation_context(self):
        """Carry the opportunity's product lines into the new quotation as default order lines."""
        context = super()._prepare_opportunity_quotation_context()
        if self.env["crm.lead.line"].has_access("read") and self.lead_line_ids:
            context["default_order_line"] = self._prepare_quotation_order_line_commands()
            warehouses = self.lead_line_ids.warehouse_id
            if len(warehouses) == 1:
                context["default_warehouse_id"] = warehouses.id
        return context

    def _prepare_quotation_order_line_commands(self):
        self.ensure_one()
        return [Command.create(line._prepare_sale_order_line_values()) for line in self.lead_line_ids]
