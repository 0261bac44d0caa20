from odoo import fields, models


class SaleOrder(models.Model):
    _inherit = "sale.order"

    service_ticket_ids = fields.One2many(
        "service.ticket",
        "sale_order_id",
        string="Service Tickets",
        groups="crm_service.group_crm_service_user",
    )
    service_ticket_count = fields.Integer(compute="_compute_service_ticket_count")

    def _compute_service_ticket_count(self):
        # a count is harmless: every user of the order sees it, the tickets stay behind their rules
        counts = dict(
            self.env["service.ticket"]
            .sudo()
            ._read_group([("sale_order_id", "in", self.ids)], ["sale_order_id"], ["__count"])
        )
        for order in self:
            order.service_ticket_count = counts.get(order._origin.sudo(), 0)

    def _prepare_service_ticket_context(self):
        self.ensure_one()
        context = {
            "default_sale_order_id": self.id,
            "default_partner_id": self.partner_id.id,
            "default_company_id": self.company_id.id,
        }
        products = self.order_line.product_id.filtered(lambda p: p.type == "consu")
        if len(products) == 1:
            context["default_product_id"] = products.id
        return context

    def action_view_service_tickets(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("crm_service.action_service_ticket")
        action["domain"] = [("sale_order_id", "=", self.id)]
        action["context"] = self._prepare_service_ticket_context()
        return action

    def action_create_service_ticket(self):
        """Open a new ticket about this order (after-sales request taken by phone, for instance)."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "service.ticket",
            "view_mode": "form",
            "target": "current",
            "context": self._prepare_service_ticket_context(),
        }
