from odoo import fields, models


class CrmLeadPoolRule(models.Model):
    _name = "crm.lead.pool.rule"
    _description = "Pool Recycle Rule"
    _order = "pool_id, days, id"

    pool_id = fields.Many2one("crm.lead.pool", required=True, ondelete="cascade", index=True)
    rule_type = fields.Selection(
        [
            ("no_followup", "No follow-up for N days"),
            ("no_opportunity", "No opportunity for N days"),
            ("not_won", "Not won for N days"),
        ],
        required=True,
        default="no_followup",
    )
    days = fields.Integer(required=True, default=30)
    keep_won = fields.Boolean("Keep won customers", default=True)
    keep_with_opportunity = fields.Boolean("Keep those with opportunities")

    _sql_constraints = [
        ("days_positive", "CHECK(days > 0)", "A recycle rule needs a positive number of days.")
    ]

    def _prepare_recycle_rule(self):
        self.ensure_one()
        return {
            "type": self.rule_type,
            "days": self.days,
            "keep_won": self.keep_won,
            "keep_with_opportunity": self.keep_with_opportunity,
        }
