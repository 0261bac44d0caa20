from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    cil_gap_horizon_days = fields.Integer(
        string="Purchase Gap Horizon (days)",
        config_parameter="crm_inventory_link.gap_horizon_days",
        default=30,
    )
    cil_gap_include_opportunities = fields.Boolean(
        string="Count Weighted Opportunities",
        config_parameter="crm_inventory_link.gap_include_opportunities",
    )
    cil_gap_cron_enabled = fields.Boolean(
        string="Order Purchase Gaps Nightly",
        config_parameter="crm_inventory_link.gap_cron_enabled",
    )
    cil_lead_line_revenue = fields.Boolean(related="company_id.cil_lead_line_revenue", readonly=False)
