from odoo import fields, models


class StockPicking(models.Model):
    _inherit = "stock.picking"

    service_ticket_id = fields.Many2one(
        "service.ticket", index="btree_not_null", copy=False, groups="crm_service.group_crm_service_user"
    )

    def _cs_get_linked_tickets(self):
        """Service tickets about this delivery: those of its sale order and those it was returned by."""
        self.ensure_one()
        picking = self.sudo()
        tickets = picking.sale_id.service_ticket_ids | picking.return_ids.service_ticket_id
        return tickets.with_env(self.env)
