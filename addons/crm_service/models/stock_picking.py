from odoo import fields, models


class StockPicking(models.Model):
    _inherit = "stock.picking"

    service_ticket_id = fields.Many2one(
        "service.ticket", index="btree_not_null", copy=False, groups="crm_service.group_crm_service_user"
    )
