from odoo import fields, models


class CrmSalesFunnelLine(models.TransientModel):
    _name = "crm.sales.funnel.line"
    _description = "Sales Funnel Stage"
    _order = "id"  # created in pipeline order

    funnel_id = fields.Many2one("crm.sales.funnel", required=True, ondelete="cascade")
    stage_id = fields.Many2one("crm.stage", readonly=True)
    current_count = fields.Integer("In Stage", readonly=True)
    reached_count = fields.Integer("Reached", readonly=True, help="Opportunities in this stage or beyond.")
    conversion_rate = fields.Float(
        "Conversion to Next Stage (%)",
        readonly=True,
        digits=(16, 1),
        help="Share of the opportunities that reached this stage and went on to the next one.",
    )
    has_conversion = fields.Boolean()
    currency_id = fields.Many2one("res.currency", default=lambda self: self.env.company.currency_id)
    expected_revenue = fields.Monetary(readonly=True)
    prorated_revenue = fields.Monetary("Weighted Revenue", readonly=True)
