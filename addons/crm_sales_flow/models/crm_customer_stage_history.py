from odoo import fields, models

CUSTOMER_STAGES = [
    ("potential", "Potential"),
    ("intentional", "Intentional"),
    ("signed", "Signed"),
]


class CrmCustomerStageHistory(models.Model):
    _name = "crm.customer.stage.history"
    _description = "Customer Stage History"
    _order = "date desc, id desc"

    partner_id = fields.Many2one("res.partner", required=True, ondelete="cascade", index=True)
    date = fields.Datetime(required=True, default=fields.Datetime.now, index=True)
    old_stage = fields.Selection(CUSTOMER_STAGES, string="From Stage")
    new_stage = fields.Selection(CUSTOMER_STAGES, string="To Stage", required=True)
    reason = fields.Char()
    origin = fields.Selection(
        [("automation", "Automation"), ("manual", "Manual override")], required=True, default="automation"
    )
    user_id = fields.Many2one("res.users", string="Changed By", default=lambda self: self.env.user)
