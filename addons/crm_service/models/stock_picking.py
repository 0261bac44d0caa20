from odoo import api, fields, models
from odoo.exceptions import UserError


class StockPicking(models.Model):
    _inherit = "stock.picking"

    service_ticket_id = fields.Many2one(
        "service.ticket",
        index="btree_not_null",
        copy=False,
        groups="crm_service.group_crm_service_user",
    )

    @api.constrains("service_ticket_id", "company_id")
    def _check_service_ticket_company(self):
        """A transfer is the return of a ticket of its own company (stock.picking has no automatic
        company check of its links)."""
        for picking in self.sudo().filtered("service_ticket_id"):
            if picking.service_ticket_id.company_id not in (picking.company_id, self.env["res.company"]):
                raise UserError(
                    self.env._(
                        "Service Ticket: %(ticket)s belongs to %(company)s, "
                        "not to the company of %(picking)s.",
                        ticket=picking.service_ticket_id.display_name,
                        company=picking.service_ticket_id.company_id.name,
                        picking=picking.name,
                    )
                )

    def _cs_get_linked_tickets(self):
        """Service tickets about this delivery: those of its sale order and those it was returned by."""
        self.ensure_one()
        picking = self.sudo()
        tickets = picking.sale_id.service_ticket_ids | picking.return_ids.service_ticket_id
        return tickets.with_env(self.env)
