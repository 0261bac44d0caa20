from odoo import api, fields, models

RULE_TYPES = [
    ("country", "Country"),
    ("industry", "Industry"),
    ("company_size", "Company size"),
    ("source", "Source"),
    ("tag", "Tags"),
    ("email_valid", "Valid email"),
    ("phone_valid", "Valid phone"),
]


class CrmLeadScoreRule(models.Model):
    _name = "crm.lead.score.rule"
    _description = "Lead Scoring Fit Rule"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    rule_type = fields.Selection(RULE_TYPES, required=True, default="country")
    points = fields.Integer(
        required=True, default=10, help="Points added (or removed, if negative) when it matches."
    )
    country_ids = fields.Many2many("res.country", string="Countries")
    industry_ids = fields.Many2many("res.partner.industry", string="Industries")
    source_ids = fields.Many2many("utm.source", string="Sources")
    tag_ids = fields.Many2many("crm.tag", string="Tags")
    size_min = fields.Integer("Minimum employees")
    size_max = fields.Integer("Maximum employees", help="0 means no upper bound.")

    _sql_constraints = [
        ("points_range", "CHECK(points BETWEEN -100 AND 100)", "Rule points must be between -100 and 100."),
    ]

    def _prepare_scoring_rule(self):
        self.ensure_one()
        values = {
            "country": self.country_ids.ids,
            "industry": self.industry_ids.ids,
            "source": self.source_ids.ids,
            "tag": self.tag_ids.ids,
        }.get(self.rule_type, [])
        return {
            "id": self.id,
            "name": self.name,
            "type": self.rule_type,
            "points": self.points,
            "values": values,
            "size_min": self.size_min,
            "size_max": self.size_max,
        }

    @api.model
    def _get_scoring_rules(self):
        """All active rules as plain dicts for :func:`lib.scoring.score_leads`."""
        return [rule._prepare_scoring_rule() for rule in self.sudo().search([])]

    @api.model_create_multi
    def create(self, vals_list):
        records = super().create(vals_list)
        self.env["crm.lead"]._lead_score_mark_rules_changed()
        return records

    def write(self, vals):
        res = super().write(vals)
        self.env["crm.lead"]._lead_score_mark_rules_changed()
        return res

    def unlink(self):
        res = super().unlink()
        self.env["crm.lead"]._lead_score_mark_rules_changed()
        return res
