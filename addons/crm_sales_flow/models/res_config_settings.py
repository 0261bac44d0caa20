from odoo import api, fields, models
from odoo.exceptions import ValidationError


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    crm_sales_flow_purchase_interval = fields.Integer(
        "Default Purchase Interval (days)",
        config_parameter="crm_sales_flow.default_purchase_interval",
        default=90,
        help="Usual interval of a customer with a single purchase, for the dormant flag and churn warnings.",
    )
    crm_sales_flow_churn_factor = fields.Float(
        "Churn Warning Factor",
        config_parameter="crm_sales_flow.churn_factor",
        default=1.5,
        help="Warn when the time since the last invoice exceeds this many usual purchase intervals.",
    )

    crm_sales_flow_rfm_basis = fields.Selection(
        [("invoices", "Posted invoices"), ("orders", "Confirmed orders")],
        string="RFM Based On",
        config_parameter="crm_sales_flow.rfm_basis",
        default="invoices",
    )

    @api.constrains("crm_sales_flow_purchase_interval", "crm_sales_flow_churn_factor")
    def _check_crm_sales_flow_values(self):
        for settings in self:
            if settings.crm_sales_flow_purchase_interval <= 0 or settings.crm_sales_flow_churn_factor <= 0:
                raise ValidationError(
                    self.env._("The purchase interval and the churn factor must be positive.")
                )
