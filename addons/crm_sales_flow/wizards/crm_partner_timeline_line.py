from odoo import fields, models
from odoo.exceptions import UserError


class CrmPartnerTimelineLine(models.TransientModel):
    _name = "crm.partner.timeline.line"
    _description = "Customer 360° Timeline Event"
    _order = "date desc, id"

    timeline_id = fields.Many2one("crm.partner.timeline", required=True, ondelete="cascade")
    date = fields.Datetime()
    day = fields.Date(help="The event's day, in the user's time zone for events with a time.")
    kind = fields.Selection(
        [
            ("lead", "Lead"),
            ("activity", "Activity"),
            ("quotation", "Quotation"),
            ("order", "Order"),
            ("delivery", "Delivery"),
            ("invoice", "Invoice"),
            ("payment", "Payment"),
            ("ticket", "Ticket"),
            ("other", "Other"),
        ]
    )
    model = fields.Char()
    res_id = fields.Integer()
    name = fields.Char("Document")
    amount = fields.Monetary()
    currency_id = fields.Many2one("res.currency")
    state = fields.Char("Status")
    user_id = fields.Many2one("res.users", "Responsible")

    def action_open_document(self):
        self.ensure_one()
        if not self.env[self.model].browse(self.res_id).has_access("read"):
            raise UserError(
                self.env._("You may see this %(kind)s in the timeline but not open it.", kind=self.kind)
            )
        return {
            "type": "ir.actions.act_window",
            "res_model": self.model,
            "res_id": self.res_id,
            "view_mode": "form",
            "target": "current",
        }
