from odoo import api, fields, models


class CrmLeadScoreEvent(models.Model):
    _name = "crm.lead.score.event"
    _description = "Lead Engagement Event"
    _order = "date desc, id desc"

    lead_id = fields.Many2one("crm.lead", required=True, ondelete="cascade", index=True)
    name = fields.Char(required=True)
    event_type = fields.Selection(
        [
            ("web_form", "Web form"),
            ("email", "Email"),
            ("call", "Call"),
            ("meeting", "Meeting"),
            ("visit", "Website visit"),
            ("other", "Other"),
        ],
        required=True,
        default="other",
    )
    points = fields.Integer(required=True, default=5)
    date = fields.Datetime(required=True, default=fields.Datetime.now, index=True)

    @api.model_create_multi
    def create(self, vals_list):
        events = super().create(vals_list)
        events.lead_id._lead_score_recompute()
        return events

    def write(self, vals):
        leads = self.lead_id
        res = super().write(vals)
        (leads | self.lead_id)._lead_score_recompute()
        return res

    def unlink(self):
        leads = self.lead_id
        res = super().unlink()
        leads.exists()._lead_score_recompute()
        return res
